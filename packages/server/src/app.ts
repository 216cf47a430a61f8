/**
 * @module
 * `createCheckoutServer(config)`: the whole backend as a Web-standard `fetch` handler over a
 * Hono app. Node, the CLI and tests are thin wrappers around it.
 */
import type { Logger } from 'pino';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { ProviderId } from '@pay-checkout/protocol';
import { createMemoryBus } from './bus/memory-bus.js';
import { createPostgresBus } from './bus/pg-bus.js';
import type { EventBus } from './bus/bus.js';
import type { CheckoutServerConfig } from './config.js';
import { ApiError } from './core/api-error.js';
import { startInbox, type RunningInbox } from './core/inbox.js';
import { startReconciler } from './core/reconciler.js';
import { startRetention } from './core/retention.js';
import type { AppContext, AppEnv } from './core/context.js';
import { createLogger } from './core/logger.js';
import { Metrics } from './core/metrics.js';
import { StatusChecker } from './core/status-check.js';
import { requestLog } from './middleware/request-log.js';
import { bodyKnownWithin } from './core/raw-body.js';
import { RATE_LIMITED, rateLimits } from './middleware/rate-limit.js';
import { LIMITS_DEFAULTS } from './config/limits-env.js';
import type { Provider } from './providers/provider.js';
import { createProviders, recordCalls, type ProviderCall } from './providers/registry.js';
import { consoleRoutes } from './console/routes.js';
import { activityIdle, recordNotificationAttempt, recordProviderCall } from './console/activity.js';
import { guardProvider, ProviderGuards, type BreakerState } from './providers/breaker.js';
import { browserRoutes } from './routes/browser.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { returnRoutes } from './routes/return.js';
import { sessionRoutes } from './routes/sessions.js';
import { webhookRoutes } from './routes/webhooks.js';
import { chargeRoutes } from './routes/charges.js';
import { mandateRoutes } from './routes/mandates.js';
import { notificationRoutes } from './routes/notifications.js';
import { mountOpenApi } from './routes/openapi.js';
import { OutboxDeliverer } from './notify/outbox-deliverer.js';
import { createLedger, type Ledger } from './core/ledger.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A running checkout server: a fetch handler plus what tests and wrappers need. */
export interface CheckoutServer {
  /**
   * Handles one request (Web `Request` → `Response`). `env` is the runtime's bindings (Node's
   * `{ incoming, outgoing }` from @hono/node-server), where the client's address comes from.
   */
  fetch(request: Request, env?: unknown): Promise<Response>;
  /** The Hono app, for mounting into another Hono app. */
  app: Hono<AppEnv>;
  /** The rules over the store: every read and write of checkout data. */
  ledger: Ledger;
  /** The database itself (rows only). */
  store: Store;
  bus: EventBus;
  /** Counters behind `GET /metrics`. */
  metrics: Metrics;
  /** Processes stored provider webhooks; `idle()` waits for what this instance took in. */
  inbox: RunningInbox;
  /** Ends open SSE streams and closes the store (when the server opened it). */
  close(): Promise<void>;
}

function buildProviders(
  config: CheckoutServerConfig,
  now: () => Date,
  guards: ProviderGuards,
  onCall: (call: ProviderCall) => void,
): Map<ProviderId, Provider> {
  if (config.adapters) {
    // Custom adapters built on the provider HTTP client get their provider's guard too.
    return new Map(
      config.adapters.map((adapter) => [
        adapter.id,
        guardProvider(recordCalls(adapter, onCall, now), guards.of(adapter.id)),
      ]),
    );
  }
  return createProviders(config.providers, {
    publicUrl: config.publicUrl,
    now,
    guards,
    onCall,
    ...(config.providerRetryBaseMs !== undefined
      ? { retryBaseMs: config.providerRetryBaseMs }
      : {}),
  });
}

const BREAKER_STATES: readonly BreakerState[] = ['closed', 'open', 'half_open'];

/** Each provider's breaker and bulkhead, counted in `metrics` and logged when they change. */
function providerGuards(config: CheckoutServerConfig, metrics: Metrics, logger: Logger) {
  const guards = new ProviderGuards(config.breaker, {
    onReject: (provider, reason) =>
      metrics.inc(
        'pay_checkout_provider_calls_rejected_total',
        'Provider calls refused without reaching the provider, by reason.',
        { provider, reason },
      ),
    // An operator wants to hear that a provider was paused, and that it is back.
    onStateChange: (provider, state) => {
      if (state === 'closed') logger.info({ provider, breaker: state }, 'provider breaker closed');
      else logger.warn({ provider, breaker: state }, `provider breaker ${state}`);
    },
  });
  metrics.labelledGauge(
    'pay_checkout_provider_breaker_state',
    'Each provider breaker: 1 for its current state (closed, open, half_open), 0 otherwise.',
    ['provider', 'state'],
    () =>
      guards.all().flatMap((guard) =>
        BREAKER_STATES.map((state) => ({
          labels: { provider: guard.provider, state },
          value: guard.state === state ? 1 : 0,
        })),
      ),
  );
  return guards;
}

