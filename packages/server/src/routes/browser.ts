/**
 * @module
 * The public routes the `<pay-checkout>` element calls (the session id is its capability):
 * `GET /v1/sessions/:id/methods`, `POST /v1/sessions/:id/orders` (idempotent),
 * `GET /v1/orders/:id`, and `POST /v1/orders/:id/refresh` for an element that has waited a while
 * without news (back from the provider's page without paying, say): the server asks the provider
 * — once at a time per order, and not more often than every few seconds however often this is
 * called — applies what it answers, and returns the order.
 */
import { createRoute, type OpenAPIHono, type RouteConfigToTypedResponse } from '@hono/zod-openapi';
import {
  CreateOrderRequestSchema,
  CreateOrderResponseSchema,
  MethodsResponseSchema,
  OrderViewSchema,
  type CreateOrderResponse,
  type Method,
} from '@pay-checkout/protocol';
import { isPaidFamily } from '@pay-checkout/protocol/status';
import { ApiError } from '../core/api-error.js';
import { applyProviderStart } from '../core/apply-status.js';
import type { AppContext, AppEnv } from '../core/context.js';
import { invalidRequest } from '../core/http.js';
import { idempotent, requestHash, type IdempotentAnswer } from '../core/idempotency.js';
import { newOrderId } from '../core/ids.js';
import { AttemptRefused, attemptError, judgeAttempt } from '../core/limits.js';
import { IDEMPOTENCY_STALE_MS } from '../core/ledger.js';
import { LIMITS_DEFAULTS } from '../config/limits-env.js';
import { effectiveStatus, orderView, publicSessionView } from '../core/views.js';
import type { Provider } from '../providers/provider.js';
import { guardOf, type Availability } from '../providers/breaker.js';
import type { OrderRecord, SessionRecord } from '../domain/records.js';
import {
  IdParamSchema,
  IdempotencyKeyHeaderSchema,
  REPLAYED_HEADERS,
  errorResponses,
  jsonBody,
  jsonResponse,
  requireIdempotencyKey,
  routeApp,
} from './route-app.js';

/** `GET /v1/sessions/{id}/methods`. */
export const listMethodsRoute = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/methods',
  tags: ['browser'],
  summary: 'The public session and the methods that fit it',
  description:
    'Only methods every configured provider really supports for the session’s country, ' +
    'currency and amount; for a session that also sets up a mandate, only methods that can ' +
    'carry one (`mandate: true`); none once the session is paid or expired. Every method ' +
    'has a `kind`; `logo` is a `data:image/svg+xml` URI, absent for a method of no known brand.',
  request: { params: IdParamSchema },
  responses: {
    200: jsonResponse('The public session and its methods', MethodsResponseSchema),
    ...errorResponses(403, 404, 429, 503),
  },
});

/** `POST /v1/sessions/{id}/orders`. */
export const createOrderRoute = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/orders',
  tags: ['browser'],
  summary: 'Start a payment attempt',
  description:
    'The same key with the same body answers the first answer again (no second provider ' +
    'call); the same key with another body answers 422; a paid session answers 409. A session ' +
    'makes at most PAY_CHECKOUT_MAX_ATTEMPTS attempts (then 429 `too_many_attempts`), one at a ' +
    'time (409 `attempt_in_progress` while another is being started); both with `Retry-After`.',
  request: {
    params: IdParamSchema,
    headers: IdempotencyKeyHeaderSchema,
    body: {
      required: true,
      content: { 'application/json': { schema: CreateOrderRequestSchema } },
    },
  },
  responses: {
    201: {
      ...jsonResponse('The order and what the browser does next', CreateOrderResponseSchema),
      headers: REPLAYED_HEADERS,
    },
    ...errorResponses(400, 403, 404, 409, 410, 413, 415, 422, 429, 502, 503),
  },
});

/** `GET /v1/orders/{id}`. */
export const getOrderRoute = createRoute({
  method: 'get',
  path: '/v1/orders/{id}',
  tags: ['browser'],
  summary: 'One order’s status (polling fallback for browsers without SSE)',
  request: { params: IdParamSchema },
  responses: {
    200: jsonResponse('The order', OrderViewSchema),
    ...errorResponses(403, 404, 429, 503),
  },
});

/** `POST /v1/orders/{id}/refresh`. */
export const refreshOrderRoute = createRoute({
  method: 'post',
  path: '/v1/orders/{id}/refresh',
  tags: ['browser'],
  summary: 'Ask the provider for the order’s real status, apply it, and return the order',
  request: { params: IdParamSchema },
  responses: {
    200: jsonResponse('The order, after the provider was asked', OrderViewSchema),
    ...errorResponses(403, 404, 429, 503),
  },
});

