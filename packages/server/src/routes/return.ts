/**
 * @module
 * `GET /return/:sessionId`: where providers send the customer back. The query string is never
 * believed: the provider's API is asked for the real status, which goes through the same
 * transition as a webhook, and the customer is sent on to the merchant's `returnUrl`.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from '../core/api-error.js';
import type { AppContext, AppEnv } from '../core/context.js';
import { withSessionParam } from '../core/return-url.js';
import { errorResponses, routeApp } from './route-app.js';

/** `GET /return/{sessionId}`. */
export const returnRoute = createRoute({
  method: 'get',
  path: '/return/{sessionId}',
  tags: ['browser'],
  summary: 'Where providers send the customer back',
  description:
    'Asks the provider for the real status (the query string is never believed), then sends ' +
    'the customer on to the session’s `returnUrl` with `pay_checkout_session=<id>` added.',
  request: {
    params: z.object({ sessionId: z.string().min(1).meta({ description: 'The session id' }) }),
  },
  responses: {
    303: {
      description: 'On to the shop’s `returnUrl`, also when the provider cannot be asked now',
      headers: {
        Location: {
          description: 'The session’s `returnUrl` with `pay_checkout_session=<id>`',
          schema: { type: 'string', format: 'uri' },
        },
      },
    },
    ...errorResponses(404, 503),
  },
});

/** The described routes of this file, for the OpenAPI document. */
export const returnRouteDefinitions = [returnRoute];

/** The return route. */
export function returnRoutes(ctx: AppContext): OpenAPIHono<AppEnv> {
  const app = routeApp();

  app.openapi(returnRoute, async (c) => {
    const session = await ctx.ledger.getSession(c.req.valid('param').sessionId);
    if (!session) throw new ApiError(404, 'not_found', 'No such session');
    const latest = (await ctx.ledger.listOrders(session.id)).at(-1);
    // A provider that cannot be asked now leaves the order to its webhook; the customer still
    // goes back to the shop.
    if (latest) await ctx.statusChecks.check(ctx, latest, c.get('logger'), { fresh: true });
    return c.redirect(withSessionParam(session.returnUrl, session.id), 303);
  });

  return app;
}
