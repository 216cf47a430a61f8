/**
 * @module
 * The limits as the HTTP API shows them, in one process over an in-memory SQLite store, with
 * Node's socket bindings given per request so that each request comes from an address the
 * test chooses: attempts per session (with fresh keys, and at once), browser requests per
 * address and per session, webhooks per provider, and the failure limits (bad bearer keys,
 * bad webhook signatures, unknown session ids) — each refusal a 429 (or 409) error body with
 * `Retry-After`, and another address or session unaffected. Then how the client address is
 * read: the socket's, an IPv6 one by its /64, and `X-Forwarded-For` only when proxies are
 * trusted.
 */
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorBodySchema } from '@pay-checkout/protocol';
import { createCheckoutServer, type CheckoutServer } from '../app.js';
import type { AppEnv } from '../core/context.js';
import { ApiError } from '../core/api-error.js';
import { IDEMPOTENCY_STALE_MS } from '../core/ledger.js';
import { newOrderId } from '../core/ids.js';
import { createFakeProvider, type FakeProvider } from '../test-support/fake-provider.js';
import { SECRET_KEY, SHOP_ORIGIN, sessionBody, testConfig } from '../test-support/config.js';
import { addressKey, clientAddress, failureOf, sessionOfPath } from './rate-limit.js';

const A = '192.0.2.1';
const B = '192.0.2.2';

let server: CheckoutServer | null = null;
let fake: FakeProvider;

afterEach(async () => {
  await server?.close();
  server = null;
});

let clock: number | null = null;

function start(env: Record<string, string>): CheckoutServer {
  fake = createFakeProvider();
  clock = null;
  server = createCheckoutServer(
    testConfig(env, { adapters: [fake], now: () => new Date(clock ?? Date.now()) }),
  );
  return server;
}

/** A request from `address`, as @hono/node-server hands it over. */
function send(path: string, init: RequestInit, address: string | null): Promise<Response> {
  if (!server) throw new Error('no server');
  const bindings =
    address === null ? undefined : { incoming: { socket: { remoteAddress: address } } };
  return server.fetch(new Request(`http://localhost${path}`, init), bindings);
}

async function createSession(): Promise<string> {
  const response = await send(
    '/v1/sessions',
    {
      method: 'POST',
      headers: { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(sessionBody()),
    },
    '203.0.113.9',
  );
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

function startOrder(sessionId: string, key: string, address: string | null = A) {
  return send(
    `/v1/sessions/${sessionId}/orders`,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key, Origin: SHOP_ORIGIN },
      body: JSON.stringify({ method: 'ivy:bank' }),
    },
    address,
  );
}

/** The status and error code of an answer, and whether it says when to come back. */
async function outcome(response: Response): Promise<string> {
  const text = await response.text();
  if (response.status < 400) return String(response.status);
  const body = ErrorBodySchema.parse(JSON.parse(text));
  const retryAfter = response.headers.get('retry-after');
  const wait = retryAfter !== null && /^\d+$/.test(retryAfter) && Number(retryAfter) >= 1;
  return `${response.status} ${body.error.code}${wait ? ' +retry-after' : ''}`;
}

function tally(outcomes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  return counts;
}

describe('payment attempts per session', () => {
  it('stop at the limit, with fresh keys, before the provider is called', async () => {
    start({ PAY_CHECKOUT_MAX_ATTEMPTS: '4', PAY_CHECKOUT_RATE_LIMIT_SESSION: '0' });
    const sessionId = await createSession();
    const outcomes: string[] = [];
    for (let i = 0; i < 30; i++)
      outcomes.push(await outcome(await startOrder(sessionId, `k-${i}`)));
    expect(tally(outcomes)).toEqual({ '201': 4, '429 too_many_attempts +retry-after': 26 });
    expect(fake.calls).toBe(4);
    expect(await server?.ledger.listOrders(sessionId)).toHaveLength(4);
    // The same key asked again answers the same refusal: it is final.
    expect(await outcome(await startOrder(sessionId, 'k-29'))).toBe('429 too_many_attempts');
  });

  it('run one at a time: the others are told to come back, and may with the same key', async () => {
    start({ PAY_CHECKOUT_RATE_LIMIT_SESSION: '0' });
    const sessionId = await createSession();
    let release!: () => void;
    fake.gate = new Promise<void>((resolve) => (release = resolve));
    const first = startOrder(sessionId, 'first');
    while (fake.calls === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const others = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => outcome(await startOrder(sessionId, `o-${i}`))),
    );
    expect(tally(others)).toEqual({ '409 attempt_in_progress +retry-after': 8 });
    release();
    expect(await outcome(await first)).toBe('201');
    fake.gate = null;
    // The refusal was not stored with its key: the same request now starts the next attempt.
    expect(await outcome(await startOrder(sessionId, 'o-0'))).toBe('201');
    expect(fake.calls).toBe(2);
  });
});

