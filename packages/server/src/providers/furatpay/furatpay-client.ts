/**
 * @module
 * A small client of FuratPay's API: JSON + `x-api-key`, a 10 s timeout per call, and retries
 * with exponential back-off and full jitter where repeating is safe.
 *
 * Reads are retried on 5xx, 429, timeouts and network errors. Creating an invoice is retried too,
 * because its merchant `code` is unique: a repeat is refused (409) instead of making a second
 * invoice. A pay request may be repeated: the invoice can only be paid once. Every failure becomes
 * an {@link ApiError}: 502 `provider_unavailable` (retryable) or 502 `provider_error` (FuratPay
 * refused, with its `message`). The API key is sent in a header and appears in no error or log.
 */
import { z } from 'zod';
import { ApiError } from '../../core/api-error.js';

/** An amount as FuratPay writes it: a JSON number, or a decimal string in some answers. */
const AmountSchema = z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/)]);

/** An invoice, with the fields we read (FuratPay sends many more). */
export const FuratPayInvoiceSchema = z.looseObject({
  id: z.union([z.string().min(1).max(100), z.number().int()]).transform(String),
  status: z.string().max(64).optional(),
  total: AmountSchema.optional(),
  currency_id: z.number().int().optional(),
  code: z.unknown().optional(),
  order_number: z.unknown().optional(),
});
export type FuratPayInvoice = z.infer<typeof FuratPayInvoiceSchema>;

/** One linked payment service. */
export const FuratPayServiceSchema = z.looseObject({
  id: z.number().int().positive(),
  name: z.string().min(1).max(100),
  logo: z.string().max(2048).nullish(),
  status: z.string().max(32).optional(),
});
export type FuratPayService = z.infer<typeof FuratPayServiceSchema>;

const ServiceListSchema = z.looseObject({ data: z.array(z.unknown()) });

const ErrorSchema = z.looseObject({ message: z.string().optional() });

export interface FuratPayClientOptions {
  apiUrl: string;
  apiKey: string;
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
  | { kind: 'conflict'; message: string }
  | { kind: 'refused'; status: number; message: string }
  | { kind: 'unavailable'; reason: string };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The FuratPay API. */
export class FuratPayClient {
  readonly #apiUrl: string;
  readonly #apiKey: string;
  readonly #timeoutMs: number;
  readonly #retryBaseMs: number;
  readonly #attempts: number;

  constructor(options: FuratPayClientOptions) {
    this.#apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.#apiKey = options.apiKey;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#retryBaseMs = options.retryBaseMs ?? 200;
    this.#attempts = options.attempts ?? 3;
  }

  /** The merchant's linked payment services (production and testing), as listed. */
  async linkedServices(): Promise<FuratPayService[]> {
    const body = await this.#retrying(
      'GET',
      '/payment_service/linked/list?limit=100&offset=0&status=production,testing',
    );
    if (body === null) throw refused('the payment service list was not found');
    const list = parse(ServiceListSchema, body);
    // One malformed entry should not hide the others.
    return list.data.flatMap((entry) => {
      const service = FuratPayServiceSchema.safeParse(entry);
      return service.success ? [service.data] : [];
    });
  }

  /** Creates an invoice; the answer carries its `id`. */
  async createInvoice(body: Record<string, unknown>): Promise<FuratPayInvoice> {
    let attempt = 0;
    for (;;) {
      attempt++;
      const outcome = await this.#call('POST', '/invoice', body);
      if (outcome.kind === 'ok') return parse(FuratPayInvoiceSchema, outcome.body);
      if (outcome.kind === 'conflict') {
        // After a lost first answer, 409 means the invoice exists, but FuratPay offers no lookup
        // by code: the outcome stays unknown and the caller may try again as a new attempt.
        if (attempt > 1) throw unavailable('FuratPay did not confirm the invoice');
        throw refused(outcome.message);
      }
      if (outcome.kind === 'unavailable' && attempt < this.#attempts) {
        await this.#backoff(attempt);
        continue;
      }
      throw toError(outcome);
    }
  }

  /** Reads an invoice by FuratPay's id; null when FuratPay does not know it. */
  async invoice(id: string): Promise<FuratPayInvoice | null> {
    const body = await this.#retrying('GET', `/invoice/${encodeURIComponent(id)}`);
    return body === null ? null : parse(FuratPayInvoiceSchema, body);
  }

  /** Asks for a payment of the invoice with one service; the answer is service-specific. */
  async payInvoice(body: {
    payment_service_id: number;
    invoice_id: string;
    redirect_url?: string;
  }): Promise<Record<string, unknown>> {
    const answer = await this.#retrying('POST', '/public/invoice/pay', body);
    if (answer === null) throw refused('the invoice was not found');
    if (typeof answer !== 'object' || Array.isArray(answer)) {
      throw new ApiError(502, 'provider_error', 'FuratPay answered with an unexpected body', {
        retryable: false,
      });
    }
    return answer as Record<string, unknown>;
  }

  async #retrying(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    let attempt = 0;
    for (;;) {
      attempt++;
      const outcome = await this.#call(method, path, body);
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

  async #call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Outcome> {
    let response: Response;
    try {
      response = await fetch(`${this.#apiUrl}${path}`, {
        method,
        headers: {
          Accept: 'application/json',
          'x-api-key': this.#apiKey,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
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
    const parsed = ErrorSchema.safeParse(payload);
    const message = (parsed.success ? parsed.data.message : undefined) ?? `HTTP ${response.status}`;
    const clean = message.replace(/\s+/g, ' ').slice(0, 200);
    if (response.status === 404) return { kind: 'not_found' };
    if (response.status === 409) return { kind: 'conflict', message: clean };
    return { kind: 'refused', status: response.status, message: clean };
  }
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new ApiError(502, 'provider_error', 'FuratPay answered with an unexpected body', {
      retryable: false,
    });
  }
  return result.data;
}

function unavailable(message: string): ApiError {
  return new ApiError(502, 'provider_unavailable', message, { retryable: true });
}

function refused(message: string): ApiError {
  return new ApiError(502, 'provider_error', `FuratPay refused the request: ${message}`, {
    retryable: false,
  });
}

function toError(outcome: Exclude<Outcome, { kind: 'ok' }>): ApiError {
  switch (outcome.kind) {
    case 'unavailable':
      return unavailable(`FuratPay is not reachable right now (${outcome.reason})`);
    case 'not_found':
      return refused('not found');
    case 'conflict':
    case 'refused':
      return refused(outcome.message);
  }
}
