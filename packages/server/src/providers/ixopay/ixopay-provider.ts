/**
 * @module
 * The IXOPAY adapter: card payments through IXOPAY's hosted payment page (`ixopay:card`,
 * redirect flow), debits signed and authenticated the IXOPAY way, callbacks verified with
 * `X-Signature` + `Date`/`X-Date` and acknowledged with a plain `OK`, statuses read back from the
 * Status API by our reference (our `merchantTransactionId`). A callback dated more than five
 * minutes off our clock is still taken (IXOPAY may retry it for days), but a success it reports
 * is only applied once the Status API confirms it.
 *
 * Every `returnType` of a debit is handled: REDIRECT sends the customer to IXOPAY; FINISHED is
 * final at once (paid); PENDING waits for the callback (processing); ERROR is a clear refusal
 * that leaves the order failed; HTML (and PENDING_DCC) are not offered by pay-checkout and are
 * refused with a message saying so.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Method } from '@pay-checkout/protocol';
import {
  fromMajorNumber,
  parseDecimal,
  sameMoney,
  toDecimalString,
  type Money,
} from '@pay-checkout/protocol/money';
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
import { logoOf } from '../method-logos.js';
import {
  DUPLICATE_CODE,
  IxopayClient,
  describeErrors,
  errorsOf,
  isTransient,
  refused,
  unavailable,
  type DebitRequest,
  type IxopayErrorEntry,
  type StatusResponse,
} from './ixopay-client.js';
import type { IxopayConfig } from './ixopay-config.js';
import {
  IXOPAY_COUNTRIES,
  IXOPAY_CURRENCIES,
  MAX_MERCHANT_TRANSACTION_ID,
  MAX_REFERENCE_LENGTH,
} from './ixopay-markets.js';
import { isCallbackDateOff, verifyIxopayCallback } from './ixopay-signature.js';
import {
  failureStatus,
  mapIxopayCallbackResult,
  mapIxopayTransactionStatus,
} from './ixopay-status.js';

/** The card method: IXOPAY's hosted payment page. */
export const IXOPAY_CARD_METHOD: Method = Object.freeze({
  id: 'ixopay:card',
  provider: 'ixopay',
  name: 'Pay by card',
  flow: 'redirect',
  kind: 'card',
  ...logoOf('ixopay:card'),
}) as Method;

const ErrorFieldsSchema = {
  message: z.string().nullish(),
  code: z.coerce.number().int().nullish(),
};

const CallbackSchema = z.looseObject({
  result: z.string().min(1).max(32),
  uuid: z.string().max(64).nullish(),
  merchantTransactionId: z.string().max(64).nullish(),
  transactionType: z.string().max(32).nullish(),
  amount: z.union([z.string().max(32), z.number()]).nullish(),
  currency: z.string().max(3).nullish(),
  ...ErrorFieldsSchema,
  chargebackData: z.looseObject({ originalMerchantTransactionId: z.string().nullish() }).nullish(),
  chargebackReversalData: z
    .looseObject({ originalMerchantTransactionId: z.string().nullish() })
    .nullish(),
});

/** Options of {@link createIxopayProvider}. */
export interface IxopayProviderOptions extends IxopayConfig {
  /**
   * The callback URL we give IXOPAY (`<public URL>/webhooks/ixopay`): IXOPAY signs its path and
   * query, so verification needs it. Default: path `/webhooks/ixopay`.
   */
  callbackUrl?: string;
  /** Also accept callbacks whose body hash is the legacy MD5 (default false). */
  acceptLegacyMd5?: boolean;
  now?: () => Date;
  retryBaseMs?: number;
  timeoutMs?: number;
}

/** An amount as IXOPAY reports it (decimal string, or a number in older answers). */
function toMoney(amount: string | number | null | undefined, currency: string | null | undefined) {
  if (amount == null || !currency) return undefined;
  try {
    return typeof amount === 'number'
      ? fromMajorNumber(amount, currency)
      : parseDecimal(amount, currency);
  } catch {
    return undefined;
  }
}

function firstCode(errors: IxopayErrorEntry[]): number | undefined {
  return errors.find((e) => e.errorCode != null)?.errorCode ?? undefined;
}

/** A payment IXOPAY declined or that the customer abandoned: final for this attempt. */
function declined(errors: IxopayErrorEntry[]): ApiError {
  const status = failureStatus(firstCode(errors));
  const what =
    status === 'cancelled'
      ? 'The card payment was cancelled'
      : status === 'expired'
        ? 'The card payment expired'
        : 'The card payment was declined';
  return new ApiError(422, 'provider_error', `${what}: ${describeErrors(errors)}`, {
    retryable: false,
    details: { provider: 'ixopay', errorCode: firstCode(errors) ?? null },
  });
}

