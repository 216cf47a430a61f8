/**
 * @module
 * A small client of Ivy's service API: `POST` + JSON + `X-Ivy-Api-Key`, a 10 s timeout per
 * call, and retries with exponential back-off and full jitter where repeating is safe.
 *
 * Reads are idempotent and retried on 5xx, 429, timeouts and network errors. Creating a
 * checkout session is retried too, because Ivy's unique `referenceId` turns a repeat into a
 * 409 instead of a second session. Every failure becomes an {@link ApiError}: 502
 * `provider_unavailable` (retryable) or 502 `provider_error` (Ivy refused, with its message).
 * The API key is sent in a header and appears in no error or log line.
 */
import { z } from 'zod';
import { ApiError } from '../../core/api-error.js';

const PriceSchema = z.looseObject({ total: z.number(), currency: z.string() });

export const IvySessionSchema = z.looseObject({
  id: z.string().min(1),
  referenceId: z.string(),
  status: z.string(),
  price: PriceSchema.optional(),
  expiresAt: z.number().optional(),
  redirectUrl: z.string().optional(),
  orderId: z.string().optional(),
});
export type IvySession = z.infer<typeof IvySessionSchema>;

export const IvyOrderSchema = z.looseObject({
  id: z.string().min(1),
  referenceId: z.string(),
  status: z.string(),
  price: PriceSchema,
  updatedAt: z.string().optional(),
  checkoutSessionId: z.string().optional(),
});
export type IvyOrder = z.infer<typeof IvyOrderSchema>;

export const IvyChargeSchema = z.looseObject({
  id: z.string().min(1),
  mandateId: z.string().optional(),
  orderId: z.string().optional(),
});
export type IvyCharge = z.infer<typeof IvyChargeSchema>;

const IvyErrorSchema = z.looseObject({
  message: z.string().optional(),
  code: z.string().optional(),
  param: z.string().optional(),
});

export interface IvyClientOptions {
  apiUrl: string;
  apiKey: string;
  /** Per-call timeout (default 10 000 ms). */
  timeoutMs?: number;
  /** Base of the back-off between attempts (default 200 ms). */
  retryBaseMs?: number;
  /** Total attempts for retryable calls (default 3). */
  attempts?: number;
}

/** The body of `checkout/session/create`. */
export interface IvyCreateSessionBody {
  price: { total: number; currency: string };
  referenceId: string;
  successCallbackUrl: string;
  errorCallbackUrl: string;
  locale?: string;
  expiresAt?: number;
  metadata?: Record<string, string>;
  mandate?: Record<string, unknown>;
}

/** The body of `charge/create`. */
export interface IvyCreateChargeBody {
  mandateId: string;
  price: { total: number; currency: string };
  referenceId: string;
  /** Required by Ivy: the same key and body replay the first answer instead of charging again. */
  idempotencyKey: string;
  metadata?: Record<string, string>;
}

type Outcome =
  | { kind: 'ok'; body: unknown }
  | { kind: 'not_found' }
  | { kind: 'conflict'; message: string }
  | { kind: 'refused'; status: number; message: string }
  | { kind: 'unavailable'; reason: string };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The Ivy service API. */
export class IvyClient {
  readonly #apiUrl: string;
  readonly #apiKey: string;
  readonly #timeoutMs: number;
  readonly #retryBaseMs: number;
  readonly #attempts: number;

  constructor(options: IvyClientOptions) {
    this.#apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.#apiKey = options.apiKey;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#retryBaseMs = options.retryBaseMs ?? 200;
    this.#attempts = options.attempts ?? 3;
  }

  /** Creates a checkout session; the answer carries the `redirectUrl` for the customer. */
  async createCheckoutSession(body: IvyCreateSessionBody): Promise<IvySession> {
    let attempt = 0;
    for (;;) {
      attempt++;
      const outcome = await this.#call('/api/service/checkout/session/create', body);
      if (outcome.kind === 'ok') return parse(IvySessionSchema, outcome.body);
      if (outcome.kind === 'conflict') {
        // After a lost first answer, 409 means the session exists but Ivy offers no lookup of a
        // checkout session by referenceId, so the outcome stays unknown: the caller may retry
        // with a new attempt reference.
        if (attempt > 1) throw unavailable('Ivy did not confirm the checkout session');
        throw refused(outcome.message);
      }
      if (outcome.kind === 'unavailable' && attempt < this.#attempts) {
        await this.#backoff(attempt);
        continue;
      }
      throw toError(outcome);
    }
  }

