/**
 * @module
 * Dead notifications and retention over real processes: two `pay-checkout-server` processes (the
 * built binary) on one database — a SQLite file, then PostgreSQL — with a merchant endpoint and
 * the database itself opened in this process.
 *
 * - A notification to an endpoint that always fails is parked as dead after the attempt limit
 *   (`PAY_CHECKOUT_NOTIFICATION_MAX_ATTEMPTS=2`), once across both instances (one log line, one
 *   count); the next notification of its subject waits untried; `GET /v1/notifications?status=dead`
 *   lists it; once the endpoint works, `POST /v1/notifications/:id/retry` on the other instance
 *   delivers it, then the one behind it, in order.
 * - Retention deletes the old rows of every kind (inserted here, aged by their timestamps) and
 *   keeps the young ones, each row counted once across both instances.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLedger, type Ledger } from './core/ledger.js';
import { createPostgresStore } from './store/postgres/postgres-store.js';
import { createSqliteStore } from './store/sqlite/sqlite-store.js';
import type { Store } from './store/store.js';
import type { RunningProcess } from './test-support/binaries.js';
import { SECRET_KEY, SHOP_ORIGIN } from './test-support/config.js';
import { startTestMerchant, type TestMerchant } from './test-support/merchant-endpoint.js';
import { createTestDatabase, describePostgres } from './test-support/postgres.js';
import { sleep, until } from './test-support/processes.js';
import { serverEnv, startServerProcess } from './test-support/server-process.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const MERCHANT_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const AUTH = { Authorization: `Bearer ${SECRET_KEY}` };

/** The counter values of `name` by label in a Prometheus text. */
function counters(text: string, name: string): Map<string, number> {
  const values = new Map<string, number>();
  const pattern = new RegExp(`^${name}(?:\\{kind="(\\w+)"\\})? (\\d+)$`, 'gm');
  for (const match of text.matchAll(pattern)) values.set(match[1] ?? '', Number(match[2]));
  return values;
}

async function metricsOf(instance: RunningProcess): Promise<string> {
  return (await fetch(`${instance.url}/metrics`, { headers: AUTH })).text();
}