describe('an attempt in progress', () => {
  it('ends when its request ends without an answer from the provider', async () => {
    start({});
    const sessionId = await createSession();
    fake.failWith = new ApiError(502, 'provider_unavailable', 'down', { retryable: true });
    expect(await outcome(await startOrder(sessionId, 'a'))).toBe('502 provider_unavailable');
    fake.failWith = null;
    // Its order stays `created` for the order checks, but nobody is starting it any more.
    expect((await server?.ledger.listOrders(sessionId))?.map((o) => o.status)).toEqual(['created']);
    expect(await outcome(await startOrder(sessionId, 'b'))).toBe('201');
  });

  it('of a process that died holds the session until the stale period ends', async () => {
    start({});
    const sessionId = await createSession();
    const ledger = server?.ledger;
    if (!ledger) throw new Error('no server');
    // A request that began its key and created its order, then its process died.
    const began = Date.now();
    await ledger.beginIdempotency({
      scope: sessionId,
      key: 'dead',
      requestHash: 'h',
      now: new Date(began),
    });
    await ledger.createOrder({
      id: newOrderId(),
      sessionId,
      provider: 'ivy',
      method: 'ivy:bank',
      now: new Date(began),
    });
    expect(await outcome(await startOrder(sessionId, 'next'))).toBe(
      '409 attempt_in_progress +retry-after',
    );
    clock = began + IDEMPOTENCY_STALE_MS;
    expect(await outcome(await startOrder(sessionId, 'next'))).toBe('201');
    expect(fake.calls).toBe(1);
  });
});

describe('rates of the browser routes', () => {
  it('count per client address; another address is unaffected', async () => {
    start({ PAY_CHECKOUT_RATE_LIMIT_ADDRESS: '5' });
    const sessionId = await createSession();
    const methods = (address: string) =>
      send(`/v1/sessions/${sessionId}/methods`, { headers: { Origin: SHOP_ORIGIN } }, address);
    for (let i = 0; i < 5; i++) expect((await methods(A)).status).toBe(200);
    const refused = await methods(A);
    expect(await outcome(refused.clone())).toBe('429 rate_limited +retry-after');
    // The element can read the refusal and when to come back.
    expect(refused.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    expect(refused.headers.get('access-control-expose-headers')).toContain('Retry-After');
    expect((await methods(B)).status).toBe(200);
  });

  it('count per session; another session is unaffected', async () => {
    start({ PAY_CHECKOUT_RATE_LIMIT_SESSION: '3' });
    const one = await createSession();
    const two = await createSession();
    const methods = (id: string, address: string) =>
      send(`/v1/sessions/${id}/methods`, {}, address);
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) outcomes.push(await outcome(await methods(one, `10.0.0.${i}`)));
    expect(tally(outcomes)).toEqual({ '200': 3, '429 rate_limited +retry-after': 3 });
    expect((await methods(two, A)).status).toBe(200);
  });

  it('count nothing per address when the address is unknown', async () => {
    start({ PAY_CHECKOUT_RATE_LIMIT_ADDRESS: '2', PAY_CHECKOUT_RATE_LIMIT_FAILURES: '2' });
    const sessionId = await createSession();
    for (let i = 0; i < 5; i++) {
      expect((await send(`/v1/sessions/${sessionId}/methods`, {}, null)).status).toBe(200);
      expect((await send('/v1/sessions/cs_nothing/methods', {}, null)).status).toBe(404);
    }
  });
});

describe('webhooks', () => {
  const webhook = (signature: string, address: string, id = 'evt') =>
    send(
      '/webhooks/ivy',
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Fake-Signature': signature },
        body: JSON.stringify({ id, reference: 'none', status: 'paid' }),
      },
      address,
    );

  it('are limited per provider', async () => {
    start({ PAY_CHECKOUT_RATE_LIMIT_WEBHOOKS: '3' });
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) outcomes.push(await outcome(await webhook('valid', A, `e${i}`)));
    expect(outcomes.slice(3)).toEqual([
      '429 rate_limited +retry-after',
      '429 rate_limited +retry-after',
    ]);
    expect(outcomes.slice(0, 3)).not.toContain('429 rate_limited +retry-after');
  });

  it('that pass, like health checks, cost no round trip to the counters each', async () => {
    start({});
    const store = server?.store;
    if (!store) throw new Error('no server');
    expect((await send('/readyz', {}, A)).status).toBe(200);
    const add = store.limits.add.bind(store.limits);
    let calls = 0;
    store.limits.add = (increments) => {
      calls++;
      return add(increments);
    };
    for (let i = 0; i < 200; i++) {
      expect((await webhook('valid', A, `ok-${i}`)).status).toBeLessThan(500);
      expect((await send('/healthz', {}, A)).status).toBe(200);
    }
    // A batch per sync interval at most (every 200 ms), whatever the number of requests.
    expect(calls).toBeLessThanOrEqual(5);
  });

  it('with bad signatures meet 429s per address; valid ones and other addresses are not', async () => {
    start({ PAY_CHECKOUT_RATE_LIMIT_FAILURES: '10' });
    const outcomes = await Promise.all(
      Array.from({ length: 500 }, async () => outcome(await webhook('forged', A))),
    );
    expect(tally(outcomes)).toEqual({
      '401 invalid_signature': 10,
      '429 rate_limited +retry-after': 490,
    });
    expect(await outcome(await webhook('forged', B))).toBe('401 invalid_signature');
    expect(await outcome(await webhook('valid', A))).not.toMatch(/^429/);
  });
});