/** The described routes of this file, for the OpenAPI document. */
export const browserRouteDefinitions = [
  listMethodsRoute,
  createOrderRoute,
  getOrderRoute,
  refreshOrderRoute,
];

/**
 * `method` as listed while its provider's breaker is open or a `Retry-After` holds: shown, but
 * not to be chosen, with when it is expected back.
 */
function unavailableMethod(
  method: Method,
  availability: Extract<Availability, { available: false }>,
): Method {
  return {
    ...method,
    available: false,
    unavailable: {
      reason: 'provider_unavailable',
      ...(availability.retryAfter ? { retryAfter: availability.retryAfter } : {}),
    },
  };
}

/**
 * Every method the configured providers offer for `session`, asked in parallel. A provider that
 * cannot say right now (its method API is down) is left out of this answer, not the others; the
 * methods of a provider whose breaker is open are listed with `available: false`.
 * A session that also sets up a mandate is offered only methods that can carry one
 * (`mandate: true`); providers that cannot charge a mandate are not even asked.
 */
export async function offeredMethods(
  ctx: AppContext,
  session: SessionRecord,
): Promise<{ method: Method; provider: Provider }[]> {
  const providers = [...ctx.providers.values()].filter(
    (provider) =>
      (!session.providers || session.providers.includes(provider.id)) &&
      (!session.mandate || provider.charge !== undefined),
  );
  const answers = await Promise.allSettled(
    providers.map(async (provider) => ({ provider, methods: await provider.methods(session) })),
  );
  const offered: { method: Method; provider: Provider }[] = [];
  answers.forEach((answer, index) => {
    if (answer.status === 'fulfilled') {
      const availability = guardOf(answer.value.provider)?.availability();
      for (const method of answer.value.methods) {
        if (session.mandate && method.mandate !== true) continue;
        offered.push({
          method:
            availability && !availability.available
              ? unavailableMethod(method, availability)
              : method,
          provider: answer.value.provider,
        });
      }
    } else {
      ctx.logger.warn(
        { err: answer.reason, provider: providers[index]?.id },
        'provider could not list its methods',
      );
    }
  });
  return offered;
}

/**
 * The method of the session's latest order, named as its provider names it (the outcome screen
 * shows it); the offered list already has it while the session is open, else its provider is
 * asked. Unknown when the provider cannot say right now.
 */
async function methodOfOrder(
  ctx: AppContext,
  session: SessionRecord,
  order: OrderRecord,
  offered: readonly Method[],
): Promise<{ id: string; name: string } | undefined> {
  let found = offered.find((m) => m.id === order.method);
  if (!found) {
    try {
      found = (await ctx.providers.get(order.provider)?.methods(session))?.find(
        (m) => m.id === order.method,
      );
    } catch {
      // The name is a courtesy: the outcome shows without it.
    }
  }
  return found && { id: found.id, name: found.name };
}

