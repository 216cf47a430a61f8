/**
 * @module
 * The IXOPAY emulator: Transaction and Status APIs (as below `/api/v3`), the hosted payment page
 * of REDIRECT debits under `/redirect`, signed callbacks, and the control-API hooks.
 */
import { Hono } from 'hono';
import type { ProviderContext, ProviderEmulator } from '../../core/provider.js';
import { createIxopayApi } from './api.js';
import { createIxopayHostedPage } from './hosted-page.js';
import { IxopayState } from './state.js';

export { signIxopay, verifyIxopay, type IxopaySignatureInput } from './signature.js';
export { IXOPAY_RETRY_DELAYS_MS } from './retry-schedule.js';
export { IXOPAY_TRANSACTION_STATUSES } from './types.js';
export type { IxopayTransactionStatus, IxopayReturnType, IxopayCallbackResult } from './types.js';

/** The credentials the emulated IXOPAY connector accepts and signs with. */
export interface IxopayCredentials {
  /** The connector's API key (a path segment). */
  apiKey: string;
  /** The API user's Basic-auth name. */
  username: string;
  /** The API user's Basic-auth password. */
  password: string;
  /** The connector's shared secret: request signatures and callbacks. */
  sharedSecret: string;
  /** Whether requests must be signed ("API: Enable Request Signing"; default true). */
  requireSignature?: boolean;
  /**
   * Date every callback retry afresh, as the time it is sent (default false: a retry keeps the
   * `Date` of the first attempt, signed anew over the same bytes and date).
   */
  redateRetries?: boolean;
}

/** Statuses the control API's outcome accepts (Status API words). */
const OUTCOME_STATUSES = ['SUCCESS', 'PENDING', 'ERROR', 'CANCELLED'] as const;

/** Creates the IXOPAY emulator. */
export function createIxopayEmulator(
  ctx: ProviderContext,
  credentials: IxopayCredentials,
): ProviderEmulator {
  const state = new IxopayState({
    ctx,
    sharedSecret: credentials.sharedSecret,
    ...(credentials.redateRetries !== undefined
      ? { redateRetries: credentials.redateRetries }
      : {}),
  });
  const app = new Hono();
  app.route('/', createIxopayApi({ ctx, state, ...credentials }));
  app.route('/', createIxopayHostedPage({ ctx, state }));
  return {
    id: 'ixopay',
    app,
    orders: () => state.controlOrders(),
    outcome: (id, status) => state.outcome(id, status),
    outcomeStatuses: OUTCOME_STATUSES,
  };
}
