/**
 * @module
 * `POST /v1/charges` (server to server, `Authorization: Bearer`): charges a stored mandate
 * without the customer. `Idempotency-Key` is required and passed on to the provider (Ivy's
 * `idempotencyKey`): the same key and body answer the first answer again with no second
 * charge; the same key with another body answers 422. An unknown mandate is a 404 and an
 * inactive one a 409, both before any provider call. Answers 201 with the order, which then
 * follows the provider's webhooks (`processing` → `paid` | `failed`, later maybe `disputed`).
 */
import { createRoute, type OpenAPIHono, type RouteConfigToTypedResponse } from '@hono/zod-openapi';
import {
  ChargeRequestSchema,
  ChargeResponseSchema,
  type ChargeRequest,
} from '@pay-checkout/protocol';
import { ApiError } from '../core/api-error.js';
import { applyProviderStart } from '../core/apply-status.js';
import type { AppContext, AppEnv } from '../core/context.js';
import { invalidRequest } from '../core/http.js';
import { idempotent, requestHash, type IdempotentAnswer } from '../core/idempotency.js';
import { newOrderId, newSessionId } from '../core/ids.js';
import { merchantOrderView } from '../notify/views.js';
import {
  BEARER_SECURITY,
  IdempotencyKeyHeaderSchema,
  REPLAYED_HEADERS,
  bearerAuth,
  errorResponses,
  jsonBody,
  jsonResponse,
  requireIdempotencyKey,
  routeApp,
} from './route-app.js';

/** `POST /v1/charges`. */
export const postChargeRoute = createRoute({
  method: 'post',
  path: '/v1/charges',
  tags: ['charges'],
  summary: 'Charge a stored mandate (merchant-initiated, no customer present)',
  security: BEARER_SECURITY,
  request: {
    headers: IdempotencyKeyHeaderSchema,
    body: {
      required: true,
      content: { 'application/json': { schema: ChargeRequestSchema } },
    },
  },
  responses: {
    201: {
      ...jsonResponse(
        'The order; it then follows the provider (`processing` → `paid` | `failed`)',
        ChargeResponseSchema,
      ),
      headers: REPLAYED_HEADERS,
    },
    ...errorResponses(400, 401, 404, 409, 413, 415, 422, 502, 503),
  },
});

/** The described routes of this file, for the OpenAPI document. */
export const chargeRouteDefinitions = [postChargeRoute];

/** Idempotency keys of charges are scoped to the merchant (there is one per server). */
const SCOPE = 'charges';
const HOUR_MS = 60 * 60 * 1000;

function chargeRequestHash(body: ChargeRequest): string {
  return requestHash([body.mandateId, body.amount.value, body.amount.currency, body.reference]);
}

/** The charge routes. */
export function chargeRoutes(ctx: AppContext): OpenAPIHono<AppEnv> {
  const app = routeApp();

  app.openapi(
    {
      ...postChargeRoute,
      middleware: [bearerAuth(ctx.config.secretKey), requireIdempotencyKey, jsonBody] as const,
    },
    async (c) => {
      const key = c.req.valid('header')['Idempotency-Key'];
      const body = c.req.valid('json');
      // A failure that may succeed later frees the key, and the retry resumes the same order
      // with the same provider key.
      const answer = await idempotent(
        ctx,
        { scope: SCOPE, key, requestHash: chargeRequestHash(body) },
        () => startCharge(ctx, body, key, c.get('logger')),
      );
      // The stored answer is the JSON of ChargeResponseSchema, sent again byte for byte.
      return answer as unknown as RouteConfigToTypedResponse<typeof postChargeRoute>;
    },
  );

  return app;
}

async function startCharge(
  ctx: AppContext,
  body: ChargeRequest,
  key: string,
  logger: AppContext['logger'],
): Promise<IdempotentAnswer> {
  const mandate = await ctx.ledger.getMandate(body.mandateId);
  if (!mandate) throw new ApiError(404, 'not_found', 'No such mandate');
  const provider = ctx.providers.get(mandate.provider);
  if (!provider?.charge) {
    throw new ApiError(409, 'conflict', `Charges through ${mandate.provider} are not available`);
  }
  const origin = await ctx.ledger.getSession(mandate.sessionId);
  if (origin && origin.amount.currency !== body.amount.currency) {
    throw invalidRequest([
      {
        path: 'amount.currency',
        message: `must be ${origin.amount.currency}, the currency of the mandate`,
      },
    ]);
  }
  const now = ctx.now();
  const created = await ctx.ledger.createChargeOrder({
    orderId: newOrderId(),
    sessionId: newSessionId(),
    mandateId: mandate.id,
    reference: body.reference,
    amount: body.amount,
    method: `${mandate.provider}:mandate`,
    idempotencyKey: key,
    now,
    expiresAt: new Date(now.getTime() + HOUR_MS),
  });
  switch (created.kind) {
    case 'mandate_not_found':
      throw new ApiError(404, 'not_found', 'No such mandate');
    case 'mandate_inactive':
      throw new ApiError(
        409,
        'conflict',
        `The mandate is ${created.status}; it cannot be charged`,
        {
          details: { mandateId: mandate.id, status: created.status },
        },
      );
    case 'duplicate_reference':
      throw new ApiError(
        409,
        'duplicate_reference',
        'A charge or session with this reference exists',
        {
          details: { reference: body.reference },
        },
      );
  }
  let order = created.order;
  const log = logger.child({
    orderId: order.id,
    mandateId: mandate.id,
    provider: mandate.provider,
  });
  if (order.status === 'created') {
    const charge = provider.charge.bind(provider);
    const { applied } = await applyProviderStart(ctx, order.id, log, 'provider charge failed', () =>
      charge({
        mandate,
        order,
        idempotencyKey: key,
        webhookUrl: `${ctx.config.publicUrl}/webhooks/${mandate.provider}`,
      }),
    );
    order = applied.order ?? order;
  }
  return { status: 201, body: JSON.stringify(merchantOrderView(order, body.reference)) };
}
