/**
 * @module
 * Configuration: the contract's environment variables, parsed once, failing with one message
 * that names every bad variable (and never prints a value).
 */
import type { DestinationStream, Logger, LoggerOptions } from 'pino';
import { z } from 'zod';
import type { OrderView } from '@pay-checkout/protocol';
import { cleanEnv, problemsOf, type EnvProblem, type EnvSection } from './config/env-schema.js';
import { databaseEnv } from './config/database-env.js';
import type { InboxOptions } from './core/inbox.js';
import { inboxEnv } from './config/inbox-env.js';
import { httpEnv } from './config/http-env.js';
import type { HttpLimits } from './http/limits.js';
import { limitsEnv, type LimitsConfig } from './config/limits-env.js';
import { outboxEnv } from './config/outbox-env.js';
import { consoleEnv, type ConsoleConfig } from './config/console-env.js';
import { reconcilerEnv, type ReconcilerConfig } from './config/reconciler-env.js';
import { retentionEnv, type RetentionConfig } from './config/retention-env.js';
import { breakerEnv } from './config/breaker-env.js';
import type { BreakerSettings } from './providers/breaker.js';
import { serverEnv } from './config/server-env.js';
import type { Provider } from './providers/provider.js';
import { PROVIDER_ENTRIES, type ProviderConfigs } from './providers/registry.js';
import type { DatabaseConfig } from './store/open-store.js';
import type { Store } from './store/store.js';
import {
  merchantWebhookEnv,
  type MerchantWebhookConfig,
} from './notify/merchant-webhook-config.js';
import type { RetryPolicy } from './notify/outbox-deliverer.js';
import type { WebhookMandate } from './webhooks.js';

export type { IvyConfig } from './providers/ivy/ivy-config.js';
export { describeDatabase } from './config/database-env.js';
export { defaultPublicUrl, parseOrigin } from './config/server-env.js';

/** Everything `createCheckoutServer` needs. `loadConfig` builds it from the environment. */
export interface CheckoutServerConfig {
  /** Listening port (used by the CLI and `startCheckoutServer`). */
  port: number;
  /** Listening interface. */
  host: string;
  /** Public base URL of this server, without a trailing slash; return and webhook URLs hang off it. */
  publicUrl: string;
  /** Bearer key of the server-to-server API. */
  secretKey: string;
  /** Exact origins (`https://shop.example`) of the merchant's pages. */
  allowedOrigins: string[];
  database: DatabaseConfig;
  /** pino level name. */
  logLevel: string;
  /** Bearer key of `GET /metrics` (`PAY_CHECKOUT_METRICS_KEY`); the secret key when unset. */
  metricsKey?: string;
  /** Configured providers; a provider is on when its block is present. */
  providers: ProviderConfigs;
  /** Merchant notifications (`MERCHANT_WEBHOOK_URL`, `MERCHANT_WEBHOOK_SECRET`); off when absent. */
  merchantWebhook?: MerchantWebhookConfig;
  /** The order checks' schedule (`PAY_CHECKOUT_RECONCILE_SCALE`). */
  reconciler?: ReconcilerConfig;
  /** Retention of old rows and the dead-letter policy of notifications (`PAY_CHECKOUT_RETENTION_*`). */
  retention?: RetentionConfig;
  /** Body and header timeouts of the Node server (`PAY_CHECKOUT_*_TIMEOUT_MS`); defaults when absent. */
  http?: HttpLimits;
  /** Attempts per session and rate limits (`PAY_CHECKOUT_MAX_ATTEMPTS`, `PAY_CHECKOUT_RATE_*`). */
  limits?: LimitsConfig;
  /** Every provider's breaker and bulkhead (`PAY_CHECKOUT_BREAKER_*`); defaults when absent. */
  breaker?: Partial<BreakerSettings>;
  /** The operator console (`PAY_CHECKOUT_CONSOLE_KEY`); off without a key. */
  console?: ConsoleConfig;

