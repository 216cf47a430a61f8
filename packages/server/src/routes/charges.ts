/**
 * @module
 * `POST /v1/charges` (server to server, `Authorization: Bearer`): charges a stored mandate
 * without the customer. `Idempotency-Key` is required and passed on to the provider (Ivy's
 * `idempotencyKey`): the same key and body answer the first answer again with no second
 * charge; the same key with another body answers 422. An unknown mandate is a 404 and an
 * inactive one a 409, both before any provider call. Answers 201 with the order, which then
 * follows the provider's webhooks (`processing` → `paid` | `failed`, later maybe `disputed`).
 */
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import { IdempotencyKeySchema, PayableMoneySchema, ReferenceSchema } from '@pay-checkout/protocol';
import { ApiError } from '../core/api-error.js';
import { applyStatus } from '../core/apply-status.js';
import { requireBearer } from '../core/auth.js';
import type { AppContext, AppEnv } from '../core/context.js';
import { invalidRequest, readJson, requireJson, validate } from '../core/http.js';
import { newOrderId, newSessionId } from '../core/ids.js';
import { merchantOrderView } from '../notify/views.js';

/** Body of `POST /v1/charges`. */
export const ChargeRequestSchema = z.strictObject({
  mandateId: z.string().min(1).max(100),
  amount: PayableMoneySchema,
  reference: ReferenceSchema,
});
export type ChargeRequest = z.infer<typeof ChargeRequestSchema>;

/** Idempotency keys of charges are scoped to the merchant (there is one per server). */
const SCOPE = 'charges';
const HOUR_MS = 60 * 60 * 1000;

function requestHash(body: ChargeRequest): string {
  return createHash('sha256')
    .update(
      JSON.stringify([body.mandateId, body.amount.value, body.amount.currency, body.reference]),
    )
    .digest('hex');
}

/** The charge routes. */
export function chargeRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/v1/charges', async (c) => {
    requireBearer(c.req.header('authorization'), ctx.config.secretKey);
    const rawKey = c.req.header('idempotency-key');
    if (rawKey === undefined || rawKey === '') {
      throw new ApiError(400, 'idempotency_key_required', 'Send an Idempotency-Key header');
    }
    const keyCheck = IdempotencyKeySchema.safeParse(rawKey);
    if (!keyCheck.success) {
      throw invalidRequest([
        { path: 'Idempotency-Key', message: keyCheck.error.issues[0]?.message ?? 'is invalid' },
      ]);
    }
    const key = keyCheck.data;
    requireJson(c);
    const body = validate(ChargeRequestSchema, await readJson(c));

    const begun = await ctx.store.beginIdempotency({
      scope: SCOPE,
      key,
      requestHash: requestHash(body),
      now: ctx.now(),
    });
    if (begun.kind === 'replay') {
      return new Response(begun.body, {
        status: begun.status,
        headers: { 'Content-Type': 'application/json', 'Idempotent-Replayed': 'true' },
      });
    }
    if (begun.kind === 'in_progress') {
      throw new ApiError(409, 'idempotency_key_in_progress', 'A request with this key is running', {
        retryable: true,
      });
    }
    if (begun.kind === 'mismatch') {
      throw new ApiError(
        422,
        'idempotency_key_reused',
        'This Idempotency-Key was used with another body',
      );
    }

    let body201: string;
    try {
      body201 = await startCharge(ctx, body, key, c.get('logger'));
    } catch (error) {
      // Definitive refusals are remembered like successes; anything that may succeed later frees
      // the key, and the retry resumes the same order with the same provider key.
      const definitive =
        error instanceof ApiError &&
        error.retryable !== true &&
        (error.status < 500 || error.code === 'provider_error');
      if (definitive) {
        await ctx.store.completeIdempotency(
          SCOPE,
          key,
          error.status,
          JSON.stringify(error.toBody()),
        );
      } else {
        await ctx.store.releaseIdempotency(SCOPE, key);
      }
      throw error;
    }
    await ctx.store.completeIdempotency(SCOPE, key, 201, body201);
    return new Response(body201, { status: 201, headers: { 'Content-Type': 'application/json' } });
  });

  return app;
}

async function startCharge(
  ctx: AppContext,
  body: ChargeRequest,
  key: string,
  logger: AppContext['logger'],
): Promise<string> {
  const mandate = await ctx.store.getMandate(body.mandateId);
  if (!mandate) throw new ApiError(404, 'not_found', 'No such mandate');
  const provider = ctx.providers.get(mandate.provider);
  if (!provider?.charge) {
    throw new ApiError(409, 'conflict', `Charges through ${mandate.provider} are not available`);
  }
  const origin = await ctx.store.getSession(mandate.sessionId);
  if (origin && origin.amount.currency !== body.amount.currency) {
    throw invalidRequest([
      {
        path: 'amount.currency',
        message: `must be ${origin.amount.currency}, the currency of the mandate`,
      },
    ]);
  }
  const now = ctx.now();
  const created = await ctx.store.createChargeOrder({
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
    let charged;
    try {
      charged = await provider.charge({
        mandate,
        order,
        idempotencyKey: key,
        webhookUrl: `${ctx.config.publicUrl}/webhooks/${mandate.provider}`,
      });
    } catch (error) {
      if (error instanceof ApiError && error.code === 'provider_error') {
        await applyStatus(
          ctx,
          { orderId: order.id, status: 'failed', source: 'create', now: ctx.now() },
          log,
        );
      }
      log.warn(
        { code: error instanceof ApiError ? error.code : 'internal_error' },
        'provider charge failed',
      );
      throw error;
    }
    const applied = await applyStatus(
      ctx,
      {
        orderId: order.id,
        status: charged.status,
        source: 'create',
        providerOrderId: charged.providerOrderId,
        now: ctx.now(),
      },
      log,
    );
    order = applied.order ?? order;
  }
  return JSON.stringify(merchantOrderView(order, body.reference));
}
