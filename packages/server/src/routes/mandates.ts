/**
 * @module
 * Server-to-server mandate reads (`Authorization: Bearer`): `GET /v1/mandates/:id` and
 * `GET /v1/mandates?reference=<the merchant's mandate reference>`.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { MandateListQuerySchema, MandateListSchema, MandateSchema } from '@pay-checkout/protocol';
import { ApiError } from '../core/api-error.js';
import type { AppContext, AppEnv } from '../core/context.js';
import { invalidRequest } from '../core/http.js';
import { mandateView } from '../notify/views.js';
import {
  BEARER_SECURITY,
  IdParamSchema,
  bearerAuth,
  errorResponses,
  jsonResponse,
  routeApp,
} from './route-app.js';

/** `GET /v1/mandates?reference=`. */
export const listMandatesRoute = createRoute({
  method: 'get',
  path: '/v1/mandates',
  tags: ['mandates'],
  summary: 'Find a mandate by the merchant’s mandate reference (`referenceId`)',
  security: BEARER_SECURITY,
  request: { query: MandateListQuerySchema },
  responses: {
    200: jsonResponse('The mandate with this reference, or an empty list', MandateListSchema),
    ...errorResponses(400, 401, 503),
  },
});

/** `GET /v1/mandates/{id}`. */
export const getMandateRoute = createRoute({
  method: 'get',
  path: '/v1/mandates/{id}',
  tags: ['mandates'],
  summary: 'Read a mandate',
  security: BEARER_SECURITY,
  request: { params: IdParamSchema },
  responses: {
    200: jsonResponse('The mandate', MandateSchema),
    ...errorResponses(401, 404, 503),
  },
});

/** The described routes of this file, for the OpenAPI document. */
export const mandateRouteDefinitions = [listMandatesRoute, getMandateRoute];

/** The mandate routes. */
export function mandateRoutes(ctx: AppContext): OpenAPIHono<AppEnv> {
  const app = routeApp();
  const bearer = bearerAuth(ctx.config.secretKey);

  app.openapi(
    { ...listMandatesRoute, middleware: [bearer] as const },
    async (c) => {
      const { reference } = c.req.valid('query');
      const mandate = await ctx.ledger.findMandateByReference(reference);
      return c.json({ mandates: mandate ? [mandateView(mandate)] : [] }, 200);
    },
    (result) => {
      if (!result.success) {
        throw invalidRequest([
          { path: 'reference', message: 'is required: the mandate reference (referenceId)' },
        ]);
      }
      return undefined;
    },
  );

  app.openapi({ ...getMandateRoute, middleware: [bearer] as const }, async (c) => {
    const mandate = await ctx.ledger.getMandate(c.req.valid('param').id);
    if (!mandate) throw new ApiError(404, 'not_found', 'No such mandate');
    return c.json(mandateView(mandate), 200);
  });

  return app;
}
