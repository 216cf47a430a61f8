/**
 * @module
 * Configuration: the contract's environment variables, parsed once, failing with one message
 * that names every bad variable (and never prints a value).
 */
import type { DestinationStream, Logger, LoggerOptions } from 'pino';
import type { OrderView } from '@pay-checkout/protocol';
import type { Provider } from './providers/provider.js';
import { readKoyweConfig, type KoyweConfig } from './providers/koywe/koywe-config.js';
import { readIwocaPayConfig, type IwocaPayConfig } from './providers/iwocapay/iwocapay-config.js';
import { readIxopayConfig, type IxopayConfig } from './providers/ixopay/ixopay-config.js';
import { readFuratPayConfig, type FuratPayConfig } from './providers/furatpay/furatpay-config.js';
import type { Store } from './store/store.js';
import {
  readMerchantWebhookConfig,
  type MerchantWebhookConfig,
} from './notify/merchant-webhook-config.js';
import type { RetryPolicy } from './notify/outbox-deliverer.js';
import type { WebhookMandate } from './webhooks.js';

/** Ivy credentials and endpoint. */
export interface IvyConfig {
  apiUrl: string;
  apiKey: string;
  webhookSecret: string;
}

/** Where the data lives. PostgreSQL is recognised but not available yet. */
export type DatabaseConfig = { kind: 'sqlite'; filename: string };

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
  /** Configured providers; a provider is on when its block is present. */
  providers: {
    ivy?: IvyConfig;
    koywe?: KoyweConfig;
    iwocapay?: IwocaPayConfig;
    ixopay?: IxopayConfig;
    furatpay?: FuratPayConfig;
  };
  /** Merchant notifications (`MERCHANT_WEBHOOK_URL`, `MERCHANT_WEBHOOK_SECRET`); off when absent. */
  merchantWebhook?: MerchantWebhookConfig;

  /** A pino logger to log through, or options for a new one. */
  logger?: Logger | LoggerOptions;
  /** Where a logger built from options writes (default stdout). */
  logDestination?: DestinationStream;
  /** Clock, injectable for tests. */
  now?: () => Date;
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

  constructor(problems: { variable: string; reason: string }[]) {
    super(`Invalid configuration: ${problems.map((p) => `${p.variable} ${p.reason}`).join('; ')}.`);
    this.variables = problems.map((p) => p.variable);
  }
}

const IVY_SANDBOX_URL = 'https://api.sand.getivy.de';

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** Parses an origin such as `https://shop.example`; returns its canonical form or null. */
export function parseOrigin(input: string): string | null {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password || url.search || url.hash) return null;
  if (url.pathname !== '/' || /[\\\s]/.test(input)) return null;
  // `new URL` accepts "https://shop.example/" and "HTTPS://Shop.Example"; the canonical origin is
  // what browsers send in the Origin header, so that is what we compare against.
  if (input.replace(/\/$/, '').toLowerCase() !== url.origin.toLowerCase()) return null;
  return url.origin;
}

