/**
 * @module
 * Server-to-server mandate reads (`Authorization: Bearer`): `GET /v1/mandates/:id` and
 * `GET /v1/mandates?reference=<the merchant's mandate reference>`.
 */
import { Hono } from 'hono';
import { ReferenceSchema } from '@pay-checkout/protocol';
import { ApiError } from '../core/api-error.js';
import { requireBearer } from '../core/auth.js';
import type { AppContext, AppEnv } from '../core/context.js';
import { invalidRequest } from '../core/http.js';
import { mandateView } from '../notify/views.js';

/** The mandate routes. */
export function mandateRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/v1/mandates', async (c) => {
    requireBearer(c.req.header('authorization'), ctx.config.secretKey);
    const reference = ReferenceSchema.safeParse(c.req.query('reference'));
    if (!reference.success) {
      throw invalidRequest([
        { path: 'reference', message: 'is required: the mandate reference (referenceId)' },
      ]);
    }
    const mandate = await ctx.ledger.findMandateByReference(reference.data);
    return c.json({ mandates: mandate ? [mandateView(mandate)] : [] });
  });

  app.get('/v1/mandates/:id', async (c) => {
    requireBearer(c.req.header('authorization'), ctx.config.secretKey);
    const mandate = await ctx.ledger.getMandate(c.req.param('id'));
    if (!mandate) throw new ApiError(404, 'not_found', 'No such mandate');
    return c.json(mandateView(mandate));
  });

  return app;
}
