/**
 * @module
 * iwocaPay's webhook signature: `X-Iwocapay-Hmac-Sha256` = Base64(HMAC-SHA256(key = the
 * supplier access token, message = the raw body bytes)), no timestamp, no prefix.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** A standard Base64 SHA-256 digest: 43 characters and one `=`. */
const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

/** The signature iwocaPay puts on `body`. */
export function signIwocaPayBody(accessToken: string, body: string | Uint8Array): string {
  return createHmac('sha256', accessToken).update(body).digest('base64');
}

/**
 * True when `signature` signs exactly `rawBody`, compared in constant time. Missing, empty,
 * malformed or wrong-length signatures are false, never an exception.
 */
export function verifyIwocaPaySignature(
  accessToken: string,
  rawBody: Uint8Array,
  signature: string | null | undefined,
): boolean {
  if (typeof signature !== 'string') return false;
  const trimmed = signature.trim();
  if (!BASE64_SHA256.test(trimmed)) return false;
  const expected = Buffer.from(trimmed, 'base64');
  const actual = createHmac('sha256', accessToken).update(rawBody).digest();
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}
