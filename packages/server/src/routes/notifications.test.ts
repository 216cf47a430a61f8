/**
 * @module
 * Dead notifications through the whole server (in-process, SQLite, a real merchant endpoint):
 * a notification the merchant keeps refusing is parked after the attempt limit, counted and
 * logged once; the next one of its subject waits without being tried; `GET /v1/notifications`
 * lists and pages them; `POST /v1/notifications/:id/retry` re-queues the dead one, which then
 * goes out first, and the one behind it after.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorBodySchema } from '@pay-checkout/protocol';
import { createCheckoutServer, type CheckoutServer } from '../app.js';
import { NOTIFICATIONS_DEAD } from '../core/metrics.js';
import { SECRET_KEY, testConfig } from '../test-support/config.js';
import { startTestMerchant, type TestMerchant } from '../test-support/merchant-endpoint.js';
import { eventually } from '../test-support/sse-client.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const BASE = 'http://checkout.test';
const AUTH = { Authorization: `Bearer ${SECRET_KEY}` };

let server: CheckoutServer | undefined;
let merchant: TestMerchant | undefined;
afterEach(async () => {
  await server?.close();
  await merchant?.close();
  server = undefined;
  merchant = undefined;
});

/** Log lines of the server, parsed. */
function logSink(lines: Record<string, unknown>[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
}

async function start(logs: Record<string, unknown>[] = []): Promise<CheckoutServer> {
  merchant = await startTestMerchant(SECRET);
  const config = testConfig(
    {
      MERCHANT_WEBHOOK_URL: merchant.url,
      MERCHANT_WEBHOOK_SECRET: SECRET,
      PAY_CHECKOUT_NOTIFICATION_MAX_ATTEMPTS: '3',
      LOG_LEVEL: 'warn',
    },
    { outboxPollMs: 20, merchantWebhookRetry: { baseMs: 10, maxMs: 20 } },
  );
  server = createCheckoutServer({ ...config, logDestination: logSink(logs) });
  return server;
}

function request(path: string, init: RequestInit = {}): Promise<Response> {
  if (!server) throw new Error('no server');
  return server.fetch(new Request(`${BASE}${path}`, init));
}

/** One order moved twice: two notifications of one subject, in order. */
async function twoChanges(s: CheckoutServer): Promise<[string, string]> {
  const now = new Date();
  await s.ledger.createSession({
    id: 'cs_n1',
    reference: 'ref-n1',
    amount: { value: 500, currency: 'EUR' },
    country: 'DE',
    returnUrl: 'https://shop.example/',
    status: 'created',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 3_600_000).toISOString(),
  });
  await s.ledger.createOrder({
    id: 'ord_n1',
    sessionId: 'cs_n1',
    provider: 'ivy',
    method: 'ivy:bank',
    now,
  });
  for (const status of ['pending', 'paid'] as const) {
    await s.ledger.applyStatus({ orderId: 'ord_n1', status, source: 'webhook', now });
  }
  return ['msg_ord_n1_1', 'msg_ord_n1_2'];
}

interface ListBody {
  notifications: { id: string; status: string; attempts: number; deadAt: string | null }[];
  nextCursor: string | null;
}

