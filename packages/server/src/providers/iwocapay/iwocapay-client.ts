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
import type { ApiError } from '../../core/api-error.js';
import {
  oneLine,
  ProviderHttp,
  providerErrors,
  type ProviderHttpOptions,
  type Repeat,
} from '../http/provider-http.js';
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

export interface IwocaPayClientOptions extends Omit<ProviderHttpOptions, 'redirect'> {
  supplierUuid: string;
  accessToken: string;
}

type Outcome =
  | { kind: 'ok'; body: unknown }
  | { kind: 'not_found' }
  | { kind: 'refused'; status: number; message: string }
  /** `certain`: iwocaPay did not process the request (safe to repeat even a create). */
  | { kind: 'unavailable'; reason: string; certain: boolean };

const iwocaPay = providerErrors('iwocaPay');

/** The iwocaPay e-commerce API of one seller. */
export class IwocaPayClient {
  readonly #http: ProviderHttp;
  readonly #supplierUuid: string;
  readonly #accessToken: string;

  constructor(options: IwocaPayClientOptions) {
    this.#http = new ProviderHttp({ ...options, redirect: 'manual' });
    this.#supplierUuid = options.supplierUuid;
    this.#accessToken = options.accessToken;
  }

  /** Creates an order; the answer carries the `order_url` for the buyer. */
  async createOrder(body: IwocaPayCreateOrderBody): Promise<IwocaPayOrder> {
    const path = `/api/lending/edge/ecommerce/seller/${encodeURIComponent(this.#supplierUuid)}/order/`;
    const outcome = await this.#call('POST', path, 'unprocessed', { data: body });
    if (outcome.kind === 'ok') return parseOrder(outcome.body);
    throw toError(outcome);
  }

  /** Reads an order by iwocaPay's id; null when iwocaPay does not know it. */
  async getOrder(id: string): Promise<IwocaPayOrder | null> {
    if (!UUID.test(id)) return null;
    const path = `/api/lending/edge/ecommerce/order/${id}/`;
    const outcome = await this.#call('GET', path, 'safe');
    if (outcome.kind === 'ok') return parseOrder(outcome.body);
    if (outcome.kind === 'not_found') return null;
    throw toError(outcome);
  }

  async #call(
    method: 'GET' | 'POST',
    path: string,
    repeat: Repeat,
    body?: unknown,
  ): Promise<Outcome> {
    const { outcome } = await this.#http.call(method, path, {
      headers: { Authorization: `Bearer ${this.#accessToken}` },
      json: body,
      repeat,
    });
    if (outcome.kind !== 'refused') return outcome;
    if (outcome.status === 404) return { kind: 'not_found' };
    return {
      kind: 'refused',
      status: outcome.status,
      message: describe(outcome.body, outcome.status),
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
  return oneLine(text);
}

function parseOrder(body: unknown): IwocaPayOrder {
  const envelope = EnvelopeSchema.safeParse(body);
  return iwocaPay.parse(IwocaPayOrderSchema, envelope.success ? envelope.data.data : undefined);
}

function toError(outcome: Exclude<Outcome, { kind: 'ok' }>): ApiError {
  switch (outcome.kind) {
    case 'unavailable':
      return iwocaPay.unreachable(outcome.reason, outcome.certain === true);
    case 'not_found':
      return iwocaPay.refused('not found (check IWOCAPAY_API_URL and IWOCAPAY_SUPPLIER_UUID)');
    case 'refused':
      return iwocaPay.refused(outcome.message);
  }
}
