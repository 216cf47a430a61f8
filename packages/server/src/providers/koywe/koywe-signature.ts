/**
 * @module
 * Koywe's webhook signature: `Koywe-Signature` = lowercase hex HMAC-SHA256 of the raw body
 * bytes, keyed with the webhook endpoint's secret. No timestamp is signed
 * (docs/providers/koywe.md).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** The signature Koywe puts on `body`. */
export function signKoyweBody(secret: string, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * True when `signature` signs exactly `rawBody`. An optional `sha256=` prefix is accepted (some
 * integrations send one); missing, empty, odd-length or non-hex signatures are false, never an
 * exception. The comparison runs in constant time on equal-length digests.
 */
export function verifyKoyweSignature(
  secret: string,
  rawBody: Uint8Array,
  signature: string | null | undefined,
): boolean {
  if (typeof signature !== 'string') return false;
  const normalized = signature
    .trim()
    .replace(/^sha256=/i, '')
    .toLowerCase();
  if (!HEX_SHA256.test(normalized)) return false;
  const expected = Buffer.from(normalized, 'hex');
  const actual = createHmac('sha256', secret).update(rawBody).digest();
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
