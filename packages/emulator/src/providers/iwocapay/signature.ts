/**
 * @module
 * iwocaPay's webhook signature: `X-Iwocapay-Hmac-Sha256` = Base64 HMAC-SHA256 of the exact body
 * bytes, keyed with the supplier access token.
 */
import { createHmac } from 'node:crypto';

/** The `X-Iwocapay-Hmac-Sha256` value for `body` under `accessToken`. */
export function signIwocaPayWebhook(accessToken: string, body: string): string {
  return createHmac('sha256', accessToken).update(body, 'utf8').digest('base64');
}
