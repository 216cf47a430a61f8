/**
 * @module
 * FuratPay's invoice statuses mapped onto the unified set. The official plugin lower-cases the
 * word, treats `paid` and `completed` as paid, `failed`, `canceled` and `expired` as failures
 * and anything else as still pending; we keep the negative outcomes apart.
 */
import type { OrderStatus } from '@pay-checkout/protocol/status';

/** Unified status of each known FuratPay invoice status (lower case). */
export const FURATPAY_INVOICE_STATUS: Readonly<Record<string, OrderStatus>> = Object.freeze({
  pending: 'pending',
  paid: 'paid',
  completed: 'paid',
  failed: 'failed',
  canceled: 'cancelled',
  cancelled: 'cancelled',
  expired: 'expired',
});

/**
 * The unified status of a FuratPay invoice status, in any case. A word we do not know reads as
 * `pending`, as the plugin does: the status machine never moves an order backwards, so this can
 * delay an outcome but never undo one.
 */
export function mapFuratPayInvoiceStatus(status: string): OrderStatus {
  const word = status.trim().toLowerCase();
  return Object.prototype.hasOwnProperty.call(FURATPAY_INVOICE_STATUS, word)
    ? (FURATPAY_INVOICE_STATUS[word] ?? 'pending')
    : 'pending';
}
