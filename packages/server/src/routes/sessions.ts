/**
 * @module
 * Server-to-server session routes (`Authorization: Bearer <PAY_CHECKOUT_SECRET_KEY>`):
 * `POST /v1/sessions` creates a checkout session, `GET /v1/sessions/:id` reads it with orders.
 */
import { Hono } from 'hono';
import { CreateSessionRequestSchema, fieldIssues, type FieldIssue } from '@pay-checkout/protocol';
import { ApiError } from '../core/api-error.js';
import { requireBearer } from '../core/auth.js';
import type { AppContext, AppEnv } from '../core/context.js';
import { readJson, invalidRequest, requireJson } from '../core/http.js';
import { newSessionId } from '../core/ids.js';
import { checkReturnUrl } from '../core/return-url.js';
import { orderView, sessionView } from '../core/views.js';
import { DuplicateReferenceError, type SessionRecord } from '../domain/records.js';

const HOUR_MS = 60 * 60 * 1000;

/** The merchant-facing session routes. */
export function sessionRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/v1/sessions', async (c) => {
    requireBearer(c.req.header('authorization'), ctx.config.secretKey);
    requireJson(c);
    const body = await readJson(c);
    const parsed = CreateSessionRequestSchema.safeParse(body);
    const issues: FieldIssue[] = parsed.success ? [] : fieldIssues(parsed.error);
    const returnUrl = (body as { returnUrl?: unknown } | null)?.returnUrl;
    if (typeof returnUrl === 'string' && !issues.some((i) => i.path === 'returnUrl')) {
      const problem = checkReturnUrl(returnUrl, ctx.config.allowedOrigins);
      if (problem) issues.push({ path: 'returnUrl', message: problem });
    }
    if (parsed.success && parsed.data.providers) {
      parsed.data.providers.forEach((provider, index) => {
        if (!ctx.providers.has(provider)) {
          issues.push({ path: `providers.${index}`, message: `${provider} is not configured` });
        }
      });
    }
    if (!parsed.success || issues.length > 0) throw invalidRequest(issues);

    const request = parsed.data;
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
  });

  app.get('/v1/sessions/:id', async (c) => {
    requireBearer(c.req.header('authorization'), ctx.config.secretKey);
    const session = await ctx.ledger.getSession(c.req.param('id'));
    if (!session) throw new ApiError(404, 'not_found', 'No such session');
    const orders = await ctx.ledger.listOrders(session.id);
    return c.json({ ...sessionView(session, ctx.now()), orders: orders.map(orderView) });
  });

  return app;
}
