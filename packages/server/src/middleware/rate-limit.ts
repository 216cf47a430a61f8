/**
 * @module
 * The rate limits as Hono middleware, over the shared counters of core/limits.ts:
 *
 * - `browser` (the element's routes): requests per client address, and per session on
 *   `/v1/sessions/:id/…` — a session is counted once it is known to exist, so made-up ids
 *   leave no counter behind. It also puts `Retry-After` on the answers of the routes behind it
 *   that say when to come back (a refused payment attempt).
 * - `webhooks`: requests per provider, generously: a provider's retries after an outage come
 *   in bursts.
 * - `failures` (every route): a webhook signature that does not verify (401 on `/webhooks/…`),
 *   a bearer key that does not match (any other 401), a session id that does not exist (404 on
 *   the element's session routes) — counted per client address; over the limit, such a failure
 *   is answered 429 with `Retry-After` instead. Only what fails is refused: a provider or a
 *   merchant whose address shares a NAT with someone sending garbage keeps being served.
 *
 * Every refusal is the API's error body (`rate_limited`) with `Retry-After` in seconds. A
 * request whose client address is unknown (the app called without Node's bindings, as by an
 * embedding runtime or a test) is not counted per address, so that it cannot put every client
 * in one bucket.
 *
 * The client address is the socket's (`getConnInfo`); behind proxies, with
 * `PAY_CHECKOUT_TRUSTED_PROXY_HOPS=n`, it is the n-th `X-Forwarded-For` entry from the right —
 * the one the outermost trusted proxy wrote; entries further left are the client's own word.
 * IPv6 addresses count by their /64, the block a single subscriber is usually given.
 */
import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Logger } from 'pino';
import type { LimitsConfig } from '../config/limits-env.js';
import type { AppEnv } from '../core/context.js';
import { RetryLaterError, SharedCounters, rateLimitedError, type Verdict } from '../core/limits.js';
import type { LimitCounterRepository } from '../store/store.js';

/** The counter of refused requests, by limit (`GET /metrics`). */
export const RATE_LIMITED = 'pay_checkout_rate_limited_total';

/** The limiter of one server: its middleware and the sync of its counters. */
export interface RateLimits {
  browser: MiddlewareHandler<AppEnv>;
  webhooks: MiddlewareHandler<AppEnv>;
  failures: MiddlewareHandler<AppEnv>;
  counters: SharedCounters;
  /** Shares counts through the database once `ready` (the schema exists) resolves. */
  start(ready: Promise<void>): void;
  /** Stops sharing, after sending what was counted. */
  stop(): Promise<void>;
}

export interface RateLimitOptions {
  store: LimitCounterRepository;
  config: LimitsConfig;
  /** Whether `id` names a configured provider (only those are counted). */
  isProvider(id: string): boolean;
  logger?: Logger;
  /** Told of every refusal, by the limit that refused (`address`, `session`, a failure kind…). */
  onRefused?(limit: string): void;
  /** Epoch milliseconds (tests). */
  now?: () => number;
}

/** The kinds of failure counted per client address. */
export type FailureKind = 'bad_signature' | 'bad_bearer' | 'unknown_session';

/** `/v1/sessions/:id/{methods,orders,events}`: the element's routes of one session. */
const SESSION_ROUTE = /^\/v1\/sessions\/([^/]+)\/(?:methods|orders|events)$/;

/** The session id of an element route of one session, or null. */
export function sessionOfPath(path: string): string | null {
  const id = SESSION_ROUTE.exec(path)?.[1];
  return id === undefined ? null : id.slice(0, 200);
}

/** What an answer says about the request, as far as the failure limits care. */
export function failureOf(path: string, status: number): FailureKind | null {
  if (status === 401) return path.startsWith('/webhooks/') ? 'bad_signature' : 'bad_bearer';
  if (status === 404 && SESSION_ROUTE.test(path)) return 'unknown_session';
  return null;
}

/** The eight groups of an IPv6 address, or null when it is not one. */
function ipv6Groups(address: string): string[] | null {
  if (isIP(address) !== 6) return null;
  let text = address.toLowerCase();
  // An embedded IPv4 tail (`::ffff:1.2.3.4`) becomes two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...zeros, ...right].map((group) => group.replace(/^0+(?=.)/, ''));
}

