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
import type { DatabaseConfig } from './store/open-store.js';
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

/** `DATABASE_URL` when it is not set. */
const DEFAULT_DATABASE_FILE = './pay-checkout.db';

/** PostgreSQL pool size: `DATABASE_POOL_SIZE`, its bounds and default. */
const DATABASE_POOL_SIZE = { min: 1, max: 100, default: 10 } as const;

/** PostgreSQL statement timeout in milliseconds: `DATABASE_STATEMENT_TIMEOUT_MS`. */
const DATABASE_STATEMENT_TIMEOUT_MS = { min: 100, max: 600_000, default: 30_000 } as const;

const POSTGRES_URL_SHAPE = 'postgres://user:password@host:5432/database';

/** What a PostgreSQL URL names, without its credentials or options. */
interface PostgresTarget {
  /** `host:port` (5432 unless given); the host may be a socket directory (`?host=/run/…`). */
  server: string;
  database: string;
}

/**
 * Checks a `postgres://` or `postgresql://` URL the way node-postgres will read it. Returns what
 * it names, or the reason it is unusable — a reason never quotes any part of the URL, which
 * carries the password.
 */
function parsePostgresUrl(raw: string): PostgresTarget | { problem: string } {
  let url: URL;
  let hostname: string;
  try {
    url = new URL(raw);
    hostname = url.hostname;
  } catch {
    // node-postgres also reads `postgres://user:password@/database?host=/run/postgresql` (no
    // host before the path, the socket directory in the options), which WHATWG URL refuses.
    try {
      url = new URL(raw.replace('@/', '@socket.invalid/'));
      hostname = '';
    } catch {
      return {
        problem: `could not be read as a URL (expected ${POSTGRES_URL_SHAPE}; write @ : / ? # in the user name or password percent-encoded, e.g. %40 for @)`,
      };
    }
  }
  // As in node-postgres, `host` and `port` options win over the URL's own.
  const host = url.searchParams.get('host') || hostname;
  if (!host) {
    return { problem: `must name the database server's host (${POSTGRES_URL_SHAPE})` };
  }
  const path = url.pathname.replace(/^\//, '');
  if (!path) {
    return { problem: `must name the database after the host (${POSTGRES_URL_SHAPE})` };
  }
  // A `/` in an unencoded password ends the host early: what follows (part of the password,
  // then `@host`) lands in the path. Refusing a second segment or an `@` there keeps that text
  // out of the database name, which the start-up line prints.
  if (path.includes('/') || path.includes('@')) {
    return {
      problem: `must name exactly one database after the host (${POSTGRES_URL_SHAPE}); write a / in the user name or password as %2F`,
    };
  }
  const port = url.searchParams.get('port') || url.port || '5432';
  return { server: `${host}:${port}`, database: decodeOr(path) };
}

function decodeOr(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Reads an optional integer variable in `[min, max]`; reports it by name, never its value. */
function readInteger(
  get: (name: string) => string | undefined,
  bad: (variable: string, reason: string) => void,
  name: string,
  bounds: { min: number; max: number; default: number },
): number {
  const raw = get(name);
  if (raw === undefined) return bounds.default;
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (value >= bounds.min && value <= bounds.max) return value;
  bad(name, `must be a whole number from ${bounds.min} to ${bounds.max}`);
  return bounds.default;
}

/**
 * `DATABASE_URL` with `DATABASE_POOL_SIZE` and `DATABASE_STATEMENT_TIMEOUT_MS`. The two tuning
 * variables apply only to PostgreSQL; set next to an SQLite database they would silently do
 * nothing, so they are reported instead (the same rule as a provider's partial credentials).
 */
function readDatabaseConfig(
  get: (name: string) => string | undefined,
  bad: (variable: string, reason: string) => void,
): DatabaseConfig {
  const poolSize = readInteger(get, bad, 'DATABASE_POOL_SIZE', DATABASE_POOL_SIZE);
  const statementTimeoutMs = readInteger(
    get,
    bad,
    'DATABASE_STATEMENT_TIMEOUT_MS',
    DATABASE_STATEMENT_TIMEOUT_MS,
  );
  const sqlite = (filename: string): DatabaseConfig => {
    for (const name of ['DATABASE_POOL_SIZE', 'DATABASE_STATEMENT_TIMEOUT_MS']) {
      if (get(name) !== undefined) {
        bad(name, 'applies only to PostgreSQL, and DATABASE_URL selects SQLite (unset it)');
      }
    }
    return { kind: 'sqlite', filename };
  };

  const raw = get('DATABASE_URL');
  if (raw === undefined) return sqlite(DEFAULT_DATABASE_FILE);
  const fallback: DatabaseConfig = { kind: 'sqlite', filename: DEFAULT_DATABASE_FILE };
  if (/^postgres(ql)?:\/\//i.test(raw)) {
    const target = parsePostgresUrl(raw);
    if ('problem' in target) {
      bad('DATABASE_URL', target.problem);
      return fallback;
    }
    return { kind: 'postgres', url: raw, poolSize, statementTimeoutMs };
  }
  if (/^sqlite:/i.test(raw)) {
    const path = raw.slice('sqlite:'.length).replace(/^\/\/(?=\/|\.)/, '');
    if (path) return sqlite(path);
    bad('DATABASE_URL', 'must name a file: sqlite:<path> or sqlite::memory:');
    return fallback;
  }
  bad(
    'DATABASE_URL',
    `must be sqlite:<path>, sqlite::memory:, or a PostgreSQL URL (${POSTGRES_URL_SHAPE}, or postgresql://…)`,
  );
  return fallback;
}

/**
 * The database in words, for the start-up line: the SQLite file, or the PostgreSQL server and
 * database — never the user name, password or connection options.
 */
export function describeDatabase(database: DatabaseConfig): string {
  if (database.kind === 'sqlite') {
    return database.filename === ':memory:' ? 'SQLite in memory' : `SQLite ${database.filename}`;
  }
  const target = parsePostgresUrl(database.url);
  if ('problem' in target) return 'PostgreSQL';
  return `PostgreSQL ${target.server}/${target.database}`;
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

  const database = readDatabaseConfig(get, bad);

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