/** Old and young rows of every kind retention looks at; returns what to check afterwards. */
async function seedRetention(store: Store): Promise<(store: Store) => Promise<void>> {
  const now = Date.now();
  const ago = (ms: number) => new Date(now - ms);
  const iso = (ms: number) => ago(ms).toISOString();
  await store.sessions.insert({
    id: 'cs_ret_old',
    reference: 'ret-old',
    amount: { value: 100, currency: 'EUR' },
    country: 'DE',
    returnUrl: `${SHOP_ORIGIN}/done`,
    status: 'paid',
    createdAt: iso(101 * DAY_MS),
    expiresAt: iso(100 * DAY_MS),
  });
  await store.orders.insert({
    id: 'ord_ret_old',
    sessionId: 'cs_ret_old',
    attempt: 1,
    provider: 'ivy',
    method: 'ivy:bank',
    providerReference: '1-ret-old',
    providerOrderId: null,
    status: 'paid',
    amount: { value: 100, currency: 'EUR' },
    needsReview: false,
    lateSuccess: false,
    createdAt: iso(101 * DAY_MS),
    updatedAt: iso(100 * DAY_MS),
  });
  for (let seq = 1; seq <= 3; seq++) {
    await store.sessionEvents.append({
      sessionId: 'cs_ret_old',
      seq,
      orderId: 'ord_ret_old',
      status: seq === 3 ? 'paid' : 'pending',
      at: iso(100 * DAY_MS),
    });
  }
  for (const [key, age] of [
    ['pe-old', 40 * DAY_MS],
    ['pe-young', 10 * DAY_MS],
  ] as const) {
    await store.events.insertIfNew({
      provider: 'ivy',
      dedupeKey: key,
      rawBody: '{}',
      orderId: 'ord_ret_old',
      status: 'paid',
      source: 'webhook',
      receivedAt: iso(age),
    });
  }
  const inboxIds: number[] = [];
  for (const [key, age] of [
    ['in-old', 40 * DAY_MS],
    ['in-young', DAY_MS],
  ] as const) {
    const id = await store.inbox.insertIfNew({
      provider: 'ivy',
      dedupeKey: key,
      body: '{}',
      subject: null,
      headers: {},
      receivedAt: iso(age),
      nextAttemptAt: ago(age).getTime(),
    });
    if (typeof id !== 'number') throw new Error(`inbox insert failed: ${String(id)}`);
    await store.inbox.claim(id, 'seed', now + 60_000, now);
    const event = await store.inbox.get(id);
    await store.inbox.finish(id, 'seed', {
      processed: true,
      outcome: 'applied',
      at: iso(age),
      revision: event?.revision ?? 0,
    });
    inboxIds.push(id);
  }
  await store.idempotency.insertIfAbsent('cs_x', 'key-old', 'h', iso(2 * DAY_MS));
  await store.idempotency.insertIfAbsent('cs_x', 'key-young', 'h', iso(60_000));
  for (const [id, age] of [
    ['msg_ret_old', 40 * DAY_MS],
    ['msg_ret_young', DAY_MS],
  ] as const) {
    await store.outbox.append({
      id,
      type: 'order.updated',
      subjectId: id,
      data: '{}',
      createdAt: iso(age),
      nextAttemptAt: ago(age).getTime(),
    });
    await store.outbox.claim(id, 'seed', now + 60_000, now);
    await store.outbox.finish(id, { owner: 'seed', now: ago(age), delivered: true, status: 200 });
  }

  return async (db) => {
    expect(await db.events.exists('ivy', 'pe-old')).toBe(false);
    expect(await db.events.exists('ivy', 'pe-young')).toBe(true);
    expect(await db.inbox.get(inboxIds[0] ?? 0)).toBeNull();
    expect(await db.inbox.get(inboxIds[1] ?? 0)).not.toBeNull();
    expect(await db.idempotency.get('cs_x', 'key-old')).toBeNull();
    expect(await db.idempotency.get('cs_x', 'key-young')).not.toBeNull();
    expect(await db.outbox.get('msg_ret_old')).toBeNull();
    expect(await db.outbox.get('msg_ret_young')).not.toBeNull();
    expect((await db.sessionEvents.listAfter('cs_ret_old', 0)).map((e) => e.seq)).toEqual([3]);
    expect(await db.sessions.get('cs_ret_old')).not.toBeNull();
    expect(await db.orders.get('ord_ret_old')).not.toBeNull();
  };
}

/** One order moved twice: two notifications of one subject; their ids. */
async function twoChanges(ledger: Ledger): Promise<[string, string]> {
  const now = new Date();
  await ledger.createSession({
    id: 'cs_dead',
    reference: 'dead-1',
    amount: { value: 700, currency: 'EUR' },
    country: 'DE',
    returnUrl: `${SHOP_ORIGIN}/done`,
    status: 'created',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 3_600_000).toISOString(),
  });
  await ledger.createOrder({
    id: 'ord_dead',
    sessionId: 'cs_dead',
    provider: 'ivy',
    method: 'ivy:bank',
    now,
  });
  for (const status of ['pending', 'paid'] as const) {
    await ledger.applyStatus({ orderId: 'ord_dead', status, source: 'webhook', now });
  }
  return ['msg_ord_dead_1', 'msg_ord_dead_2'];
}

