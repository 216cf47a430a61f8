/**
 * @module
 * The Koywe adapter: local LatAm methods (PSE, Nequi, Pix, SPEI, Khipu…) from Koywe's
 * payment-method API, one PAYIN order per attempt for a contact made from the customer's
 * document, Koywe's hosted payment page (redirect flow), webhooks signed with
 * `Koywe-Signature`, statuses read back by order id or by our `externalId`.
 *
 * Koywe signs no timestamp, so any webhook that would make an order paid is confirmed through
 * Koywe's API before it is applied (the webhook route does that on `confirmNeeded`).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { FieldIssue, Method } from '@pay-checkout/protocol';
import { fromMajorNumber, toMajorNumber, type Money } from '@pay-checkout/protocol/money';
import { isPaidFamily, type OrderStatus } from '@pay-checkout/protocol/status';
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
import {
  KoyweClient,
  KoyweError,
  type KoyweContactBody,
  type KoyweOrder,
  type KoywePaymentMethod,
} from './koywe-client.js';
import type { KoyweConfig } from './koywe-config.js';
import { checkDocument, documentTypesFor } from './koywe-documents.js';
import { KOYWE_FIELDS, koyweMethodCode, orderPaymentMethod, toMethods } from './koywe-methods.js';
import { verifyKoyweSignature } from './koywe-signature.js';
import { mapKoyweOrderStatus, statusOfEventType } from './koywe-status.js';

/** Default life of a cached method list. */
const METHODS_TTL_MS = 10 * 60 * 1000;
/** At most this many country/currency lists are cached. */
const METHODS_CACHE_SIZE = 64;
/** At most this many contacts are remembered for reuse. */
const CONTACT_CACHE_SIZE = 1000;

const EnvelopeSchema = z.looseObject({
  id: z.string().min(1).max(256),
  type: z.string().min(1).max(100),
  data: z
    .looseObject({
      orderId: z.string().max(256).optional(),
      externalId: z.string().min(1).max(256).optional(),
      status: z.string().max(64).optional(),
      amountIn: z.number().optional(),
      originCurrencySymbol: z.string().max(8).optional(),
    })
    .optional(),
});

/** Options of {@link createKoyweProvider}. */
export interface KoyweProviderOptions extends KoyweConfig {
  now?: () => Date;
  /** Base of the client's retry back-off (default 200 ms). */
  retryBaseMs?: number;
  /** Per-call timeout (default 10 000 ms). */
  timeoutMs?: number;
  /** Life of a cached method list (default 10 minutes). */
  methodsTtlMs?: number;
  /** The fetch to call Koywe with (tests). */
  fetch?: typeof fetch;
}

/** The Koywe adapter, plus its client for observability. */
export type KoyweProvider = Omit<Provider, 'methods'> & {
  /** Koywe's methods always come from its API, hence always asynchronously. */
  methods(session: SessionRecord): Promise<Method[]>;
  readonly client: KoyweClient;
};

function moneyOf(amount: number | undefined, currency: string | undefined): Money | undefined {
  if (amount === undefined || currency === undefined) return undefined;
  try {
    return fromMajorNumber(amount, currency);
  } catch {
    return undefined;
  }
}

/** The hosted-page URL of a created order: `paymentUrl`, else `providedAction` (string or `{url}`). */
export function paymentUrlOf(order: KoyweOrder): string | null {
  const action = order.providedAction;
  const candidates = [
    order.paymentUrl,
    typeof action === 'string' ? action : undefined,
    action && typeof action === 'object' ? (action as { url?: unknown }).url : undefined,
  ];
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && /^https?:\/\//i.test(candidate)) {
      if (URL.canParse(candidate)) return candidate;
    }
  }
  return null;
}

/** The API error a Koywe failure becomes. */
export function toApiError(error: unknown): unknown {
  if (!(error instanceof KoyweError)) return error;
  const { failure } = error;
  if (failure.kind === 'unavailable') {
    return new ApiError(502, 'provider_unavailable', error.message, { retryable: true });
  }
  return new ApiError(502, 'provider_error', error.message, { retryable: false });
}

function fieldError(name: string, message: string): ApiError {
  return new ApiError(400, 'invalid_request', 'The request has invalid fields', {
    details: { issues: [{ path: `fields.${name}`, message }] },
  });
}

