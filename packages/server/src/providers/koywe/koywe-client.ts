/**
 * @module
 * A client of Koywe's API (`KOYWE_API_URL`, e.g. `https://api-sandbox.koywe.com/api/v1`):
 * sign-in token, payment methods, contacts and PAYIN orders.
 *
 * - The sign-in token is requested once and reused until shortly before it expires (its JWT
 *   `exp`, else one hour); concurrent callers share one sign-in. A ky `beforeRequest` hook puts
 *   it on each attempt; an `afterResponse` hook answers a 401 by dropping the token, signing in
 *   again once and repeating the request (the repeat counts as one of the call's attempts). The
 *   token and the secret appear in no error and no log line.
 * - Every attempt has a timeout (10 s). Reads, contact creation and order creation are retried
 *   with exponential back-off and full jitter on 5xx, 408, 429, timeouts and network errors:
 *   order creation is safe to repeat because Koywe refuses a second order with the same
 *   `externalId` (409), which the caller resolves by looking the order up.
 * - Koywe's two error shapes are read (`{statusCode, errorCode, message}` and
 *   `{ok:false, error:{code, message}}`); failures become {@link KoyweError}s that the adapter
 *   turns into API errors.
 */
import ky, { type AfterResponseHook, type BeforeRequestHook } from 'ky';
import { z } from 'zod';
import { type HttpOutcome, ProviderHttp, type ProviderHttpOptions } from '../http/provider-http.js';

/** A payment method as `GET /payment-method` lists it. */
export const KoywePaymentMethodSchema = z.looseObject({
  method: z.string().min(1).max(64),
  name: z.string().max(200).optional(),
  supportedCountries: z.array(z.string()).optional(),
  supportedCurrencies: z.array(z.string()).optional(),
  extra: z.unknown().optional(),
});
export type KoywePaymentMethod = z.infer<typeof KoywePaymentMethodSchema>;

/** A Koywe order as create and read answer it. */
export const KoyweOrderSchema = z.looseObject({
  id: z.string().min(1).max(200),
  status: z.string().min(1).max(64),
  type: z.string().optional(),
  amountIn: z.number().optional(),
  originCurrencySymbol: z.string().optional(),
  destinationCurrencySymbol: z.string().optional(),
  externalId: z.string().optional(),
  paymentUrl: z.string().optional().nullable(),
  providedAction: z.unknown().optional(),
});
export type KoyweOrder = z.infer<typeof KoyweOrderSchema>;

const ContactSchema = z.looseObject({ id: z.string().min(1).max(200) });
const TokenSchema = z.looseObject({
  token: z.string().min(1).max(8192).optional(),
  accessToken: z.string().min(1).max(8192).optional(),
});
const ErrorShapeSchema = z.looseObject({
  errorCode: z.string().optional(),
  code: z.string().optional(),
  message: z.union([z.string(), z.array(z.string())]).optional(),
  error: z.looseObject({ code: z.string().optional(), message: z.string().optional() }).optional(),
});

/** Why a Koywe call did not succeed. */
export type KoyweFailure =
  /** Koywe could not be reached or answered 5xx/408/429/garbage: try again later. */
  | { kind: 'unavailable'; reason: string }
  /** Koywe answered 401 even with a fresh token (wrong key or secret). */
  | { kind: 'unauthorized' }
  /** Koywe refused the request (4xx) with its code and message. */
  | { kind: 'refused'; status: number; code: string | undefined; message: string }
  /** Koywe answered successfully with a body we cannot read. */
  | { kind: 'malformed' };

/** A failed Koywe call. Its message never contains credentials or tokens. */
export class KoyweError extends Error {
  override name = 'KoyweError';
  constructor(readonly failure: KoyweFailure) {
    super(describeFailure(failure));
  }
}

function describeFailure(failure: KoyweFailure): string {
  switch (failure.kind) {
    case 'unavailable':
      return `Koywe is not reachable right now (${failure.reason})`;
    case 'unauthorized':
      return 'Koywe refused our credentials';
    case 'refused':
      return `Koywe refused the request: ${failure.code ? `${failure.code} ` : ''}${failure.message}`;
    case 'malformed':
      return 'Koywe answered with an unexpected body';
  }
}

/** Options of {@link KoyweClient}. */
export interface KoyweClientOptions extends Omit<ProviderHttpOptions, 'redirect'> {
  apiKey: string;
  secret: string;
  orgId: string;
  merchantId: string;
  /** Renew the token this long before it expires (default 60 000 ms). */
  tokenMarginMs?: number;
  /** Clock (tests). */
  now?: () => number;
}

