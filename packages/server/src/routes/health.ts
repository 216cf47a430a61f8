/**
 * @module
 * `GET /healthz` (the process answers), `GET /readyz` (the database answers) and `GET /metrics`
 * (Prometheus text format).
 */
import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../core/context.js';

/** The health routes. */
export function healthRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    try {
      await ctx.store.ping();
      return c.json({ status: 'ok' });
    } catch {
      return c.json(
        { error: { code: 'service_unavailable', message: 'The database does not answer' } },
        503,
      );
    }
  });
  app.get('/metrics', (c) =>
    c.body(ctx.metrics.render(), 200, {
      'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
    }),
  );
  return app;
}
