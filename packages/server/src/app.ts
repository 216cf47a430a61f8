/**
 * @module
 * `createCheckoutServer(config)`: the whole backend as a Web-standard `fetch` handler over a
 * Hono app. Node, the CLI and tests are thin wrappers around it.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { ProviderId } from '@pay-checkout/protocol';
import { createMemoryBus } from './bus/memory-bus.js';
import type { EventBus } from './bus/bus.js';
import type { CheckoutServerConfig } from './config.js';
import { ApiError } from './core/api-error.js';
import type { AppContext, AppEnv } from './core/context.js';
import { createLogger } from './core/logger.js';
import { Metrics } from './core/metrics.js';
import { requestLog } from './middleware/request-log.js';
import type { Provider } from './providers/provider.js';
import { createIvyProvider } from './providers/ivy/ivy-provider.js';
import { createIxopayProvider } from './providers/ixopay/ixopay-provider.js';
import { createIwocaPayProvider } from './providers/iwocapay/iwocapay-provider.js';
import { createKoyweProvider } from './providers/koywe/koywe-provider.js';
import { createFuratPayProvider } from './providers/furatpay/furatpay-provider.js';
import { browserRoutes } from './routes/browser.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { returnRoutes } from './routes/return.js';
import { sessionRoutes } from './routes/sessions.js';
import { webhookRoutes } from './routes/webhooks.js';
import { chargeRoutes } from './routes/charges.js';
import { mandateRoutes } from './routes/mandates.js';
import { OutboxDeliverer } from './notify/outbox-deliverer.js';
import { createSqliteStore } from './store/sqlite/sqlite-store.js';
import type { Store } from './store/store.js';

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A running checkout server: a fetch handler plus what tests and wrappers need. */
export interface CheckoutServer {
  /** Handles one request (Web `Request` → `Response`). */
  fetch(request: Request): Promise<Response>;
  /** The Hono app, for mounting into another Hono app. */
  app: Hono<AppEnv>;
  store: Store;
  bus: EventBus;
  /** Counters behind `GET /metrics`. */
  metrics: Metrics;
  /** Ends open SSE streams and closes the store (when the server opened it). */
  close(): Promise<void>;
}

function buildProviders(config: CheckoutServerConfig, now: () => Date): Map<ProviderId, Provider> {
  const providers = new Map<ProviderId, Provider>();
  if (config.adapters) {
    for (const adapter of config.adapters) providers.set(adapter.id, adapter);
    return providers;
  }
  if (config.providers.ivy) {
    providers.set(
      'ivy',
      createIvyProvider({
        ...config.providers.ivy,
        now,
        ...(config.providerRetryBaseMs !== undefined
          ? { retryBaseMs: config.providerRetryBaseMs }
          : {}),
      }),
    );
  }
  if (config.providers.koywe) {
    providers.set(
      'koywe',
      createKoyweProvider({
        ...config.providers.koywe,
        now,
        ...(config.providerRetryBaseMs !== undefined
          ? { retryBaseMs: config.providerRetryBaseMs }
          : {}),
      }),
    );
  }
  if (config.providers.iwocapay) {
    providers.set(
      'iwocapay',
      createIwocaPayProvider({
        ...config.providers.iwocapay,
        ...(config.providerRetryBaseMs !== undefined
          ? { retryBaseMs: config.providerRetryBaseMs }
          : {}),
      }),
    );
  }
  if (config.providers.ixopay) {
    providers.set(
      'ixopay',
      createIxopayProvider({
        ...config.providers.ixopay,
        callbackUrl: `${config.publicUrl}/webhooks/ixopay`,
        now,
        ...(config.providerRetryBaseMs !== undefined
          ? { retryBaseMs: config.providerRetryBaseMs }
          : {}),
      }),
    );
  }
  if (config.providers.furatpay) {
    providers.set(
      'furatpay',
      createFuratPayProvider({
        ...config.providers.furatpay,
        now,
        ...(config.providerRetryBaseMs !== undefined
          ? { retryBaseMs: config.providerRetryBaseMs }
          : {}),
      }),
    );
  }
  return providers;
}

/**
 * Creates the checkout server. Opens the configured SQLite database (or uses `config.store`)
 * and migrates it before the first request.
 *
 * @example
 * const server = createCheckoutServer(loadConfig(process.env));
 * const response = await server.fetch(new Request('http://localhost/healthz'));
 */
export function createCheckoutServer(config: CheckoutServerConfig): CheckoutServer {
  const logger = createLogger(config.logger, config.logLevel, config.logDestination);
  const now = config.now ?? (() => new Date());
  const ownsStore = config.store === undefined;
  const store = config.store ?? createSqliteStore({ filename: config.database.filename });
  const bus = createMemoryBus();
  const metrics = new Metrics();
  const ctx: AppContext = {
    config,
    store,
    bus,
    providers: buildProviders(config, now),
    logger,
    now,
    metrics,
    streams: new Set(),
  };
  metrics.gauge('pay_checkout_sse_connections', 'Open SSE streams.', () => ctx.streams.size);
  const ready = store.migrate();
  // Surface a migration failure on requests, not as an unhandled rejection.
  ready.catch(() => {});
  // Committed changes reach the merchant's callbacks and webhook endpoint from the outbox.
  const deliverer = new OutboxDeliverer({
    store,
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
  });
  ctx.notifier = deliverer;
  deliverer.start(ready);

  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(requestLog(logger, metrics));
  app.use(async (c, next) => {
    try {
      await ready;
    } catch (error) {
      logger.error({ err: error }, 'database migration failed');
      return c.json(
        new ApiError(503, 'service_unavailable', 'The database is not ready').toBody(),
        503,
      );
    }
    await next();
  });
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        c.json(
          new ApiError(413, 'payload_too_large', 'The body is larger than 1 MiB').toBody(),
          413,
        ),
    }),
  );

  const browserCors = cors({
    origin: (origin) => (config.allowedOrigins.includes(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Content-Type', 'Idempotency-Key', 'Last-Event-ID'],
    exposeHeaders: ['X-Request-Id'],
    maxAge: 600,
  });
  for (const path of [
    '/v1/sessions/:id/methods',
    '/v1/sessions/:id/orders',
    '/v1/sessions/:id/events',
    '/v1/orders/:id',
  ]) {
    app.use(path, browserCors);
  }

  app.route('/', healthRoutes(ctx));
  app.route('/', sessionRoutes(ctx));
  app.route('/', browserRoutes(ctx));
  app.route('/', eventRoutes(ctx));
  app.route('/', returnRoutes(ctx));
  app.route('/', webhookRoutes(ctx));
  app.route('/', chargeRoutes(ctx));
  app.route('/', mandateRoutes(ctx));

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
    fetch: async (request) => app.fetch(request),
    app,
    store,
    bus,
    metrics,
    close() {
      closing ??= (async () => {
        for (const close of [...ctx.streams]) close();
        await deliverer.close();
        await bus.close();
        await ready.catch(() => {});
        if (ownsStore) await store.close();
      })();
      return closing;
    },
  };
}