/**
 * The address a client is counted by: an IPv4 address as it is (also when mapped into IPv6),
 * an IPv6 address by its /64; null when `raw` is not an IP address.
 */
export function addressKey(raw: string): string | null {
  const address = raw.trim();
  if (isIP(address) === 4) return address;
  const groups = ipv6Groups(address.replace(/%.*$/, ''));
  if (!groups) return null;
  if (groups.slice(0, 6).join(':') === '0:0:0:0:0:ffff') {
    const [high = 0, low = 0] = groups.slice(6).map((group) => parseInt(group, 16));
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/** An `X-Forwarded-For` entry without the port some proxies add (`1.2.3.4:80`, `[::1]:80`). */
function withoutPort(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed?.[1]) return bracketed[1];
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(entry);
  return v4?.[1] ?? entry;
}

/** The client address of `c` (see the module comment), or null when it is unknown. */
export function clientAddress(c: Context, trustedProxyHops: number): string | null {
  if (trustedProxyHops > 0) {
    const forwarded = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    const entry = forwarded[forwarded.length - trustedProxyHops];
    const key = entry === undefined ? null : addressKey(withoutPort(entry));
    if (key) return key;
  }
  const env = c.env as { incoming?: unknown; server?: unknown } | undefined;
  if (!env?.incoming && !env?.server) return null;
  const socket = getConnInfo(c).remote.address;
  return socket === undefined ? null : addressKey(socket);
}

/** The 429 of a refused request. */
function refusal(verdict: Extract<Verdict, { allowed: false }>): Response {
  const error = rateLimitedError(verdict.retryAfterMs);
  return new Response(JSON.stringify(error.toBody()), {
    status: 429,
    headers: {
      'Content-Type': 'application/json',
      'Retry-After': String(error.retryAfterSeconds),
    },
  });
}

/** The rate limits of one server over `options.store`. */
export function rateLimits(options: RateLimitOptions): RateLimits {
  const { config } = options;
  const counters = new SharedCounters({
    store: options.store,
    windowMs: config.windowMs,
    syncMs: config.syncMs,
    ...(options.now ? { now: options.now } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const addressOf = (c: Context) => clientAddress(c, config.trustedProxyHops);
  const refuse = (limit: string, verdict: Extract<Verdict, { allowed: false }>): Response => {
    options.onRefused?.(limit);
    return refusal(verdict);
  };
  let stopped = false;

  const browser = createMiddleware<AppEnv>(async (c, next) => {
    const address = addressOf(c);
    if (address !== null) {
      const verdict = counters.hit('address', address, config.perAddress);
      if (!verdict.allowed) return refuse('address', verdict);
    }
    const sessionId = sessionOfPath(c.req.path);
    if (sessionId !== null) {
      const verdict = counters.check('session', sessionId, config.perSession);
      if (!verdict.allowed) return refuse('session', verdict);
    }
    await next();
    if (sessionId !== null && c.res.status !== 404) {
      counters.count('session', sessionId, config.perSession);
    }
    if (c.error instanceof RetryLaterError) {
      options.onRefused?.(c.error.code);
      c.res.headers.set('Retry-After', String(c.error.retryAfterSeconds));
    }
    return undefined;
  });

  const webhooks = createMiddleware<AppEnv>(async (c, next) => {
    const provider = c.req.param('provider');
    if (provider !== undefined && options.isProvider(provider)) {
      const verdict = counters.hit('provider', provider, config.perProvider);
      if (!verdict.allowed) return refuse('provider', verdict);
    }
    await next();
    return undefined;
  });

  const failures = createMiddleware<AppEnv>(async (c, next) => {
    await next();
    const kind = failureOf(c.req.path, c.res.status);
    if (kind === null || config.failures <= 0) return;
    const address = addressOf(c);
    if (address === null) return;
    const verdict = await counters.fail(kind, address, config.failures);
    if (!verdict.allowed) c.res = refuse(kind, verdict);
  });

  return {
    browser,
    webhooks,
    failures,
    counters,
    start(ready) {
      void ready.then(() => {
        if (!stopped) counters.start();
      });
    },
    async stop() {
      stopped = true;
      await counters.stop();
    },
  };
}
