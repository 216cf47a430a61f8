/**
 * @module
 * `GET /openapi.json` describes exactly the routes the app really has (a route added without a
 * description fails here), and what it says about them holds: the routes it marks as bearer
 * answer 401 without the key, the others do not; its request schemas are the validators.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorBodySchema } from '@pay-checkout/protocol';
import { createCheckoutServer, type CheckoutServer } from '../app.js';
import { createFakeProvider } from '../test-support/fake-provider.js';
import { SECRET_KEY, testConfig } from '../test-support/config.js';
import { OPENAPI_PATH, mountOpenApi } from './openapi.js';

const BASE = 'http://checkout.test';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface Operation {
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<
    string,
    { content?: Record<string, unknown>; headers?: Record<string, unknown> }
  >;
}

interface Document {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
  components: {
    schemas: Record<string, { required?: string[]; additionalProperties?: boolean }>;
    securitySchemes: Record<string, { type: string; scheme?: string }>;
  };
}

let server: CheckoutServer;

function request(path: string, init: RequestInit = {}): Promise<Response> {
  return server.fetch(new Request(`${BASE}${path}`, init));
}

async function fetchDocument(): Promise<Document> {
  const response = await request(OPENAPI_PATH);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return (await response.json()) as Document;
}

/** `METHOD /path/{param}` of every route the app really answers (middleware left out). */
function appRoutes(): string[] {
  const routes = server.app.routes
    .filter((route) => route.method !== 'ALL')
    .map((route) => `${route.method} ${route.path.replace(/:([^/{}]+)/g, '{$1}')}`);
  return [...new Set(routes)].sort();
}

function documentedRoutes(document: Document): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
}

function operations(document: Document): { method: string; path: string; op: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => (item[method] ? [{ method, path, op: item[method] }] : [])),
  );
}

beforeEach(() => {
  server = createCheckoutServer(testConfig({}, { adapters: [createFakeProvider()] }));
  // Until app.ts mounts the document itself, mount it here exactly as app.ts is to.
  if (!server.app.routes.some((route) => route.path === OPENAPI_PATH)) mountOpenApi(server.app);
});
afterEach(async () => {
  await server.close();
});

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document titled and versioned as the server package', async () => {
    const document = await fetchDocument();
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toMatchObject({ title: 'pay-checkout server', version: pkg.version });
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });

  it('describes every route the app has, and no route it does not have', async () => {
    const document = await fetchDocument();
    const real = appRoutes();
    // The contract's routes are all there, so the comparison below is not between two blanks.
    expect(real).toEqual(
      expect.arrayContaining([
        'POST /v1/sessions',
        'GET /v1/sessions/{id}',
        'POST /v1/charges',
        'GET /v1/mandates',
        'GET /v1/mandates/{id}',
        'GET /v1/notifications',
        'POST /v1/notifications/{id}/retry',
        'GET /v1/sessions/{id}/methods',
        'POST /v1/sessions/{id}/orders',
        'GET /v1/orders/{id}',
        'GET /v1/sessions/{id}/events',
        'GET /return/{sessionId}',
        'POST /webhooks/{provider}',
        'GET /healthz',
        'GET /readyz',
        'GET /metrics',
        'GET /openapi.json',
      ]),
    );
    expect(documentedRoutes(document)).toEqual(real);
  });

  it('marks as bearer exactly the routes that answer 401 unauthorized without the key', async () => {
    const document = await fetchDocument();
    for (const { method, path, op } of operations(document)) {
      const url = path.replace('{provider}', 'ivy').replace(/\{[^}]+\}/g, 'unknown-id');
      const response = await request(url, {
        method: method.toUpperCase(),
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'k-1' },
        ...(method === 'post' ? { body: '{}' } : {}),
      });
      const secured = (op.security ?? []).length > 0;
      // A webhook's wrong signature is a 401 too, but `invalid_signature`: not the bearer key.
      const text = await response.text();
      const code =
        response.status === 401 ? ErrorBodySchema.parse(JSON.parse(text)).error.code : null;
      expect(code === 'unauthorized', `${method} ${path}: ${response.status} ${code}`).toBe(
        secured,
      );
      if (secured) {
        const authorized = await request(url, {
          method: method.toUpperCase(),
          headers: {
            Authorization: `Bearer ${SECRET_KEY}`,
            'Content-Type': 'application/json',
            'Idempotency-Key': 'k-1',
          },
          ...(method === 'post' ? { body: '{}' } : {}),
        });
        expect(authorized.status, `${method} ${path} with the key`).not.toBe(401);
      }
    }
  });

  it('lists 429 with Retry-After on exactly the routes a limit can refuse', async () => {
    // Tight limits, and X-Forwarded-For trusted, so each route is asked from its own address.
    await server.close();
    server = createCheckoutServer(
      testConfig(
        {
          PAY_CHECKOUT_TRUSTED_PROXY_HOPS: '1',
          PAY_CHECKOUT_RATE_LIMIT_ADDRESS: '3',
          PAY_CHECKOUT_RATE_LIMIT_FAILURES: '2',
        },
        { adapters: [createFakeProvider()] },
      ),
    );
    if (!server.app.routes.some((route) => route.path === OPENAPI_PATH)) mountOpenApi(server.app);
    const document = await fetchDocument();
    const limited: string[] = [];
    let address = 0;
    for (const { method, path, op } of operations(document)) {
      const url = path.replace('{provider}', 'ivy').replace(/\{[^}]+\}/g, 'unknown-id');
      const from = `10.0.${Math.floor(++address / 250)}.${address % 250}`;
      let refused: Response | undefined;
      for (let i = 0; i < 6 && !refused; i++) {
        const response = await request(url, {
          method: method.toUpperCase(),
          headers: {
            'Content-Type': 'application/json',
            'Idempotency-Key': `k-${i}`,
            'X-Forwarded-For': from,
          },
          ...(method === 'post' ? { body: '{}' } : {}),
        });
        if (response.status === 429) refused = response;
        else await response.body?.cancel();
      }
      const documented = op.responses['429'];
      expect(Boolean(documented), `${method} ${path}: 429 documented`).toBe(Boolean(refused));
      if (!refused || !documented) continue;
      limited.push(`${method.toUpperCase()} ${path}`);
      expect(refused.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
      expect(ErrorBodySchema.parse(await refused.json()).error.code).toBe('rate_limited');
      expect(documented.headers).toMatchObject({
        'Retry-After': { required: true, schema: { type: 'integer', minimum: 1 } },
      });
      expect(documented.content).toEqual({
        'application/json': { schema: { $ref: '#/components/schemas/Error' } },
      });
    }
    // Bearer routes (wrong keys), the element's routes and the webhooks are all among them.
    expect(limited).toEqual(
      expect.arrayContaining([
        'POST /v1/sessions',
        'POST /v1/charges',
        'GET /metrics',
        'GET /v1/sessions/{id}/methods',
        'POST /v1/sessions/{id}/orders',
        'GET /v1/sessions/{id}/events',
        'GET /v1/orders/{id}',
        'POST /webhooks/{provider}',
      ]),
    );
    expect(limited).not.toContain('GET /healthz');
  });

  it('lists the documented error statuses with the error body', async () => {
    const document = await fetchDocument();
    const charge = document.paths['/v1/charges']?.post;
    expect(Object.keys(charge?.responses ?? {})).toEqual(
      expect.arrayContaining(['201', '400', '401', '404', '409', '415', '422']),
    );
    expect(charge?.responses['400']?.content).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/Error' } },
    });
    expect(charge?.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }),
      ]),
    );
    expect(charge?.responses['201']?.headers).toHaveProperty('Idempotent-Replayed');
    const events = document.paths['/v1/sessions/{id}/events']?.get;
    expect(Object.keys(events?.responses['200']?.content ?? {})).toEqual(['text/event-stream']);
    expect(document.paths['/metrics']?.get?.security).toEqual([{ metricsBearerAuth: [] }]);
  });

  it('publishes the schemas that validate the requests', async () => {
    const document = await fetchDocument();
    const body = document.paths['/v1/charges']?.post?.requestBody;
    expect(body?.required).toBe(true);
    expect(body?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/ChargeRequest',
    });
    const schema = document.components.schemas.ChargeRequest;
    expect(schema?.required).toEqual(['mandateId', 'amount', 'reference']);
    expect(schema?.additionalProperties).toBe(false);

    // The same schema refuses an unknown field, with the API's own 400 listing every field.
    const response = await request('/v1/charges', {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${SECRET_KEY}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': 'k-2',
      },
      body: JSON.stringify({ mandateId: '', amount: { value: 0, currency: 'EUR' }, x: 1 }),
    });
    expect(response.status).toBe(400);
    const error = ErrorBodySchema.parse(await response.json()).error;
    expect(error.code).toBe('invalid_request');
    const paths = (error.details as { issues: { path: string }[] }).issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['mandateId', 'amount.value', 'reference', '(body)']),
    );
  });
});