/**
 * One entry of a PAYIN order's `paymentMethods`. PSE names the customer's bank as Koywe's
 * curl and step-by-step examples do: `extra: { bankAccount: { name: "BANCOLOMBIA" } }`.
 */
export interface KoyweOrderPaymentMethod {
  method: string;
  extra?: { bankAccount: { name: string } };
}

/** The body of a PAYIN order. */
export interface KoyweCreateOrderBody {
  type: 'PAYIN';
  originCurrencySymbol: string;
  destinationCurrencySymbol: string;
  amountIn: number;
  description: string;
  externalId: string;
  contactId: string;
  paymentMethods: [KoyweOrderPaymentMethod];
  successUrl: string;
  failedUrl: string;
}

/** The body of a contact. */
export interface KoyweContactBody {
  fullName: string;
  countrySymbol: string;
  documentType: string;
  documentNumber: string;
  businessType: 'PERSON' | 'COMPANY';
  email?: string;
  phone?: string;
}

type Outcome = { ok: true; status: number; body: unknown } | { ok: false; failure: KoyweFailure };

const DEFAULT_TOKEN_LIFETIME_MS = 60 * 60 * 1000;

/** The Koywe API, signed in. */
export class KoyweClient {
  readonly #http: ProviderHttp;
  readonly #apiKey: string;
  readonly #secret: string;
  readonly #merchantPath: string;
  readonly #tokenMarginMs: number;
  readonly #now: () => number;
  #token: { value: string; renewAt: number } | null = null;
  #signingIn: Promise<string> | null = null;
  /** How many times this client signed in (observability and tests). */
  signIns = 0;

  constructor(options: KoyweClientOptions) {
    this.#http = new ProviderHttp(options);
    this.#apiKey = options.apiKey;
    this.#secret = options.secret;
    this.#merchantPath = `/organizations/${encodeURIComponent(options.orgId)}/merchants/${encodeURIComponent(options.merchantId)}`;
    this.#tokenMarginMs = options.tokenMarginMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** The payment methods Koywe offers for a country and currency. */
  async paymentMethods(country: string, currency: string): Promise<KoywePaymentMethod[]> {
    const query = new URLSearchParams({ countrySymbol: country, currencySymbol: currency });
    const body = await this.#retrying('GET', `/payment-method?${query}`);
    const list = Array.isArray(body)
      ? body
      : body && typeof body === 'object' && Array.isArray((body as { data?: unknown }).data)
        ? (body as { data: unknown[] }).data
        : null;
    if (!list) throw new KoyweError({ kind: 'malformed' });
    // One unreadable entry must not hide the others.
    return list.flatMap((entry) => {
      const parsed = KoywePaymentMethodSchema.safeParse(entry);
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** Creates a contact; returns its id. */
  async createContact(body: KoyweContactBody): Promise<string> {
    const answer = await this.#retrying('POST', `${this.#merchantPath}/contacts`, body);
    return parse(ContactSchema, answer).id;
  }

  /**
   * Creates a PAYIN order. When Koywe already holds an order with this `externalId` (a repeat
   * after a lost answer, or a retry of ours), that order is read back and returned instead.
   */
  async createOrder(body: KoyweCreateOrderBody): Promise<KoyweOrder> {
    try {
      return parse(
        KoyweOrderSchema,
        await this.#retrying('POST', `${this.#merchantPath}/orders`, body),
      );
    } catch (error) {
      if (!(error instanceof KoyweError) || !isDuplicate(error.failure)) throw error;
      const existing = await this.orderByExternalId(body.externalId);
      if (!existing) throw error;
      return existing;
    }
  }

  /** Reads an order by Koywe's id; null when Koywe does not know it. */
  async order(id: string): Promise<KoyweOrder | null> {
    try {
      return parse(
        KoyweOrderSchema,
        await this.#retrying('GET', `${this.#merchantPath}/orders/${encodeURIComponent(id)}`),
      );
    } catch (error) {
      if (error instanceof KoyweError && error.failure.kind === 'refused') {
        if (error.failure.status === 404) return null;
      }
      throw error;
    }
  }

  /** Finds the order with our `externalId`; null when there is none. */
  async orderByExternalId(externalId: string): Promise<KoyweOrder | null> {
    const query = new URLSearchParams({ externalId });
    const body = await this.#retrying('GET', `${this.#merchantPath}/orders?${query}`);
    const list = Array.isArray(body)
      ? body
      : body && typeof body === 'object' && Array.isArray((body as { data?: unknown }).data)
        ? (body as { data: unknown[] }).data
        : null;
    if (!list) throw new KoyweError({ kind: 'malformed' });
    for (const entry of list) {
      const parsed = KoyweOrderSchema.safeParse(entry);
      if (parsed.success && parsed.data.externalId === externalId) return parsed.data;
    }
    return null;
  }

  /** Forgets the token (the next call signs in again). */
  dropToken(): void {
    this.#token = null;
  }

  async #retrying(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const { outcome } = await this.#http.call(method, path, {
      json: body,
      repeat: 'safe',
      hooks: { beforeRequest: [this.#authorize], afterResponse: [this.#renewOn401()] },
    });
    const read = readOutcome(outcome, true);
    if (read.ok) return read.body;
    throw new KoyweError(read.failure);
  }

  /** Puts the current token (signing in when there is none) on each attempt. */
  readonly #authorize: BeforeRequestHook = async (request) => {
    request.headers.set('Authorization', `Bearer ${await this.#currentToken()}`);
  };

  /**
   * Answers the first 401 of one call: the token may have been revoked or expired early, so it is
   * dropped (unless another call already renewed it), a new one is signed in for and the request
   * is repeated at once. A second 401 stands.
   */
  #renewOn401(): AfterResponseHook {
    let renewed = false;
    return async (request, options, response, { retryCount }) => {
      if (response.status !== 401 || renewed || retryCount >= (options.retry.limit ?? 0)) return;
      renewed = true;
      const used = request.headers.get('Authorization');
      if (this.#token && used === `Bearer ${this.#token.value}`) this.#token = null;
      await this.#currentToken();
      return ky.retry({ delay: 0 });
    };
  }

  #currentToken(): Promise<string> {
    if (this.#token && this.#now() < this.#token.renewAt) return Promise.resolve(this.#token.value);
    this.#signingIn ??= this.#signIn().finally(() => {
      this.#signingIn = null;
    });
    return this.#signingIn;
  }

