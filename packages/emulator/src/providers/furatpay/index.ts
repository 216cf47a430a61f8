/**
 * @module
 * The FuratPay emulator: invoices, linked payment services and pay requests under the base URL,
 * the services' hosted pages and the FIB phone page, signed webhooks, and the control-API hooks.
 */
import { Hono } from 'hono';
import type { ProviderContext, ProviderEmulator } from '../../core/provider.js';
import { createFuratPayApi } from './api.js';
import { createFuratPayLogos } from './logos.js';
import { createFuratPayPages } from './pages.js';
import { FuratPayState } from './state.js';
import { FURATPAY_INVOICE_STATUSES } from './types.js';

export { signFuratPayWebhook } from './signature.js';
export { FURATPAY_RETRY_DELAYS_MS } from './retry-schedule.js';
export { FIB_QR_LIFETIME_MS } from './state.js';
export { qrDataUrl, qrModules } from './qr.js';
export {
  FURATPAY_CURRENCIES,
  FURATPAY_INVOICE_STATUSES,
  FURATPAY_SERVICES,
  type FuratPayInvoice,
  type FuratPayInvoiceStatus,
  type FuratPayService,
} from './types.js';

/** The credentials the emulated FuratPay accepts and signs with. */
export interface FuratPayCredentials {
  /** The `x-api-key` it accepts. */
  apiKey: string;
  /** The secret it signs webhooks with (older FuratPay versions signed with the API key). */
  webhookSecret?: string;
}

/** Creates the FuratPay emulator. */
export function createFuratPayEmulator(
  ctx: ProviderContext,
  credentials: FuratPayCredentials,
): ProviderEmulator {
  const state = new FuratPayState({
    ctx,
    webhookSecret: credentials.webhookSecret ?? credentials.apiKey,
  });
  const app = new Hono();
  app.route('/', createFuratPayApi({ ctx, state, apiKey: credentials.apiKey }));
  app.route('/', createFuratPayPages({ ctx, state }));
  app.route('/', createFuratPayLogos());
  return {
    id: 'furatpay',
    app,
    orders: () => state.controlOrders(),
    outcome: (id, status) => state.outcome(id, status),
    outcomeStatuses: FURATPAY_INVOICE_STATUSES,
  };
}
