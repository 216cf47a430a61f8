/**
 * @module
 * The outbox deliverer against a real SQLite store and a real HTTP endpoint: retries with the
 * same `webhook-id` until a 2xx, deliveries that survive a restart, two instances on one
 * database never sending one message twice, bounded concurrency, and callbacks that throw.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import { createLedger, type Ledger } from '../core/ledger.js';
import { seedOrder } from '../test-support/test-stores.js';
import { startTestMerchant, type TestMerchant } from '../test-support/merchant-endpoint.js';
import { eventually } from '../test-support/sse-client.js';
import { DEFAULT_RETRY_POLICY, OutboxDeliverer, retryDelay } from './outbox-deliverer.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const logger = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'pay-checkout-outbox-'));
let counter = 0;
const cleanup: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function openStore(
  filename = join(dir, `outbox-${++counter}.db`),
): Promise<Ledger & { close(): Promise<void> }> {
  const store = createSqliteStore({ filename });
  await store.migrate();
  cleanup.push(() => store.close());
  return Object.assign(createLedger(store), { close: () => store.close() });
}

async function merchant(): Promise<TestMerchant> {
  const m = await startTestMerchant(SECRET);
  cleanup.push(() => m.close());
  return m;
}

function deliverer(
  store: Ledger,
  url: string,
  extra: Partial<ConstructorParameters<typeof OutboxDeliverer>[0]> = {},
) {
  const d = new OutboxDeliverer({
    ledger: store,
    logger,
    now: () => new Date(),
    url,
    secrets: [SECRET],
    pollMs: 20,
    retry: { baseMs: 10, maxMs: 40 },
    ...extra,
  });
  cleanup.push(() => d.close());
  return d;
}

/** `count` orders, each moved to `pending`: one outbox message each. */
async function changes(store: Ledger, count: number, prefix = 'o'): Promise<void> {
  const now = new Date();
  for (let i = 0; i < count; i++) {
    await seedOrder(store, {
      sessionId: `cs_${prefix}${i}`,
      reference: `${prefix}-${i}`,
      orderId: `ord_${prefix}${i}`,
      amount: { value: 100 + i, currency: 'EUR' },
      statuses: ['pending'],
      source: 'create',
      now,
    });
  }
}

const delivered = async (store: Ledger) =>
  (await store.listOutbox()).every((m) => m.deliveredAt !== null);

