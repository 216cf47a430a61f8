/**
 * @module
 * The HTTP surface in-process (`server.fetch`): auth, validation, error shapes, limits, CORS,
 * idempotent order creation and the return handler, with a scripted provider.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CreateOrderResponseSchema,
  ErrorBodySchema,
  MethodsResponseSchema,
  OrderViewSchema,
  SessionSchema,
  SessionWithOrdersSchema,
} from '@pay-checkout/protocol';
import { createCheckoutServer, type CheckoutServer } from './app.js';
import { ApiError } from './core/api-error.js';
import { createFakeProvider, type FakeProvider } from './test-support/fake-provider.js';
import { SECRET_KEY, SHOP_ORIGIN, sessionBody, testConfig } from './test-support/config.js';

const BASE = 'http://checkout.test';
let server: CheckoutServer;
let fake: FakeProvider;

function request(path: string, init: RequestInit = {}): Promise<Response> {
  return server.fetch(new Request(`${BASE}${path}`, init));
}

function createSession(body: unknown = sessionBody(), auth = `Bearer ${SECRET_KEY}`) {
  return request('/v1/sessions', {
    method: 'POST',
    headers: { Authorization: auth, 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function newSession(overrides: Record<string, unknown> = {}) {
  const response = await createSession(sessionBody(overrides));
  expect(response.status).toBe(201);
  return SessionSchema.parse(await response.json());
}

function createOrder(
  sessionId: string,
  body: unknown,
  key: string | null = 'key-1',
  origin = SHOP_ORIGIN,
) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Origin: origin };
  if (key !== null) headers['Idempotency-Key'] = key;
  return request(`/v1/sessions/${sessionId}/orders`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
}

async function errorCode(response: Response): Promise<string> {
  return ErrorBodySchema.parse(await response.json()).error.code;
}

beforeEach(() => {
  fake = createFakeProvider();
  server = createCheckoutServer(testConfig({}, { adapters: [fake] }));
});
afterEach(async () => {
  await server.close();
});

describe('operations', () => {
  it('answers healthz and readyz, and readyz turns 503 when the database is gone', async () => {
    expect(await (await request('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await request('/readyz')).status).toBe(200);
    await server.store.close();
    const down = await request('/readyz');
    expect(down.status).toBe(503);
    const body = ErrorBodySchema.parse(await down.json());
    expect(body.error).toMatchObject({
      code: 'service_unavailable',
      message: 'Not ready: the store is closed',
      details: { database: 'unavailable', events: 'ok' },
    });
  });

  it('exposes Prometheus metrics by route pattern, without ids', async () => {
    const session = await newSession();
    await request(`/v1/sessions/${session.id}/methods`);
    await request('/webhooks/ivy', { method: 'POST', body: '{}' });
    const response = await request('/metrics', {
      headers: { Authorization: `Bearer ${SECRET_KEY}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('# TYPE pay_checkout_http_requests_total counter');
    expect(text).toContain(
      'pay_checkout_http_requests_total{method="GET",route="/v1/sessions/:id/methods",status="200"} 1',
    );
    expect(text).toContain(
      'pay_checkout_webhooks_total{provider="ivy",outcome="invalid_signature"} 1',
    );
    expect(text).toContain('pay_checkout_sse_connections 0');
    expect(text).not.toContain(session.id);
  });

  it('times requests and webhooks in histograms, and exposes process metrics', async () => {
    const session = await newSession();
    await request(`/v1/sessions/${session.id}/methods`);
    await request('/webhooks/ivy', { method: 'POST', body: '{}' });
    // An unknown provider in the path must not become a label.
    await request('/webhooks/not-a-provider', { method: 'POST', body: '{}' });
    const text = await (
      await request('/metrics', { headers: { Authorization: `Bearer ${SECRET_KEY}` } })
    ).text();
    expect(text).toContain('# TYPE pay_checkout_http_request_duration_seconds histogram');
    expect(text).toContain(
      'pay_checkout_http_request_duration_seconds_count{method="GET",route="/v1/sessions/:id/methods"} 1',
    );
    expect(text).toMatch(
      /^pay_checkout_http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/v1\/sessions\/:id\/methods"\} 1$/m,
    );
    expect(text).toContain('# TYPE pay_checkout_webhook_duration_seconds histogram');
    expect(text).toContain('pay_checkout_webhook_duration_seconds_count{provider="ivy"} 1');
    expect(text).not.toContain('not-a-provider');
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
  });

  it('keeps every metric name, type and label set', async () => {
    const text = await (
      await request('/metrics', { headers: { Authorization: `Bearer ${SECRET_KEY}` } })
    ).text();
    for (const [name, type] of [
      ['pay_checkout_http_requests_total', 'counter'],
      ['pay_checkout_webhooks_total', 'counter'],
      ['pay_checkout_order_transitions_total', 'counter'],
      ['pay_checkout_status_anomalies_total', 'counter'],
      ['pay_checkout_mandate_transitions_total', 'counter'],
      ['pay_checkout_merchant_webhooks_total', 'counter'],
      ['pay_checkout_sse_connections', 'gauge'],
      ['pay_checkout_http_request_duration_seconds', 'histogram'],
      ['pay_checkout_webhook_duration_seconds', 'histogram'],
    ]) {
      expect(text).toContain(`# TYPE ${name} ${type}\n`);
    }
    // Label sets: counting with them is accepted (prom-client refuses any other label name).
    const labels: [string, Record<string, string>][] = [
      ['pay_checkout_http_requests_total', { method: 'GET', route: '/x', status: '200' }],
      ['pay_checkout_webhooks_total', { provider: 'ivy', outcome: 'applied' }],
      ['pay_checkout_order_transitions_total', { to: 'paid' }],
      ['pay_checkout_status_anomalies_total', { anomaly: 'late_success' }],
      ['pay_checkout_mandate_transitions_total', { to: 'active' }],
      ['pay_checkout_merchant_webhooks_total', { outcome: 'delivered' }],
    ];
    for (const [name, set] of labels) {
      server.metrics.inc(name, 'unused', set);
      expect(server.metrics.value(name, set)).toBe(1);
      expect(() => server.metrics.inc(name, 'unused', { ...set, extra: 'x' })).toThrow();
    }
  });

  it('answers /metrics 401 with the error body without the right bearer key', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: 'Bearer wrong_key_0123456789' },
      { Authorization: SECRET_KEY },
      { Authorization: `Basic ${SECRET_KEY}` },
    ];
    for (const headers of attempts) {
      const response = await request('/metrics', { headers });
      expect(response.status).toBe(401);
      expect(ErrorBodySchema.parse(await response.json()).error.code).toBe('unauthorized');
    }
  });

  it('takes the metrics key instead of the secret key when one is set', async () => {
    await server.close();
    server = createCheckoutServer(
      testConfig({}, { adapters: [fake], metricsKey: 'metrics_key_0123456789abcdef' }),
    );
    const withSecret = await request('/metrics', {
      headers: { Authorization: `Bearer ${SECRET_KEY}` },
    });
    expect(withSecret.status).toBe(401);
    const withKey = await request('/metrics', {
      headers: { Authorization: 'Bearer metrics_key_0123456789abcdef' },
    });
    expect(withKey.status).toBe(200);
    expect(await withKey.text()).toContain('# TYPE pay_checkout_http_requests_total counter');
  });

  it('answers unknown routes with 404 JSON and echoes a request id', async () => {
    const response = await request('/nope', { headers: { 'X-Request-Id': 'abc-123' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBe('abc-123');
    expect(await errorCode(response)).toBe('not_found');
    const generated = await request('/healthz');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('POST /v1/sessions', () => {
  it('creates a session (201, contract shape, unguessable id, one hour)', async () => {
    const response = await createSession(
      sessionBody({ reference: 'order-1001', metadata: { cart: '7' } }),
    );
    expect(response.status).toBe(201);
    const session = SessionSchema.parse(await response.json());
    expect(session).toMatchObject({
      status: 'created',
      reference: 'order-1001',
      amount: { value: 1999, currency: 'EUR' },
      metadata: { cart: '7' },
    });
    expect(session.id).toMatch(/^cs_[A-Za-z0-9_-]{32}$/);
    expect(Date.parse(session.expiresAt) - Date.parse(session.createdAt)).toBe(3_600_000);
  });

  it.each([
    ['no header', undefined],
    ['wrong key', 'Bearer sk_test_wrong_wrong_wrong'],
    ['a prefix of the key', `Bearer ${SECRET_KEY.slice(0, -1)}`],
    ['basic scheme', `Basic ${SECRET_KEY}`],
  ])('rejects %s with 401', async (_name, auth) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (auth) headers.Authorization = auth;
    const response = await request('/v1/sessions', {
      method: 'POST',
      headers,
      body: JSON.stringify(sessionBody()),
    });
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('unauthorized');
  });

  it('lists every invalid field in one 400', async () => {
    const response = await createSession({
      amount: { value: 19.99, currency: 'EURO' },
      reference: '',
      country: 'germany',
      returnUrl: 'https://evil.example/done',
      providers: ['ivy', 'nope'],
    });
    expect(response.status).toBe(400);
    const body = ErrorBodySchema.parse(await response.json());
    expect(body.error.code).toBe('invalid_request');
    const paths = (body.error.details as { issues: { path: string }[] }).issues.map((i) => i.path);
    for (const path of [
      'amount.value',
      'amount.currency',
      'reference',
      'country',
      'returnUrl',
      'providers.1',
    ]) {
      expect(paths).toContain(path);
    }
  });

  it('rejects a return URL outside the allowed origins, and a provider that is not configured', async () => {
    const outside = await createSession(
      sessionBody({ returnUrl: 'https://shop.example.evil.com/x' }),
    );
    expect(outside.status).toBe(400);
    const other = createCheckoutServer(testConfig());
    try {
      const response = await other.fetch(
        new Request(`${BASE}/v1/sessions`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(sessionBody({ providers: ['ivy'] })),
        }),
      );
      expect(response.status).toBe(400);
      const body = ErrorBodySchema.parse(await response.json());
      expect(JSON.stringify(body.error.details)).toContain('providers.0');
    } finally {
      await other.close();
    }
  });

  it('answers 409 duplicate_reference for a reused reference', async () => {
    await newSession({ reference: 'order-dup' });
    const again = await createSession(sessionBody({ reference: 'order-dup' }));
    expect(again.status).toBe(409);
    expect(await errorCode(again)).toBe('duplicate_reference');
  });

  it('answers 415 without a JSON content type, 400 on broken JSON, 413 past 1 MiB', async () => {
    const text = await request('/v1/sessions', {
      method: 'POST',
      headers: { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'text/plain' },
      body: JSON.stringify(sessionBody()),
    });
    expect(text.status).toBe(415);
    expect(await errorCode(text)).toBe('unsupported_media_type');
    const broken = await createSession('{"amount":');
    expect(broken.status).toBe(400);
    expect(await errorCode(broken)).toBe('invalid_request');
    const huge = await createSession(`{"x":"${'a'.repeat(1024 * 1024)}"}`);
    expect(huge.status).toBe(413);
    expect(await errorCode(huge)).toBe('payload_too_large');
  });

  it('never answers 500 to junk bodies', async () => {
    const junk = [
      'null',
      '[]',
      '"x"',
      '1e999',
      '{"amount":{"value":1e308,"currency":"EUR"}}',
      '{"__proto__":{"x":1}}',
      '\u0000',
      '{'.repeat(10_000),
    ];
    for (const body of junk) {
      const response = await createSession(body);
      expect(response.status, body.slice(0, 20)).toBe(400);
    }
  });

  it('reads a session with its orders', async () => {
    const session = await newSession();
    await createOrder(session.id, { method: 'ivy:bank' });
    const response = await request(`/v1/sessions/${session.id}`, {
      headers: { Authorization: `Bearer ${SECRET_KEY}` },
    });
    const body = SessionWithOrdersSchema.parse(await response.json());
    expect(body.orders).toHaveLength(1);
    expect(body.orders[0]).toMatchObject({
      status: 'pending',
      provider: 'ivy',
      method: 'ivy:bank',
    });
    expect((await request(`/v1/sessions/${session.id}`)).status).toBe(401);
  });
});

describe('browser routes', () => {
  it('lists methods with the public session, honouring currency', async () => {
    const session = await newSession();
    const response = await request(`/v1/sessions/${session.id}/methods`, {
      headers: { Origin: SHOP_ORIGIN },
    });
    expect(response.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    expect(response.headers.get('vary')).toMatch(/Origin/);
    const body = MethodsResponseSchema.parse(await response.json());
    expect(body.methods.map((m) => m.id)).toEqual(['ivy:bank']);
    expect(body.session).toMatchObject({ id: session.id, status: 'created', orderId: null });
    expect(JSON.stringify(body)).not.toContain('returnUrl');
    const gbp = await newSession({ amount: { value: 100, currency: 'GBP' } });
    const none = MethodsResponseSchema.parse(
      await (await request(`/v1/sessions/${gbp.id}/methods`)).json(),
    );
    expect(none.methods).toEqual([]);
    expect((await request('/v1/sessions/cs_unknown/methods')).status).toBe(404);
  });

  it('reports an expired session as expired and refuses orders on it', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    await server.close();
    server = createCheckoutServer(testConfig({}, { adapters: [fake], now: () => now }));
    const session = await newSession();
    now = new Date('2026-01-01T01:00:01Z');
    const body = MethodsResponseSchema.parse(
      await (await request(`/v1/sessions/${session.id}/methods`)).json(),
    );
    expect(body.session.status).toBe('expired');
    const order = await createOrder(session.id, { method: 'ivy:bank' });
    expect(order.status).toBe(410);
    expect(await errorCode(order)).toBe('session_expired');
  });

  it('answers CORS preflights only for allowed origins, never with *', async () => {
    const preflight = (origin: string) =>
      request('/v1/sessions/cs_x/orders', {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type,idempotency-key',
        },
      });
    const ok = await preflight(SHOP_ORIGIN);
    expect(ok.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
      'idempotency-key',
    );
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
      'last-event-id',
    );
    const evil = await preflight('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const session = await request('/v1/sessions', {
      method: 'OPTIONS',
      headers: { Origin: SHOP_ORIGIN, 'Access-Control-Request-Method': 'POST' },
    });
    expect(session.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('creates an order: created → pending, redirect action, provider reference <attempt>-<reference>', async () => {
    const session = await newSession({ reference: 'order-1001' });
    const response = await createOrder(session.id, { method: 'ivy:bank' });
    expect(response.status).toBe(201);
    const body = CreateOrderResponseSchema.parse(await response.json());
    expect(body.order).toMatchObject({ status: 'pending', provider: 'ivy', method: 'ivy:bank' });
    expect(body.order.id).toMatch(/^ord_[A-Za-z0-9_-]{32}$/);
    expect(body.action).toEqual({
      type: 'redirect',
      url: 'https://pay.example/checkout?ref=1-order-1001',
    });
    const view = OrderViewSchema.parse(await (await request(`/v1/orders/${body.order.id}`)).json());
    expect(view).toMatchObject({
      sessionId: session.id,
      amount: { value: 1999, currency: 'EUR' },
      status: 'pending',
    });
    const second = CreateOrderResponseSchema.parse(
      await (await createOrder(session.id, { method: 'ivy:bank' }, 'key-2')).json(),
    );
    expect(second.action).toMatchObject({ url: expect.stringContaining('ref=2-order-1001') });
    const methods = MethodsResponseSchema.parse(
      await (await request(`/v1/sessions/${session.id}/methods`)).json(),
    );
    expect(methods.session).toMatchObject({ status: 'pending', orderId: second.order.id });
    expect((await request('/v1/orders/ord_unknown')).status).toBe(404);
  });

  it('requires an Idempotency-Key, a known method, an allowed Origin, and ignores amounts from the browser', async () => {
    const session = await newSession();
    const noKey = await createOrder(session.id, { method: 'ivy:bank' }, null);
    expect(noKey.status).toBe(400);
    expect(await errorCode(noKey)).toBe('idempotency_key_required');
    const unknown = await createOrder(session.id, { method: 'koywe:PSE' });
    expect(unknown.status).toBe(400);
    expect(await errorCode(unknown)).toBe('method_unavailable');
    const evil = await createOrder(session.id, { method: 'ivy:bank' }, 'k', 'https://evil.example');
    expect(evil.status).toBe(403);
    expect(await errorCode(evil)).toBe('forbidden');
    const tampered = await createOrder(
      session.id,
      { method: 'ivy:bank', amount: { value: 1, currency: 'EUR' } },
      'k2',
    );
    expect(tampered.status).toBe(400);
    expect(fake.calls).toBe(0);
  });

  it('replays the first answer byte for byte, 422 for another body, 409 while running', async () => {
    const session = await newSession();
    const first = await createOrder(session.id, { method: 'ivy:bank' }, 'same');
    const firstText = await first.text();
    const again = await createOrder(session.id, { method: 'ivy:bank' }, 'same');
    expect(again.status).toBe(201);
    expect(await again.text()).toBe(firstText);
    expect(fake.calls).toBe(1);
    const other = await createOrder(session.id, { method: 'ivy:bank', fields: { x: 'y' } }, 'same');
    expect(other.status).toBe(422);
    expect(await errorCode(other)).toBe('idempotency_key_reused');

    let release!: () => void;
    fake.gate = new Promise((resolve) => (release = resolve));
    const running = createOrder(session.id, { method: 'ivy:bank' }, 'slow');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const concurrent = await Promise.all(
      Array.from({ length: 10 }, () => createOrder(session.id, { method: 'ivy:bank' }, 'slow')),
    );
    for (const response of concurrent) {
      expect(response.status).toBe(409);
      expect(await errorCode(response)).toBe('idempotency_key_in_progress');
    }
    release();
    expect((await running).status).toBe(201);
    expect(fake.calls).toBe(2);
  });

  it('keeps the same key usable after a retryable provider failure, and remembers a refusal', async () => {
    const session = await newSession();
    fake.failWith = new ApiError(502, 'provider_unavailable', 'down', { retryable: true });
    const down = await createOrder(session.id, { method: 'ivy:bank' }, 'k');
    expect(down.status).toBe(502);
    expect(ErrorBodySchema.parse(await down.json()).error).toMatchObject({
      code: 'provider_unavailable',
      retryable: true,
    });
    fake.failWith = null;
    expect((await createOrder(session.id, { method: 'ivy:bank' }, 'k')).status).toBe(201);

    const other = await newSession();
    fake.failWith = new ApiError(502, 'provider_error', 'Ivy refused the request: nope', {
      retryable: false,
    });
    const refused = await createOrder(other.id, { method: 'ivy:bank' }, 'k');
    expect(refused.status).toBe(502);
    fake.failWith = null;
    const replay = await createOrder(other.id, { method: 'ivy:bank' }, 'k');
    expect(replay.status).toBe(502);
    expect(fake.calls).toBe(3);
  });

  it('calls onOrderUpdated once per committed change', async () => {
    const seen: string[] = [];
    await server.close();
    server = createCheckoutServer(
      testConfig({}, { adapters: [fake], onOrderUpdated: (order) => void seen.push(order.status) }),
    );
    const session = await newSession();
    await createOrder(session.id, { method: 'ivy:bank' });
    await createOrder(session.id, { method: 'ivy:bank' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['pending']);
  });

  it('refuses a new order once the session is paid (409 session_paid)', async () => {
    const session = await newSession();
    const created = CreateOrderResponseSchema.parse(
      await (await createOrder(session.id, { method: 'ivy:bank' })).json(),
    );
    await server.ledger.applyStatus({
      orderId: created.order.id,
      status: 'paid',
      source: 'webhook',
      now: new Date(),
    });
    const response = await createOrder(session.id, { method: 'ivy:bank' }, 'key-new');
    expect(response.status).toBe(409);
    expect(await errorCode(response)).toBe('session_paid');
  });
});

describe('GET /return/:sessionId', () => {
  it('applies the provider status, ignores the query, and 303s to the return URL', async () => {
    const session = await newSession({ reference: 'order-ret' });
    const created = CreateOrderResponseSchema.parse(
      await (await createOrder(session.id, { method: 'ivy:bank' })).json(),
    );
    const forged = await request(`/return/${session.id}?status=paid&referenceId=1-order-ret`);
    expect(forged.status).toBe(303);
    expect(forged.headers.get('location')).toBe(
      `${SHOP_ORIGIN}/checkout/done?cart=7&pay_checkout_session=${session.id}`,
    );
    expect((await server.ledger.getOrder(created.order.id))?.status).toBe('pending');

    fake.statuses.set('1-order-ret', {
      status: 'paid',
      providerStatus: 'paid',
      amount: { value: 1999, currency: 'EUR' },
    });
    await request(`/return/${session.id}`);
    expect((await server.ledger.getOrder(created.order.id))?.status).toBe('paid');
  });

  it('still redirects when the provider is down, and 404s an unknown session', async () => {
    const session = await newSession();
    await createOrder(session.id, { method: 'ivy:bank' });
    fake.fetchStatus = async () => {
      throw new ApiError(502, 'provider_unavailable', 'down', { retryable: true });
    };
    expect((await request(`/return/${session.id}`)).status).toBe(303);
    expect((await request('/return/cs_nope')).status).toBe(404);
  });
});

describe('webhooks (scripted provider)', () => {
  /** Posts a webhook and waits until the inbox has processed what it stored. */
  const post = async (body: string, signature = 'valid') => {
    const response = await request('/webhooks/ivy', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Fake-Signature': signature },
      body,
    });
    await server.inbox.idle();
    return response;
  };

  it('401s a bad signature and writes nothing; 404s an unknown reference; 404s unconfigured providers', async () => {
    const before = await server.ledger.countProviderEvents();
    const bad = await post('{"id":"e1","reference":"1-x","status":"paid"}', 'nope');
    expect(bad.status).toBe(401);
    expect(await errorCode(bad)).toBe('invalid_signature');
    expect(await server.ledger.countProviderEvents()).toBe(before);
    expect((await post('{"id":"e1","reference":"1-unknown","status":"paid"}')).status).toBe(404);
    expect((await post('not json')).status).toBe(400);
    expect((await request('/webhooks/koywe', { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('asks the provider before turning a failed order paid (late success)', async () => {
    const session = await newSession({ reference: 'order-late' });
    const created = CreateOrderResponseSchema.parse(
      await (await createOrder(session.id, { method: 'ivy:bank' })).json(),
    );
    expect((await post('{"id":"e1","reference":"1-order-late","status":"failed"}')).status).toBe(
      200,
    );
    expect((await post('{"id":"e2","reference":"1-order-late","status":"paid"}')).status).toBe(200);
    expect((await server.ledger.getOrder(created.order.id))?.status).toBe('failed');
    fake.statuses.set('1-order-late', { status: 'paid', providerStatus: 'paid' });
    expect((await post('{"id":"e3","reference":"1-order-late","status":"paid"}')).status).toBe(200);
    expect(await server.ledger.getOrder(created.order.id)).toMatchObject({
      status: 'paid',
      lateSuccess: true,
    });
  });

  it('asks the provider once per event: a re-delivered success is not confirmed again', async () => {
    const session = await newSession({ reference: 'order-again' });
    await createOrder(session.id, { method: 'ivy:bank' });
    fake.statuses.set('1-order-again', { status: 'paid', providerStatus: 'paid' });
    const success = '{"id":"f2","reference":"1-order-again","status":"paid","confirm":true}';
    expect((await post(success)).status).toBe(200);
    expect(fake.fetches).toBe(1);
    const again = await post(success);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });
    expect(fake.fetches).toBe(1);
  });
});

describe('pages of an origin that is not allowed', () => {
  it('get a JSON error naming the setting to change, on every browser route', async () => {
    const session = await newSession();
    const origin = 'https://not-the-shop.example';
    for (const [path, method] of [
      [`/v1/sessions/${session.id}/methods`, 'GET'],
      [`/v1/sessions/${session.id}/events`, 'GET'],
      ['/v1/orders/ord_x', 'GET'],
      ['/v1/orders/ord_x/refresh', 'POST'],
    ] as const) {
      const response = await request(path, { method, headers: { Origin: origin } });
      expect(response.status, path).toBe(403);
      const body = ErrorBodySchema.parse(await response.json());
      expect(body.error.code).toBe('forbidden');
      expect(body.error.message).toContain(origin);
      expect(body.error.message).toContain('PAY_CHECKOUT_ALLOWED_ORIGINS');
    }
    // The shop's own pages, and calls without an Origin (servers), are served as before.
    expect((await request(`/v1/sessions/${session.id}/methods`)).status).toBe(200);
    const allowed = await request(`/v1/sessions/${session.id}/methods`, {
      headers: { Origin: SHOP_ORIGIN },
    });
    expect(allowed.status).toBe(200);
  });
});
