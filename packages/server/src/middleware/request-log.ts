/**
 * @module
 * Per-request logger: a child of the server logger carrying the request id, and one line per
 * request with method, path (never the query, which may carry ids), status and duration, also
 * counted by route pattern for `/metrics`.
 */
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { routePath } from 'hono/route';
import type { AppEnv } from '../core/context.js';
import { HTTP_REQUESTS, type Metrics } from '../core/metrics.js';

/** Sets `c.var.logger` and logs each finished request. */
export function requestLog(logger: Logger, metrics: Metrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const log = logger.child({ requestId: c.get('requestId') });
    c.set('logger', log);
    await next();
    metrics.inc(HTTP_REQUESTS, 'HTTP requests by route pattern and status.', {
      method: c.req.method,
      route: routePath(c, -1),
      status: String(c.res.status),
    });
    log.info(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
      },
      'request',
    );
  };
}
