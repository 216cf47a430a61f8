/**
 * @module
 * iwocaPay's order statuses mapped onto the unified set.
 */
import type { OrderStatus } from '@pay-checkout/protocol/status';

/**
 * Unified status of each iwocaPay order status. `PENDING` (the buyer started sign-up, a credit
 * decision is under way) is `processing`; `APPROVED` (approved for the amount, not yet
 * completed) is `authorized`; only `SUCCESSFUL` is `paid`. iwocaPay has no cancelled status:
 * a cancelled or declined order is `UNSUCCESSFUL`, hence `failed`.
 */
export const IWOCAPAY_ORDER_STATUS: Readonly<Record<string, OrderStatus>> = Object.freeze({
  CREATED: 'pending',
  PENDING: 'processing',
  APPROVED: 'authorized',
  SUCCESSFUL: 'paid',
  UNSUCCESSFUL: 'failed',
});

/** The unified status of an iwocaPay status word, or null for a word we do not know. */
export function mapIwocaPayStatus(status: string): OrderStatus | null {
  return Object.prototype.hasOwnProperty.call(IWOCAPAY_ORDER_STATUS, status)
    ? (IWOCAPAY_ORDER_STATUS[status] ?? null)
    : null;
}
