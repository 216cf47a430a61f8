/**
 * @module
 * `GET /healthz` (the process answers), `GET /readyz` (the database answers, and on PostgreSQL
 * the live-status listener is connected) and `GET /metrics` (Prometheus text format, behind
 * `Authorization: Bearer <metrics key>`; the key is `metricsKey`, else the secret key).
 *
 * `/readyz` says why it is not ready in words an operator can act on — never the database URL,
 * host or driver message, which could carry credentials.
 */
import { Hono } from 'hono';
import { ApiError } from '../core/api-error.js';
import { requireBearer } from '../core/auth.js';
import type { AppContext, AppEnv } from '../core/context.js';

/** Longest `/readyz` waits for the database before calling it unreachable. */
const PING_TIMEOUT_MS = 2_000;

type Probe = { ok: true } | { ok: false; reason: string };

/** Classifies a failed ping by its code only. */
function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ECONNREFUSED') return 'the database refuses connections';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the database host cannot be resolved';
  if (code === 'ETIMEDOUT' || code === 'timeout') return 'the database does not answer in time';
  if (code === '28P01' || code === '28000') return 'the database refuses the credentials';
  if (code === '3D000') return 'the database does not exist';
  if (code === '57P01' || code === '57P03') return 'the database is shutting down or starting';
  if (error instanceof Error && /closed/i.test(error.message)) return 'the store is closed';
  return 'the database does not answer';
}

async function probeDatabase(ctx: AppContext): Promise<Probe> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ctx.store.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(Object.assign(new Error('ping'), { code: 'timeout' })),
          PING_TIMEOUT_MS,
        );
      }),
    ]);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: reasonOf(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** The health routes. */
export function healthRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const database = await probeDatabase(ctx);
    const listening = ctx.bus.connected?.() ?? true;
    if (database.ok && listening) return c.json({ status: 'ok' });
    const message = !database.ok
      ? `Not ready: ${database.reason}`
      : 'Not ready: the live-status listener is reconnecting to the database';
    const details = {
      database: database.ok ? 'ok' : 'unavailable',
      events: listening ? 'ok' : 'reconnecting',
    };
    return c.json(
      new ApiError(503, 'service_unavailable', message, { details, retryable: true }).toBody(),
      503,
    );
  });
  // Operational data, not for the public: the metrics key, else the server's secret key.
  app.get('/metrics', async (c) => {
    requireBearer(c.req.header('authorization'), ctx.config.metricsKey || ctx.config.secretKey);
    return c.body(await ctx.metrics.render(), 200, { 'Content-Type': ctx.metrics.contentType });
  });
  return app;
}
