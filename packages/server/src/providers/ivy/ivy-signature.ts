/**
 * @module
 * Ivy's webhook signature: `X-Ivy-Signature` = lowercase hex HMAC-SHA256 of the body, keyed
 * with the webhook signing secret (docs/providers/ivy.md).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** The signature Ivy puts on `body`. */
export function signIvyBody(secret: string, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

function matches(secret: string, body: string | Uint8Array, expected: Buffer): boolean {
  const actual = createHmac('sha256', secret).update(body).digest();
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * True when `signature` signs `rawBody`. Verifies the exact bytes first; when they fail, tries
 * the compact re-serialisation Ivy's own samples sign (`JSON.stringify(JSON.parse(body))`).
 * Missing, empty, odd-length or non-hex signatures are false, never an exception.
 */
export function verifyIvySignature(
  secret: string,
  rawBody: Uint8Array,
  signature: string | null | undefined,
): boolean {
  if (typeof signature !== 'string') return false;
  const normalized = signature.trim().toLowerCase();
  if (!HEX_SHA256.test(normalized)) return false;
  const expected = Buffer.from(normalized, 'hex');
  if (matches(secret, rawBody, expected)) return true;
  let compact: string;
  try {
    compact = JSON.stringify(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(rawBody)));
  } catch {
    return false;
  }
  return typeof compact === 'string' && matches(secret, compact, expected);
}
