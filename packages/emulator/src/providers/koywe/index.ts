/**
 * @module
 * The Koywe emulator: the API at the paths the real one has under `KOYWE_API_URL`, the hosted
 * payment page under `/pay`, signed webhooks, and the control-API hooks.
 */
import { Hono } from 'hono';
import type { ProviderContext, ProviderEmulator } from '../../core/provider.js';
import { createKoyweApi } from './api.js';
import { KoyweAuth } from './auth.js';
import { createKoyweCheckoutPage } from './hosted-page.js';
import { KoyweState, type CancelSpelling } from './state.js';
import { KOYWE_ORDER_STATUSES } from './types.js';

export { signKoyweWebhook } from './signature.js';
export { KOYWE_RETRY_DELAYS_MS } from './retry-schedule.js';
export { KOYWE_FAILING_AMOUNT, type CancelSpelling } from './state.js';
export { KOYWE_TOKEN_LIFETIME_S } from './auth.js';
export {
  KOYWE_ORDER_STATUSES,
  KOYWE_PAYMENT_METHODS,
  KOYWE_PSE_BANKS,
  type KoyweContact,
  type KoyweOrder,
  type KoyweOrderStatus,
  type KoywePaymentMethod,
} from './types.js';

/** The credentials the emulated Koywe accepts and signs with. */
export interface KoyweCredentials {
  /** The `apiKey` of `POST /auth/sign-in`. */
  apiKey: string;
  /** The `secret` of `POST /auth/sign-in`. */
  secret: string;
  /** The organisation id in API paths. */
  orgId: string;
  /** The merchant id in API paths. */
  merchantId: string;
  /** The webhook endpoint's secret (`Koywe-Signature`). */
  webhookSecret: string;
  /** How cancellation events are spelled: `order.cancelled` (default) or `order.canceled`. */
  cancelSpelling?: CancelSpelling;
}

/** The Koywe emulator, plus test hooks. */
export type KoyweEmulator = ProviderEmulator & {
  /** Expires every token issued so far (the next call with one answers 401). */
  revokeTokens(): void;
  /** How many tokens were issued so far. */
  tokensIssued(): number;
};

/** Creates the Koywe emulator. */
export function createKoyweEmulator(
  ctx: ProviderContext,
  credentials: KoyweCredentials,
): KoyweEmulator {
  const auth = new KoyweAuth(credentials.apiKey, credentials.secret, () => ctx.scheduler.now());
  const state = new KoyweState({
    ctx,
    webhookSecret: credentials.webhookSecret,
    ...(credentials.cancelSpelling ? { cancelSpelling: credentials.cancelSpelling } : {}),
  });
  const app = new Hono();
  app.route(
    '/',
    createKoyweApi({
      ctx,
      state,
      auth,
      orgId: credentials.orgId,
      merchantId: credentials.merchantId,
    }),
  );
  app.route('/', createKoyweCheckoutPage({ ctx, state }));
  app.notFound((c) =>
    c.json(
      {
        statusCode: 404,
        timestamp: new Date().toISOString(),
        path: c.req.path,
        errorCode: 'SYS00404',
        message: 'No such endpoint in the emulated Koywe API.',
      },
      404,
    ),
  );
  return {
    id: 'koywe',
    app,
    orders: () => state.controlOrders(),
    outcome: (id, status) => state.outcome(id, status),
    outcomeStatuses: [...KOYWE_ORDER_STATUSES, 'CANCELED'],
    revokeTokens: () => auth.revokeAll(),
    tokensIssued: () => auth.issued,
  };
}
