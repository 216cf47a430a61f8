/**
 * @module
 * IXOPAY's request and callback signature: `X-Signature` = Base64(HMAC-SHA512(shared secret,
 * METHOD \n bodyHash \n Content-Type \n Date \n RequestURI)), where bodyHash is the lowercase
 * hex SHA-512 of the raw body (MD5 in the legacy variant). Used both to check the merchant's
 * requests and to sign the callbacks the emulator sends.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** What a signature covers. */
export interface IxopaySignatureInput {
  method: string;
  /** The exact body bytes (empty for GET). */
  body: string | Uint8Array;
  /** The exact `Content-Type` header value sent ('' when none). */
  contentType: string;
  /** The exact `X-Date` (preferred) or `Date` header value. */
  date: string;
  /** Path plus query string, no scheme or host. */
  requestUri: string;
}

/** Base64 of a 64-byte HMAC-SHA512: 86 characters and `==`. */
const BASE64_SHA512 = /^[A-Za-z0-9+/]{86}==$/;

/** The `X-Signature` value for `input` under `secret`. */
export function signIxopay(
  secret: string,
  input: IxopaySignatureInput,
  bodyHash: 'sha512' | 'md5' = 'sha512',
): string {
  const hash = createHash(bodyHash).update(input.body).digest('hex');
  const message = [
    input.method.toUpperCase(),
    hash,
    input.contentType,
    input.date,
    input.requestUri,
  ].join('\n');
  return createHmac('sha512', Buffer.from(secret, 'utf8')).update(message, 'utf8').digest('base64');
}

/** True when `signature` is the SHA-512 variant's signature of `input`; constant time. */
export function verifyIxopay(
  secret: string,
  input: IxopaySignatureInput,
  signature: string | null | undefined,
): boolean {
  if (typeof signature !== 'string' || !BASE64_SHA512.test(signature)) return false;
  const expected = Buffer.from(signIxopay(secret, input), 'base64');
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
