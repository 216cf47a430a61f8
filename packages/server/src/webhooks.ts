/**
 * @module
 * `@pay-checkout/server/webhooks` — for the merchant's backend: checks that a notification came
 * from its pay-checkout server, in one call.
 *
 * Notifications are signed the Standard Webhooks way: headers `webhook-id`, `webhook-timestamp`
 * (Unix seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256>` entries, space-separated,
 * over `<id>.<timestamp>.<raw body>`). Depends on `node:crypto` only.
 *
 * @example
 * import { verifyWebhook } from '@pay-checkout/server/webhooks';
 * app.post('/pay-checkout/webhooks', express.raw({ type: 'application/json' }), (req, res) => {
 *   const event = verifyWebhook({
 *     payload: req.body, // the raw bytes, never re-serialised JSON
 *     headers: req.headers,
 *     secret: process.env.MERCHANT_WEBHOOK_SECRET,
 *   });
 *   // event.type === 'order.updated' → event.data.order; dedupe on req.headers['webhook-id']
 *   res.sendStatus(204);
 * });
 */
import { timingSafeEqual } from 'node:crypto';
import { secretKey, signatureBytes } from './notify/standard-webhooks.js';

/** Default tolerance for the `webhook-timestamp`, in seconds, in the past and in the future. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** An order as notifications carry it. */
export interface WebhookOrder {
  id: string;
  sessionId: string;
  /** The merchant's reference of the session or charge. */
  reference: string;
  status: string;
  provider: string;
  method: string;
  amount: { value: number; currency: string };
  /** Set on merchant-initiated charges: the mandate charged. */
  mandateId?: string;
  createdAt: string;
  updatedAt: string;
}

/** A mandate as notifications and `GET /v1/mandates/:id` carry it. */
export interface WebhookMandate {
  id: string;
  provider: string;
  reference: string;
  status: 'pending' | 'active' | 'failed' | 'revoked';
  providerMandateId: string | null;
  sessionId: string;
  cadence?: string;
  debtor?: { accountHolderName?: string; iban?: string; bic?: string };
  creditor?: { id?: string; name?: string; address?: unknown };
  bankReference?: string;
  signedAt?: string;
  failure?: { code?: string; message?: string };
  revocationReason?: 'dispute' | 'provider';
  createdAt: string;
  updatedAt: string;
  activatedAt: string | null;
  revokedAt: string | null;
}

/** A verified notification. */
export type MerchantWebhookEvent =
  | { type: 'order.updated'; timestamp: string; data: { order: WebhookOrder } }
  | { type: 'mandate.updated'; timestamp: string; data: { mandate: WebhookMandate } };

/** Why a notification was rejected. */
export type WebhookVerificationReason =
  | 'missing_headers'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'invalid_secret'
  | 'no_matching_signature'
  | 'invalid_payload';

/** Thrown by {@link verifyWebhook}; answer such a request with 400 or 401 and do nothing else. */
export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';
  constructor(
    readonly reason: WebhookVerificationReason,
    message: string,
  ) {
    super(message);
  }
}

/** Headers as `fetch` (`Headers`) or Node (`IncomingHttpHeaders`) give them. */
export type WebhookHeaders =
  { get(name: string): string | null } | Record<string, string | readonly string[] | undefined>;

export interface VerifyWebhookOptions {
  /** The raw request body, exactly as received. */
  payload: string | Uint8Array;
  headers: WebhookHeaders;
  /** `MERCHANT_WEBHOOK_SECRET`; several secrets while rotating (any one may match). */
  secret: string | readonly string[];
  /** Accepted clock difference in seconds, both directions (default 300). */
  toleranceSeconds?: number;
  /** The current time (default now); for tests. */
  now?: Date;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Record<string, string | readonly string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return typeof value === 'string' ? value : value?.[0];
}

/**
 * Verifies a notification and returns its parsed body. Throws {@link WebhookVerificationError}
 * when a header is missing, the timestamp is outside the tolerance, or no `v1` signature
 * matches any of the secrets. Signatures are compared in constant time.
 */
export function verifyWebhook(options: VerifyWebhookOptions): MerchantWebhookEvent {
  const id = header(options.headers, 'webhook-id');
  const timestamp = header(options.headers, 'webhook-timestamp');
  const signatures = header(options.headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) {
    throw new WebhookVerificationError(
      'missing_headers',
      'webhook-id, webhook-timestamp and webhook-signature are required',
    );
  }
  if (!/^\d{1,15}$/.test(timestamp)) {
    throw new WebhookVerificationError(
      'invalid_timestamp',
      'webhook-timestamp is not Unix seconds',
    );
  }
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowS = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const sentS = Number(timestamp);
  if (sentS < nowS - tolerance) {
    throw new WebhookVerificationError('timestamp_too_old', 'webhook-timestamp is too old');
  }
  if (sentS > nowS + tolerance) {
    throw new WebhookVerificationError('timestamp_too_new', 'webhook-timestamp is in the future');
  }
  const secrets = typeof options.secret === 'string' ? [options.secret] : options.secret;
  const keys = secrets.map(secretKey);
  if (keys.length === 0 || keys.some((key) => key === null || key.length === 0)) {
    throw new WebhookVerificationError('invalid_secret', 'The secret is empty or not valid base64');
  }
  const payload = options.payload;
  const expected = (keys as Buffer[]).map((key) => signatureBytes(key, id, timestamp, payload));
  let matched = false;
  for (const entry of signatures.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    const given = Buffer.from(entry.slice(comma + 1), 'base64');
    for (const candidate of expected) {
      // Checking every pair (no early exit) keeps the time independent of which one matched.
      if (given.length === candidate.length && timingSafeEqual(given, candidate)) matched = true;
    }
  }
  if (!matched) {
    throw new WebhookVerificationError('no_matching_signature', 'No signature matches');
  }
  try {
    const text =
      typeof payload === 'string'
        ? payload
        : new TextDecoder('utf-8', { fatal: true }).decode(payload);
    return JSON.parse(text) as MerchantWebhookEvent;
  } catch {
    throw new WebhookVerificationError('invalid_payload', 'The body is not JSON');
  }
}
