/**
 * @module
 * A small client of iwocaPay's e-commerce API: JSON bodies wrapped in `data`, `Authorization:
 * Bearer <access token>`, a 10 s timeout per call, and retries with exponential back-off and
 * full jitter where repeating is safe.
 *
 * Reading an order is retried on 5xx, 429, timeouts and network errors. Creating an order is
 * retried only when iwocaPay certainly did not take it (connection refused, 429): iwocaPay has
 * no idempotency key and accepts a repeated `reference`, so repeating an ambiguous create could
 * leave two orders. Every failure becomes an {@link ApiError}: 502 `provider_unavailable`
 * (retryable) or 502 `provider_error` (iwocaPay refused, with its message). The access token is
 * sent in a header only and appears in no error or log line.
 */
import { z } from 'zod';
import { ApiError } from '../../core/api-error.js';
import type { IwocaPayTerm } from './iwocapay-markets.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An iwocaPay order as the API answers it (fields we do not use are kept, unread). */
export const IwocaPayOrderSchema = z.looseObject({
  id: z.string().regex(UUID, 'must be a UUID'),
  amount: z.number(),
  reference: z.string(),
  status: z.string().min(1).max(64),
  order_url: z.string().optional(),
  redirect_url: z.string().nullable().optional(),
  allowed_payment_terms: z.array(z.string()).optional(),
});
export type IwocaPayOrder = z.infer<typeof IwocaPayOrderSchema>;

const EnvelopeSchema = z.looseObject({ data: z.unknown() });

const ErrorBodySchema = z.looseObject({
  errors: z.array(z.looseObject({ detail: z.unknown().optional() })).optional(),
  detail: z.unknown().optional(),
});

/** The body of "create order", inside `data`. */
export interface IwocaPayCreateOrderBody {
  amount: number;
  reference: string;
  allowed_payment_terms?: IwocaPayTerm[];
  redirect_url: string;
  webhook_url: string;
  source?: string;
  meta_data?: Record<string, string>;
}

export interface IwocaPayClientOptions {
  apiUrl: string;
  supplierUuid: string;
  accessToken: string;
  /** Per-call timeout (default 10 000 ms). */
  timeoutMs?: number;
  /** Base of the back-off between attempts (default 200 ms). */
  retryBaseMs?: number;
  /** Total attempts for retryable calls (default 3). */
  attempts?: number;
}

type Outcome =
  | { kind: 'ok'; body: unknown }
  | { kind: 'not_found' }
  | { kind: 'refused'; status: number; message: string }
  /** `certain`: iwocaPay did not process the request (safe to repeat even a create). */
  | { kind: 'unavailable'; reason: string; certain: boolean };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The iwocaPay e-commerce API of one seller. */
export class IwocaPayClient {
  readonly #apiUrl: string;
  readonly #supplierUuid: string;
  readonly #accessToken: string;
  readonly #timeoutMs: number;
  readonly #retryBaseMs: number;
  readonly #attempts: number;

  constructor(options: IwocaPayClientOptions) {
    this.#apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.#supplierUuid = options.supplierUuid;
    this.#accessToken = options.accessToken;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#retryBaseMs = options.retryBaseMs ?? 200;
    this.#attempts = options.attempts ?? 3;
  }

  /** Creates an order; the answer carries the `order_url` for the buyer. */
  async createOrder(body: IwocaPayCreateOrderBody): Promise<IwocaPayOrder> {
    const path = `/api/lending/edge/ecommerce/seller/${encodeURIComponent(this.#supplierUuid)}/order/`;
    let attempt = 0;
    for (;;) {
      attempt++;
      const outcome = await this.#call('POST', path, { data: body });
      if (outcome.kind === 'ok') return parseOrder(outcome.body);
      if (outcome.kind === 'unavailable' && outcome.certain && attempt < this.#attempts) {
        await this.#backoff(attempt);
        continue;
      }
      throw toError(outcome);
    }
  }

  /** Reads an order by iwocaPay's id; null when iwocaPay does not know it. */
  async getOrder(id: string): Promise<IwocaPayOrder | null> {
    if (!UUID.test(id)) return null;
    const path = `/api/lending/edge/ecommerce/order/${id}/`;
    let attempt = 0;
    for (;;) {
      attempt++;
      const outcome = await this.#call('GET', path);
      if (outcome.kind === 'ok') return parseOrder(outcome.body);
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

  async #call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Outcome> {
    let response: Response;
    try {
      response = await fetch(`${this.#apiUrl}${path}`, {
        method,
        headers: {
          Accept: 'application/json',
          Authorization: `Bearer ${this.#accessToken}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      const timeout = error instanceof Error && error.name === 'TimeoutError';
      const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
      return {
        kind: 'unavailable',
        reason: timeout ? 'timeout' : 'network error',
        certain: code === 'ECONNREFUSED',
      };
    }
    let payload: unknown = null;
    try {
      const text = await response.text();
      payload = text ? JSON.parse(text) : null;
    } catch {
      payload = null;
    }
    if (response.status >= 200 && response.status < 300) {
      if (payload === null) {
        return { kind: 'unavailable', reason: 'unreadable answer', certain: false };
      }
      return { kind: 'ok', body: payload };
    }
    if (response.status === 429) {
      return { kind: 'unavailable', reason: 'HTTP 429', certain: true };
    }
    if (response.status >= 500 || response.status === 408) {
      return { kind: 'unavailable', reason: `HTTP ${response.status}`, certain: false };
    }
    if (response.status === 404) return { kind: 'not_found' };
    return {
      kind: 'refused',
      status: response.status,
      message: describe(payload, response.status),
    };
  }
}

/** iwocaPay's `{"errors":[{"detail":…}]}` as one short sentence. */
function describe(payload: unknown, status: number): string {
  if (status === 401) return 'the access token was not accepted (check IWOCAPAY_ACCESS_TOKEN)';
  if (status === 403) {
    return 'the access token may not act for this seller (check IWOCAPAY_SUPPLIER_UUID)';
  }
  const parsed = ErrorBodySchema.safeParse(payload);
  const details = parsed.success
    ? [...(parsed.data.errors ?? []).map((e) => e.detail), parsed.data.detail].filter(
        (d): d is string => typeof d === 'string' && d.trim() !== '',
      )
    : [];
  const text = details.length > 0 ? details.join('; ') : `HTTP ${status}`;
  return text.replace(/\s+/g, ' ').slice(0, 200);
}

function parseOrder(body: unknown): IwocaPayOrder {
  const envelope = EnvelopeSchema.safeParse(body);
  const order = envelope.success ? IwocaPayOrderSchema.safeParse(envelope.data.data) : null;
  if (!order?.success) {
    throw new ApiError(502, 'provider_error', 'iwocaPay answered with an unexpected body', {
      retryable: false,
    });
  }
  return order.data;
}

function toError(outcome: Exclude<Outcome, { kind: 'ok' }>): ApiError {
  switch (outcome.kind) {
    case 'unavailable':
      return new ApiError(
        502,
        'provider_unavailable',
        `iwocaPay is not reachable right now (${outcome.reason})`,
        { retryable: true },
      );
    case 'not_found':
      return new ApiError(
        502,
        'provider_error',
        'iwocaPay refused the request: not found (check IWOCAPAY_API_URL and IWOCAPAY_SUPPLIER_UUID)',
        {
          retryable: false,
        },
      );
    case 'refused':
      return new ApiError(
        502,
        'provider_error',
        `iwocaPay refused the request: ${outcome.message}`,
        {
          retryable: false,
        },
      );
  }
}