/** A stable hash of the request body: same fields in any key order hash the same. */
function orderRequestHash(body: { method: string; fields?: Record<string, string> }): string {
  const fields = Object.entries(body.fields ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return requestHash([body.method, fields]);
}

function checkFields(method: Method, fields: Record<string, string>): void {
  const issues: { path: string; message: string }[] = [];
  const known = new Set((method.fields ?? []).map((f) => f.name));
  for (const name of Object.keys(fields)) {
    if (!known.has(name))
      issues.push({ path: `fields.${name}`, message: 'is not a field of this method' });
  }
  for (const field of method.fields ?? []) {
    const value = fields[field.name];
    if (value === undefined || value === '') {
      if (field.required) issues.push({ path: `fields.${field.name}`, message: 'is required' });
      continue;
    }
    if (field.pattern && !new RegExp(`^(?:${field.pattern})$`).test(value)) {
      issues.push({ path: `fields.${field.name}`, message: 'has an invalid format' });
    }
    if (field.options && !field.options.some((o) => o.value === value)) {
      issues.push({ path: `fields.${field.name}`, message: 'is not one of the options' });
    }
  }
  if (issues.length > 0) throw invalidRequest(issues);
}

/** The browser-facing routes. */
export function browserRoutes(ctx: AppContext): OpenAPIHono<AppEnv> {
  const app = routeApp();

  // A page of another shop may not start payments, whatever it sends.

  app.openapi(listMethodsRoute, async (c) => {
    const session = await ctx.ledger.getSession(c.req.valid('param').id);
    if (!session) throw new ApiError(404, 'not_found', 'No such session');
    const now = ctx.now();
    const status = effectiveStatus(session, now);
    // A session that can no longer be paid offers nothing; its status says why.
    const open = !isPaidFamily(status) && status !== 'expired';
    const methods = open ? (await offeredMethods(ctx, session)).map((m) => m.method) : [];
    const latest = (await ctx.ledger.listOrders(session.id)).at(-1);
    const method = latest && (await methodOfOrder(ctx, session, latest, methods));
    return c.json(
      { session: publicSessionView(session, now, latest?.id ?? null, method), methods },
      200,
    );
  });

  app.openapi(
    {
      ...createOrderRoute,
      middleware: [requireIdempotencyKey, jsonBody] as const,
    },
    async (c) => {
      const key = c.req.valid('header')['Idempotency-Key'];
      const body = c.req.valid('json');
      const session = await ctx.ledger.getSession(c.req.valid('param').id);
      if (!session) throw new ApiError(404, 'not_found', 'No such session');
      const answer = await idempotent(
        ctx,
        { scope: session.id, key, requestHash: orderRequestHash(body) },
        () => startOrder(ctx, session, body, key, c.get('logger')),
      );
      // The stored answer is the JSON of CreateOrderResponseSchema, sent again byte for byte.
      return answer as unknown as RouteConfigToTypedResponse<typeof createOrderRoute>;
    },
  );

  app.openapi(getOrderRoute, async (c) => {
    const order = await ctx.ledger.getOrder(c.req.valid('param').id);
    if (!order) throw new ApiError(404, 'not_found', 'No such order');
    return c.json(orderView(order), 200);
  });

  app.openapi(refreshOrderRoute, async (c) => {
    const order = await ctx.ledger.getOrder(c.req.valid('param').id);
    if (!order) throw new ApiError(404, 'not_found', 'No such order');
    return c.json(orderView(await ctx.statusChecks.check(ctx, order, c.get('logger'))), 200);
  });

  return app;
}

async function startOrder(
  ctx: AppContext,
  session: SessionRecord,
  body: { method: string; fields?: Record<string, string> },
  key: string,
  logger: AppContext['logger'],
): Promise<IdempotentAnswer> {
  const status = effectiveStatus(session, ctx.now());
  if (isPaidFamily(status)) {
    throw new ApiError(409, 'session_paid', 'This session is already paid');
  }
  if (status === 'expired') {
    throw new ApiError(410, 'session_expired', 'This session has expired');
  }
  if (status === 'processing' || status === 'authorized') {
    // A payment is in flight; a second one could take the money twice.
    throw new ApiError(409, 'conflict', 'A payment for this session is already being processed');
  }
  // A first look spares the provider the methods call of a session out of attempts; the ledger
  // decides (also whether another attempt is still being started) under the session's lock,
  // when it creates the order.
  const maxAttempts = (ctx.config.limits ?? LIMITS_DEFAULTS).maxAttempts;
  const policy = { maxAttempts, inProgressMs: IDEMPOTENCY_STALE_MS };
  const orders = await ctx.ledger.listOrders(session.id);
  const early = judgeAttempt(session, orders, policy, ctx.now().getTime(), false);
  if (early) throw attemptError(early);
  const offered = (await offeredMethods(ctx, session)).find((m) => m.method.id === body.method);
  if (!offered) {
    throw new ApiError(400, 'method_unavailable', 'This method is not available for the session', {
      details: { method: body.method },
    });
  }
  const fields = body.fields ?? {};
  checkFields(offered.method, fields);
  const issues = offered.provider.validateFields?.({ session, method: offered.method, fields });
  if (issues && issues.length > 0) throw invalidRequest(issues);

  const order = await ctx.ledger
    .createOrder({
      id: newOrderId(),
      sessionId: session.id,
      provider: offered.provider.id,
      method: offered.method.id,
      now: ctx.now(),
      maxAttempts,
      idempotencyKey: key,
    })
    .catch((error: unknown) => {
      throw error instanceof AttemptRefused ? attemptError(error) : error;
    });
  const log = logger.child({ orderId: order.id, provider: order.provider });
  const { started: created, applied } = await applyProviderStart(
    ctx,
    order.id,
    log,
    'provider order creation failed',
    () =>
      offered.provider.createOrder({
        session,
        order,
        method: offered.method,
        fields,
        returnUrl: `${ctx.config.publicUrl}/return/${session.id}`,
        webhookUrl: `${ctx.config.publicUrl}/webhooks/${order.provider}`,
      }),
  );
  const current = applied.order ?? order;
  const answer: CreateOrderResponse = {
    order: {
      id: current.id,
      status: current.status,
      provider: current.provider,
      method: current.method,
    },
    action: created.action,
  };
  return { status: 201, body: JSON.stringify(answer) };
}
