/**
 * @module
 * `pay-failure`: the payment attempt ended without payment.
 */
import type { OrderStatus } from '@pay-checkout/protocol/status';

export interface PayFailureDetail {
  /** `failed`, `cancelled` or `expired`. */
  status: Extract<OrderStatus, 'failed' | 'cancelled' | 'expired'>;
  /** The order (payment attempt), when known. */
  orderId: string | null;
  /** The checkout session. */
  sessionId: string;
}

/** Fired once per order (payment attempt) that ends failed, cancelled or expired. */
export type PayFailureEvent = CustomEvent<PayFailureDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pay-failure': PayFailureEvent;
  }
}
