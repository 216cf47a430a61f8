/**
 * @module
 * `GET /return/:sessionId`: where providers send the customer back. The query string is never
 * believed: the provider's API is asked for the real status, which goes through the same
 * transition as a webhook, and the customer is sent on to the merchant's `returnUrl`.
 */
import { Hono } from 'hono';
import { ApiError } from '../core/api-error.js';
import { applyStatus } from '../core/apply-status.js';
import type { AppContext, AppEnv } from '../core/context.js';
import { withSessionParam } from '../core/return-url.js';

/** The return route. */
export function returnRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/return/:sessionId', async (c) => {
    const session = await ctx.ledger.getSession(c.req.param('sessionId'));
    if (!session) throw new ApiError(404, 'not_found', 'No such session');
    const log = c.get('logger');
    const latest = (await ctx.ledger.listOrders(session.id)).at(-1);
    const provider = latest ? ctx.providers.get(latest.provider) : undefined;
    if (latest && provider) {
      try {
        const truth = await provider.fetchStatus(latest);
        if (truth) {
          await applyStatus(
            ctx,
            {
              orderId: latest.id,
              status: truth.status,
              ...(truth.amount ? { amount: truth.amount } : {}),
              source: 'poll',
              confirmed: true,
              now: ctx.now(),
            },
            log,
          );
        }
      } catch (error) {
        // The customer still goes back to the shop; the webhook will settle the order.
        log.warn(
          { orderId: latest.id, code: error instanceof ApiError ? error.code : 'internal_error' },
          'status check on return failed',
        );
      }
    }
    return c.redirect(withSessionParam(session.returnUrl, session.id), 303);
  });

  return app;
}
