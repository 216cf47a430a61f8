/**
 * @module
 * The operator console under `/console` (mounted only when `PAY_CHECKOUT_CONSOLE_KEY` is set):
 * the built app (console/static.ts) and its JSON API under `/console/api`:
 *
 * - `POST|GET|DELETE /api/session`: sign in with the key, who is signed in, sign out;
 * - `GET /api/orders`, `GET /api/orders/:id`, `GET /api/orders/:id/summary`: the orders, one
 *   order's story, its support summary. The list's `q` finds an order by its id, its session's
 *   id or its provider's id, each exactly, or by the start of its merchant reference; case
 *   matters and `%` or `_` are plain characters (store/kysely/console-repositories.ts);
 * - `GET /api/providers`, `GET /api/notifications`: providers with their breakers and last
 *   hour, merchant notifications;
 * - `GET /api/stream`: order changes as SSE;
 * - `POST /api/orders/:id/recheck`, `POST /api/notifications/:id/requeue`: the actions, each
 *   recorded in the order's story with who did it.
 *
 * No CORS: no answer under `/console` carries an `Access-Control-*` header. Every answer says
 * `X-Frame-Options: DENY` and `Referrer-Policy: no-referrer`; API answers are `no-store`.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import {
  CONSOLE_ANOMALIES,
  CONSOLE_NOTIFICATION_STATUSES,
  type ConsoleNotificationRow,
  type ConsoleNotificationsPage,
  type ConsoleOrderDetail,
  type ConsoleOrdersPage,
  type ConsoleProviders,
  type ConsoleRecheck,
  type ConsoleRequeue,
  type ConsoleSessionInfo,
  type ConsoleSummary,
} from '@pay-checkout/protocol/console';
import { ORDER_STATUSES } from '@pay-checkout/protocol/status';
import type { AppContext, AppEnv } from '../core/context.js';
import { ApiError } from '../core/api-error.js';
import { askProvider } from '../core/status-check.js';
import { clientAddress } from '../middleware/rate-limit.js';
import type { SharedCounters } from '../core/limits.js';
import { rateLimitedError } from '../core/limits.js';
import { readStrictJson } from '../http/strict-json.js';
import { requeueNotification } from '../routes/notifications.js';
import { outboxStatus, type OutboxMessage } from '../domain/records.js';
import type { ConsoleSession } from '../store/store.js';
import { activityIdle, errorOf, recordActivity } from './activity.js';
import {
  consoleError,
  cookieToken,
  csrfRefusal,
  currentSession,
  keyMatches,
  overHttps,
  sessionCookie,
  sha256Hex,
  startSession,
} from './auth.js';
import { providersView } from './providers.js';
import { consoleDistDir, serveConsoleFile } from './static.js';
import { ChangeWatcher, consoleStream } from './stream.js';
import { orderRow, orderRowOf, sessionOf, storyOf, summaryOf } from './views.js';
import { mask } from './mask.js';

/** What the console needs besides the app's context. */
export interface ConsoleOptions {
  /** The operator's key (`PAY_CHECKOUT_CONSOLE_KEY`). */
  key: string;
  /** The shared rate-limit counters, for failed sign-ins per client address. */
  counters?: SharedCounters;
  /** Failed sign-ins per client address per window before sign-ins are refused (0: off). */
  failures: number;
  /** Where the built app is (default: `@pay-checkout/console`'s `dist/`). */
  distDir?: string | null;
}

/** The counter bucket of failed sign-ins. */
export const SIGN_IN_FAILURES = 'console_sign_in';

const DEFAULT_PAGE = 50;
const MAX_PAGE = 100;

/** Empty query values read as absent (a form's blank filter). */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const isoTime = z
  .string()
  .refine((raw) => !Number.isNaN(Date.parse(raw)), 'must be a date or time (ISO 8601)')
  .transform((raw) => new Date(raw).toISOString());

