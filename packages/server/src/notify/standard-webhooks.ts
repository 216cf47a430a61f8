/**
 * @module
 * The Standard Webhooks signature (https://www.standardwebhooks.com): `v1,` + base64
 * HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>`. A secret in the `whsec_<base64>`
 * form is used as the bytes it encodes; any other secret as its UTF-8 bytes.
 *
 * Only `node:crypto`: the merchant-side helper (`@pay-checkout/server/webhooks`) imports this.
 */
import { createHmac } from 'node:crypto';

const WHSEC_PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The key bytes of a secret, or null for a `whsec_` secret that is not valid base64. */
export function secretKey(secret: string): Buffer | null {
  if (!secret.startsWith(WHSEC_PREFIX)) return Buffer.from(secret, 'utf8');
  const encoded = secret.slice(WHSEC_PREFIX.length);
  if (encoded.length === 0 || encoded.length % 4 !== 0 || !BASE64.test(encoded)) return null;
  return Buffer.from(encoded, 'base64');
}

/** The raw HMAC of one message under one key. */
export function signatureBytes(
  key: Buffer,
  id: string,
  timestamp: number | string,
  body: string | Uint8Array,
): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
}

/**
 * The `webhook-signature` header value: one `v1,<base64>` entry per secret, space-separated, so
 * that a receiver can move to a new secret while the old one still verifies.
 */
export function signatureHeader(
  keys: readonly Buffer[],
  id: string,
  timestamp: number,
  body: string,
): string {
  return keys
    .map((key) => `v1,${signatureBytes(key, id, timestamp, body).toString('base64')}`)
    .join(' ');
}
