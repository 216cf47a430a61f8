/**
 * @module
 * Ivy's order and session statuses mapped onto the unified set.
 */
import type { OrderStatus } from '@pay-checkout/protocol/status';

/**
 * Unified status of each Ivy order status. `in_refund` and `refund_failed` leave the order
 * paid (a refund in flight or a refund that failed does not change what was paid).
 */
export const IVY_ORDER_STATUS: Readonly<Record<string, OrderStatus>> = Object.freeze({
  waiting_for_payment: 'pending',
  waiting_for_bank_confirmation: 'processing',
  processing: 'processing',
  finalizing: 'processing',
  paid: 'paid',
  failed: 'failed',
  refused: 'failed',
  canceled: 'cancelled',
  in_refund: 'paid',
  refund_failed: 'paid',
  partially_refunded: 'partially_refunded',
  refunded: 'refunded',
  in_dispute: 'disputed',
  disputed: 'disputed',
});

/** The unified status of an Ivy order status, or null for a word we do not know. */
export function mapIvyOrderStatus(status: string): OrderStatus | null {
  return Object.prototype.hasOwnProperty.call(IVY_ORDER_STATUS, status)
    ? (IVY_ORDER_STATUS[status] ?? null)
    : null;
}
