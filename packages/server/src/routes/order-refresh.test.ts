/**
 * @module
 * `POST /v1/orders/:id/refresh`: the element's "has anything happened?" after a while without
 * news. The provider is asked, its answer applied and returned; one order costs the provider one
 * read at a time and at most one per interval, however often the browser asks.
 */
import { ErrorBodySchema, OrderViewSchema, SessionSchema } from '@pay-checkout/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCheckoutServer, type CheckoutServer } from '../app.js';
import { createFakeProvider, type FakeProvider } from '../test-support/fake-provider.js';
import { SECRET_KEY, SHOP_ORIGIN, sessionBody, testConfig } from '../test-support/config.js';

const BASE = 'http://checkout.test';
let server: CheckoutServer;
let fake: FakeProvider;
let clock: number;

function request(path: string, init: RequestInit = {}): Promise<Response> {
  return server.fetch(new Request(`${BASE}${path}`, init));
}

/** A session with one pending order; answers the order id and its provider reference. */
async function pendingOrder(): Promise<{ id: string; reference: string }> {
  const created = await request('/v1/sessions', {
    method: 'POST',
    headers: { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(sessionBody()),
  });
  const session = SessionSchema.parse(await created.json());
  const started = await request(`/v1/sessions/${session.id}/orders`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: SHOP_ORIGIN, 'Idempotency-Key': 'k1' },
    body: JSON.stringify({ method: 'ivy:bank' }),
  });
  expect(started.status).toBe(201);
  const { order } = (await started.json()) as { order: { id: string } };
  const stored = await server.ledger.getOrder(order.id);
  return { id: order.id, reference: stored?.providerReference ?? '' };
}

const refresh = (id: string, origin = SHOP_ORIGIN) =>
  request(`/v1/orders/${id}/refresh`, { method: 'POST', headers: { Origin: origin } });

beforeEach(() => {
  clock = Date.parse('2026-12-06T12:00:00Z');
  fake = createFakeProvider();
  server = createCheckoutServer(testConfig({}, { adapters: [fake], now: () => new Date(clock) }));
});
afterEach(async () => {
  await server.close();
});

describe('POST /v1/orders/:id/refresh', () => {
  it('asks the provider and applies what it answers', async () => {
    const order = await pendingOrder();
    fake.statuses.set(order.reference, { status: 'paid', providerStatus: 'PAID' });
    const response = await refresh(order.id);
    expect(response.status).toBe(200);
    expect(OrderViewSchema.parse(await response.json())).toMatchObject({
      id: order.id,
      status: 'paid',
    });
    expect(fake.fetches).toBe(1);
    expect((await server.ledger.getOrder(order.id))?.status).toBe('paid');
  });

  it('answers the order as it is while the provider knows nothing new', async () => {
    const order = await pendingOrder();
    const response = await refresh(order.id);
    expect(OrderViewSchema.parse(await response.json()).status).toBe('pending');
    expect(fake.fetches).toBe(1);
  });

  it('costs one provider read per order at a time and per interval, however often it is asked', async () => {
    const order = await pendingOrder();
    const answers = await Promise.all(Array.from({ length: 20 }, () => refresh(order.id)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(fake.fetches).toBe(1);
    await refresh(order.id);
    expect(fake.fetches).toBe(1);
    clock += 5_000;
    fake.statuses.set(order.reference, { status: 'paid', providerStatus: 'PAID' });
    const later = await refresh(order.id);
    expect(OrderViewSchema.parse(await later.json()).status).toBe('paid');
    expect(fake.fetches).toBe(2);
    // Paid sticks: nothing to ask any more.
    clock += 60_000;
    await refresh(order.id);
    expect(fake.fetches).toBe(2);
  });

  it('refuses an unknown order and a page of another origin, without asking the provider', async () => {
    const unknown = await refresh('ord_unknown');
    expect(unknown.status).toBe(404);
    expect(ErrorBodySchema.parse(await unknown.json()).error.code).toBe('not_found');
    const order = await pendingOrder();
    const foreign = await refresh(order.id, 'https://elsewhere.example');
    expect(foreign.status).toBe(403);
    expect(fake.fetches).toBe(0);
  });

  it('answers the stored order when the provider cannot be reached', async () => {
    const order = await pendingOrder();
    fake.fetchStatus = () => Promise.reject(new Error('provider down'));
    const response = await refresh(order.id);
    expect(response.status).toBe(200);
    expect(OrderViewSchema.parse(await response.json()).status).toBe('pending');
  });

  it('lets the shop’s page read the server’s Date, to count QR codes down on its clock', async () => {
    const response = await request(`/v1/orders/ord_x`, { headers: { Origin: SHOP_ORIGIN } });
    expect(response.headers.get('Access-Control-Expose-Headers')).toMatch(/\bDate\b/);
  });
});
