/**
 * @module
 * The Ivy adapter: pay by bank through Ivy's hosted checkout (redirect flow), webhooks signed
 * with `X-Ivy-Signature`, statuses read back with `order/details` by our reference.
 */
import { z } from 'zod';
import type { Method } from '@pay-checkout/protocol';
import { fromMajorNumber, toMajorNumber, type Money } from '@pay-checkout/protocol/money';
import { isPaidFamily } from '@pay-checkout/protocol/status';
import { ApiError } from '../../core/api-error.js';
import type { IvyConfig } from '../../config.js';
import type { OrderRecord, SessionRecord } from '../../domain/records.js';
import type {
  CreateProviderChargeInput,
  CreateProviderChargeResult,
  CreateProviderOrderInput,
  CreateProviderOrderResult,
  HeaderReader,
  ParsedWebhook,
  Provider,
  ProviderStatus,
} from '../provider.js';
import { logoOf } from '../method-logos.js';
import { IvyClient, type IvyCreateSessionBody } from './ivy-client.js';
import { IVY_COUNTRIES, IVY_CURRENCIES } from './ivy-markets.js';
import { IVY_MANDATE_EVENTS, parseIvyMandateEvent } from './ivy-mandate.js';
import { verifyIvySignature } from './ivy-signature.js';
import { mapIvyOrderStatus } from './ivy-status.js';

/** The one method Ivy offers; it can also set up a mandate (Ivy on File). */
export const IVY_BANK_METHOD: Method = Object.freeze({
  id: 'ivy:bank',
  provider: 'ivy',
  name: 'Pay by bank',
  flow: 'redirect',
  kind: 'bank',
  ...logoOf('ivy:bank'),
  mandate: true,
}) as Method;

const MIN_EXPIRY_S = 31 * 60;
const MAX_EXPIRY_S = 24 * 60 * 60 - 60;

const EnvelopeSchema = z.looseObject({
  id: z.string().min(1).max(256),
  type: z.string().min(1).max(100),
  payload: z.looseObject({}),
  date: z.string().optional(),
});

const PayloadSchema = z.looseObject({
  referenceId: z.string().min(1).max(256).optional(),
  status: z.string().max(64).optional(),
  price: z.looseObject({ total: z.number(), currency: z.string() }).optional(),
});

export interface IvyProviderOptions extends IvyConfig {
  now?: () => Date;
  retryBaseMs?: number;
}

function priceToMoney(price: { total: number; currency: string } | undefined): Money | undefined {
  if (!price) return undefined;
  try {
    return fromMajorNumber(price.total, price.currency);
  } catch {
    return undefined;
  }
}