/** The whole scenario on the database at `databaseUrl`, opened here with `open`. */
async function scenario(databaseUrl: string, open: () => Store): Promise<void> {
  const store = open();
  const instances: RunningProcess[] = [];
  let merchant: TestMerchant | undefined;
  try {
    await store.migrate();
    const ledger = createLedger(store);
    const verifyRetention = await seedRetention(store);
    const [first, second] = await twoChanges(ledger);
    merchant = await startTestMerchant(MERCHANT_SECRET);
    merchant.respond = () => 503;
    for (const name of ['a', 'b']) {
      instances.push(
        await startServerProcess(
          name,
          serverEnv(databaseUrl, {
            MERCHANT_WEBHOOK_URL: merchant.url,
            MERCHANT_WEBHOOK_SECRET: MERCHANT_SECRET,
            PAY_CHECKOUT_NOTIFICATION_MAX_ATTEMPTS: '2',
            PAY_CHECKOUT_RETENTION_INTERVAL_SECONDS: '0.3',
            LOG_LEVEL: 'info',
          }),
          // Its info log is searched for one line at the end.
          { outputLimit: 512 * 1024 },
        ),
      );
    }
    const [a, b] = instances as [RunningProcess, RunningProcess];

    // Retention: old rows of every kind go, young ones stay, each counted once.
    await until(
      async () =>
        (await store.outbox.get('msg_ret_old')) === null &&
        (await store.sessionEvents.listAfter('cs_ret_old', 0)).length === 1 &&
        !(await store.events.exists('ivy', 'pe-old')) &&
        (await store.idempotency.get('cs_x', 'key-old')) === null,
      'old rows deleted',
      { timeoutMs: 30_000 },
    );
    await sleep(400);
    await verifyRetention(store);
    const deleted = new Map<string, number>();
    for (const instance of instances) {
      for (const [kind, n] of counters(
        await metricsOf(instance),
        'pay_checkout_retention_deleted_total',
      )) {
        deleted.set(kind, (deleted.get(kind) ?? 0) + n);
      }
    }
    expect(Object.fromEntries(deleted)).toEqual({
      notifications: 1,
      provider_events: 1,
      webhook_inbox: 1,
      idempotency_keys: 1,
      session_events: 2,
    });

    // Dead: two failed attempts, parked once; the next one of the subject never tried.
    const listDead = async () =>
      (await (await fetch(`${b.url}/v1/notifications?status=dead`, { headers: AUTH })).json()) as {
        notifications: { id: string; attempts: number; lastStatus: number | null }[];
      };
    await until(async () => (await listDead()).notifications.length === 1, 'a dead notification', {
      timeoutMs: 30_000,
    });
    expect((await listDead()).notifications).toEqual([
      expect.objectContaining({ id: first, status: 'dead', attempts: 2, lastStatus: 503 }),
    ]);
    expect(merchant.received.map((r) => r.id)).toEqual([first, first]);
    expect((await ledger.getNotification(second))?.attempts).toBe(0);
    const dead = [a, b].map((i) =>
      i
        .output()
        .split('\n')
        .filter((l) => l.includes('parked as dead')),
    );
    expect(dead.flat()).toHaveLength(1);
    expect(dead.flat()[0]).toContain(first);
    const deadCounts = await Promise.all(
      [a, b].map(
        async (i) =>
          counters(await metricsOf(i), 'pay_checkout_notifications_dead_total').get('') ?? 0,
      ),
    );
    expect(deadCounts.reduce((x, y) => x + y, 0)).toBe(1);
    expect(counters(await metricsOf(a), 'pay_checkout_notifications_dead').get('')).toBe(1);

    // The endpoint works again; a retry on B sends the dead one, then the one behind it.
    merchant.respond = () => 200;
    const retried = await fetch(`${b.url}/v1/notifications/${first}/retry`, {
      method: 'POST',
      headers: AUTH,
    });
    expect(retried.status).toBe(200);
    await until(
      async () => (await ledger.getNotification(second))?.deliveredAt != null,
      'both delivered',
      { timeoutMs: 30_000 },
    );
    expect(merchant.received.filter((r) => r.status === 200).map((r) => r.id)).toEqual([
      first,
      second,
    ]);
    expect(merchant.received.every((r) => r.failure === null)).toBe(true);
    expect(counters(await metricsOf(b), 'pay_checkout_notifications_dead').get('')).toBe(0);
  } finally {
    for (const instance of instances) await instance.stop();
    await merchant?.close();
    await store.close();
  }
}

describe('dead notifications and retention over two processes on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pay-checkout-retention-it-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parks, lists, retries in order, and deletes old rows', { timeout: 90_000 }, async () => {
    const filename = join(dir, 'checkout.db');
    await scenario(`sqlite:${filename}`, () => createSqliteStore({ filename }));
  });
});

describePostgres('dead notifications and retention over two processes on PostgreSQL', () => {
  it('parks, lists, retries in order, and deletes old rows', { timeout: 90_000 }, async () => {
    const database = await createTestDatabase('retention_it');
    try {
      await scenario(database.url, () =>
        createPostgresStore({ url: database.url, poolSize: 4, statementTimeoutMs: 10_000 }),
      );
    } finally {
      await database.drop();
    }
  });
});