/** The unified status of a debit IXOPAY reports, or null when it reports none. */
function statusOf(found: StatusResponse | null): ProviderStatus | null {
  if (!found?.transactionStatus) return null;
  if (found.transactionType && found.transactionType !== 'DEBIT') return null;
  const status: OrderStatus | null = mapIxopayTransactionStatus(
    found.transactionStatus,
    firstCode(errorsOf(found)),
  );
  if (!status) return null;
  const amount: Money | undefined = toMoney(found.amount, found.currency);
  return { status, providerStatus: found.transactionStatus, ...(amount ? { amount } : {}) };
}

/** Creates the IXOPAY adapter. */
export function createIxopayProvider(
  options: IxopayProviderOptions,
): Omit<Provider, 'methods'> & { methods(session: SessionRecord): Method[] } {
  const now = options.now ?? (() => new Date());
  const client = new IxopayClient({
    apiUrl: options.apiUrl,
    apiKey: options.apiKey,
    username: options.username,
    password: options.password,
    sharedSecret: options.sharedSecret,
    now,
    ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  /** Whether a callback's date cannot vouch for it (no headers to tell counts as off). */
  const dateOff = (headers: HeaderReader | undefined): boolean =>
    headers === undefined || isCallbackDateOff(headers, now());

  const callbackUri = (() => {
    if (!options.callbackUrl) return '/webhooks/ixopay';
    const url = new URL(options.callbackUrl);
    return `${url.pathname}${url.search}`;
  })();

  const offers = (session: SessionRecord): boolean => {
    if (session.providers && !session.providers.includes('ixopay')) return false;
    if (!IXOPAY_CURRENCIES.has(session.amount.currency)) return false;
    if (!IXOPAY_COUNTRIES.has(session.country)) return false;
    return session.amount.value > 0 && session.reference.length <= MAX_REFERENCE_LENGTH;
  };

  /** The result of a debit that IXOPAY already holds (3004): read it back instead of failing. */
  async function recover(
    order: OrderRecord,
    returnUrl: string,
  ): Promise<CreateProviderOrderResult> {
    const existing = await client.statusByMerchantTransactionId(order.providerReference);
    if (!existing) {
      throw unavailable('IXOPAY reports this payment as existing but cannot find it yet');
    }
    const amount = toMoney(existing.amount, existing.currency);
    if (amount && !sameMoney(amount, order.amount)) {
      throw refused(
        `transaction id ${order.providerReference} is already used for another amount (code ${DUPLICATE_CODE})`,
      );
    }
    const errors = errorsOf(existing);
    const status = mapIxopayTransactionStatus(existing.transactionStatus ?? '', firstCode(errors));
    const providerOrderId = existing.uuid ?? order.providerReference;
    if (status === 'paid' || status === 'processing') {
      return { providerOrderId, action: { type: 'redirect', url: returnUrl }, status };
    }
    if (status === 'failed' || status === 'cancelled' || status === 'expired') {
      throw declined(
        errors.length > 0
          ? errors
          : [{ errorCode: null, errorMessage: existing.transactionStatus ?? null }],
      );
    }
    // REDIRECT: the Status API gives no way back to IXOPAY's page, so this attempt cannot go on.
    throw unavailable('IXOPAY holds this payment but did not return its payment page; try again');
  }

  return {
    id: 'ixopay',

    methods(session) {
      return offers(session) ? [{ ...IXOPAY_CARD_METHOD }] : [];
    },

    async createOrder(input: CreateProviderOrderInput): Promise<CreateProviderOrderResult> {
      const { session, order } = input;
      if (
        !offers(session) ||
        input.method.id !== IXOPAY_CARD_METHOD.id ||
        order.providerReference.length > MAX_MERCHANT_TRANSACTION_ID
      ) {
        throw new ApiError(400, 'method_unavailable', 'IXOPAY does not offer this method here');
      }
      const body: DebitRequest = {
        merchantTransactionId: order.providerReference,
        amount: toDecimalString(order.amount),
        currency: order.amount.currency,
        description: (session.description ?? `Order ${session.reference}`).slice(0, 255),
        successUrl: input.returnUrl,
        cancelUrl: input.returnUrl,
        errorUrl: input.returnUrl,
        callbackUrl: input.webhookUrl,
        extraData: { payCheckoutSession: session.id, payCheckoutOrder: order.id },
      };
      if (session.locale) body.language = session.locale.slice(0, 2).toLowerCase();
      if (session.customer?.email) body.customer = { email: session.customer.email };

      const { answer } = await client.debit(body);
      if (!answer.success) {
        const errors = errorsOf(answer);
        if (errors.some((e) => e.errorCode === DUPLICATE_CODE))
          return recover(order, input.returnUrl);
        if (isTransient(errors)) {
          throw unavailable(`IXOPAY cannot take the payment right now (${describeErrors(errors)})`);
        }
        // No transaction was created and no callback will follow.
        throw refused(describeErrors(errors));
      }
      const uuid = answer.uuid;
      if (!uuid) {
        throw new ApiError(502, 'provider_error', 'IXOPAY answered without a transaction id', {
          retryable: false,
        });
      }
      switch (answer.returnType) {
        case 'REDIRECT': {
          const url = answer.redirectUrl;
          if (!url || !/^https?:\/\//i.test(url) || !URL.canParse(url)) {
            throw new ApiError(
              502,
              'provider_error',
              'IXOPAY answered without a usable redirect URL',
              {
                retryable: false,
              },
            );
          }
          return { providerOrderId: uuid, action: { type: 'redirect', url }, status: 'pending' };
        }
        case 'FINISHED':
          // Final at once; the customer goes through our return route straight to the shop.
          return {
            providerOrderId: uuid,
            action: { type: 'redirect', url: input.returnUrl },
            status: 'paid',
          };
        case 'PENDING':
          return {
            providerOrderId: uuid,
            action: { type: 'redirect', url: input.returnUrl },
            status: 'processing',
          };
        case 'ERROR':
          throw declined(errorsOf(answer));
        case 'HTML':
        case 'PENDING_DCC':
          throw new ApiError(
            502,
            'provider_error',
            `IXOPAY answered with returnType ${answer.returnType}, which pay-checkout does not offer: configure the connector for redirect (hosted payment page) flows`,
            { retryable: false },
          );
        default:
          throw new ApiError(502, 'provider_error', 'IXOPAY answered with an unknown returnType', {
            retryable: false,
          });
      }
    },

    verifyWebhook(rawBody: Uint8Array, headers: HeaderReader): boolean {
      return verifyIxopayCallback({
        secret: options.sharedSecret,
        rawBody,
        headers,
        requestUri: callbackUri,
        allowMd5: options.acceptLegacyMd5 === true,
      });
    },

    parseWebhook(rawBody: string, headers?: HeaderReader): ParsedWebhook {
      const callback = CallbackSchema.parse(JSON.parse(rawBody));
      // IXOPAY sends no event id; the exact bytes identify one notification (retries repeat them).
      const dedupeKey = `ixopay:${createHash('sha256').update(rawBody).digest('hex')}`;
      const type = callback.transactionType ?? 'DEBIT';
      const providerStatus = `${type}:${callback.result}`;
      if (type === 'DEBIT') {
        const status = mapIxopayCallbackResult(callback.result, callback.code ?? undefined);
        const amount = toMoney(callback.amount, callback.currency);
        return {
          dedupeKey,
          reference: callback.merchantTransactionId ?? null,
          status,
          providerStatus,
          ...(amount ? { amount } : {}),
          // Without a readable amount, or from an old (or replayed) delivery, a success is only
          // believed once the Status API says so.
          confirmNeeded:
            status !== null && isPaidFamily(status) && (amount === undefined || dateOff(headers)),
        };
      }
      if (type === 'CHARGEBACK' && callback.result === 'OK') {
        const reference = callback.chargebackData?.originalMerchantTransactionId ?? null;
        return { dedupeKey, reference, status: 'disputed', providerStatus };
      }
      if (type === 'CHARGEBACK-REVERSAL' && callback.result === 'OK') {
        const reference = callback.chargebackReversalData?.originalMerchantTransactionId ?? null;
        return {
          dedupeKey,
          reference,
          status: 'paid',
          providerStatus,
          ...(dateOff(headers) ? { confirmNeeded: true } : {}),
        };
      }
      // Refunds, captures and the like carry their own transaction ids: recorded, not applied.
      return { dedupeKey, reference: null, status: null, providerStatus };
    },

    async fetchStatus(order: OrderRecord): Promise<ProviderStatus | null> {
      return statusOf(await client.statusByMerchantTransactionId(order.providerReference));
    },

    // An order whose creation outcome is unknown is found by our merchantTransactionId; the
    // transaction's uuid is the provider order id it should have had.
    async findOrderByReference(order: OrderRecord) {
      const found = await client.statusByMerchantTransactionId(order.providerReference);
      const status = statusOf(found);
      if (!status || !found?.uuid) return null;
      return { ...status, providerOrderId: found.uuid };
    },

    acknowledge() {
      return { status: 200, body: 'OK', contentType: 'text/plain' };
    },
  };
}
