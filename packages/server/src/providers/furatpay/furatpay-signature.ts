/**
 * @module
 * FuratPay's webhook signature (docs/providers/furatpay.md): `X-Signature` = lowercase hex
 * HMAC-SHA256 of `data.id + data.code + data.order_number + X-Timestamp`, plain concatenation,
 * keyed with the webhook secret; `X-Timestamp` in Unix seconds within ±300 s. The body is not
 * signed, so a verified webhook proves only which invoice changed, not how.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Largest accepted distance between `X-Timestamp` and now, in seconds. */
export const FURATPAY_TOLERANCE_S = 300;

const HEX_SHA256 = /^[0-9a-f]{64}$/;
const UNIX_SECONDS = /^\d{1,12}$/;

/** The signed fields of a webhook's invoice. */
export interface FuratPaySignedFields {
  id: string;
  code: string;
  order_number: string;
}

/** The message FuratPay signs: the fields and the timestamp, concatenated and trimmed. */
export function furatPaySignedMessage(fields: FuratPaySignedFields, timestamp: string): string {
  return `${fields.id.trim()}${fields.code.trim()}${fields.order_number.trim()}${timestamp.trim()}`;
}

/** The `X-Signature` FuratPay puts on a webhook for these fields at this timestamp. */
export function signFuratPay(
  secret: string,
  fields: FuratPaySignedFields,
  timestamp: string,
): string {
  return createHmac('sha256', secret)
    .update(furatPaySignedMessage(fields, timestamp))
    .digest('hex');
}

/** A field of the invoice as the signed string: strings as they are, integers in decimal. */
function field(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return null;
}

/** Reads the signed fields from a webhook body; null when the body is not a FuratPay event. */
export function signedFields(rawBody: Uint8Array): FuratPaySignedFields | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(rawBody));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const data = (parsed as { data?: unknown }).data;
  if (typeof data !== 'object' || data === null) return null;
  const record = data as Record<string, unknown>;
  const id = field(record['id']);
  const code = field(record['code']);
  const orderNumber = field(record['order_number']);
  if (id === null || code === null || orderNumber === null) return null;
  return { id, code, order_number: orderNumber };
}

/**
 * True when `signature` and `timestamp` authenticate `rawBody`'s invoice at `nowMs`.
 * Missing, malformed, stale (> 300 s either way) or wrong values are false, never an exception;
 * the comparison is constant-time.
 */
export function verifyFuratPaySignature(
  secret: string,
  rawBody: Uint8Array,
  signature: string | null | undefined,
  timestamp: string | null | undefined,
  nowMs: number,
): boolean {
  if (typeof signature !== 'string' || typeof timestamp !== 'string') return false;
  const normalized = signature.trim().toLowerCase();
  const time = timestamp.trim();
  if (!HEX_SHA256.test(normalized) || !UNIX_SECONDS.test(time)) return false;
  if (Math.abs(Number(time) - nowMs / 1000) > FURATPAY_TOLERANCE_S) return false;
  const fields = signedFields(rawBody);
  if (!fields) return false;
  const expected = Buffer.from(normalized, 'hex');
  const actual = createHmac('sha256', secret).update(furatPaySignedMessage(fields, time)).digest();
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
