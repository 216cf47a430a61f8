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

/**
 * How far a callback's date may be from our clock (±5 minutes) for a success to be believed on
 * the callback alone. IXOPAY documents no replay window and does not say that its retries carry
 * a fresh date, so an older callback is still accepted; it is only confirmed first.
 */
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
  /** Also accept the legacy MD5 body hash (connector "Postback Format Version"). */
  allowMd5?: boolean;
}

/** The signed date of a callback: `X-Date` when sent, else `Date`. */
function signedDate(headers: HeaderReader): string | null {
  return headers.get('x-date') ?? headers.get('date');
}

/**
 * True when the callback's `X-Signature` signs exactly these bytes, headers (its `X-Date` or
 * `Date` among them) and URI, whatever the date says: see {@link isCallbackDateOff} for its age.
 * Missing or malformed headers are false, never an exception; the comparison runs in constant
 * time.
 */
export function verifyIxopayCallback(options: VerifyCallbackOptions): boolean {
  const { headers } = options;
  const signature = headers.get('x-signature')?.trim();
  const date = signedDate(headers);
  if (!signature || !BASE64_SHA512.test(signature)) return false;
  if (!date || date.length > 64) return false;
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

/**
 * True when the callback's signed date is further than `toleranceMs` (default ±5 minutes) from
 * `now`, or missing or unreadable: such a callback may be a replay, or a retry that kept its
 * first date.
 */
export function isCallbackDateOff(
  headers: HeaderReader,
  now: Date,
  toleranceMs: number = CALLBACK_TOLERANCE_MS,
): boolean {
  const date = signedDate(headers);
  const at = date ? Date.parse(date) : Number.NaN;
  return !Number.isFinite(at) || Math.abs(at - now.getTime()) > toleranceMs;
}