describe('failures per client address', () => {
  it('bad bearer keys meet 429s; the right key from the same address still works', async () => {
    start({ PAY_CHECKOUT_RATE_LIMIT_FAILURES: '10' });
    const read = (key: string, address: string) =>
      send('/v1/sessions/cs_x', { headers: { Authorization: `Bearer ${key}` } }, address);
    const outcomes = await Promise.all(
      Array.from({ length: 500 }, async (_, i) => outcome(await read(`sk_guess_${i}`, A))),
    );
    expect(tally(outcomes)).toEqual({
      '401 unauthorized': 10,
      '429 rate_limited +retry-after': 490,
    });
    expect(await outcome(await read('sk_guess', B))).toBe('401 unauthorized');
    expect(await outcome(await read(SECRET_KEY, A))).toBe('404 not_found');
    expect(await outcome(await send('/metrics', {}, A))).toBe('429 rate_limited +retry-after');
    const metrics = await send(
      '/metrics',
      { headers: { Authorization: `Bearer ${SECRET_KEY}` } },
      B,
    );
    expect(await metrics.text()).toMatch(
      /^pay_checkout_rate_limited_total\{limit="bad_bearer"\} 491$/m,
    );
  });

  it('unknown session ids meet 429s; a real session from the same address still works', async () => {
    start({ PAY_CHECKOUT_RATE_LIMIT_FAILURES: '10' });
    const sessionId = await createSession();
    const outcomes = await Promise.all(
      Array.from({ length: 500 }, async (_, i) =>
        outcome(await send(`/v1/sessions/cs_guess_${i}/methods`, {}, A)),
      ),
    );
    expect(tally(outcomes)).toEqual({
      '404 not_found': 10,
      '429 rate_limited +retry-after': 490,
    });
    expect(await outcome(await send(`/v1/sessions/${sessionId}/methods`, {}, A))).toBe('200');
    expect(await outcome(await send('/v1/sessions/cs_guess/methods', {}, B))).toBe('404 not_found');
  });
});

describe('what is counted', () => {
  it('names the failures', () => {
    expect(failureOf('/webhooks/ivy', 401)).toBe('bad_signature');
    expect(failureOf('/v1/sessions', 401)).toBe('bad_bearer');
    expect(failureOf('/metrics', 401)).toBe('bad_bearer');
    expect(failureOf('/v1/sessions/cs_1/orders', 404)).toBe('unknown_session');
    expect(failureOf('/v1/sessions/cs_1', 404)).toBeNull();
    expect(failureOf('/v1/orders/ord_1', 404)).toBeNull();
    expect(failureOf('/v1/sessions/cs_1/methods', 200)).toBeNull();
    expect(sessionOfPath('/v1/sessions/cs_1/events')).toBe('cs_1');
    expect(sessionOfPath('/v1/sessions/cs_1')).toBeNull();
  });

  it('reads addresses: IPv4 as is, IPv4 mapped into IPv6 as IPv4, IPv6 by its /64', () => {
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:DB8:0001:0002::')).toBe('2001:db8:1:2::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('not-an-address')).toBeNull();
    expect(addressKey('')).toBeNull();
  });

  it('trusts X-Forwarded-For only as far as it is told to', async () => {
    const seen: (string | null)[] = [];
    const app = new Hono<AppEnv>();
    app.get('/:hops', (c) => {
      seen.push(clientAddress(c, Number(c.req.param('hops'))));
      return c.text('ok');
    });
    const ask = (hops: number, forwarded?: string) =>
      app.fetch(
        new Request(`http://localhost/${hops}`, {
          headers: forwarded === undefined ? {} : { 'X-Forwarded-For': forwarded },
        }),
        { incoming: { socket: { remoteAddress: '10.1.1.1' } } },
      );
    await ask(0, '198.51.100.7');
    await ask(1, '6.6.6.6, 198.51.100.7');
    await ask(2, '198.51.100.7, 10.0.0.2');
    await ask(1);
    await ask(1, 'garbage');
    await ask(1, '198.51.100.8:4711');
    await ask(1, '[2001:db8:5:6::1]:443');
    expect(seen).toEqual([
      '10.1.1.1',
      '198.51.100.7',
      '198.51.100.7',
      '10.1.1.1',
      '10.1.1.1',
      '198.51.100.8',
      '2001:db8:5:6::/64',
    ]);
  });
});