describe('dead notifications', () => {
  it('parks after the attempt limit, lists it, and a retry delivers it and the next in order', async () => {
    const logs: Record<string, unknown>[] = [];
    const s = await start(logs);
    (merchant as TestMerchant).respond = () => 503;
    const [first, second] = await twoChanges(s);

    await eventually(async () => (await s.ledger.countDeadNotifications()) === 1);
    const endpoint = merchant as TestMerchant;
    // Three attempts of the first, none of the one waiting behind it.
    expect(endpoint.received.map((r) => r.id)).toEqual([first, first, first]);
    expect(await s.ledger.getNotification(second)).toMatchObject({ attempts: 0, deadAt: null });
    expect(s.metrics.value(NOTIFICATIONS_DEAD)).toBe(1);
    const parked = logs.filter((l) => String(l.msg).includes('parked as dead'));
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({
      webhookId: first,
      subjectId: 'ord_n1',
      lastError: 'HTTP 503',
    });
    const metrics = await (await request('/metrics', { headers: AUTH })).text();
    expect(metrics).toMatch(/^pay_checkout_notifications_dead_total 1$/m);
    expect(metrics).toMatch(/^pay_checkout_notifications_dead 1$/m);

    const listed = await request('/v1/notifications?status=dead', { headers: AUTH });
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as ListBody;
    expect(body.nextCursor).toBeNull();
    expect(body.notifications).toEqual([
      expect.objectContaining({
        id: first,
        type: 'order.updated',
        subjectId: 'ord_n1',
        status: 'dead',
        attempts: 3,
        failedAttempts: 3,
        lastStatus: 503,
        lastError: null,
        deadAt: expect.any(String),
      }),
    ]);

    // Still waiting behind it after a while: not tried at all.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(endpoint.received.filter((r) => r.id === second)).toHaveLength(0);

    // Not dead → 409; unknown → 404.
    const notDead = await request(`/v1/notifications/${second}/retry`, {
      method: 'POST',
      headers: AUTH,
    });
    expect(notDead.status).toBe(409);
    expect(ErrorBodySchema.parse(await notDead.json()).error).toMatchObject({
      code: 'conflict',
      details: { reason: 'not_dead', status: 'pending' },
    });
    const unknown = await request('/v1/notifications/msg_nope/retry', {
      method: 'POST',
      headers: AUTH,
    });
    expect(unknown.status).toBe(404);

    endpoint.respond = () => 200;
    const retried = await request(`/v1/notifications/${first}/retry`, {
      method: 'POST',
      headers: AUTH,
    });
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ id: first, status: 'pending', failedAttempts: 0 });
    await eventually(async () => (await s.ledger.getNotification(second))?.deliveredAt != null);
    const accepted = endpoint.received.filter((r) => r.status === 200).map((r) => r.id);
    expect(accepted).toEqual([first, second]);
    expect(await s.ledger.countDeadNotifications()).toBe(0);
    expect(await (await request('/metrics', { headers: AUTH })).text()).toMatch(
      /^pay_checkout_notifications_dead 0$/m,
    );
    const again = await request(`/v1/notifications/${first}/retry`, {
      method: 'POST',
      headers: AUTH,
    });
    expect(ErrorBodySchema.parse(await again.json()).error.details).toEqual({
      reason: 'not_dead',
      status: 'delivered',
    });
  });

  it('pages with a cursor and validates the query', async () => {
    const s = await start();
    await twoChanges(s);
    await eventually(async () =>
      (await s.ledger.listOutbox()).every((m) => m.deliveredAt !== null),
    );
    const page1 = (await (
      await request('/v1/notifications?status=delivered&limit=1', { headers: AUTH })
    ).json()) as ListBody;
    expect(page1.notifications.map((n) => n.id)).toEqual(['msg_ord_n1_1']);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = (await (
      await request(`/v1/notifications?limit=1&cursor=${page1.nextCursor}`, { headers: AUTH })
    ).json()) as ListBody;
    expect(page2.notifications.map((n) => n.id)).toEqual(['msg_ord_n1_2']);
    expect(page2.nextCursor).toBeNull();

    for (const query of ['status=lost', 'limit=0', 'limit=101', 'cursor=abc']) {
      const response = await request(`/v1/notifications?${query}`, { headers: AUTH });
      expect(response.status, query).toBe(400);
      expect(ErrorBodySchema.parse(await response.json()).error.code).toBe('invalid_request');
    }
    const bad = await request('/v1/notifications?status=lost', { headers: AUTH });
    expect(ErrorBodySchema.parse(await bad.json()).error.details).toEqual({
      issues: [{ path: 'status', message: 'must be one of dead, pending, delivered' }],
    });
    expect((await request('/v1/notifications')).status).toBe(401);
    expect((await request('/v1/notifications/x/retry', { method: 'POST' })).status).toBe(401);
  });
});
