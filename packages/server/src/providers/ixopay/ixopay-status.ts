/**
 * @module
 * IXOPAY's words mapped onto the unified status set: callback `result`s, Status API
 * `transactionStatus`es, and the error codes that tell a cancellation or an expiry from a
 * failure.
 */
import type { OrderStatus } from '@pay-checkout/protocol/status';

/** Error codes that mean the customer or the merchant cancelled (2002 user, 2012 cancelled). */
const CANCEL_CODES: ReadonlySet<number> = new Set([2002, 2012]);
/** Error code of an expired transaction. */
const EXPIRED_CODE = 2005;

/** The unified status of a failed transaction, by its error code. */
export function failureStatus(errorCode: number | undefined): OrderStatus {
  if (errorCode !== undefined && CANCEL_CODES.has(errorCode)) return 'cancelled';
  if (errorCode === EXPIRED_CODE) return 'expired';
  return 'failed';
}

/**
 * Unified status of a DEBIT callback's `result`: `OK` paid, `PENDING` processing (the customer
 * acted, the outcome follows), `ERROR` failed/cancelled/expired by code; `INVALID_REQUEST`
 * (known to IXOPAY's own client) failed. Null for a word we do not know.
 */
export function mapIxopayCallbackResult(
  result: string,
  errorCode: number | undefined,
): OrderStatus | null {
  switch (result) {
    case 'OK':
      return 'paid';
    case 'PENDING':
      return 'processing';
    case 'ERROR':
      return failureStatus(errorCode);
    case 'INVALID_REQUEST':
      return 'failed';
    default:
      return null;
  }
}

/**
 * Unified status of a Status API `transactionStatus`: `SUCCESS` paid, `PENDING` processing,
 * `REDIRECT` pending (waiting for the customer), `CANCELLED` cancelled, `ERROR` by code.
 */
export function mapIxopayTransactionStatus(
  status: string,
  errorCode: number | undefined,
): OrderStatus | null {
  switch (status) {
    case 'SUCCESS':
      return 'paid';
    case 'PENDING':
      return 'processing';
    case 'REDIRECT':
      return 'pending';
    case 'CANCELLED':
      return 'cancelled';
    case 'ERROR':
      return failureStatus(errorCode);
    default:
      return null;
  }
}