  /**
   * Charges a mandate. Retried like a read: the body's `idempotencyKey` makes a repeat return
   * the first charge instead of a second one.
   */
  async createCharge(body: IvyCreateChargeBody): Promise<IvyCharge> {
    let attempt = 0;
    for (;;) {
      attempt++;
      const outcome = await this.#call('/api/service/charge/create', body);
      if (outcome.kind === 'ok') return parse(IvyChargeSchema, outcome.body);
      if (outcome.kind === 'unavailable' && attempt < this.#attempts) {
        await this.#backoff(attempt);
        continue;
      }
      throw toError(outcome);
    }
  }

  /** Reads a checkout session by Ivy's id; null when Ivy does not know it. */
  async sessionDetails(id: string): Promise<IvySession | null> {
    const body = await this.#read('/api/service/checkout/session/details', { id });
    return body === null ? null : parse(IvySessionSchema, body);
  }

  /** Reads an order by Ivy's id or by our `referenceId`; null when there is none (yet). */
  async orderDetails(query: { id: string } | { referenceId: string }): Promise<IvyOrder | null> {
    const body = await this.#read('/api/service/order/details', query);
    return body === null ? null : parse(IvyOrderSchema, body);
  }

  async #read(path: string, body: unknown): Promise<unknown> {
    let attempt = 0;
    for (;;) {
      attempt++;
      const outcome = await this.#call(path, body);
      if (outcome.kind === 'ok') return outcome.body;
      if (outcome.kind === 'not_found') return null;
      if (outcome.kind === 'unavailable' && attempt < this.#attempts) {
        await this.#backoff(attempt);
        continue;
      }
      throw toError(outcome);
    }
  }

  /** Full jitter: a random wait between 0 and base × 2^(attempt-1). */
  #backoff(attempt: number): Promise<void> {
    return sleep(Math.random() * this.#retryBaseMs * 2 ** (attempt - 1));
  }

  async #call(path: string, body: unknown): Promise<Outcome> {
    let response: Response;
    try {
      response = await fetch(`${this.#apiUrl}${path}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'X-Ivy-Api-Key': this.#apiKey,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      const reason =
        error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'network error';
      return { kind: 'unavailable', reason };
    }
    let payload: unknown = null;
    try {
      const text = await response.text();
      payload = text ? JSON.parse(text) : null;
    } catch {
      payload = null;
    }
    if (response.status >= 200 && response.status < 300) {
      if (payload === null) return { kind: 'unavailable', reason: 'unreadable answer' };
      return { kind: 'ok', body: payload };
    }
    if (response.status >= 500 || response.status === 429 || response.status === 408) {
      return { kind: 'unavailable', reason: `HTTP ${response.status}` };
    }
    const parsed = IvyErrorSchema.safeParse(payload);
    const message = describe(parsed.success ? parsed.data : {}, response.status);
    if (response.status === 404) return { kind: 'not_found' };
    if (response.status === 409) return { kind: 'conflict', message };
    return { kind: 'refused', status: response.status, message };
  }
}

function describe(error: z.infer<typeof IvyErrorSchema>, status: number): string {
  const message = (error.message ?? `HTTP ${status}`).replace(/\s+/g, ' ').slice(0, 200);
  return error.param ? `${message} (${error.param.slice(0, 60)})` : message;
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new ApiError(502, 'provider_error', 'Ivy answered with an unexpected body', {
      retryable: false,
    });
  }
  return result.data;
}

function unavailable(message: string): ApiError {
  return new ApiError(502, 'provider_unavailable', message, { retryable: true });
}

function refused(message: string): ApiError {
  return new ApiError(502, 'provider_error', `Ivy refused the request: ${message}`, {
    retryable: false,
  });
}

function toError(outcome: Exclude<Outcome, { kind: 'ok' }>): ApiError {
  switch (outcome.kind) {
    case 'unavailable':
      return unavailable(`Ivy is not reachable right now (${outcome.reason})`);
    case 'not_found':
      return refused('not found');
    case 'conflict':
    case 'refused':
      return refused(outcome.message);
  }
}