/** Creates the Koywe adapter. */
export function createKoyweProvider(options: KoyweProviderOptions): KoyweProvider {
  const now = options.now ?? (() => new Date());
  const client = new KoyweClient({
    apiUrl: options.apiUrl,
    apiKey: options.apiKey,
    secret: options.secret,
    orgId: options.orgId,
    merchantId: options.merchantId,
    now: () => now().getTime(),
    ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const ttl = options.methodsTtlMs ?? METHODS_TTL_MS;
  const methodCache = new Map<string, { at: number; list: Promise<KoywePaymentMethod[]> }>();
  const contacts = new Map<string, string>();

  const listFor = (country: string, currency: string): Promise<KoywePaymentMethod[]> => {
    const key = `${country}:${currency}`;
    const at = now().getTime();
    const cached = methodCache.get(key);
    if (cached && at - cached.at < ttl) return cached.list;
    const list = client.paymentMethods(country, currency);
    methodCache.delete(key);
    methodCache.set(key, { at, list });
    // A failed answer is not kept: the next session asks again.
    list.catch(() => {
      if (methodCache.get(key)?.list === list) methodCache.delete(key);
    });
    while (methodCache.size > METHODS_CACHE_SIZE) {
      const oldest = methodCache.keys().next().value;
      if (oldest === undefined) break;
      methodCache.delete(oldest);
    }
    return list;
  };

  const offers = (session: SessionRecord): boolean => {
    if (session.providers && !session.providers.includes('koywe')) return false;
    // Without a document type for the country no contact, hence no order, can be made.
    if (documentTypesFor(session.country).length === 0) return false;
    try {
      toMajorNumber(session.amount);
      return true;
    } catch {
      return false;
    }
  };

  const methods = async (session: SessionRecord): Promise<Method[]> => {
    if (!offers(session)) return [];
    try {
      return toMethods(await listFor(session.country, session.amount.currency), session);
    } catch (error) {
      throw toApiError(error);
    }
  };

  /** The contact for this customer: reused when we made it before, else created. */
  const contactFor = async (body: KoyweContactBody): Promise<string> => {
    const key = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    const known = contacts.get(key);
    if (known) return known;
    let id: string;
    try {
      id = await client.createContact(body);
    } catch (error) {
      if (error instanceof KoyweError && error.failure.kind === 'refused') {
        // Koywe's own document check (DC…) is stricter than ours: the customer can fix it.
        if (error.failure.code?.startsWith('DC')) {
          throw fieldError(KOYWE_FIELDS.documentNumber, 'was not accepted by the payment provider');
        }
      }
      throw toApiError(error);
    }
    contacts.set(key, id);
    if (contacts.size > CONTACT_CACHE_SIZE) {
      const oldest = contacts.keys().next().value;
      if (oldest !== undefined) contacts.delete(oldest);
    }
    return id;
  };

  const statusOf = (order: KoyweOrder): ProviderStatus | null => {
    const status = mapKoyweOrderStatus(order.status);
    if (!status) return null;
    const amount = moneyOf(order.amountIn, order.originCurrencySymbol);
    return { status, providerStatus: order.status, ...(amount ? { amount } : {}) };
  };

  return {
    id: 'koywe',
    client,
    methods,

    validateFields({ session, method, fields }) {
      const code = koyweMethodCode(method.id);
      return code ? readCustomerFields(session, code, fields).issues : [];
    },

    async createOrder(input: CreateProviderOrderInput): Promise<CreateProviderOrderResult> {
      const { session, order, fields } = input;
      const code = koyweMethodCode(input.method.id);
      if (!offers(session) || !code) {
        throw new ApiError(400, 'method_unavailable', 'Koywe does not offer this method here');
      }
      const { issues, fullName, checked } = readCustomerFields(session, code, fields);
      const bank = fields[KOYWE_FIELDS.bank]?.trim();
      if (issues.length > 0 || !checked?.ok) {
        throw new ApiError(400, 'invalid_request', 'The request has invalid fields', {
          details: { issues },
        });
      }

      const customer = session.customer;
      const contactId = await contactFor({
        fullName: fullName.slice(0, 200),
        countrySymbol: session.country,
        documentType: checked.type.code,
        documentNumber: checked.number,
        businessType: checked.type.company ? 'COMPANY' : 'PERSON',
        ...(customer?.email ? { email: customer.email } : {}),
        ...(customer?.phone ? { phone: customer.phone } : {}),
      });

      let created: KoyweOrder;
      try {
        created = await client.createOrder({
          type: 'PAYIN',
          originCurrencySymbol: order.amount.currency,
          destinationCurrencySymbol: order.amount.currency,
          amountIn: toMajorNumber(order.amount),
          description: (session.description ?? `Order ${session.reference}`).slice(0, 200),
          externalId: order.providerReference,
          contactId,
          paymentMethods: [orderPaymentMethod(code, bank)],
          successUrl: input.returnUrl,
          failedUrl: input.returnUrl,
        });
      } catch (error) {
        throw toApiError(error);
      }
      const url = paymentUrlOf(created);
      if (!url) {
        throw new ApiError(502, 'provider_error', 'Koywe answered without a usable payment URL', {
          retryable: false,
        });
      }
      // Right after creation only these make sense; anything further comes by webhook or read.
      const mapped = mapKoyweOrderStatus(created.status);
      const status: OrderStatus =
        mapped === 'processing' || mapped === 'failed' ? mapped : 'pending';
      return { providerOrderId: created.id, action: { type: 'redirect', url }, status };
    },

    verifyWebhook(rawBody: Uint8Array, headers: HeaderReader): boolean {
      return verifyKoyweSignature(options.webhookSecret, rawBody, headers.get('koywe-signature'));
    },

    parseWebhook(rawBody: string): ParsedWebhook {
      const envelope = EnvelopeSchema.parse(JSON.parse(rawBody));
      const data = envelope.data ?? {};
      const base = { dedupeKey: envelope.id, reference: data.externalId ?? null };
      if (!/^order\./i.test(envelope.type)) {
        return { ...base, reference: null, status: null, providerStatus: envelope.type };
      }
      // The event type names the change; the data's status is the fallback for types we do
      // not know (`order.updated` and the like).
      const word =
        statusOfEventType(envelope.type) ??
        (data.status && mapKoyweOrderStatus(data.status) ? data.status.toUpperCase() : null);
      const status = word ? mapKoyweOrderStatus(word) : null;
      const amount = moneyOf(data.amountIn, data.originCurrencySymbol);
      return {
        ...base,
        status,
        providerStatus: word ?? envelope.type,
        ...(amount ? { amount } : {}),
        // No timestamp is signed: a replayed or forged-by-replay success is only believed once
        // Koywe's own API says so.
        confirmNeeded: status !== null && isPaidFamily(status),
      };
    },

    async fetchStatus(order: OrderRecord): Promise<ProviderStatus | null> {
      try {
        const found = order.providerOrderId
          ? await client.order(order.providerOrderId)
          : await client.orderByExternalId(order.providerReference);
        return found ? statusOf(found) : null;
      } catch (error) {
        throw toApiError(error);
      }
    },
  };
}

/**
 * Reads and checks the customer's name, document and (for PSE) bank from the method's fields,
 * falling back to what the merchant put in the session. Every problem is reported as the
 * customer's field, since the customer is the one who can correct it.
 */
function readCustomerFields(
  session: SessionRecord,
  code: string,
  fields: Record<string, string>,
): {
  issues: FieldIssue[];
  fullName: string;
  checked: ReturnType<typeof checkDocument> | undefined;
} {
  const issues: FieldIssue[] = [];
  const fullName = (fields[KOYWE_FIELDS.fullName] ?? session.customer?.name ?? '').trim();
  if (!fullName) issues.push({ path: `fields.${KOYWE_FIELDS.fullName}`, message: 'is required' });
  const typeField = fields[KOYWE_FIELDS.documentType];
  const numberField = fields[KOYWE_FIELDS.documentNumber];
  const fromFields = typeField !== undefined || numberField !== undefined;
  const document = fromFields
    ? { type: typeField ?? '', number: numberField ?? '' }
    : session.customer?.document;
  let checked: ReturnType<typeof checkDocument> | undefined;
  if (!document) {
    issues.push({ path: `fields.${KOYWE_FIELDS.documentType}`, message: 'is required' });
    issues.push({ path: `fields.${KOYWE_FIELDS.documentNumber}`, message: 'is required' });
  } else {
    checked = checkDocument(session.country, document.type, document.number);
    if (!checked.ok) issues.push({ path: `fields.${checked.field}`, message: checked.message });
  }
  if (code === 'PSE' && !fields[KOYWE_FIELDS.bank]?.trim()) {
    issues.push({ path: `fields.${KOYWE_FIELDS.bank}`, message: 'is required' });
  }
  return { issues, fullName, checked };
}