  /** A pino logger to log through, or options for a new one. */
  logger?: Logger | LoggerOptions;
  /** Where a logger built from options writes (default stdout). */
  logDestination?: DestinationStream;
  /** Clock, injectable for tests. */
  now?: () => Date;
  /** Tuning of the webhook inbox's processing (poll, leases, back-off); defaults suit production. */
  inbox?: Omit<InboxOptions, 'ready'>;
  /** A ready store; when set, `database` is not opened. */
  store?: Store;
  /** Provider adapters to use instead of those built from `providers` (tests, custom adapters). */
  adapters?: Provider[];
  /**
   * Called after every order status change (once per change, after it is committed, driven by
   * the outbox). Errors it throws are logged and otherwise ignored.
   */
  onOrderUpdated?: (order: OrderView) => void | Promise<void>;
  /** Like `onOrderUpdated`, for mandate changes. */
  onMandateUpdated?: (mandate: WebhookMandate) => void | Promise<void>;
  /** Back-off of merchant notification retries (default 5 s doubling up to 6 h). */
  merchantWebhookRetry?: Partial<RetryPolicy>;
  /** How often the outbox is checked for due notifications (default 1000 ms). */
  outboxPollMs?: number;
  /** How long a claimed notification holds before another instance may deliver it (2 min). */
  outboxLeaseMs?: number;
  /** SSE heartbeat interval (default 15 000 ms). */
  sseHeartbeatMs?: number;
  /** Lifetime of a checkout session (default one hour). */
  sessionTtlMs?: number;
  /** Base delay of the provider client's retry back-off (default 200 ms). */
  providerRetryBaseMs?: number;
}

/** Thrown by {@link loadConfig}; `variables` lists the names of every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly variables: string[];

  constructor(problems: EnvProblem[]) {
    super(`Invalid configuration: ${problems.map((p) => `${p.variable} ${p.reason}`).join('; ')}.`);
    this.variables = problems.map((p) => p.variable);
  }
}

/** Every section of the configuration, in the order `--help` and the README list them. */
export const CONFIG_SECTIONS: readonly EnvSection<unknown>[] = [
  serverEnv,
  databaseEnv,
  merchantWebhookEnv,
  reconcilerEnv,
  inboxEnv,
  retentionEnv,
  breakerEnv,
  limitsEnv,
  httpEnv,
  outboxEnv,
  consoleEnv,
  ...PROVIDER_ENTRIES.map((entry) => entry.env),
];

/**
 * The whole configuration as one schema over the environment: every section reads its own
 * variables, and the issues of all of them are gathered, so one parse names every bad variable.
 */
export const configSchema = z.looseObject({}).transform((raw, ctx) => {
  const env = cleanEnv(raw as Record<string, string | undefined>);
  const read = <T>(section: EnvSection<T>): T => {
    const result = section.schema.safeParse(env);
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.addIssue({ ...issue, code: 'custom' });
    // Never used: with an issue added, the whole parse fails.
    return undefined as T;
  };
  const server = read(serverEnv);
  const database = read(databaseEnv);
  const merchantWebhook = read(merchantWebhookEnv);
  const reconciler = read(reconcilerEnv);
  const retention = read(retentionEnv);
  const inbox = read(inboxEnv);
  const http = read(httpEnv);
  const breaker = read(breakerEnv);
  const limits = read(limitsEnv);
  const outbox = read(outboxEnv);
  const operatorConsole = read(consoleEnv);
  const providers: ProviderConfigs = {};
  for (const entry of PROVIDER_ENTRIES) {
    const config = read(entry.env);
    if (config) Object.assign(providers, { [entry.id]: config });
  }
  return {
    ...server,
    database,
    providers,
    reconciler,
    retention,
    inbox,
    breaker,
    limits,
    http,
    outboxLeaseMs: outbox.leaseMs,
    console: operatorConsole,
    ...(merchantWebhook ? { merchantWebhook } : {}),
  };
});

/**
 * Reads the configuration from environment variables (contract table).
 * Throws {@link ConfigError} listing every invalid variable by name.
 */
export function loadConfig(env: Record<string, string | undefined>): CheckoutServerConfig {
  const result = configSchema.safeParse(env);
  if (!result.success) throw new ConfigError(problemsOf(result.error));
  return result.data;
}