function parseHttpUrl(input: string): URL | null {
  try {
    const url = new URL(input);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/** `http://HOST:PORT`, the public URL when PAY_CHECKOUT_PUBLIC_URL is not set. */
export function defaultPublicUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Reads the configuration from environment variables (contract table).
 * Throws {@link ConfigError} listing every invalid variable by name.
 */
export function loadConfig(env: Record<string, string | undefined>): CheckoutServerConfig {
  const problems: { variable: string; reason: string }[] = [];
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const bad = (variable: string, reason: string): void => {
    problems.push({ variable, reason });
  };

  let port = 8787;
  const rawPort = get('PORT');
  if (rawPort !== undefined) {
    if (/^\d{1,5}$/.test(rawPort) && Number(rawPort) <= 65535) port = Number(rawPort);
    else bad('PORT', 'must be a port number between 0 and 65535');
  }

  const host = get('HOST') ?? '127.0.0.1';
  if (/[\s/]/.test(host)) bad('HOST', 'must be a host name or IP address');

  let publicUrl = defaultPublicUrl(host, port);
  const rawPublicUrl = get('PAY_CHECKOUT_PUBLIC_URL');
  if (rawPublicUrl !== undefined) {
    const url = parseHttpUrl(rawPublicUrl);
    if (!url || url.search || url.hash || url.username || url.password) {
      bad('PAY_CHECKOUT_PUBLIC_URL', 'must be an absolute http(s) URL without query or fragment');
    } else {
      publicUrl = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
    }
  }

  const secretKey = get('PAY_CHECKOUT_SECRET_KEY') ?? '';
  if (!secretKey) bad('PAY_CHECKOUT_SECRET_KEY', 'is required');
  else if (secretKey.length < 16) bad('PAY_CHECKOUT_SECRET_KEY', 'must be at least 16 characters');

  const allowedOrigins: string[] = [];
  const rawOrigins = get('PAY_CHECKOUT_ALLOWED_ORIGINS');
  if (rawOrigins === undefined) {
    bad('PAY_CHECKOUT_ALLOWED_ORIGINS', 'is required (comma-separated origins)');
  } else {
    const entries = rawOrigins.split(',').map((o) => o.trim());
    const invalid = entries.filter((o) => parseOrigin(o) === null);
    if (invalid.length > 0 || entries.length === 0) {
      bad(
        'PAY_CHECKOUT_ALLOWED_ORIGINS',
        `must list origins such as https://shop.example (${invalid.length} invalid entr${invalid.length === 1 ? 'y' : 'ies'})`,
      );
    } else {
      for (const entry of entries) {
        const origin = parseOrigin(entry);
        if (origin && !allowedOrigins.includes(origin)) allowedOrigins.push(origin);
      }
    }
  }

  let database: DatabaseConfig = { kind: 'sqlite', filename: './pay-checkout.db' };
  const rawDatabase = get('DATABASE_URL');
  if (rawDatabase !== undefined) {
    if (/^postgres(ql)?:\/\//i.test(rawDatabase)) {
      bad('DATABASE_URL', 'points at PostgreSQL, which is not supported yet (use sqlite:<path>)');
    } else if (/^sqlite:/i.test(rawDatabase)) {
      const path = rawDatabase.slice('sqlite:'.length).replace(/^\/\/(?=\/|\.)/, '');
      if (!path) bad('DATABASE_URL', 'must name a file: sqlite:<path> or sqlite::memory:');
      else database = { kind: 'sqlite', filename: path };
    } else {
      bad('DATABASE_URL', 'must be sqlite:<path> (or sqlite::memory:)');
    }
  }

  const logLevel = (get('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!LOG_LEVELS.has(logLevel)) bad('LOG_LEVEL', `must be one of ${[...LOG_LEVELS].join(', ')}`);

  const providers: CheckoutServerConfig['providers'] = {};
  const ivyKey = get('IVY_API_KEY');
  const ivySecret = get('IVY_WEBHOOK_SECRET');
  const ivyUrlRaw = get('IVY_API_URL');
  let ivyUrl = IVY_SANDBOX_URL;
  if (ivyUrlRaw !== undefined) {
    const url = parseHttpUrl(ivyUrlRaw);
    if (!url || url.search || url.hash || url.username || url.password) {
      bad('IVY_API_URL', 'must be an absolute http(s) URL');
    } else {
      ivyUrl = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
    }
  }
  if (ivyKey && ivySecret) {
    providers.ivy = { apiUrl: ivyUrl, apiKey: ivyKey, webhookSecret: ivySecret };
  } else if (ivyKey) {
    bad('IVY_WEBHOOK_SECRET', 'is required when IVY_API_KEY is set');
  } else if (ivySecret) {
    bad('IVY_API_KEY', 'is required when IVY_WEBHOOK_SECRET is set');
  }

  const koywe = readKoyweConfig(get, bad);
  if (koywe) providers.koywe = koywe;

  const iwocapay = readIwocaPayConfig(get, bad);
  if (iwocapay) providers.iwocapay = iwocapay;

  const ixopay = readIxopayConfig(get, bad);
  if (ixopay) providers.ixopay = ixopay;

  const furatpay = readFuratPayConfig(get, bad);
  if (furatpay) providers.furatpay = furatpay;

  const merchantWebhook = readMerchantWebhookConfig(get, bad);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host,
    publicUrl,
    secretKey,
    allowedOrigins,
    database,
    logLevel,
    providers,
    ...(merchantWebhook ? { merchantWebhook } : {}),
  };
}
