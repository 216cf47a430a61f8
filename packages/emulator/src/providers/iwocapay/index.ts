/**
 * @module
 * The iwocaPay emulator: the e-commerce API under `/api/…` with iwoca's paths, the hosted
 * checkout under `/pay/order/…`, signed webhooks per order, and the control-API hooks.
 */
import { Hono } from 'hono';
import type { ProviderContext, ProviderEmulator } from '../../core/provider.js';
import { createIwocaPayApi } from './api.js';
import { createIwocaPayCheckoutPage } from './hosted-page.js';
import { IwocaPayState } from './state.js';
import { IWOCAPAY_WEBHOOK_FORMATS, type IwocaPayWebhookFormat } from './types.js';

export { signIwocaPayWebhook } from './signature.js';
export { IWOCAPAY_RETRY_DELAYS_MS } from './retry-schedule.js';
export {
  IWOCAPAY_ORDER_STATUSES,
  IWOCAPAY_PAYMENT_TERMS,
  IWOCAPAY_WEBHOOK_FORMATS,
} from './types.js';
export type {
  IwocaPayOrder,
  IwocaPayOrderStatus,
  IwocaPayPaymentTerm,
  IwocaPayWebhookFormat,
} from './types.js';

/** The credentials the emulated iwocaPay accepts and signs with. */
export interface IwocaPayCredentials {
  /** The seller's UUID (`IWOCAPAY_SUPPLIER_UUID`). */
  supplierUuid: string;
  /** The bearer token it accepts and the webhook HMAC key (`IWOCAPAY_ACCESS_TOKEN`). */
  accessToken: string;
  /** Where buyers go when an order has no `redirect_url` (iwoca's older per-token setting). */
  redirectUrl?: string;
  /**
   * The webhook shape it sends: `signed` (default), the current shape with
   * `X-Iwocapay-Hmac-Sha256`; or `unsigned`, the documented `{"data": {"order_id",
   * "pay_link_id", "amount", "reference", "status"}}` without a signature.
   */
  webhookFormat?: IwocaPayWebhookFormat;
}

/** Creates the iwocaPay emulator. */
export function createIwocaPayEmulator(
  ctx: ProviderContext,
  credentials: IwocaPayCredentials,
): ProviderEmulator {
  const format = credentials.webhookFormat;
  if (format !== undefined && !IWOCAPAY_WEBHOOK_FORMATS.includes(format)) {
    throw new RangeError(
      `iwocaPay webhookFormat must be one of ${IWOCAPAY_WEBHOOK_FORMATS.join(', ')}, not "${String(format)}"`,
    );
  }
  const state = new IwocaPayState({
    ctx,
    accessToken: credentials.accessToken,
    ...(credentials.redirectUrl ? { defaultRedirectUrl: credentials.redirectUrl } : {}),
    ...(format ? { webhookFormat: format } : {}),
  });
  const app = new Hono();
  app.route(
    '/',
    createIwocaPayApi({
      ctx,
      state,
      supplierUuid: credentials.supplierUuid,
      accessToken: credentials.accessToken,
    }),
  );
  app.route('/', createIwocaPayCheckoutPage({ state }));
  return {
    id: 'iwocapay',
    app,
    orders: () => state.controlOrders(),
    outcome: (id, status) => state.outcome(id, status),
    outcomeStatuses: ['PENDING', 'APPROVED', 'SUCCESSFUL', 'UNSUCCESSFUL'],
  };
}
