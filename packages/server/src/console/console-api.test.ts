/**
 * @module
 * The operator console's API over loopback, with the Ivy emulator and a merchant endpoint, on
 * SQLite and on PostgreSQL: sign-in (wrong key, cookie flags, rate limit, sign-out), the
 * cross-site guards and the absence of CORS, the order list's filters and search, a paid
 * order's whole story (provider call, webhook, transition, stream event, notification), a
 * refused webhook in it, a re-check that makes an order whose webhook was dropped paid, the
 * re-queue of a dead notification, the live stream, masking in every answer, and 404 for
 * everything under /console without the key.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { CreateOrderResponseSchema } from '@pay-checkout/protocol';
import {
  ConsoleErrorBodySchema,
  ConsoleNotificationsPageSchema,
  ConsoleOrderDetailSchema,
  ConsoleOrderEventSchema,
  ConsoleOrdersPageSchema,
  ConsoleProvidersSchema,
  ConsoleRecheckSchema,
  ConsoleRequeueSchema,
  ConsoleSessionInfoSchema,
  ConsoleSummarySchema,
  type ConsoleNotificationsPage,
  type ConsoleOrdersPage,
  type ConsoleProviders,
  type ConsoleSummary,
} from '@pay-checkout/protocol/console';
import { createCheckoutServer } from '../app.js';
import { signIvyBody } from '../providers/ivy/ivy-signature.js';
import {
  IVY_API_KEY,
  IVY_WEBHOOK_SECRET,
  SHOP_ORIGIN,
  testConfig,
} from '../test-support/config.js';
import { seedOrder, startIvyStack, type IvyStack } from '../test-support/ivy-stack.js';
import type { TestMerchant } from '../test-support/merchant-endpoint.js';
import {
  createTestDatabase,
  describePostgres,
  type TestDatabase,
} from '../test-support/postgres.js';
import { eventually, openSse } from '../test-support/sse-client.js';
import { activityIdle } from './activity.js';

const CONSOLE_KEY = 'console-key-for-tests-0123456789';
const MERCHANT_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const IBAN = 'DE89370400440532013000';
const EMAIL = 'jane.doe@example.com';
const DOCUMENT = '12345678Z';
const PHONE = '+49 170 1234567';

interface Story {
  order: Record<string, unknown> & { status: string; anomalies: string[] };
  session: Record<string, unknown>;
  story: { at: string; kind: string; title: string; detail: Record<string, unknown> }[];
}

/**
 * The JSON body of `response`, which must read as `schema` reads it: no field missing, none
 * the schema does not name (a field added on one side only fails here).
 */
async function contract<T>(response: Response, schema: z.ZodType): Promise<T> {
  const body: unknown = await response.json();
  expect(schema.parse(body)).toEqual(body);
  return body as T;
}

/** The data of an SSE `order` event, which must read as the protocol's order event. */
function orderEvent(data: string): { id: string; status: string } {
  const row: unknown = JSON.parse(data);
  expect(ConsoleOrderEventSchema.parse(row)).toEqual(row);
  return row as { id: string; status: string };
}