/**
 * Creates the checkout server. Opens the configured database (or uses `config.store`) and
 * migrates it before the first request; when migrating fails (the database is unreachable, for
 * one) requests are answered 503 and it is tried again with back-off until it succeeds.
 *
 * @example
 * const server = createCheckoutServer(loadConfig(process.env));
 * const response = await server.fetch(new Request('http://localhost/healthz'));
 */
export function createCheckoutServer(config: CheckoutServerConfig): CheckoutServer {
  const logger = createLogger(config.logger, config.logLevel, config.logDestination);
  const now = config.now ?? (() => new Date());
  const ownsStore = config.store === undefined;
  const store =
    config.store ??
    openStore(config.database, {
      onDegraded: (error, what) => logger.warn({ err: error }, what),
    });
  const ledger = createLedger(store);
  // On PostgreSQL the bus LISTENs for the notices the store sends at commit, so a change made
  // by any instance wakes the streams of every instance; one process needs no more than memory.
  const bus =
    config.database.kind === 'postgres' && store.engine === 'postgres'
      ? createPostgresBus({ url: config.database.url, logger })
      : createMemoryBus();
  const metrics = new Metrics();
  const guards = providerGuards(config, metrics, logger);
  // Every provider call of an order goes to its activity (the operator console's story).
  let recordCall: (call: ProviderCall) => void = () => {};
  const ctx: AppContext = {
    config,
    ledger,
    store,
    bus,
    providers: buildProviders(config, now, guards, (call) => recordCall(call)),
    logger,
    now,
    metrics,
    statusChecks: new StatusChecker(),
    streams: new Set(),
  };
  recordCall = (call) => recordProviderCall(ctx, call);
  metrics.gauge('pay_checkout_sse_connections', 'Open SSE streams.', () => ctx.streams.size);
  const migration = migrateWithRetry(store, logger);
  const { ready } = migration;
  // Committed changes reach the merchant's callbacks and webhook endpoint from the outbox.
  const deliverer = new OutboxDeliverer({
    ledger,
    logger,
    now,
    metrics,
    ...(config.merchantWebhook
      ? { url: config.merchantWebhook.url, secrets: config.merchantWebhook.secrets }
      : {}),
    ...(config.onOrderUpdated ? { onOrderUpdated: config.onOrderUpdated } : {}),
    ...(config.onMandateUpdated ? { onMandateUpdated: config.onMandateUpdated } : {}),
    ...(config.merchantWebhookRetry ? { retry: config.merchantWebhookRetry } : {}),
    ...(config.outboxPollMs !== undefined ? { pollMs: config.outboxPollMs } : {}),
    ...(config.outboxLeaseMs !== undefined ? { leaseMs: config.outboxLeaseMs } : {}),
    ...(config.retention ? { deadLetter: config.retention.deadLetter } : {}),
    onAttempt: (attempt) => recordNotificationAttempt(ctx, attempt),
  });
  ctx.notifier = deliverer;
  deliverer.start(ready);
  // Orders whose news never comes are asked about on a schedule, by whichever instance holds
  // the check's lease.
  const reconciler = startReconciler(ctx, { ready, ...(config.reconciler ?? {}) });
  // Old rows go in small batches, by whichever instance holds the job's lease this interval.
  const retention = startRetention(ctx, {
    ready,
    ...(config.retention
      ? { intervalMs: config.retention.intervalMs, horizonsMs: config.retention.horizonsMs }
      : {}),
  });
  // Provider webhooks are acknowledged once stored, and processed from the store right after.
  const inbox = startInbox(ctx, { ready, ...(config.inbox ?? {}) });
  // Attempts, request rates and failures per address, counted here and shared in batches.
  const limits = rateLimits({
    store: store.limits,
    config: config.limits ?? LIMITS_DEFAULTS,
    isProvider: (id) => ctx.providers.has(id as ProviderId),
    logger,
    onRefused: (limit) =>
      metrics.inc(RATE_LIMITED, 'Requests refused by a rate limit, by limit.', { limit }),
  });
  limits.start(ready);
  ctx.inbox = inbox;

  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(requestLog(logger, metrics));
  app.use(async (c, next) => {
    if (!migration.done()) {
      await migration.firstAttempt;
      if (!migration.done()) {
        return c.json(
          new ApiError(503, 'service_unavailable', 'The database is not ready', {
            retryable: true,
          }).toBody(),
          503,
        );
      }
    }
    await next();
  });
  // The console counts its failed sign-ins itself (console/routes.ts), and a lapsed operator
  // session must read 401, not 429.
  app.use((c, next) => (c.req.path.startsWith('/console/') ? next() : limits.failures(c, next)));
  // On Node the body guard (http/body-guard.ts) has refused an over-limit body already; this
  // is the limit of the bare fetch handler. Its 413 leaves the rest of the body unread, so the
  // connection must not carry another request. Skipped where it has nothing to check, as it
  // would cost the Node adapter a whole Web `Request` per request (core/raw-body.ts).
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) =>
      c.json(
        new ApiError(413, 'payload_too_large', 'The body is larger than 1 MiB').toBody(),
        413,
        { Connection: 'close' },
      ),
  });
  app.use((c, next) => (bodyKnownWithin(c, MAX_BODY_BYTES) ? next() : limitBody(c, next)));

  // A page of another origin gets an answer that names the fix: the browser hides it from the
  // script, but the merchant's developer sees it in the network panel.
  const allowedOrigin = createMiddleware<AppEnv>(async (c, next) => {
    const origin = c.req.header('origin');
    if (
      origin !== undefined &&
      c.req.method !== 'OPTIONS' &&
      !config.allowedOrigins.includes(origin)
    ) {
      throw new ApiError(
        403,
        'forbidden',
        `This page's origin (${origin.slice(0, 200)}) is not allowed: add it to PAY_CHECKOUT_ALLOWED_ORIGINS`,
      );
    }
    await next();
  });
  const browserCors = cors({
    origin: (origin) => (config.allowedOrigins.includes(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Content-Type', 'Idempotency-Key', 'Last-Event-ID'],
    // Date lets the element count a QR code down on the server's clock, not the device's.
    exposeHeaders: ['X-Request-Id', 'Date', 'Retry-After'],
    maxAge: 600,
  });
  for (const path of [
    '/v1/sessions/:id/methods',
    '/v1/sessions/:id/orders',
    '/v1/sessions/:id/events',
    '/v1/orders/:id',
    '/v1/orders/:id/refresh',
  ]) {
    app.use(path, browserCors, allowedOrigin, limits.browser);
  }

  app.route('/', healthRoutes(ctx));
  app.route('/', sessionRoutes(ctx));
  app.route('/', browserRoutes(ctx));
  app.route('/', eventRoutes(ctx));
  app.route('/', returnRoutes(ctx));
  app.use('/webhooks/:provider', limits.webhooks);
  app.route('/', webhookRoutes(ctx));
  app.route('/', chargeRoutes(ctx));
  app.route('/', mandateRoutes(ctx));
  app.route('/', notificationRoutes(ctx));
  // The operator console exists only with its key: otherwise /console is as unknown as any path.
  if (config.console?.key) {
    app.route(
      '/console',
      consoleRoutes(ctx, {
        key: config.console.key,
        counters: limits.counters,
        failures: (config.limits ?? LIMITS_DEFAULTS).failures,
      }),
    );
  }
  mountOpenApi(app);

  app.notFound((c) => c.json(new ApiError(404, 'not_found', 'No such route').toBody(), 404));
  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json(error.toBody(), error.status);
    if (error instanceof HTTPException && error.status < 500) {
      const status = error.status === 413 ? 413 : 400;
      const code = status === 413 ? 'payload_too_large' : 'invalid_request';
      return c.json(new ApiError(status, code, 'The request could not be read').toBody(), status);
    }
    const log = c.get('logger') ?? logger;
    log.error({ err: error }, 'unhandled error');
    return c.json(
      new ApiError(500, 'internal_error', 'Something went wrong on our side').toBody(),
      500,
    );
  });

  let closing: Promise<void> | null = null;
  return {
    fetch: async (request, env) => app.fetch(request, env as object | undefined),
    app,
    ledger,
    store,
    bus,
    metrics,
    inbox,
    close() {
      closing ??= (async () => {
        for (const close of [...ctx.streams]) close();
        migration.stop();
        await limits.stop();
        await reconciler.stop();
        await retention.stop();
        await inbox.stop();
        await deliverer.close();
        await activityIdle(ctx);
        await bus.close();
        await migration.settled;
        if (ownsStore) await store.close();
      })();
      return closing;
    },
  };
}

