/**
 * @module
 * IXOPAY's signature (docs/providers/ixopay.md), for our requests and its callbacks:
 * `X-Signature` = Base64(HMAC-SHA512(shared secret, METHOD \n bodyHash \n Content-Type \n Date
 * \n RequestURI)), bodyHash = lowercase hex SHA-512 of the raw body (MD5 in the legacy variant).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { HeaderReader } from '../provider.js';

/** What a signature covers. */
export interface IxopaySignedParts {
  method: string;
  /** The exact body bytes ('' for none). */
  body: string | Uint8Array;
  /** The exact `Content-Type` header value ('' when none was sent). */
  contentType: string;
  /** The exact `X-Date` (preferred) or `Date` header value. */
  date: string;
  /** Path plus query string, without scheme or host. */
  requestUri: string;
}

/** The content type our requests use (the one IXOPAY's own client sends). */
export const IXOPAY_CONTENT_TYPE = 'application/json; charset=utf-8';

/** How far a callback's date may be from our clock (±5 minutes). */
export const CALLBACK_TOLERANCE_MS = 5 * 60 * 1000;

/** Base64 of a 64-byte HMAC-SHA512: 86 characters and `==`. */
const BASE64_SHA512 = /^[A-Za-z0-9+/]{86}==$/;

function hmac(secret: string, parts: IxopaySignedParts, bodyHash: 'sha512' | 'md5'): Buffer {
  const hash = createHash(bodyHash).update(parts.body).digest('hex');
  const message = [
    parts.method.toUpperCase(),
    hash,
    parts.contentType,
    parts.date,
    parts.requestUri,
  ].join('\n');
  return createHmac('sha512', Buffer.from(secret, 'utf8')).update(message, 'utf8').digest();
}

/** The `X-Signature` value for `parts` under `secret`. */
export function signIxopay(
  secret: string,
  parts: IxopaySignedParts,
  bodyHash: 'sha512' | 'md5' = 'sha512',
): string {
  return hmac(secret, parts, bodyHash).toString('base64');
}

/** Options of {@link verifyIxopayCallback}. */
export interface VerifyCallbackOptions {
  secret: string;
  rawBody: Uint8Array;
  headers: HeaderReader;
  /** Path and query of the callback URL we gave IXOPAY, as IXOPAY signs it. */
  requestUri: string;
  now: Date;
  /** Also accept the legacy MD5 body hash (connector "Postback Format Version"). */
  allowMd5?: boolean;
  toleranceMs?: number;
}

/**
 * True when the callback's `X-Signature` signs exactly these bytes, headers and URI, and its
 * `X-Date`/`Date` lies within ±5 minutes of `now`. Missing or malformed headers are false,
 * never an exception; the comparison runs in constant time.
 */
export function verifyIxopayCallback(options: VerifyCallbackOptions): boolean {
  const { headers } = options;
  const signature = headers.get('x-signature')?.trim();
  const date = headers.get('x-date') ?? headers.get('date');
  if (!signature || !BASE64_SHA512.test(signature)) return false;
  if (!date || date.length > 64) return false;
  const at = Date.parse(date);
  const tolerance = options.toleranceMs ?? CALLBACK_TOLERANCE_MS;
  if (!Number.isFinite(at) || Math.abs(at - options.now.getTime()) > tolerance) return false;
  const given = Buffer.from(signature, 'base64');
  const parts: IxopaySignedParts = {
    method: 'POST',
    body: options.rawBody,
    contentType: headers.get('content-type') ?? '',
    date,
    requestUri: options.requestUri,
  };
  const matches = (bodyHash: 'sha512' | 'md5'): boolean => {
    const expected = hmac(options.secret, parts, bodyHash);
    return expected.length === given.length && timingSafeEqual(expected, given);
  };
  return matches('sha512') || (options.allowMd5 === true && matches('md5'));
}
