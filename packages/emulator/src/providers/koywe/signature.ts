/**
 * @module
 * Koywe's webhook signature: lowercase hex HMAC-SHA256 of the exact body bytes, keyed with the
 * webhook endpoint's secret, sent as `Koywe-Signature` (no prefix, no timestamp).
 */
import { createHmac } from 'node:crypto';

/** The `Koywe-Signature` value for `body` under `secret`. */
export function signKoyweWebhook(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}