const OrdersQuerySchema = z.strictObject({
  status: optional(z.enum(ORDER_STATUSES, { error: 'must be an order status' })),
  provider: optional(z.string().max(40)),
  method: optional(z.string().max(100)),
  from: optional(isoTime),
  to: optional(isoTime),
  anomaly: optional(
    z.enum(CONSOLE_ANOMALIES, {
      error: 'must be needs_review, late_success or stuck',
    }),
  ),
  /** Exact order, session or provider id, or the start of a merchant reference. */
  q: optional(
    z
      .string()
      .trim()
      .max(200)
      .regex(/^[^\p{Cc}]*$/u, 'must not hold control characters'),
  ),
  cursor: optional(z.string().regex(/^[A-Za-z0-9_-]{1,400}$/, 'must be an earlier nextCursor')),
  limit: optional(
    z
      .string()
      .regex(/^\d{1,3}$/, `must be a whole number from 1 to ${MAX_PAGE}`)
      .transform(Number)
      .refine((n) => n >= 1 && n <= MAX_PAGE, `must be a whole number from 1 to ${MAX_PAGE}`),
  ),
});

const NotificationsQuerySchema = z.strictObject({
  status: optional(
    z.enum(CONSOLE_NOTIFICATION_STATUSES, { error: 'must be pending, delivered or dead' }),
  ),
  cursor: optional(z.string().regex(/^\d{1,15}$/, 'must be an earlier nextCursor')),
});

const SignInSchema = z.strictObject({ key: z.string().min(1).max(1000) });

const IdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,200}$/);

/** A position in the newest-first order list, opaque to the client. */
function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } | null {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      !Number.isNaN(Date.parse(value[0]))
    ) {
      return { createdAt: value[0], id: value[1] };
    }
  } catch {
    // Refused below.
  }
  return null;
}

/** The query of `c` through `schema`, or the 400 naming every bad parameter. */
function queryOf<T>(c: Context<AppEnv>, schema: z.ZodType<T>): T {
  const result = schema.safeParse(c.req.query());
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) =>
    issue.code === 'unrecognized_keys'
      ? `unknown parameter ${issue.keys.join(', ')}`
      : `${issue.path.join('.')} ${issue.message}`,
  );
  throw new ApiError(400, 'invalid_request', `Invalid query: ${problems.join('; ')}`, {
    details: result.error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: issue.message,
    })),
  });
}

/** A notification as the console lists it. */
function notificationRow(message: OutboxMessage): ConsoleNotificationRow {
  const status = outboxStatus(message);
  const orderId = message.type === 'order.updated' ? message.subjectId : undefined;
  let sessionId: string | undefined;
  try {
    const data = JSON.parse(message.data) as { order?: { sessionId?: unknown } };
    if (typeof data.order?.sessionId === 'string') sessionId = data.order.sessionId;
  } catch {
    // No session then.
  }
  const lastError =
    message.lastError ??
    (message.lastStatus !== null && status !== 'delivered' ? `HTTP ${message.lastStatus}` : null);
  return {
    id: message.id,
    ...(orderId ? { orderId } : {}),
    ...(sessionId ? { sessionId } : {}),
    type: message.type,
    status,
    attempts: message.attempts,
    ...(lastError ? { lastError: mask(lastError) } : {}),
    createdAt: message.createdAt,
    ...(status === 'pending'
      ? { nextAttemptAt: new Date(message.nextAttemptAt).toISOString() }
      : {}),
  };
}

