/**
 * @module
 * What every route handler needs, gathered once per server: configuration, the ledger (the
 * rules) over its store, bus, providers, logger and clock.
 */
import type { Logger } from 'pino';
import type { ProviderId } from '@pay-checkout/protocol';
import type { EventBus } from '../bus/bus.js';
import type { CheckoutServerConfig } from '../config.js';
import type { Provider } from '../providers/provider.js';
import type { Store } from '../store/store.js';
import type { Ledger } from './ledger.js';
import type { Metrics } from './metrics.js';
import type { StatusChecker } from './status-check.js';

export interface AppContext {
  config: CheckoutServerConfig;
  /**
   * Every read and write of checkout data goes through the ledger; the store itself serves
   * health checks and the webhook inbox (core/inbox.ts), which keeps no checkout data.
   */
  ledger: Ledger;
  store: Store;
  bus: EventBus;
  providers: ReadonlyMap<ProviderId, Provider>;
  logger: Logger;
  now: () => Date;
  metrics: Metrics;
  /** Reads of orders' real status from their providers, one at a time per order. */
  statusChecks: StatusChecker;
  /** Open SSE streams, closed when the server closes. */
  streams: Set<() => void>;
  /** Delivers committed changes to the merchant; told after each commit to look now. */
  notifier?: { kick(): void };
  /** Processes stored provider webhooks; told the id of each one stored. */
  inbox?: { submit(id: number): void };
}

/** Hono's per-request variables. */
export interface AppVariables {
  requestId: string;
  logger: Logger;
}

export interface AppEnv {
  Variables: AppVariables;
}
