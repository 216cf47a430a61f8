/**
 * @module
 * The iwocaPay adapter: UK B2B pay-now / pay-later checkout on iwoca's hosted page (redirect
 * flow), with `redirect_url` and `webhook_url` sent per order, webhooks signed with
 * `X-Iwocapay-Hmac-Sha256`, and the order read back by iwocaPay's id.
 *
 * iwocaPay also documents an unsigned webhook, `{"data": {"order_id", "pay_link_id", "amount",
 * "reference", "status"}}`. A webhook without a signature header is taken as a hint: only its
 * `reference` is used, to find the order the server then reads back from iwocaPay. A signature
 * header that does not verify is refused, whatever the body.
 */
import { z } from 'zod';
import type { Method } from '@pay-checkout/protocol';
import {
  fromMajorNumber,
  sameMoney,
  toMajorNumber,
  type Money,
} from '@pay-checkout/protocol/money';
import { isPaidFamily } from '@pay-checkout/protocol/status';
import { ApiError } from '../../core/api-error.js';
import type { OrderRecord, SessionRecord } from '../../domain/records.js';
import type {
  CreateProviderOrderInput,
  CreateProviderOrderResult,
  HeaderReader,
  ParsedWebhook,
  Provider,
  ProviderStatus,
  WebhookHint,
  WebhookVerification,
} from '../provider.js';
import { logoOf } from '../method-logos.js';
import { IwocaPayClient, type IwocaPayCreateOrderBody } from './iwocapay-client.js';
import type { IwocaPayConfig } from './iwocapay-config.js';
import {
  IWOCAPAY_COUNTRY,
  IWOCAPAY_CURRENCY,
  IWOCAPAY_TERMS,
  type IwocaPayTerm,
} from './iwocapay-markets.js';
import { verifyIwocaPaySignature } from './iwocapay-signature.js';
import { mapIwocaPayStatus } from './iwocapay-status.js';

/** The one iwocaPay method; the customer may narrow the terms, else iwoca's page offers both. */
export const IWOCAPAY_METHOD: Method = Object.freeze({
  id: 'iwocapay:checkout',
  provider: 'iwocapay',
  name: 'iwocaPay: pay now or later',
  flow: 'redirect',
  kind: 'bnpl',
  ...logoOf('iwocapay:checkout'),
  fields: [
    {
      // Stable name: the key of the order's `fields`. Optional, so no prefill; two options.
      name: 'terms',
      label: 'Payment terms',
      type: 'select',
      required: false,
      options: [
        { value: 'PAY_NOW', label: 'Pay now by bank transfer' },
        { value: 'PAY_LATER', label: 'Pay later in monthly instalments' },
      ],
    },
  ],
}) as Method;

/** The header of the current webhook signature. */
export const IWOCAPAY_SIGNATURE_HEADER = 'x-iwocapay-hmac-sha256';

const CurrentWebhookSchema = z.looseObject({
  data: z.looseObject({
    webhook_id: z.string().min(1).max(128),
    event_type: z.string().min(1).max(64),
    order_id: z.string().min(1).max(64),
    amount: z.number().optional(),
    reference: z.string().min(1).max(256).optional(),
    status: z.string().min(1).max(64).optional(),
  }),
});

/**
 * What an unsigned webhook must have to be a hint: a `data` object naming our reference. Both
 * documented shapes have it (the unsigned one with `order_id`, `pay_link_id`, `amount`,
 * `reference`, `status`; the signed one sent without its header). Nothing else is read.
 */
const HintSchema = z.looseObject({
  data: z.looseObject({ reference: z.string().min(1).max(256) }),
});

/** How many reference → iwocaPay id pairs learnt from signed webhooks are kept. */
const KNOWN_IDS_LIMIT = 1000;

export interface IwocaPayProviderOptions extends Pick<
  IwocaPayConfig,
  'apiUrl' | 'supplierUuid' | 'accessToken'
> {
  retryBaseMs?: number;
  /** Per-call timeout of the API client (default 10 000 ms). */
  timeoutMs?: number;
}

function toMoney(amount: number | undefined): Money | undefined {
  if (amount === undefined) return undefined;
  try {
    return fromMajorNumber(amount, IWOCAPAY_CURRENCY);
  } catch {
    return undefined;
  }
}

function parseJson(rawBody: Uint8Array | string): unknown {
  const text =
    typeof rawBody === 'string'
      ? rawBody
      : new TextDecoder('utf-8', { fatal: true }).decode(rawBody);
  return JSON.parse(text) as unknown;
}

/** Creates the iwocaPay adapter. */
export function createIwocaPayProvider(options: IwocaPayProviderOptions): Omit<
  Provider,
  'methods' | 'parseHint'