/** The console routes, to mount at `/console`. */
export function consoleRoutes(ctx: AppContext, options: ConsoleOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const dist = options.distDir === undefined ? consoleDistDir() : options.distDir;
  const watcher = new ChangeWatcher(ctx);
  const operators = new WeakMap<Request, ConsoleSession>();
  const operatorOf = (c: Context<AppEnv>): ConsoleSession => {
    const session = operators.get(c.req.raw);
    if (!session) throw new Error('No operator on a guarded route');
    return session;
  };

  app.use('*', async (c, next) => {
    await next();
    c.res.headers.set('X-Frame-Options', 'DENY');
    c.res.headers.set('Referrer-Policy', 'no-referrer');
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
    if (c.req.path.startsWith('/console/api')) c.res.headers.set('Cache-Control', 'no-store');
    // Nothing under /console is for another origin.
    for (const name of [...c.res.headers.keys()]) {
      if (name.toLowerCase().startsWith('access-control-')) c.res.headers.delete(name);
    }
  });

  app.use('/api/*', async (c, next) => {
    const refusal = csrfRefusal(c, ctx);
    if (refusal) return consoleError(c, 403, 'csrf', refusal);
    const isSignIn = c.req.path === '/console/api/session' && c.req.method === 'POST';
    if (!isSignIn) {
      const session = await currentSession(c, ctx);
      if (!session) return consoleError(c, 401, 'console_sign_in', 'Sign in to the console');
      operators.set(c.req.raw, session);
    }
    await next();
    return undefined;
  });

  app.post('/api/session', async (c) => {
    const address = clientAddress(c, ctx.config.limits?.trustedProxyHops ?? 0);
    const limited = (retryAfterMs: number) => {
      const error = rateLimitedError(retryAfterMs);
      return consoleError(c, 429, 'rate_limited', 'Too many failed sign-ins; try again later', {
        'Retry-After': String(error.retryAfterSeconds),
      });
    };
    const counting = options.counters && options.failures > 0 && address !== null;
    if (counting) {
      // Over the limit, even the right key is refused: guessing gets nowhere.
      const verdict = options.counters?.check(SIGN_IN_FAILURES, address, options.failures);
      if (verdict && !verdict.allowed) return limited(verdict.retryAfterMs);
    }
    const parsed = SignInSchema.safeParse(await readStrictJson(c));
    if (!parsed.success) {
      throw new ApiError(400, 'invalid_request', 'The body must be { "key": string } and no more');
    }
    if (!keyMatches(parsed.data.key, options.key)) {
      if (counting) {
        const verdict = await options.counters?.fail(SIGN_IN_FAILURES, address, options.failures);
        if (verdict && !verdict.allowed) return limited(verdict.retryAfterMs);
      }
      c.get('logger').warn('console sign-in with a wrong key');
      return consoleError(c, 401, 'invalid_console_key', 'That is not the console key');
    }
    const { token } = await startSession(ctx);
    c.get('logger').info('operator signed in to the console');
    c.header('Set-Cookie', sessionCookie(token, overHttps(c, ctx)));
    return c.body(null, 204);
  });

  app.get('/api/session', (c) => {
    const session = operatorOf(c);
    const info: ConsoleSessionInfo = { operator: session.operator, expiresAt: session.expiresAt };
    return c.json(info, 200);
  });

  app.delete('/api/session', async (c) => {
    const token = cookieToken(c);
    if (token) await ctx.store.consoleSessions.delete(sha256Hex(token));
    c.header('Set-Cookie', sessionCookie(null, overHttps(c, ctx)));
    return c.body(null, 204);
  });

  app.get('/api/orders', async (c) => {
    const query = queryOf(c, OrdersQuerySchema);
    const before = query.cursor ? decodeCursor(query.cursor) : undefined;
    if (before === null)
      throw new ApiError(
        400,
        'invalid_request',
        'Invalid query: cursor must be an earlier nextCursor',
      );
    const now = ctx.now();
    const limit = query.limit ?? DEFAULT_PAGE;
    const filters = {
      ...(query.provider ? { provider: query.provider } : {}),
      ...(query.method ? { method: query.method } : {}),
      ...(query.from ? { from: query.from } : {}),
      ...(query.to ? { to: query.to } : {}),
      ...(query.anomaly ? { anomaly: query.anomaly } : {}),
      ...(query.q ? { q: query.q } : {}),
      now: now.toISOString(),
    };
    const [rows, counts] = await Promise.all([
      ctx.store.consoleReads.listOrders({
        ...filters,
        ...(query.status ? { status: query.status } : {}),
        ...(before ? { before } : {}),
        limit: limit + 1,
      }),
      ctx.store.consoleReads.countByStatus({ ...filters, limit }),
    ]);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const answer: ConsoleOrdersPage = {
      items: page.map((row) => orderRow(row, now)),
      nextCursor:
        rows.length > limit && last ? encodeCursor(last.order.createdAt, last.order.id) : null,
      counts,
    };
    return c.json(answer, 200);
  });

  /** The order `id` with its session; 404 when there is none. */
  const orderAndSession = async (id: string) => {
    if (!IdSchema.safeParse(id).success) throw new ApiError(404, 'not_found', 'No such order');
    const order = await ctx.ledger.getOrder(id);
    const session = order ? await ctx.ledger.getSession(order.sessionId) : null;
    if (!order || !session) throw new ApiError(404, 'not_found', 'No such order');
    return { order, session };
  };

  app.get('/api/orders/:id', async (c) => {
    const { order, session } = await orderAndSession(c.req.param('id'));
    const now = ctx.now();
    const story = await storyOf(ctx, order, session);
    const answer: ConsoleOrderDetail = {
      order: {
        ...orderRowOf(order, session, now),
        providerOrderId: order.providerOrderId,
        attempt: order.attempt,
        ...(session.description !== undefined ? { description: mask(session.description) } : {}),
      },
      session: sessionOf(session, now),
      story,
    };
    return c.json(answer, 200);
  });

  app.get('/api/orders/:id/summary', async (c) => {
    const { order, session } = await orderAndSession(c.req.param('id'));
    const now = ctx.now();
    const operator = operatorOf(c).operator;
    recordActivity(ctx, {
      orderId: order.id,
      provider: order.provider,
      kind: 'operator_action',
      at: now,
      detail: { action: 'copy_summary', operator, result: 'summary read' },
    });
    await activityIdle(ctx);
    const story = await storyOf(ctx, order, session);
    const answer: ConsoleSummary = {
      text: summaryOf(orderRowOf(order, session, now), order, story),
    };
    return c.json(answer, 200);
  });

  app.post('/api/orders/:id/recheck', async (c) => {
    const { order } = await orderAndSession(c.req.param('id'));
    const operator = operatorOf(c).operator;
    const record = (result: string) =>
      recordActivity(ctx, {
        orderId: order.id,
        provider: order.provider,
        kind: 'operator_action',
        at: ctx.now(),
        detail: { action: 'recheck', operator, result },
      });
    let updated = order;
    try {
      const answer = await askProvider(ctx, order, c.get('logger'), 'operator');
      updated = answer.applied?.order ?? order;
      record(
        answer.truth === null
          ? 'the provider knows nothing of it yet'
          : `the provider says ${answer.truth.status}; order ${updated.status}`,
      );
    } catch (error) {
      record(`failed: ${errorOf(error)}`);
      await activityIdle(ctx);
      if (error instanceof ApiError) throw error;
      throw new ApiError(502, 'provider_unavailable', 'The provider could not be asked', {
        retryable: true,
      });
    }
    await activityIdle(ctx);
    const session = await ctx.ledger.getSession(updated.sessionId);
    if (!session) throw new ApiError(404, 'not_found', 'No such order');
    const answer: ConsoleRecheck = { order: orderRowOf(updated, session, ctx.now()) };
    return c.json(answer, 200);
  });

  app.get('/api/providers', async (c) => {
    const answer: ConsoleProviders = { providers: await providersView(ctx) };
    return c.json(answer, 200);
  });

  app.get('/api/notifications', async (c) => {
    const query = queryOf(c, NotificationsQuerySchema);
    const rows = await ctx.ledger.listNotifications({
      ...(query.status ? { status: query.status } : {}),
      ...(query.cursor !== undefined ? { afterSeq: Number(query.cursor) } : {}),
      limit: DEFAULT_PAGE + 1,
    });
    const page = rows.slice(0, DEFAULT_PAGE);
    const last = page.at(-1);
    const answer: ConsoleNotificationsPage = {
      items: page.map(notificationRow),
      nextCursor: rows.length > DEFAULT_PAGE && last ? String(last.seq) : null,
    };
    return c.json(answer, 200);
  });

  app.post('/api/notifications/:id/requeue', async (c) => {
    const id = c.req.param('id');
    if (!IdSchema.safeParse(id).success)
      throw new ApiError(404, 'not_found', 'No such notification');
    const operator = operatorOf(c).operator;
    const message = await requeueNotification(ctx, id);
    c.get('logger').info(
      { webhookId: id, subjectId: message.subjectId },
      'dead notification re-queued from the console',
    );
    if (message.type === 'order.updated') {
      const order = await ctx.ledger.getOrder(message.subjectId);
      recordActivity(ctx, {
        orderId: message.subjectId,
        provider: order?.provider ?? null,
        kind: 'operator_action',
        at: ctx.now(),
        detail: { action: 'requeue_notification', operator, result: `${id} re-queued` },
      });
      await activityIdle(ctx);
    }
    const answer: ConsoleRequeue = { notification: notificationRow(message) };
    return c.json(answer, 200);
  });

  app.get('/api/stream', (c) => {
    const token = cookieToken(c);
    return consoleStream(
      ctx,
      watcher,
      c.req.raw.signal,
      async () =>
        token !== null &&
        (await ctx.store.consoleSessions.get(sha256Hex(token), ctx.now().toISOString())) !== null,
    );
  });

  app.all('/api/*', (c) => consoleError(c, 404, 'not_found', 'No such console route'));

  app.get('/', (c) => c.redirect('/console/', 308));
  app.get('/*', async (c) => serveConsoleFile(dist, c.req.path.replace(/^\/console\/?/, '')));

  return app;
}