  async #signIn(): Promise<string> {
    const { outcome } = await this.#http.call('POST', '/auth/sign-in', {
      json: { apiKey: this.#apiKey, secret: this.#secret },
      repeat: 'safe',
      hooks: {
        beforeRequest: [
          () => {
            this.signIns++;
          },
        ],
      },
    });
    const read = readOutcome(outcome, false);
    if (!read.ok) {
      // A refused sign-in (400/403 as well as 401) means the credentials are wrong.
      if (read.failure.kind === 'refused') throw new KoyweError({ kind: 'unauthorized' });
      throw new KoyweError(read.failure);
    }
    const parsed = TokenSchema.safeParse(read.body);
    // Some answers name the field `accessToken`; take whichever is there.
    const value = parsed.success ? (parsed.data.token ?? parsed.data.accessToken) : undefined;
    if (!value) throw new KoyweError({ kind: 'malformed' });
    const now = this.#now();
    const expiresAt = Math.min(jwtExpiry(value) ?? Infinity, now + DEFAULT_TOKEN_LIFETIME_MS);
    this.#token = { value, renewAt: Math.max(now, expiresAt - this.#tokenMarginMs) };
    return value;
  }
}

/** A call's outcome in Koywe's terms; `authorized` says the call carried a token. */
function readOutcome(outcome: HttpOutcome, authorized: boolean): Outcome {
  if (outcome.kind === 'ok') return { ok: true, status: outcome.status, body: outcome.body };
  if (outcome.kind === 'unavailable') {
    return { ok: false, failure: { kind: 'unavailable', reason: outcome.reason } };
  }
  const { status } = outcome;
  if (status === 401 && authorized) return { ok: false, failure: { kind: 'unauthorized' } };
  const error = ErrorShapeSchema.safeParse(outcome.body);
  const data = error.success ? error.data : {};
  const rawMessage = Array.isArray(data.message)
    ? data.message.join('; ')
    : (data.message ?? data.error?.message ?? `HTTP ${status}`);
  return {
    ok: false,
    failure: {
      kind: 'refused',
      status,
      code: sanitize(data.errorCode ?? data.error?.code ?? data.code, 40),
      message: sanitize(rawMessage, 200) ?? `HTTP ${status}`,
    },
  };
}

/** True for Koywe's answer to a repeated `externalId`. */
function isDuplicate(failure: KoyweFailure): boolean {
  return failure.kind === 'refused' && failure.status === 409;
}

/** One line of at most `max` printable characters (provider text goes into our errors). */
function sanitize(text: string | undefined, max: number): string | undefined {
  if (text === undefined) return undefined;
  return text
    .replace(/[^\x20-\x7e\u00a0-\uffff]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
}

/** The `exp` of a JWT in epoch milliseconds, or null when it has none we can read. */
export function jwtExpiry(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    const exp = (claims as { exp?: unknown } | null)?.exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : null;
  } catch {
    return null;
  }
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw new KoyweError({ kind: 'malformed' });
  return result.data;
}
