/**
 * @module
 * Server-to-server session routes (`Authorization: Bearer <PAY_CHECKOUT_SECRET_KEY>`):
 * `POST /v1/sessions` creates a checkout session, `GET /v1/sessions/:id` reads it with orders.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ZodError } from 'zod';
import {
  CreateSessionRequestSchema,
  SessionSchema,
  SessionWithOrdersSchema,
  fieldIssues,
  type FieldIssue,
} from '@pay-checkout/protocol';
import { ApiError } from '../core/api-error.js';
import type { AppContext, AppEnv } from '../core/context.js';
import { invalidRequest } from '../core/http.js';
import { newSessionId } from '../core/ids.js';
import { checkReturnUrl } from '../core/return-url.js';
import { orderView, sessionView } from '../core/views.js';
import { DuplicateReferenceError, type SessionRecord } from '../domain/records.js';
import {
  BEARER_SECURITY,
  IdParamSchema,
  bearerAuth,
  errorResponses,
  jsonBody,
  jsonResponse,
  routeApp,
} from './route-app.js';

const HOUR_MS = 60 * 60 * 1000;

/** `POST /v1/sessions`. */
export const createSessionRoute = createRoute({
  method: 'post',
  path: '/v1/sessions',
  tags: ['sessions'],
  summary: 'Create a checkout session',
  description:
    'The amount is decided here, once. `returnUrl` must be an absolute http(s) URL on one of ' +
    'PAY_CHECKOUT_ALLOWED_ORIGINS; `providers` may only name configured providers. The `id` ' +
    'answered is the browser’s capability (≥128 bits of randomness).',
  security: BEARER_SECURITY,
  request: {
    body: {
      required: true,
      content: { 'application/json': { schema: CreateSessionRequestSchema } },
    },
  },
  responses: {
    201: jsonResponse('The session', SessionSchema),
    ...errorResponses(400, 401, 409, 413, 415, 503),
  },
});

/** `GET /v1/sessions/{id}`. */
export const getSessionRoute = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}',
  tags: ['sessions'],
  summary: 'Read a session with its orders and their statuses',
  security: BEARER_SECURITY,
  request: { params: IdParamSchema },
  responses: {
    200: jsonResponse('The session with every order it holds', SessionWithOrdersSchema),
    ...errorResponses(401, 404, 503),
  },
});

/** The described routes of this file, for the OpenAPI document. */
export const sessionRouteDefinitions = [createSessionRoute, getSessionRoute];

/** The return URL's own problem (its origin is not allowed), when the schema found none. */
function returnUrlIssue(
  body: unknown,
  issues: FieldIssue[],
  allowedOrigins: readonly string[],
): FieldIssue[] {
  const returnUrl = (body as { returnUrl?: unknown } | null)?.returnUrl;
  if (typeof returnUrl !== 'string' || issues.some((i) => i.path === 'returnUrl')) return [];
  const problem = checkReturnUrl(returnUrl, allowedOrigins);
  return problem ? [{ path: 'returnUrl', message: problem }] : [];
}

/** Throws the 400 of an invalid session body: the schema's issues, then the return URL's. */
async function rejectSession(error: ZodError, c: Context, ctx: AppContext): Promise<never> {
  const issues = fieldIssues(error);
  const body: unknown = await c.req.json();
  throw invalidRequest([...issues, ...returnUrlIssue(body, issues, ctx.config.allowedOrigins)]);
}

/** The merchant-facing session routes. */
export function sessionRoutes(ctx: AppContext): OpenAPIHono<AppEnv> {
  const app = routeApp();
  const bearer = bearerAuth(ctx.config.secretKey);

  app.openapi(
    { ...createSessionRoute, middleware: [bearer, jsonBody] as const },
    async (c) => {
      const request = c.req.valid('json');
      const issues = returnUrlIssue(request, [], ctx.config.allowedOrigins);
      request.providers?.forEach((provider, index) => {
        if (!ctx.providers.has(provider)) {
          issues.push({ path: `providers.${index}`, message: `${provider} is not configured` });
        }
      });
      if (issues.length > 0) throw invalidRequest(issues);

      const now = ctx.now();
      const session: SessionRecord = {
        id: newSessionId(),
        reference: request.reference,
        amount: request.amount,
        country: request.country,
        returnUrl: request.returnUrl,
        ...(request.description !== undefined ? { description: request.description } : {}),
        ...(request.locale !== undefined ? { locale: request.locale } : {}),
        ...(request.customer !== undefined ? { customer: request.customer } : {}),
        ...(request.providers !== undefined ? { providers: request.providers } : {}),
        ...(request.mandate !== undefined ? { mandate: request.mandate } : {}),
        ...(request.metadata !== undefined ? { metadata: request.metadata } : {}),
        status: 'created',
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + (ctx.config.sessionTtlMs ?? HOUR_MS)).toISOString(),
      };
      try {
        await ctx.ledger.createSession(session);
      } catch (error) {
        if (error instanceof DuplicateReferenceError) {
          throw new ApiError(409, 'duplicate_reference', 'A session with this reference exists', {
            details: { reference: request.reference },
          });
        }
        throw error;
      }
      c.get('logger').info({ sessionId: session.id }, 'session created');
      return c.json(sessionView(session, now), 201);
    },
    // One 400 lists the schema's issues and the return URL's origin together.
    (result, c) => (result.success ? undefined : rejectSession(result.error, c, ctx)),
  );

  app.openapi({ ...getSessionRoute, middleware: [bearer] as const }, async (c) => {
    const session = await ctx.ledger.getSession(c.req.valid('param').id);
    if (!session) throw new ApiError(404, 'not_found', 'No such session');
    const orders = await ctx.ledger.listOrders(session.id);
    return c.json({ ...sessionView(session, ctx.now()), orders: orders.map(orderView) }, 200);
  });

  return app;
}
