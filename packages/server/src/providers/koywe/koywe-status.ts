/**
 * @module
 * Koywe's order statuses (and webhook event types) mapped onto the unified set.
 *
 * Koywe says to fulfil on `COMPLETED` (funds credited). `PAID` means the payer's bank confirmed
 * the payment while settlement is still running, and Koywe can still answer `FAILED` after it.
 * So `PAID` maps to `authorized` — money confirmed but not yet ours, no fulfilment — and only
 * `COMPLETED` maps to `paid`. A settlement failure after `PAID` is then a legal
 * `authorized → failed`, instead of a failure arriving after a `paid` that can never be undone.
 */
import type { OrderStatus } from '@pay-checkout/protocol/status';

/** Unified status of each Koywe order status (upper case, as the API writes them). */
export const KOYWE_ORDER_STATUS: Readonly<Record<string, OrderStatus>> = Object.freeze({
  CREATED: 'pending',
  PENDING: 'pending',
  PROCESSING: 'processing',
  // Waiting for an approval (MFA, policy POL00007): the payment is under way, not settled.
  ON_HOLD: 'processing',
  APPROVED: 'processing',
  PAID: 'authorized',
  COMPLETED: 'paid',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  CANCELED: 'cancelled',
  EXPIRED: 'expired',
  REFUNDED: 'refunded',
});

/** The unified status of a Koywe order status (any case), or null for a word we do not know. */
export function mapKoyweOrderStatus(status: string): OrderStatus | null {
  const key = status.trim().toUpperCase();
  return Object.prototype.hasOwnProperty.call(KOYWE_ORDER_STATUS, key)
    ? (KOYWE_ORDER_STATUS[key] ?? null)
    : null;
}

/**
 * The Koywe order status an `order.<event>` type stands for (`order.paid` → `PAID`,
 * `order.canceled` → `CANCELED`), or null when the type is not an order status event
 * (`order.refunded` counts; `contact.created` does not).
 */
export function statusOfEventType(type: string): string | null {
  const match = /^order\.([a-z_]+)$/i.exec(type.trim());
  if (!match?.[1]) return null;
  const word = match[1].toUpperCase();
  return mapKoyweOrderStatus(word) ? word : null;
}
