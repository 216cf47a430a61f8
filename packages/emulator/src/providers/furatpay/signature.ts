/**
 * @module
 * FuratPay's webhook signature: `X-Signature` = lowercase hex HMAC-SHA256 of
 * `data.id + data.code + data.order_number + X-Timestamp` (plain concatenation), keyed with the
 * webhook secret. The body itself is not signed.
 */
import { createHmac } from 'node:crypto';

/** The `X-Signature` FuratPay puts on a webhook for this invoice at this timestamp. */
export function signFuratPayWebhook(
  secret: string,
  invoice: { id: string; code: string; order_number: string },
  timestamp: number | string,
): string {
  const message = `${invoice.id}${invoice.code}${invoice.order_number}${timestamp}`.trim();
  return createHmac('sha256', secret).update(message).digest('hex');
}
