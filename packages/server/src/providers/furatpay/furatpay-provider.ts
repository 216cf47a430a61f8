/**
 * @module
 * The FuratPay adapter: the merchant's linked payment services as methods (`furatpay:fib`,
 * `furatpay:zaincash`…), an invoice per payment attempt and then a pay request for the chosen
 * service, whose answer becomes a QR action (FIB, FastPay) or a redirect (ZainCash, QiCard…).
 *
 * FuratPay's webhook signature covers the invoice's id, code and order number and a timestamp,
 * not the body. So a verified webhook says only "this invoice changed": its claimed status is
 * never applied; the invoice is read back from FuratPay and that answer decides.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Method } from '@pay-checkout/protocol';
import {
  fromMajorNumber,
  parseDecimal,
  toMajorNumber,
  type Money,
} from '@pay-checkout/protocol/money';
import { ApiError } from '../../core/api-error.js';
import type { OrderRecord, SessionRecord } from '../../domain/records.js';
import type {
  CreateProviderOrderInput,
  CreateProviderOrderResult,
  HeaderReader,
  ParsedWebhook,
  Provider,
  ProviderStatus,
} from '../provider.js';
import { furatPayAction } from './furatpay-action.js';
import { FuratPayClient, type FuratPayInvoice } from './furatpay-client.js';
import type { FuratPayConfig } from './furatpay-config.js';
import { invoiceBody } from './furatpay-invoice.js';
import { FURATPAY_COUNTRIES, FURATPAY_CURRENCY_IDS, furatPayCurrency } from './furatpay-markets.js';
import { ServiceCache, type OfferedService } from './furatpay-services.js';
import { verifyFuratPaySignature } from './furatpay-signature.js';
import { mapFuratPayInvoiceStatus } from './furatpay-status.js';

const IdSchema = z.union([z.string().min(1).max(200), z.number().int()]).transform(String);

const EnvelopeSchema = z.looseObject({
  type: z.string().min(1).max(100),
  data: z.looseObject({
    id: IdSchema,
    order_number: IdSchema,
    status: z.string().max(64).optional(),
  }),
});

export interface FuratPayProviderOptions extends FuratPayConfig {
  now?: () => Date;
  retryBaseMs?: number;
  /** How long the linked-service list is cached (default five minutes). */
  servicesTtlMs?: number;
}

/** The FuratPay adapter; its methods always come from FuratPay's API, so they are async. */
export type FuratPayProvider = Omit<Provider, 'methods'> & {
  methods(session: SessionRecord): Promise<Method[]>;
};

/** The invoice's total as money, when FuratPay states it readably. */
function invoiceMoney(invoice: FuratPayInvoice): Money | undefined {
  const currency = furatPayCurrency(invoice.currency_id);
  if (!currency || invoice.total === undefined) return undefined;
  try {
    return typeof invoice.total === 'number'
      ? fromMajorNumber(invoice.total, currency)
      : parseDecimal(invoice.total, currency);
  } catch {
    return undefined;
  }
}

/** Creates the FuratPay adapter. */
export function createFuratPayProvider(options: FuratPayProviderOptions): FuratPayProvider {
  const client = new FuratPayClient({
    apiUrl: options.apiUrl,
    apiKey: options.apiKey,
    ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
  });
  const now = options.now ?? (() => new Date());
  const services = new ServiceCache(client, now, options.servicesTtlMs);

  const offers = (session: SessionRecord): boolean => {
    if (session.providers && !session.providers.includes('furatpay')) return false;
    if (!FURATPAY_COUNTRIES.has(session.country)) return false;
    if (FURATPAY_CURRENCY_IDS[session.amount.currency] === undefined) return false;
    try {
      toMajorNumber(session.amount);
      return true;
    } catch {
      return false;
    }
  };

  /** The offered service behind a method id; a stale cache is refreshed once. */
  const serviceFor = async (methodId: string): Promise<OfferedService> => {
    const find = (list: OfferedService[]) => list.find((s) => s.method.id === methodId);
    const found = find(await services.get()) ?? find(await services.get({ fresh: true }));
    if (!found) {
      throw new ApiError(400, 'method_unavailable', 'FuratPay does not offer this method now');
    }
    return found;
  };

  return {
    id: 'furatpay',

    async methods(session) {
      if (!offers(session)) return [];
      return (await services.get()).map((s) => ({ ...s.method }));
    },

    async createOrder(input: CreateProviderOrderInput): Promise<CreateProviderOrderResult> {
      const { session, order } = input;
      if (!offers(session)) {
        throw new ApiError(400, 'method_unavailable', 'FuratPay does not offer this method here');
      }
      const service = await serviceFor(input.method.id);
      const invoice = await client.createInvoice(invoiceBody(session, order, now()));
      const answer = await client.payInvoice({
        payment_service_id: service.serviceId,
        invoice_id: invoice.id,
        redirect_url: input.returnUrl,
      });
      return { providerOrderId: invoice.id, action: furatPayAction(answer), status: 'pending' };
    },

    verifyWebhook(rawBody: Uint8Array, headers: HeaderReader): boolean {
      return verifyFuratPaySignature(
        options.webhookSecret,
        rawBody,
        headers.get('x-signature'),
        headers.get('x-timestamp'),
        now().getTime(),
      );
    },

    parseWebhook(rawBody: string): ParsedWebhook {
      const envelope = EnvelopeSchema.parse(JSON.parse(rawBody));
      // The body is unsigned: only its bytes identify a delivery (retries repeat them exactly).
      const dedupeKey = `furatpay:${createHash('sha256').update(rawBody).digest('hex')}`;
      const claimed =
        envelope.data.status ?? (envelope.type === 'INVOICE_PAID' ? 'paid' : 'pending');
      if (!envelope.type.toUpperCase().startsWith('INVOICE_')) {
        return { dedupeKey, reference: null, status: null, providerStatus: envelope.type };
      }
      return {
        dedupeKey,
        reference: envelope.data.order_number,
        // What the body claims only starts the check; the fetched invoice decides.
        status: mapFuratPayInvoiceStatus(claimed),
        providerStatus: claimed,
        confirmNeeded: true,
      };
    },

    async fetchStatus(order: OrderRecord): Promise<ProviderStatus | null> {
      if (!order.providerOrderId) return null;
      const invoice = await client.invoice(order.providerOrderId);
      if (!invoice) return null;
      const providerStatus = invoice.status ?? 'pending';
      const amount = invoiceMoney(invoice);
      return {
        status: mapFuratPayInvoiceStatus(providerStatus),
        providerStatus,
        ...(amount ? { amount } : {}),
      };
    },
  };
}
