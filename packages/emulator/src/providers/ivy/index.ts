/**
 * @module
 * The Ivy emulator: service API under `/api/service`, hosted checkout page under `/checkout`,
 * signed webhooks, and the control-API hooks.
 */
import { Hono } from 'hono';
import type { ProviderContext, ProviderEmulator } from '../../core/provider.js';
import { createIvyApi } from './api.js';
import { createIvyCheckoutPage } from './hosted-page.js';
import { IvyState } from './state.js';
import { IVY_ORDER_STATUSES } from './types.js';

export { signIvyWebhook } from './signature.js';
export { IVY_RETRY_DELAYS_MS } from './retry-schedule.js';
export { IVY_ORDER_STATUSES, IVY_CURRENCIES } from './types.js';
export type { IvyCheckoutSession, IvyOrder, IvyOrderStatus, IvySessionStatus } from './types.js';

/** The credentials the emulated Ivy accepts and signs with. */
export interface IvyCredentials {
  /** The `X-Ivy-Api-Key` it accepts. */
  apiKey: string;
  /** The secret it signs webhooks with. */
  webhookSecret: string;
}

/** Creates the Ivy emulator. */
export function createIvyEmulator(
  ctx: ProviderContext,
  credentials: IvyCredentials,
): ProviderEmulator {
  const state = new IvyState({ ctx, webhookSecret: credentials.webhookSecret });
  const app = new Hono();
  app.route('/api/service', createIvyApi({ ctx, state, apiKey: credentials.apiKey }));
  app.route('/', createIvyCheckoutPage({ ctx, state }));
  return {
    id: 'ivy',
    app,
    orders: () => state.controlOrders(),
    outcome: (id, status) => state.outcome(id, status),
    outcomeStatuses: [...IVY_ORDER_STATUSES, 'expired'],
  };
}
