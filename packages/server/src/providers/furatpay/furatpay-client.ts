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
import {
  classifyRefusal,
  type CallOutcome,
  oneLine,
  ProviderHttp,
  providerError,
  providerErrors,
  providerUnavailable,
  type ProviderHttpOptions,
} from '../http/provider-http.js';

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

export interface FuratPayClientOptions extends Omit<ProviderHttpOptions, 'redirect'> {
  apiKey: string;
}

const furatPay = providerErrors('FuratPay');

/** The FuratPay API. */
export class FuratPayClient {
  readonly #http: ProviderHttp;
  readonly #apiKey: string;

  constructor(options: FuratPayClientOptions) {
    this.#http = new ProviderHttp(options);
    this.#apiKey = options.apiKey;
  }

  /** The merchant's linked payment services (production and testing), as listed. */
  async linkedServices(): Promise<FuratPayService[]> {
    const body = await this.#retrying(
      'GET',
      '/payment_service/linked/list?limit=100&offset=0&status=production,testing',
    );
    if (body === null) throw furatPay.refused('the payment service list was not found');
    const list = furatPay.parse(ServiceListSchema, body);
    // One malformed entry should not hide the others.
    return list.data.flatMap((entry) => {
      const service = FuratPayServiceSchema.safeParse(entry);
      return service.success ? [service.data] : [];
    });
  }

  /** Creates an invoice; the answer carries its `id`. */
  async createInvoice(body: Record<string, unknown>): Promise<FuratPayInvoice> {
    const { outcome, attempt } = await this.#call('POST', '/invoice', body);
    if (outcome.kind === 'ok') return furatPay.parse(FuratPayInvoiceSchema, outcome.body);
    if (outcome.kind === 'conflict') {
      // After a lost first answer, 409 means the invoice exists, but FuratPay offers no lookup
      // by code: the outcome stays unknown and the caller may try again as a new attempt.
      if (attempt > 1) throw providerUnavailable('FuratPay did not confirm the invoice');
      throw furatPay.refused(outcome.message);
    }
    throw furatPay.of(outcome);
  }

  /** Reads an invoice by FuratPay's id; null when FuratPay does not know it. */
  async invoice(id: string): Promise<FuratPayInvoice | null> {
    const body = await this.#retrying('GET', `/invoice/${encodeURIComponent(id)}`);
    return body === null ? null : furatPay.parse(FuratPayInvoiceSchema, body);
  }

  /** Asks for a payment of the invoice with one service; the answer is service-specific. */
  async payInvoice(body: {
    payment_service_id: number;
    invoice_id: string;
    redirect_url?: string;
  }): Promise<Record<string, unknown>> {
    const answer = await this.#retrying('POST', '/public/invoice/pay', body);
    if (answer === null) throw furatPay.refused('the invoice was not found');
    if (typeof answer !== 'object' || Array.isArray(answer)) {
      throw providerError('FuratPay answered with an unexpected body');
    }
    return answer as Record<string, unknown>;
  }

  async #retrying(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const { outcome } = await this.#call(method, path, body);
    if (outcome.kind === 'ok') return outcome.body;
    if (outcome.kind === 'not_found') return null;
    throw furatPay.of(outcome);
  }

  /** Every FuratPay call is safe to repeat (see the module comment). */
  async #call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ outcome: CallOutcome; attempt: number }> {
    const { outcome, attempt } = await this.#http.call(method, path, {
      headers: { 'x-api-key': this.#apiKey },
      json: body,
      repeat: 'safe',
    });
    const classified = classifyRefusal(outcome, (body, status) => {
      const parsed = ErrorSchema.safeParse(body);
      return oneLine((parsed.success ? parsed.data.message : undefined) ?? `HTTP ${status}`);
    });
    return { outcome: classified, attempt };
  }
}
