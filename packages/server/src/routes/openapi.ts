/**
 * @module
 * `GET /openapi.json`: the OpenAPI 3.1 document of the whole HTTP API, from the same zod schemas
 * that validate the requests. The described routes bring their own definitions
 * (`createRoute`); the routes that are plain Hono (the SSE stream, provider webhooks, health and
 * metrics) are described here.
 *
 * @example
 * const app = new Hono();
 * mountOpenApi(app);
 * // GET /openapi.json → { openapi: '3.1.0', info: { title: 'pay-checkout server', … }, paths }
 */
import { readFileSync } from 'node:fs';
import { OpenAPIHono, z, type RouteConfig } from '@hono/zod-openapi';
import type { Env, Hono } from 'hono';
import { ProviderIdSchema, StatusEventSchema } from '@pay-checkout/protocol';
import { browserRouteDefinitions } from './browser.js';
import { chargeRouteDefinitions } from './charges.js';
import { mandateRouteDefinitions } from './mandates.js';
import { notificationRouteDefinitions } from './notifications.js';
import { returnRouteDefinitions } from './return.js';
import { sessionRouteDefinitions } from './sessions.js';
import { BEARER_SCHEME, IdParamSchema, errorResponses, jsonResponse } from './route-app.js';

/** The name of the security scheme of `GET /metrics` (its own key when one is set). */
export const METRICS_BEARER_SCHEME = 'metricsBearerAuth';

/** The path the document is served at. */
export const OPENAPI_PATH = '/openapi.json';

function serverVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  const pkg = JSON.parse(readFileSync(url, 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}

const OkSchema = z.object({ status: z.literal('ok') });

const WebhookAckSchema = z.object({
  received: z.literal(true),
  /** True when this event was taken in before; nothing changed. */
  duplicate: z.boolean().optional(),
});

/** The routes that are not (yet) described by their own files. */
const plainRoutes: RouteConfig[] = [
  {
    method: 'get',
    path: '/v1/sessions/{id}/events',
    tags: ['browser'],
    summary: 'The session’s status as Server-Sent Events',
    description:
      'Every message is `event: status`, `id: <integer, increasing per session>` and ' +
      '`data: <StatusEvent JSON>` (see components.schemas.StatusEvent). The first message ' +
      'after connecting is the current state (a snapshot); `Last-Event-ID` (or the ' +
      '`lastEventId` query for clients that cannot set headers) resumes without gaps or ' +
      'repeats. A comment line every 15 s keeps proxies open.',
    request: {
      params: IdParamSchema,
      headers: z.object({
        'Last-Event-ID': z
          .string()
          .regex(/^\d{1,15}$/)
          .optional()
          .meta({ description: 'The `id` of the last message received' }),
      }),
      query: z.object({
        lastEventId: z
          .string()
          .regex(/^\d{1,15}$/)
          .optional()
          .meta({ description: 'Like `Last-Event-ID`, for clients that cannot send headers' }),
      }),
    },
    responses: {
      200: {
        description: 'The stream (`Cache-Control: no-cache`, `X-Accel-Buffering: no`)',
        headers: {
          'Cache-Control': { schema: { type: 'string', enum: ['no-cache'] } },
          'X-Accel-Buffering': { schema: { type: 'string', enum: ['no'] } },
        },
        content: {
          'text/event-stream': {
            schema: {
              type: 'string',
              description: '`event: status`, `id: <n>`, `data: <StatusEvent JSON>` messages',
            },
          },
        },
      },
      ...errorResponses(403, 404, 429, 503),
    },
  },
  {
    method: 'post',
    path: '/webhooks/{provider}',
    tags: ['webhooks'],
    summary: 'A provider’s webhook',
    description:
      'Verifies the provider’s signature on the raw bytes (its own headers and scheme, in ' +
      'constant time; a wrong or missing signature answers 401 and writes nothing), ' +
      'deduplicates, applies the status machine and acknowledges the way that provider ' +
      'expects (IXOPAY: `200` with body `OK`).',
    request: {
      params: z.object({
        provider: ProviderIdSchema.meta({ description: 'A configured provider' }),
      }),
      body: {
        required: true,
        description: 'The provider’s own event, exactly as it signed it',
        content: { 'application/json': { schema: z.looseObject({}) } },
      },
    },
    responses: {
      200: {
        description: 'Taken in (or a duplicate); IXOPAY gets `OK` as text',
        content: {
          'application/json': { schema: WebhookAckSchema },
          'text/plain': { schema: { type: 'string', enum: ['OK'] } },
        },
      },
      ...errorResponses(400, 401, 404, 413, 429, 503),
    },
  },
  {
    method: 'get',
    path: '/healthz',
    tags: ['operations'],
    summary: 'The process answers',
    responses: { 200: jsonResponse('Up', OkSchema), ...errorResponses(503) },
  },
  {
    method: 'get',
    path: '/readyz',
    tags: ['operations'],
    summary: 'The database answers (and on PostgreSQL the live-status listener is connected)',
    responses: {
      200: jsonResponse('Ready', OkSchema),
      ...errorResponses(503),
    },
  },
  {
    method: 'get',
    path: '/metrics',
    tags: ['operations'],
    summary: 'Prometheus metrics',
    security: [{ [METRICS_BEARER_SCHEME]: [] }],
    responses: {
      200: {
        description: 'Prometheus text exposition format',
        content: { 'text/plain': { schema: { type: 'string' } } },
      },
      ...errorResponses(401, 503),
    },
  },
  {
    method: 'get',
    path: OPENAPI_PATH,
    tags: ['operations'],
    summary: 'This document',
    responses: {
      200: {
        description: 'The OpenAPI 3.1 document of the HTTP API',
        content: { 'application/json': { schema: { type: 'object' } } },
      },
    },
  },
];

/** Every route definition of the API, in the order of the document. */
export function apiRouteDefinitions(): RouteConfig[] {
  return [
    ...sessionRouteDefinitions,
    ...chargeRouteDefinitions,
    ...mandateRouteDefinitions,
    ...notificationRouteDefinitions,
    ...browserRouteDefinitions,
    ...returnRouteDefinitions,
    ...plainRoutes,
  ];
}

/** The type of the document (OpenAPI 3.1). */
export type OpenApiDocument = ReturnType<OpenAPIHono['getOpenAPI31Document']>;

/** Builds the OpenAPI 3.1 document of the whole HTTP API. */
export function buildOpenApiDocument(): OpenApiDocument {
  const doc = new OpenAPIHono();
  const registry = doc.openAPIRegistry;
  registry.registerComponent('securitySchemes', BEARER_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description: 'The server-to-server key: `Authorization: Bearer $PAY_CHECKOUT_SECRET_KEY`',
  });
  registry.registerComponent('securitySchemes', METRICS_BEARER_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description:
      '`Authorization: Bearer $PAY_CHECKOUT_METRICS_KEY`, or the secret key when that is unset',
  });
  // A fresh copy: the protocol's own schema predates zod's OpenAPI extension (`.openapi`).
  registry.register('StatusEvent', StatusEventSchema.meta({ id: 'StatusEvent' }));
  for (const route of apiRouteDefinitions()) registry.registerPath(route);
  return doc.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'pay-checkout server',
      version: serverVersion(),
      description:
        'The companion backend of the `<pay-checkout>` element. JSON everywhere except the ' +
        'SSE stream; errors are `{ "error": { "code", "message", "details"?, "retryable"? } }`.',
    },
    tags: [
      { name: 'sessions', description: 'Server to server (bearer key)' },
      { name: 'charges', description: 'Server to server (bearer key)' },
      { name: 'mandates', description: 'Server to server (bearer key)' },
      {
        name: 'notifications',
        description: 'Server to server (bearer key): merchant notifications, dead ones retried',
      },
      { name: 'browser', description: 'Public; the session id is the capability' },
      { name: 'webhooks', description: 'Providers' },
      { name: 'operations', description: 'Health, readiness, metrics' },
    ],
  });
}

/**
 * Serves the document at `GET /openapi.json` on `app`. It is built on the first request and
 * kept: the API does not change while the server runs.
 */
export function mountOpenApi<E extends Env>(app: Hono<E>): void {
  let document: OpenApiDocument | undefined;
  app.get(OPENAPI_PATH, (c) => c.json((document ??= buildOpenApiDocument())));
}
