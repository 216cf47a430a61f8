/**
 * @module
 * Per-request logger: a child of the server logger carrying the request id, and one line per
 * request with method, path (never the query, which may carry ids), status and duration, also
 * counted and timed by route pattern for `/metrics` — provider webhooks timed by provider too.
 *
 * The child is made only when a route logs through it (most log nothing), and the request line
 * is written by the server logger with the request id in it — the same line, without paying for
 * a child logger (its bindings serialized, its redaction set up) on every request.
 */
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { routePath } from 'hono/route';
import { PROVIDER_IDS } from '@pay-checkout/protocol';
import type { AppEnv } from '../core/context.js';
import { lazyChild } from '../core/logger.js';
import { HTTP_DURATION, HTTP_REQUESTS, WEBHOOK_DURATION, type Metrics } from '../core/metrics.js';

/** The route pattern of provider webhooks (routes/webhooks.ts). */
const WEBHOOK_ROUTE = '/webhooks/:provider';
const PROVIDERS: ReadonlySet<string> = new Set(PROVIDER_IDS);

/** Sets `c.var.logger` and logs, counts and times each finished request. */
export function requestLog(logger: Logger, metrics: Metrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const requestId = c.get('requestId');
    c.set(
      'logger',
      lazyChild(logger, () => ({ requestId })),
    );
    await next();
    // Until the response headers: for a stream (SSE), not the time it stays open.
    const seconds = (performance.now() - started) / 1000;
    const method = c.req.method;
    const route = routePath(c, -1);
    metrics.inc(HTTP_REQUESTS, 'HTTP requests by route pattern and status.', {
      method,
      route,
      status: String(c.res.status),
    });
    metrics.observe(HTTP_DURATION, { method, route }, seconds);
    if (route === WEBHOOK_ROUTE) {
      // Only known provider ids become labels: the path segment is whatever a caller sent.
      const provider = c.req.param('provider');
      if (provider && PROVIDERS.has(provider)) {
        metrics.observe(WEBHOOK_DURATION, { provider }, seconds);
      }
    }
    logger.info(
      {
        requestId,
        method,
        path: c.req.path,
        status: c.res.status,
        durationMs: Math.round(seconds * 10_000) / 10,
      },
      'request',
    );
  };
}