> & {
  methods(session: SessionRecord): Method[];
  parseHint(rawBody: string): WebhookHint;
} {
  const client = new IwocaPayClient({
    apiUrl: options.apiUrl,
    supplierUuid: options.supplierUuid,
    accessToken: options.accessToken,
    ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  // A signed webhook can beat the create answer that gives us iwocaPay's id; remembering the
  // id it names lets the confirmation read still find the order.
  const knownIds = new Map<string, string>();
  const remember = (reference: string, id: string): void => {
    knownIds.delete(reference);
    knownIds.set(reference, id);
    if (knownIds.size > KNOWN_IDS_LIMIT) {
      const oldest = knownIds.keys().next().value;
      if (oldest !== undefined) knownIds.delete(oldest);
    }
  };

  const offers = (session: SessionRecord): boolean => {
    if (session.providers && !session.providers.includes('iwocapay')) return false;
    if (session.amount.currency !== IWOCAPAY_CURRENCY || session.country !== IWOCAPAY_COUNTRY) {
      return false;
    }
    if (session.amount.value <= 0) return false;
    try {
      toMajorNumber(session.amount);
      return true;
    } catch {
      return false;
    }
  };

  return {
    id: 'iwocapay',

    methods(session) {
      return offers(session) ? [structuredClone(IWOCAPAY_METHOD)] : [];
    },

    async createOrder(input: CreateProviderOrderInput): Promise<CreateProviderOrderResult> {
      const { session, order } = input;
      if (!offers(session) || input.method.id !== IWOCAPAY_METHOD.id) {
        throw new ApiError(400, 'method_unavailable', 'iwocaPay does not offer this method here');
      }
      const term = input.fields['terms'];
      let terms: IwocaPayTerm[] | undefined;
      if (term !== undefined && term !== '') {
        if (!(IWOCAPAY_TERMS as readonly string[]).includes(term)) {
          throw new ApiError(400, 'invalid_request', 'The request has invalid fields', {
            details: { issues: [{ path: 'fields.terms', message: 'is not one of the options' }] },
          });
        }
        terms = [term as IwocaPayTerm];
      }
      const body: IwocaPayCreateOrderBody = {
        amount: toMajorNumber(order.amount),
        reference: order.providerReference,
        ...(terms ? { allowed_payment_terms: terms } : {}),
        redirect_url: input.returnUrl,
        webhook_url: input.webhookUrl,
        source: 'pay-checkout',
        meta_data: { pay_checkout_session: session.id, pay_checkout_order: order.id },
      };
      const created = await client.createOrder(body);
      const url = created.order_url;
      if (!url || !/^https?:\/\//i.test(url) || !URL.canParse(url)) {
        throw new ApiError(502, 'provider_error', 'iwocaPay answered without a usable order URL', {
          retryable: false,
        });
      }
      const amount = toMoney(created.amount);
      if (!amount || !sameMoney(amount, order.amount) || created.reference !== body.reference) {
        throw new ApiError(
          502,
          'provider_error',
          'iwocaPay created an order that does not match the request',
          { retryable: false },
        );
      }
      remember(order.providerReference, created.id);
      return {
        providerOrderId: created.id,
        action: { type: 'redirect', url },
        status: mapIwocaPayStatus(created.status) ?? 'pending',
      };
    },

    verifyWebhook(rawBody: Uint8Array, headers: HeaderReader): WebhookVerification {
      const signature = headers.get(IWOCAPAY_SIGNATURE_HEADER);
      if (signature !== null) {
        return verifyIwocaPaySignature(options.accessToken, rawBody, signature);
      }
      // No signature at all: a hint when it names an order, else not an iwocaPay webhook.
      try {
        return HintSchema.safeParse(parseJson(rawBody)).success ? 'unsigned' : false;
      } catch {
        return false;
      }
    },

    parseHint(rawBody: string): WebhookHint {
      return { reference: HintSchema.parse(parseJson(rawBody)).data.reference };
    },

    parseWebhook(rawBody: string): ParsedWebhook {
      // Only signed bodies come here, and only the current shape is signed.
      const data = CurrentWebhookSchema.parse(parseJson(rawBody)).data;
      const providerStatus = data.status ?? 'unknown';
      const reference = data.reference ?? null;
      if (data.event_type !== 'ORDER_STATUS_CHANGED' || data.status === undefined) {
        return {
          dedupeKey: `webhook:${data.webhook_id}`,
          reference,
          status: null,
          providerStatus: data.event_type,
        };
      }
      if (reference) remember(reference, data.order_id);
      const status = mapIwocaPayStatus(providerStatus);
      const amount = toMoney(data.amount);
      return {
        // webhook_id is unique per delivery, so a status repeated in a new delivery is
        // recognised by what it says: this order now has this status.
        dedupeKey: `order:${data.order_id}:${providerStatus}`,
        reference,
        status,
        providerStatus,
        ...(amount ? { amount } : {}),
        // Nothing time-bound is signed, so a replayed success is believed only once
        // iwocaPay's API says the order is successful.
        confirmNeeded: status !== null && isPaidFamily(status),
      };
    },

    async fetchStatus(order: OrderRecord): Promise<ProviderStatus | null> {
      const id = order.providerOrderId ?? knownIds.get(order.providerReference);
      if (!id) return null;
      const found = await client.getOrder(id);
      if (!found) return null;
      // An id that answers with someone else's reference is not our order.
      if (found.reference !== order.providerReference) return null;
      const status = mapIwocaPayStatus(found.status);
      if (!status) return null;
      const amount = toMoney(found.amount);
      return { status, providerStatus: found.status, ...(amount ? { amount } : {}) };
    },
  };
}
