/**
 * @module
 * Ivy's webhook signature: lowercase hex HMAC-SHA256 of the exact body bytes, keyed with the
 * webhook signing secret, sent as `X-Ivy-Signature`.
 */
import { createHmac } from 'node:crypto';

/** The `X-Ivy-Signature` value for `body` under `secret`. */
export function signIvyWebhook(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}