describe('OutboxDeliverer', () => {
  it('retries with the same webhook-id until the merchant answers 2xx', async () => {
    const store = await openStore();
    const endpoint = await merchant();
    endpoint.respond = ({ attempt }) => (attempt < 3 ? 500 : 200);
    await changes(store, 1);
    deliverer(store, endpoint.url).start();
    await eventually(() => delivered(store));
    expect(endpoint.received.map((r) => [r.id, r.status])).toEqual([
      ['msg_ord_o0_1', 500],
      ['msg_ord_o0_1', 500],
      ['msg_ord_o0_1', 200],
    ]);
    expect(endpoint.received.every((r) => r.failure === null)).toBe(true);
    expect(endpoint.received[2]?.event).toMatchObject({
      type: 'order.updated',
      data: { order: { id: 'ord_o0', reference: 'o-0', status: 'pending' } },
    });
    // The body is the same bytes on every attempt; only the timestamp and signature move.
    expect(new Set(endpoint.received.map((r) => r.body)).size).toBe(1);
    expect((await store.listOutbox())[0]).toMatchObject({ attempts: 3, lastStatus: 200 });
  });

  it('parks a message failing past the dead horizon, and a retry runs no callback again', async () => {
    const store = await openStore();
    const endpoint = await merchant();
    endpoint.respond = () => 500;
    // Real time, shifted on demand.
    let offset = 0;
    const callbacks: string[] = [];
    await changes(store, 1);
    const d = deliverer(store, endpoint.url, {
      now: () => new Date(Date.now() + offset),
      deadLetter: { afterMs: 60_000, maxAttempts: 1000 },
      onOrderUpdated: (order) => void callbacks.push(order.id),
    });
    d.start();
    await eventually(() => endpoint.received.length >= 2);
    expect(await store.countDeadNotifications()).toBe(0);
    // The first failure is now over a minute old: the next failure parks it.
    offset = 61_000;
    await eventually(async () => (await store.countDeadNotifications()) === 1);
    const dead = await store.getNotification('msg_ord_o0_1');
    expect(dead).toMatchObject({ deliveredAt: null, deadAt: expect.any(String) });
    const tried = endpoint.received.length;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(endpoint.received).toHaveLength(tried);

    endpoint.respond = () => 200;
    expect(
      await store.retryNotification('msg_ord_o0_1', new Date(Date.now() + offset)),
    ).toMatchObject({
      kind: 'requeued',
    });
    d.kick();
    await eventually(() => delivered(store));
    // The callback ran on the first attempt only, not again after the retry.
    expect(callbacks).toEqual(['ord_o0']);
    expect((await store.getNotification('msg_ord_o0_1'))?.attempts).toBe(tried + 1);
  });

  it('treats redirects and timeouts as failures', async () => {
    const store = await openStore();
    const endpoint = await merchant();
    endpoint.respond = ({ attempt }) => (attempt === 1 ? 302 : 204);
    await changes(store, 1);
    deliverer(store, endpoint.url).start();
    await eventually(() => delivered(store));
    expect(endpoint.received.map((r) => r.status)).toEqual([302, 204]);
  });

  it('picks up undelivered messages after a restart', async () => {
    const filename = join(dir, `restart-${++counter}.db`);
    const first = await openStore(filename);
    const endpoint = await merchant();
    endpoint.respond = () => 503;
    await changes(first, 5);
    const before = deliverer(first, endpoint.url);
    before.start();
    await eventually(() => endpoint.received.length >= 5);
    await before.close();
    await first.close();

    endpoint.respond = () => 200;
    const second = await openStore(filename);
    deliverer(second, endpoint.url).start();
    await eventually(() => delivered(second));
    const accepted = endpoint.received.filter((r) => r.status === 200).map((r) => r.id);
    expect(accepted.sort()).toEqual([0, 1, 2, 3, 4].map((i) => `msg_ord_o${i}_1`).sort());
  });

  it('delivers each message once when two instances share the database', async () => {
    const filename = join(dir, `shared-${++counter}.db`);
    const a = await openStore(filename);
    const b = await openStore(filename);
    const endpoint = await merchant();
    await changes(a, 40);
    deliverer(a, endpoint.url).start();
    deliverer(b, endpoint.url).start();
    await eventually(() => delivered(a));
    const ids = endpoint.received.map((r) => r.id);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
  });

  it('keeps at most `concurrency` attempts in flight', async () => {
    const store = await openStore();
    const endpoint = await merchant();
    await changes(store, 12);
    let inFlight = 0;
    let peak = 0;
    const slowFetch: typeof fetch = async (input, init) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 15));
      try {
        return await fetch(input, init);
      } finally {
        inFlight--;
      }
    };
    deliverer(store, endpoint.url, { concurrency: 3, fetch: slowFetch }).start();
    await eventually(() => delivered(store));
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
  });

  it('runs callbacks once per change; one that throws neither blocks nor loses anything', async () => {
    const store = await openStore();
    const endpoint = await merchant();
    const seen: string[] = [];
    deliverer(store, endpoint.url, {
      onOrderUpdated: (order) => {
        seen.push(order.id);
        throw new Error('merchant bug');
      },
    }).start();
    await changes(store, 3);
    await eventually(() => delivered(store));
    expect(seen.sort()).toEqual(['ord_o0', 'ord_o1', 'ord_o2']);
    expect(endpoint.received).toHaveLength(3);
    expect((await store.getOrder('ord_o1'))?.status).toBe('pending');
  });

  it('works with callbacks only (no URL)', async () => {
    const store = await openStore();
    const seen: string[] = [];
    const d = new OutboxDeliverer({
      ledger: store,
      logger,
      now: () => new Date(),
      pollMs: 20,
      onOrderUpdated: (order) => void seen.push(order.status),
    });
    cleanup.push(() => d.close());
    d.start();
    await changes(store, 2);
    await eventually(() => delivered(store));
    expect(seen).toEqual(['pending', 'pending']);
  });

  it('looks at the outbox once per short gap while changes keep coming, and misses none', async () => {
    const store = await openStore();
    const endpoint = await merchant();
    let looks = 0;
    const counted: Ledger = {
      ...store,
      claimOutbox: (input) => {
        looks++;
        return store.claimOutbox(input);
      },
    };
    const d = deliverer(counted, endpoint.url, { pollMs: 60_000 });
    d.start();
    await eventually(async () => looks === 1);
    // A burst: a kick on each of 200 turns, as applyStatus kicks after each change it commits,
    // with a change committed on every tenth. A look for every kick would be 200 looks.
    const started = performance.now();
    for (let i = 0; i < 200; i++) {
      if (i % 10 === 0) await changes(store, 1, `burst${i}-`);
      d.kick();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const elapsedMs = performance.now() - started;
    await eventually(() => delivered(store));
    expect(endpoint.received).toHaveLength(20);
    // One look per 5 ms at most, and a few more for the kicks of deliveries ending after it.
    expect(looks).toBeLessThanOrEqual(Math.ceil(elapsedMs / 5) + 1 + 20);
    expect(looks).toBeLessThan(100);
  });

  it('refuses a URL without a valid secret', () => {
    expect(
      () =>
        new OutboxDeliverer({
          ledger: {} as Ledger,
          logger,
          now: () => new Date(),
          url: 'http://x',
        }),
    ).toThrow(/secret/);
  });
});

describe('retryDelay', () => {
  it('doubles from the base, is capped, and jitters within the upper half', () => {
    const policy = { baseMs: 1000, maxMs: 10_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelay(n, policy, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    expect(retryDelay(3, policy, () => 0)).toBe(2000);
    for (let i = 0; i < 100; i++) {
      const delay = retryDelay(2, policy);
      expect(delay).toBeGreaterThanOrEqual(1000);
      expect(delay).toBeLessThanOrEqual(2000);
    }
    expect(retryDelay(1, DEFAULT_RETRY_POLICY, () => 1)).toBe(5000);
  });
});