describe('validation by the described routes', () => {
  function post(path: string, headers: Record<string, string>, body: string): Promise<Response> {
    return request(path, { method: 'POST', headers, body });
  }
  const auth = { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'application/json' };

  it('checks the key, then the media type, then the JSON, then the fields', async () => {
    const junk = '{"amount":';
    const codes = async (response: Response) =>
      [response.status, ErrorBodySchema.parse(await response.json()).error.code] as const;
    expect(await codes(await post('/v1/sessions', { 'Content-Type': 'text/plain' }, junk))).toEqual(
      [401, 'unauthorized'],
    );
    expect(
      await codes(await post('/v1/sessions', { ...auth, 'Content-Type': 'text/plain' }, junk)),
    ).toEqual([415, 'unsupported_media_type']);
    const broken = await post('/v1/sessions', auth, junk);
    expect(ErrorBodySchema.parse(await broken.json()).error).toMatchObject({
      code: 'invalid_request',
      message: 'The body is not valid JSON',
    });
    expect(await codes(await post('/v1/charges', auth, '{}'))).toEqual([
      400,
      'idempotency_key_required',
    ]);
  });

  it('lists the schema’s issues and the return URL’s origin in one 400', async () => {
    const response = await post(
      '/v1/sessions',
      auth,
      JSON.stringify({
        amount: { value: 0, currency: 'EUR' },
        reference: 'order-1',
        country: 'de',
        returnUrl: 'https://elsewhere.example/done',
      }),
    );
    expect(response.status).toBe(400);
    const { error } = ErrorBodySchema.parse(await response.json());
    expect(error.message).toBe('The request has invalid fields');
    const issues = (error.details as { issues: { path: string; message: string }[] }).issues;
    expect(issues.map((i) => i.path)).toEqual(['amount.value', 'country', 'returnUrl']);
  });

  it('keeps its own message for a missing mandate reference', async () => {
    const response = await request('/v1/mandates', { headers: auth });
    expect(response.status).toBe(400);
    const { error } = ErrorBodySchema.parse(await response.json());
    expect(error.details).toEqual({
      issues: [{ path: 'reference', message: 'is required: the mandate reference (referenceId)' }],
    });
  });
});