function scenarios(database: () => string) {
  let stack: IvyStack;
  let merchant: TestMerchant;
  let url: string;
  let cookie: string;

  beforeAll(async () => {
    stack = await startIvyStack({
      merchantSecret: MERCHANT_SECRET,
      env: {
        DATABASE_URL: database(),
        PAY_CHECKOUT_CONSOLE_KEY: CONSOLE_KEY,
        PAY_CHECKOUT_NOTIFICATION_MAX_ATTEMPTS: '2',
        // Each test's sign-ins count under its own address.
        PAY_CHECKOUT_TRUSTED_PROXY_HOPS: '1',
        PAY_CHECKOUT_RATE_LIMIT_FAILURES: '5',
      },
      extras: { outboxPollMs: 20, merchantWebhookRetry: { baseMs: 10, maxMs: 20 } },
    });
    ({ merchant } = stack);
    url = stack.server.url;
    cookie = await signIn('10.0.0.1');
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function signIn(address: string, key = CONSOLE_KEY): Promise<string> {
    const response = await post('/console/api/session', { key }, { 'X-Forwarded-For': address });
    expect(response.status).toBe(204);
    return (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  }

  function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    return fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Console-Csrf': '1', ...headers },
      body: JSON.stringify(body),
    });
  }

  function get(path: string, headers: Record<string, string> = {}) {
    return fetch(`${url}${path}`, { headers: { Cookie: cookie, ...headers } });
  }

  /** Every console answer about an order, as text (for the masking checks). */
  async function everything(orderId: string, reference: string): Promise<string> {
    const paths: [string, z.ZodType][] = [
      [`/console/api/orders/${orderId}`, ConsoleOrderDetailSchema],
      [`/console/api/orders/${orderId}/summary`, ConsoleSummarySchema],
      [`/console/api/orders?q=${encodeURIComponent(reference)}`, ConsoleOrdersPageSchema],
      ['/console/api/orders', ConsoleOrdersPageSchema],
      ['/console/api/providers', ConsoleProvidersSchema],
      ['/console/api/notifications', ConsoleNotificationsPageSchema],
    ];
    const texts = await Promise.all(
      paths.map(async ([path, schema]) => {
        const response = await get(path);
        expect(response.status, path).toBe(200);
        return JSON.stringify(await contract(response, schema));
      }),
    );
    return texts.join('\n');
  }

  async function story(orderId: string): Promise<Story> {
    await stack.server.server.inbox.idle();
    await activityIdle(stack.server.server);
    const response = await get(`/console/api/orders/${orderId}`);
    expect(response.status).toBe(200);
    return contract<Story>(response, ConsoleOrderDetailSchema);
  }

  /** A session with a pending Ivy order; the emulator's checkout id to press its buttons. */
  async function startPayment(overrides: Record<string, unknown> = {}) {
    const session = await stack.createSession(overrides);
    const response = await fetch(`${url}/v1/sessions/${session.id}/orders`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Idempotency-Key': `key-${session.id}`,
        Origin: SHOP_ORIGIN,
      },
      body: JSON.stringify({ method: 'ivy:bank' }),
    });
    expect(response.status).toBe(201);
    const created = CreateOrderResponseSchema.parse(await response.json());
    if (created.action.type !== 'redirect') throw new Error('expected a redirect');
    const checkout = new URL(created.action.url).searchParams.get('session') ?? '';
    return { session, orderId: created.order.id, checkout };
  }

  async function press(checkout: string, action: 'pay' | 'fail') {
    const response = await fetch(`${stack.emulator.url}/ivy/checkout/${checkout}/${action}`, {
      method: 'POST',
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    return response.headers.get('location') ?? '';
  }

  async function faults(settings: Record<string, unknown>) {
    const response = await fetch(`${stack.emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(settings),
    });
    expect(response.status).toBe(200);
  }

  describe('sign-in', () => {
    it('takes the key only, and answers an HttpOnly SameSite=Strict cookie for /console', async () => {
      const wrong = await post(
        '/console/api/session',
        { key: 'not-the-key-at-all-0123456789' },
        {
          'X-Forwarded-For': '10.0.1.1',
        },
      );
      expect(wrong.status).toBe(401);
      expect(await contract(wrong, ConsoleErrorBodySchema)).toMatchObject({
        error: { code: 'invalid_console_key' },
      });
      expect(wrong.headers.get('set-cookie')).toBeNull();

      const right = await post(
        '/console/api/session',
        { key: CONSOLE_KEY },
        {
          'X-Forwarded-For': '10.0.1.1',
        },
      );
      expect(right.status).toBe(204);
      const set = right.headers.get('set-cookie') ?? '';
      expect(set).toMatch(/^pay_checkout_console=[A-Za-z0-9_-]{40,}; /);
      expect(set).toContain('HttpOnly');
      expect(set).toContain('SameSite=Strict');
      expect(set).toContain('Path=/console');
      expect(set).toContain('Max-Age=43200');
      expect(set).not.toContain('Secure');
      expect(set).not.toContain(CONSOLE_KEY);

      // Behind a trusted proxy that speaks https, the cookie is Secure.
      const secure = await post(
        '/console/api/session',
        { key: CONSOLE_KEY },
        {
          'X-Forwarded-For': '10.0.1.1',
          'X-Forwarded-Proto': 'https',
        },
      );
      expect(secure.headers.get('set-cookie')).toContain('; Secure');

      const mine = set.split(';')[0] ?? '';
      const who = await fetch(`${url}/console/api/session`, { headers: { Cookie: mine } });
      expect(who.status).toBe(200);
      expect(await contract(who, ConsoleSessionInfoSchema)).toEqual({
        operator: 'operator',
        expiresAt: expect.any(String),
      });
      expect(who.headers.get('cache-control')).toBe('no-store');

      const out = await fetch(`${url}/console/api/session`, {
        method: 'DELETE',
        headers: { Cookie: mine, 'X-Console-Csrf': '1' },
      });
      expect(out.status).toBe(204);
      expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
      const after = await fetch(`${url}/console/api/session`, { headers: { Cookie: mine } });
      expect(after.status).toBe(401);
      expect(await contract(after, ConsoleErrorBodySchema)).toMatchObject({
        error: { code: 'console_sign_in' },
      });
    });

    it('refuses malformed bodies and every API call without a valid cookie', async () => {
      const extra = await post(
        '/console/api/session',
        { key: CONSOLE_KEY, remember: true },
        {
          'X-Forwarded-For': '10.0.2.1',
        },
      );
      expect(extra.status).toBe(400);
      for (const path of ['/console/api/orders', '/console/api/providers', '/console/api/stream']) {
        const none = await fetch(`${url}${path}`);
        expect(none.status, path).toBe(401);
        const forged = await fetch(`${url}${path}`, {
          headers: { Cookie: `pay_checkout_console=${'A'.repeat(43)}` },
        });
        expect(forged.status, path).toBe(401);
      }
    });

    it('refuses sign-ins from an address after too many failures, the right key included', async () => {
      const attempt = (key: string, address: string) =>
        post('/console/api/session', { key }, { 'X-Forwarded-For': address });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        statuses.push((await attempt(`wrong-key-number-${i}-0123456789abc`, '10.0.3.1')).status);
      }
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(statuses[5]).toBe(429);
      const refused = await attempt(CONSOLE_KEY, '10.0.3.1');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await contract(refused, ConsoleErrorBodySchema)).toMatchObject({
        error: { code: 'rate_limited' },
      });
      // Another address is not held back.
      expect((await attempt(CONSOLE_KEY, '10.0.3.2')).status).toBe(204);
    });
  });

  describe('cross-site guards', () => {
    it('refuses state-changing calls without the header, from another origin or site', async () => {
      const { orderId } = await startPayment();
      const recheck = (headers: Record<string, string>) =>
        fetch(`${url}/console/api/orders/${orderId}/recheck`, {
          method: 'POST',
          headers: { Cookie: cookie, ...headers },
        });
      const refusedHeaders: Record<string, string>[] = [
        {},
        { 'X-Console-Csrf': '0' },
        { 'X-Console-Csrf': '1', Origin: SHOP_ORIGIN },
        { 'X-Console-Csrf': '1', Origin: 'https://evil.example' },
        { 'X-Console-Csrf': '1', 'Sec-Fetch-Site': 'cross-site' },
        { 'X-Console-Csrf': '1', 'Sec-Fetch-Site': 'same-site' },
      ];
      for (const headers of refusedHeaders) {
        const response = await recheck(headers);
        expect(response.status, JSON.stringify(headers)).toBe(403);
        expect(await contract(response, ConsoleErrorBodySchema)).toMatchObject({
          error: { code: 'csrf' },
        });
      }
      const signIn = await fetch(`${url}/console/api/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '10.0.4.1' },
        body: JSON.stringify({ key: CONSOLE_KEY }),
      });
      expect(signIn.status).toBe(403);
      const ours = await recheck({
        'X-Console-Csrf': '1',
        Origin: new URL(url).origin,
        'Sec-Fetch-Site': 'same-origin',
      });
      expect(ours.status).toBe(200);
      await contract(ours, ConsoleRecheckSchema);
    });

    it('answers no CORS header anywhere under /console, even to the shop’s origin', async () => {
      const preflight = await fetch(`${url}/console/api/session`, {
        method: 'OPTIONS',
        headers: {
          Origin: SHOP_ORIGIN,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'x-console-csrf, content-type',
        },
      });
      const plain = await get('/console/api/orders', { Origin: SHOP_ORIGIN });
      await contract(plain.clone(), ConsoleOrdersPageSchema);
      const page = await fetch(`${url}/console/`, { headers: { Origin: SHOP_ORIGIN } });
      for (const response of [preflight, plain, page]) {
        const names = [...response.headers.keys()];
        expect(names.filter((name) => name.startsWith('access-control-'))).toEqual([]);
        expect(response.headers.get('x-frame-options')).toBe('DENY');
        expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      }
      expect(plain.status).toBe(200);
      // The app itself, built or not, is never a CORS resource either.
      expect([200, 503]).toContain(page.status);
      if (page.status === 200) {
        expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      } else {
        expect(await page.text()).toMatch(/not built/);
      }
    });
  });

  describe('orders and their story', () => {
    it('tells a paid order’s story: creation, provider call, webhook, transitions, stream, notification', async () => {
      const reference = `paid-${randomBytes(4).toString('hex')}`;
      const { session, orderId, checkout } = await startPayment({ reference });
      const callback = await press(checkout, 'pay');
      await fetch(callback, { redirect: 'manual' });
      await eventually(async () => (await stack.orderStatus(orderId)) === 'paid');
      await eventually(() =>
        merchant.received.some(
          (r) =>
            r.event?.type === 'order.updated' &&
            r.body.includes('"paid"') &&
            r.body.includes(orderId),
        ),
      );
      // The emulator's webhook arrives as well (the return may have settled the order first).
      await eventually(async () => (await story(orderId)).story.some((e) => e.kind === 'webhook'));
      await eventually(async () =>
        (await story(orderId)).story.some(
          (e) =>
            e.kind === 'notification' &&
            e.detail.status === 'delivered' &&
            (e.detail.attempts as unknown[]).length > 0,
        ),
      );
      const { order, session: shown, story: entries } = await story(orderId);
      expect(order).toMatchObject({
        id: orderId,
        sessionId: session.id,
        reference,
        provider: 'ivy',
        method: 'ivy:bank',
        status: 'paid',
        amount: { value: 1999, currency: 'EUR' },
        anomalies: [],
        attempt: 1,
        providerOrderId: expect.any(String),
      });
      expect(shown).toMatchObject({ id: session.id, reference, status: 'paid', country: 'DE' });
      const kinds = new Set(entries.map((e) => e.kind));
      for (const kind of [
        'created',
        'provider_call',
        'webhook',
        'transition',
        'stream_event',
        'notification',
      ]) {
        expect(kinds, kind).toContain(kind);
      }
      expect(entries[0]?.kind).toBe('created');
      const times = entries.map((e) => e.at);
      expect(times).toEqual([...times].sort());
      expect(entries.find((e) => e.kind === 'provider_call')?.detail).toMatchObject({
        operation: 'createOrder',
        outcome: 'ok',
        durationMs: expect.any(Number),
      });
      expect(entries.find((e) => e.kind === 'webhook')?.detail).toMatchObject({
        verdict: 'verified',
        duplicate: false,
        eventId: expect.any(String),
      });
      const transitions = entries.filter((e) => e.kind === 'transition').map((e) => e.detail);
      expect(transitions[0]).toMatchObject({ from: 'created', to: 'pending', source: 'create' });
      expect(transitions.at(-1)).toMatchObject({ to: 'paid' });
      expect(entries.some((e) => e.kind === 'stream_event' && e.detail.status === 'paid')).toBe(
        true,
      );
      const notified = entries.filter((e) => e.kind === 'notification');
      expect(notified.at(-1)?.detail).toMatchObject({
        type: 'order.updated',
        status: 'delivered',
        attempts: [expect.objectContaining({ outcome: 'delivered', httpStatus: 200 })],
        urlConfigured: true,
      });
      for (const entry of entries) expect(entry.title).toMatch(/\.$/);

      const summary = await get(`/console/api/orders/${orderId}/summary`);
      const { text } = await contract<ConsoleSummary>(summary, ConsoleSummarySchema);
      expect(text).toContain(orderId);
      expect(text).toContain(reference);
      expect(text).toContain('19.99 EUR');
      expect(text).toContain('Status paid');
      await activityIdle(stack.server.server);
      expect((await story(orderId)).story.at(-1)).toMatchObject({
        kind: 'operator_action',
        detail: { action: 'copy_summary', operator: 'operator' },
      });

      // The list finds it by filter and search; counts are per status.
      const list = async (query: string) => {
        const response = await get(`/console/api/orders?${query}`);
        expect(response.status, query).toBe(200);
        return contract<ConsoleOrdersPage>(response, ConsoleOrdersPageSchema);
      };
      const ids = async (query: string) => (await list(query)).items.map((item) => item.id);
      expect(await ids(`q=${reference}`)).toEqual([orderId]);
      expect(await ids(`q=${reference.slice(0, 8)}`)).toContain(orderId);
      expect(await ids(`q=${session.id}`)).toEqual([orderId]);
      expect(await ids(`q=${orderId}`)).toEqual([orderId]);
      expect(await ids(`q=${String(order.providerOrderId)}`)).toEqual([orderId]);
      expect(await ids(`status=paid&q=${reference}`)).toEqual([orderId]);
      expect(await ids(`status=pending&q=${reference}`)).toEqual([]);
      expect(await ids(`provider=koywe&q=${reference}`)).toEqual([]);
      expect(await ids(`method=ivy:bank&anomaly=&q=${reference}`)).toEqual([orderId]);
      expect(await ids(`anomaly=stuck&q=${reference}`)).toEqual([]);
      const later = new Date(Date.now() + 60_000).toISOString();
      expect(await ids(`from=${later}&q=${reference}`)).toEqual([]);
      expect(await ids(`to=${later}&q=${reference}`)).toEqual([orderId]);
      const all = await list('');
      expect(all.counts.paid).toBeGreaterThanOrEqual(1);
      await startPayment();
      const firstPage = await list('limit=1');
      expect(firstPage.items).toHaveLength(1);
      expect(firstPage.nextCursor).not.toBeNull();
      const second = await list(`limit=1&cursor=${firstPage.nextCursor}`);
      expect(second.items[0]?.id).not.toBe(firstPage.items[0]?.id);
      for (const bad of ['status=nope', 'limit=0', 'from=yesterday', 'cursor=***', 'sort=x']) {
        const response = await get(`/console/api/orders?${bad}`);
        expect(response.status, bad).toBe(400);
        expect(await contract(response, ConsoleErrorBodySchema)).toMatchObject({
          error: { code: 'invalid_request' },
        });
      }
      const unknown = await get('/console/api/orders/ord_unknown');
      expect(unknown.status).toBe(404);
      await contract(unknown, ConsoleErrorBodySchema);
    });

    it('shows a refused webhook with its reason, and no personal data in any answer', async () => {
      const reference = `masked-${randomBytes(4).toString('hex')}`;
      const { orderId } = await startPayment({
        reference,
        description: `Gift for ${EMAIL}`,
        customer: {
          email: EMAIL,
          name: 'Jane Doe',
          phone: PHONE,
          document: { type: 'DNI', number: DOCUMENT },
        },
      });
      const body = JSON.stringify({
        id: `evt-forged-${orderId}`,
        type: 'order_updated',
        payload: {
          id: 'x',
          referenceId: `1-${reference}`,
          status: 'paid',
          price: { total: 19.99, currency: 'EUR' },
          payer: {
            email: EMAIL,
            iban: IBAN,
            documentNumber: DOCUMENT,
            name: 'Jane Doe',
            phone: PHONE,
          },
        },
      });
      const forged = await fetch(`${url}/webhooks/ivy`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Ivy-Signature': signIvyBody('wrong_secret', body),
        },
        body,
      });
      expect(forged.status).toBe(401);
      await eventually(async () => (await story(orderId)).story.some((e) => e.kind === 'webhook'));
      const { story: entries } = await story(orderId);
      const refused = entries.find((e) => e.kind === 'webhook');
      expect(refused?.detail).toMatchObject({
        verdict: 'refused',
        reason: 'invalid_signature',
        duplicate: false,
        body: {
          payload: {
            payer: {
              email: 'j***@example.com',
              iban: '****3000',
              documentNumber: '[redacted]',
              name: 'J. D.',
              phone: '***67',
            },
          },
        },
      });
      expect(refused?.title).toMatch(/Refused a webhook from ivy: invalid signature/);

      const text = await everything(orderId, reference);
      expect(text).toContain(orderId);
      for (const secret of [
        EMAIL,
        IBAN,
        '370400440532',
        DOCUMENT,
        PHONE,
        '1701234567',
        'Jane Doe',
        CONSOLE_KEY,
        IVY_WEBHOOK_SECRET,
        IVY_API_KEY,
      ]) {
        expect(text, secret).not.toContain(secret);
      }
    });

    it('re-checks an order whose webhook was dropped: asked now, applied like a poll, and paid', async () => {
      await faults({ provider: 'ivy', drop: true });
      try {
        const { orderId, checkout } = await startPayment();
        // Paid at the provider; the browser never comes back and the webhook is lost.
        await press(checkout, 'pay');
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(await stack.orderStatus(orderId)).toBe('pending');
        const response = await fetch(`${url}/console/api/orders/${orderId}/recheck`, {
          method: 'POST',
          headers: { Cookie: cookie, 'X-Console-Csrf': '1' },
        });
        expect(response.status).toBe(200);
        expect(await contract(response, ConsoleRecheckSchema)).toMatchObject({
          order: { id: orderId, status: 'paid' },
        });
        expect(await stack.orderStatus(orderId)).toBe('paid');
        const { story: entries } = await story(orderId);
        expect(entries.find((e) => e.kind === 'poll')?.detail).toMatchObject({
          source: 'operator',
          outcome: 'applied',
          status: 'paid',
        });
        expect(entries.filter((e) => e.kind === 'transition').at(-1)?.detail).toMatchObject({
          to: 'paid',
          source: 'poll:operator',
        });
        expect(entries.find((e) => e.kind === 'operator_action')?.detail).toMatchObject({
          action: 'recheck',
          operator: 'operator',
          result: expect.stringContaining('paid'),
        });
        expect(
          entries.some((e) => e.kind === 'provider_call' && e.detail.operation === 'fetchStatus'),
        ).toBe(true);
        expect(entries.some((e) => e.kind === 'webhook')).toBe(false);
      } finally {
        await faults({ provider: 'ivy', drop: false });
      }
    });

    it('re-queues a dead notification, once, and tells it in the story', async () => {
      merchant.respond = () => 503;
      let dead: { id: string; orderId?: string } | undefined;
      let orderId = '';
      try {
        ({ orderId } = await startPayment());
        await eventually(async () => {
          const response = await get('/console/api/notifications?status=dead');
          const page = await contract<ConsoleNotificationsPage>(
            response,
            ConsoleNotificationsPageSchema,
          );
          dead = page.items.find((item) => item.orderId === orderId);
          return dead;
        });
      } finally {
        merchant.respond = () => 200;
      }
      const id = dead?.id ?? '';
      const listed = await contract<ConsoleNotificationsPage>(
        await get('/console/api/notifications?status=dead'),
        ConsoleNotificationsPageSchema,
      );
      expect(listed.items.find((item) => item.id === id)).toMatchObject({
        type: 'order.updated',
        status: 'dead',
        attempts: 2,
        lastError: 'HTTP 503',
        createdAt: expect.any(String),
      });
      const requeue = (
        target: string,
        headers: Record<string, string> = { 'X-Console-Csrf': '1' },
      ) =>
        fetch(`${url}/console/api/notifications/${target}/requeue`, {
          method: 'POST',
          headers: { Cookie: cookie, ...headers },
        });
      expect((await requeue(id, {})).status).toBe(403);
      const response = await requeue(id);
      expect(response.status).toBe(200);
      expect(await contract(response, ConsoleRequeueSchema)).toMatchObject({
        notification: { id, status: 'pending' },
      });
      const unknown = await requeue('msg_unknown_1');
      expect(unknown.status).toBe(404);
      await contract(unknown, ConsoleErrorBodySchema);
      await eventually(async () => {
        const entries = (await story(orderId)).story;
        return entries.some(
          (e) => e.kind === 'notification' && e.detail.id === id && e.detail.status === 'delivered',
        );
      });
      const again = await requeue(id);
      expect(again.status).toBe(409);
      expect(await contract(again, ConsoleErrorBodySchema)).toMatchObject({
        error: { code: 'conflict' },
      });
      const entries = (await story(orderId)).story;
      expect(entries.find((e) => e.kind === 'operator_action')?.detail).toMatchObject({
        action: 'requeue_notification',
        operator: 'operator',
      });
      const attempts = entries.find((e) => e.kind === 'notification' && e.detail.id === id)?.detail
        .attempts as { outcome: string; httpStatus?: number }[];
      expect(attempts.map((a) => a.outcome)).toEqual(['failed', 'dead', 'delivered']);
      expect(attempts[0]?.httpStatus).toBe(503);
    });
  });

  describe('providers and the stream', () => {
    it('lists providers with their breaker, methods and last hour of calls', async () => {
      const response = await get('/console/api/providers');
      expect(response.status).toBe(200);
      const { providers } = await contract<ConsoleProviders>(response, ConsoleProvidersSchema);
      expect(providers.map((p) => p.id)).toEqual([
        'ivy',
        'iwocapay',
        'ixopay',
        'koywe',
        'furatpay',
      ]);
      const ivy = providers.find((p) => p.id === 'ivy');
      expect(ivy).toMatchObject({ enabled: true, breaker: 'closed' });
      expect(ivy?.methods).toContainEqual(
        expect.objectContaining({ id: 'ivy:bank', market: 'DE' }),
      );
      expect(ivy?.lastHour.calls).toBeGreaterThan(0);
      expect(ivy?.lastHour.p50Ms).toEqual(expect.any(Number));
      expect(providers.find((p) => p.id === 'koywe')).toMatchObject({
        enabled: false,
        methods: [],
        lastHour: { calls: 0, errors: 0, errorRate: 0, p50Ms: null },
      });
    });

    it('streams an order as its webhook arrives', async () => {
      const stream = await openSse(`${url}/console/api/stream`, { Cookie: cookie });
      try {
        expect(stream.response.status).toBe(200);
        expect(stream.response.headers.get('content-type')).toContain('text/event-stream');
        const { orderId, checkout } = await startPayment();
        await stream.waitFor((m) => m.event === 'order' && orderEvent(m.data).id === orderId);
        await press(checkout, 'pay');
        const paid = await stream.waitFor(
          (m) =>
            m.event === 'order' &&
            orderEvent(m.data).id === orderId &&
            orderEvent(m.data).status === 'paid',
        );
        expect(orderEvent(paid.data)).toMatchObject({
          id: orderId,
          provider: 'ivy',
          anomalies: [],
        });
        // Every order event the stream sent reads as the protocol's order event.
        for (const message of stream.messages.filter((m) => m.event === 'order')) {
          orderEvent(message.data);
        }
      } finally {
        stream.close();
      }
    });
  });
}