/** Migration state: tried at start, then again with back-off until it succeeds or is stopped. */
interface Migration {
  /** Resolves once the schema is current; never rejects. */
  ready: Promise<void>;
  /** Settles with the first attempt, whatever its outcome. */
  firstAttempt: Promise<void>;
  /** Settles once migrating has succeeded or stopped. */
  settled: Promise<void>;
  done(): boolean;
  stop(): void;
}

function migrateWithRetry(store: Store, logger: Logger): Migration {
  let done = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let first!: () => void;
  const firstAttempt = new Promise<void>((resolve) => (first = resolve));
  let succeeded!: () => void;
  const ready = new Promise<void>((resolve) => (succeeded = resolve));
  const settled = (async () => {
    for (let attempt = 1; !stopped; attempt++) {
      try {
        await store.migrate();
        done = true;
        succeeded();
        break;
      } catch (error) {
        const delayMs = Math.min(10_000, 250 * 2 ** Math.min(attempt - 1, 6));
        logger.error({ err: error, attempt, retryInMs: delayMs }, 'database migration failed');
        first();
        if (stopped) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, delayMs);
          timer.unref();
        });
      } finally {
        first();
      }
    }
  })();
  return {
    ready,
    firstAttempt,
    settled,
    done: () => done,
    stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
    },
  };
}
