/**
 * @module
 * `pay-status`: the payment moved to another status.
 */
import type { OrderStatus } from '@pay-checkout/protocol/status';

export interface PayStatusDetail {
  /** The new unified status. */
  status: OrderStatus;
  /** The order (payment attempt), when known. */
  orderId: string | null;
}

/** Fired on every status change the element shows; never for stale or repeated statuses. */
export type PayStatusEvent = CustomEvent<PayStatusDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pay-status': PayStatusEvent;
  }
}
