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
import {
  classifyRefusal,
  type CallOutcome,
  oneLine,
  ProviderHttp,
  type ProviderHttpOptions,
  providerErrors,
  providerUnavailable,
} from '../http/provider-http.js';

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

export interface IvyClientOptions extends Omit<ProviderHttpOptions, 'redirect'> {
  apiKey: string;
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

const SESSION_CREATE = '/api/service/checkout/session/create';
const ivy = providerErrors('Ivy');

/** The Ivy service API. */
export class IvyClient {
  readonly #http: ProviderHttp;
  readonly #apiKey: string;

  constructor(options: IvyClientOptions) {
    this.#http = new ProviderHttp(options);
    this.#apiKey = options.apiKey;
  }

  /** Creates a checkout session; the answer carries the `redirectUrl` for the customer. */
  async createCheckoutSession(body: IvyCreateSessionBody): Promise<IvySession> {
    const { outcome, attempt } = await this.#call(SESSION_CREATE, body);
    if (outcome.kind === 'ok') return ivy.parse(IvySessionSchema, outcome.body);
    if (outcome.kind === 'conflict') {
      // After a lost first answer, 409 means the session exists but Ivy offers no lookup of a
      // checkout session by referenceId, so the outcome stays unknown: the caller may retry
      // with a new attempt reference.
      if (attempt > 1) throw providerUnavailable('Ivy did not confirm the checkout session');
      throw ivy.refused(outcome.message);
    }
    throw ivy.of(outcome);
  }

  /**
   * Charges a mandate. Retried like a read: the body's `idempotencyKey` makes a repeat return
   * the first charge instead of a second one.
   */
  async createCharge(body: IvyCreateChargeBody): Promise<IvyCharge> {
    const { outcome } = await this.#call('/api/service/charge/create', body);
    if (outcome.kind === 'ok') return ivy.parse(IvyChargeSchema, outcome.body);
    throw ivy.of(outcome);
  }

  /** Reads a checkout session by Ivy's id; null when Ivy does not know it. */
  async sessionDetails(id: string): Promise<IvySession | null> {
    const body = await this.#read('/api/service/checkout/session/details', { id });
    return body === null ? null : ivy.parse(IvySessionSchema, body);
  }

  /**
   * Reads an order; null when there is none (yet). Ivy takes one `id`, which is either its own
   * order id or the `referenceId` we gave the checkout session.
   */
  async orderDetails(id: string): Promise<IvyOrder | null> {
    const body = await this.#read('/api/service/order/details', { id });
    return body === null ? null : ivy.parse(IvyOrderSchema, body);
  }

  async #read(path: string, body: unknown): Promise<unknown> {
    const { outcome } = await this.#call(path, body);
    if (outcome.kind === 'ok') return outcome.body;
    if (outcome.kind === 'not_found') return null;
    throw ivy.of(outcome);
  }

  /** Every Ivy call is safe to repeat (see the module comment). */
  async #call(path: string, body: unknown): Promise<{ outcome: CallOutcome; attempt: number }> {
    const { outcome, attempt } = await this.#http.call('POST', path, {
      headers: { 'X-Ivy-Api-Key': this.#apiKey },
      json: body,
      repeat: 'safe',
    });
    const classified = classifyRefusal(outcome, (body, status) => {
      const parsed = IvyErrorSchema.safeParse(body);
      return describe(parsed.success ? parsed.data : {}, status);
    });
    return { outcome: classified, attempt };
  }
}

function describe(error: z.infer<typeof IvyErrorSchema>, status: number): string {
  const message = oneLine(error.message ?? `HTTP ${status}`);
  return error.param ? `${message} (${error.param.slice(0, 60)})` : message;
}