/** Creates the Ivy adapter. */
export function createIvyProvider(
  options: IvyProviderOptions,
): Omit<Provider, 'methods'> & { methods(session: SessionRecord): Method[] } {
  const client = new IvyClient({
    apiUrl: options.apiUrl,
    apiKey: options.apiKey,
    retryBaseMs: options.retryBaseMs,
  });
  const now = options.now ?? (() => new Date());

  const offers = (session: SessionRecord): boolean => {
    if (session.providers && !session.providers.includes('ivy')) return false;
    if (!IVY_CURRENCIES.has(session.amount.currency) || !IVY_COUNTRIES.has(session.country)) {
      return false;
    }
    try {
      toMajorNumber(session.amount);
      return true;
    } catch {
      return false;
    }
  };

  return {
    id: 'ivy',

    methods(session) {
      return offers(session) ? [{ ...IVY_BANK_METHOD }] : [];
    },

    async createOrder(input: CreateProviderOrderInput): Promise<CreateProviderOrderResult> {
      const { session, order } = input;
      if (!offers(session) || input.method.id !== IVY_BANK_METHOD.id) {
        throw new ApiError(400, 'method_unavailable', 'Ivy does not offer this method here');
      }
      const nowS = Math.floor(now().getTime() / 1000);
      const sessionEndS = Math.floor(Date.parse(session.expiresAt) / 1000);
      // Ivy accepts 30 min to 24 h; the customer may arrive late in our session's hour.
      const expiresAt = Math.min(Math.max(sessionEndS, nowS + MIN_EXPIRY_S), nowS + MAX_EXPIRY_S);
      const body: IvyCreateSessionBody = {
        price: { total: toMajorNumber(order.amount), currency: order.amount.currency },
        referenceId: order.providerReference,
        successCallbackUrl: input.returnUrl,
        errorCallbackUrl: input.returnUrl,
        expiresAt,
        metadata: { payCheckoutSession: session.id, payCheckoutOrder: order.id },
      };
      if (session.locale) body.locale = session.locale;
      if (session.mandate) {
        const { referenceId, userNotificationEmail, accountHolderName, cadence, amount } =
          session.mandate;
        // A display amount is shown to the customer only when the merchant stated one.
        const display = {
          ...(cadence ? { cadence } : {}),
          ...(amount
            ? { price: { amount: toMajorNumber(amount), currency: amount.currency } }
            : {}),
        };
        body.mandate = {
          setup: true,
          referenceId,
          userNotificationEmail,
          accountHolderName,
          ...(Object.keys(display).length > 0 ? { additionalDisplayInformation: display } : {}),
        };
      }
      const created = await client.createCheckoutSession(body);
      const url = created.redirectUrl;
      if (!url || !/^https?:\/\//i.test(url) || !URL.canParse(url)) {
        throw new ApiError(502, 'provider_error', 'Ivy answered without a usable redirect URL', {
          retryable: false,
        });
      }
      return {
        providerOrderId: created.id,
        action: { type: 'redirect', url },
        status: 'pending',
      };
    },

    verifyWebhook(rawBody: Uint8Array, headers: HeaderReader): boolean {
      return verifyIvySignature(options.webhookSecret, rawBody, headers.get('x-ivy-signature'));
    },

    parseWebhook(rawBody: string): ParsedWebhook {
      const envelope = EnvelopeSchema.parse(JSON.parse(rawBody));
      const type = envelope.type.replace('.', '_');
      if (Object.prototype.hasOwnProperty.call(IVY_MANDATE_EVENTS, type)) {
        const mandate = parseIvyMandateEvent(type, envelope);
        return {
          dedupeKey: envelope.id,
          reference: null,
          status: null,
          providerStatus: type,
          ...(mandate ? { mandate } : {}),
        };
      }
      const payload = PayloadSchema.parse(envelope.payload);
      const reference = payload.referenceId ?? null;
      const base = { dedupeKey: envelope.id, reference };
      if (type === 'order_created' || type === 'order_updated') {
        const providerStatus = payload.status ?? 'unknown';
        const status = mapIvyOrderStatus(providerStatus);
        const amount = priceToMoney(payload.price);
        return {
          ...base,
          status,
          providerStatus,
          ...(amount ? { amount } : {}),
          // Ivy signs no timestamp, so a replayed or stale success is only believed once
          // Ivy's own API says the order is paid.
          confirmNeeded: status !== null && isPaidFamily(status),
        };
      }
      if (type === 'checkout_session_expired') {
        return { ...base, status: 'expired', providerStatus: 'session_expired' };
      }
      return { ...base, status: null, providerStatus: type };
    },

    async charge(input: CreateProviderChargeInput): Promise<CreateProviderChargeResult> {
      const { mandate, order } = input;
      if (!mandate.providerMandateId) {
        throw new ApiError(409, 'conflict', 'Ivy has not named this mandate yet');
      }
      const charge = await client.createCharge({
        mandateId: mandate.providerMandateId,
        price: { total: toMajorNumber(order.amount), currency: order.amount.currency },
        referenceId: order.providerReference,
        idempotencyKey: input.idempotencyKey,
        metadata: { payCheckoutOrder: order.id, payCheckoutMandate: mandate.id },
      });
      // Ivy creates the order `processing`; its id arrives with the charge (or the first webhook).
      return { providerOrderId: charge.orderId ?? charge.id, status: 'processing' };
    },

    async fetchStatus(order: OrderRecord): Promise<ProviderStatus | null> {
      const ivyOrder = await client.orderDetails(order.providerReference);
      if (ivyOrder) {
        const status = mapIvyOrderStatus(ivyOrder.status);
        if (!status) return null;
        const amount = priceToMoney(ivyOrder.price);
        return { status, providerStatus: ivyOrder.status, ...(amount ? { amount } : {}) };
      }
      if (!order.providerOrderId) return null;
      const session = await client.sessionDetails(order.providerOrderId);
      if (session?.status === 'expired') {
        return { status: 'expired', providerStatus: 'session_expired' };
      }
      return null;
    },
  };
}