describe('the console on SQLite', () => {
  scenarios(() => 'sqlite::memory:');
});

describePostgres('the console on PostgreSQL', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('console');
  });
  afterAll(async () => {
    await database?.drop();
  });
  scenarios(() => database.url);
});

describePostgres('the console on two instances sharing one database', () => {
  it('accepts a sign-in made on another instance and streams its changes', async () => {
    const database = await createTestDatabase('console_two');
    const config = testConfig({
      DATABASE_URL: database.url,
      PAY_CHECKOUT_CONSOLE_KEY: CONSOLE_KEY,
    });
    const a = createCheckoutServer(config);
    const b = createCheckoutServer(config);
    const call = (server: typeof a, path: string, init: RequestInit = {}) =>
      server.fetch(new Request(`http://checkout.test${path}`, init));
    try {
      const signIn = await call(a, '/console/api/session', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Console-Csrf': '1' },
        body: JSON.stringify({ key: CONSOLE_KEY }),
      });
      expect(signIn.status).toBe(204);
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const who = await call(b, '/console/api/session', { headers: { Cookie: cookie } });
      expect(who.status).toBe(200);

      const stream = await call(b, '/console/api/stream', { headers: { Cookie: cookie } });
      expect(stream.status).toBe(200);
      const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
      await seedOrder(a.ledger, {
        sessionId: 'cs_two',
        reference: 'ref-two',
        orderId: 'ord_two',
        statuses: ['pending'],
      });
      let text = '';
      const decoder = new TextDecoder();
      while (!text.includes('"id":"ord_two"')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
      expect(text).toMatch(/event: order\ndata: \{"id":"ord_two"[^\n]*"reference":"ref-two"/);
      const data = /event: order\ndata: (\{"id":"ord_two"[^\n]*)/.exec(text)?.[1] ?? '';
      expect(orderEvent(data)).toMatchObject({ id: 'ord_two', reference: 'ref-two' });
      await reader.cancel();

      // Signed out on one, signed out on both.
      await call(a, '/console/api/session', {
        method: 'DELETE',
        headers: { Cookie: cookie, 'X-Console-Csrf': '1' },
      });
      expect((await call(b, '/console/api/session', { headers: { Cookie: cookie } })).status).toBe(
        401,
      );
    } finally {
      await a.close();
      await b.close();
      await database.drop();
    }
  });
});

describe('the console without a notification URL', () => {
  it('says that no notification URL is configured rather than that none was attempted yet', async () => {
    const server = createCheckoutServer(
      testConfig({ PAY_CHECKOUT_CONSOLE_KEY: CONSOLE_KEY }, { outboxPollMs: 20 }),
    );
    const call = (path: string, init: RequestInit = {}) =>
      server.fetch(new Request(`http://checkout.test${path}`, init));
    try {
      await seedOrder(server.ledger, {
        sessionId: 'cs_nourl',
        reference: 'ref-nourl',
        orderId: 'ord_nourl',
        statuses: ['pending', 'paid'],
      });
      const signIn = await call('/console/api/session', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Console-Csrf': '1' },
        body: JSON.stringify({ key: CONSOLE_KEY }),
      });
      expect(signIn.status).toBe(204);
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const notifications = async () => {
        const response = await call('/console/api/orders/ord_nourl', {
          headers: { Cookie: cookie },
        });
        expect(response.status).toBe(200);
        const detail = await contract<Story>(response, ConsoleOrderDetailSchema);
        return detail.story.filter((e) => e.kind === 'notification');
      };
      // Marked delivered once handled, with no attempt: there is nowhere to send them.
      await eventually(async () => {
        const entries = await notifications();
        return entries.length === 2 && entries.every((e) => e.detail.status === 'delivered');
      });
      for (const entry of await notifications()) {
        expect(entry.detail).toMatchObject({ attempts: [], urlConfigured: false });
        expect(entry.title).toMatch(
          /not sent to the shop.s backend: no notification URL is configured/,
        );
      }
    } finally {
      await server.close();
    }
  });
});

describe('without PAY_CHECKOUT_CONSOLE_KEY', () => {
  it('answers 404 for everything under /console', async () => {
    const server = createCheckoutServer(testConfig());
    try {
      for (const [method, path] of [
        ['GET', '/console'],
        ['GET', '/console/'],
        ['GET', '/console/orders/ord_1'],
        ['GET', '/console/assets/index.js'],
        ['GET', '/console/api/session'],
        ['POST', '/console/api/session'],
        ['GET', '/console/api/orders'],
      ] as const) {
        const response = await server.fetch(
          new Request(`http://checkout.test${path}`, {
            method,
            headers: { 'Content-Type': 'application/json', 'X-Console-Csrf': '1' },
            ...(method === 'POST' ? { body: JSON.stringify({ key: CONSOLE_KEY }) } : {}),
          }),
        );
        expect(response.status, path).toBe(404);
        expect(await contract(response, ConsoleErrorBodySchema)).toMatchObject({
          error: { code: 'not_found' },
        });
      }
    } finally {
      await server.close();
    }
  });
});
