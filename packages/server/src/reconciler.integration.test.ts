/**
 * @module
 * Polling alone, over real processes, on a SQLite file and on PostgreSQL.
 *
 * - Two `pay-checkout-server` processes (the built binary, schedule scaled a hundredfold with
 *   `PAY_CHECKOUT_RECONCILE_SCALE`, short leases on checks and notifications) share one
 *   database, against the Ivy emulator with its webhooks dropped and its API slowed a little,
 *   so that checks are in flight at any moment. 100 orders paid at the emulator must all reach
 *   `paid` through the checks alone, each with one `paid` transition and one merchant
 *   notification, while one instance is killed with SIGKILL halfway and replaced, and while
 *   some checks are held by an instance that never comes back (their leases written into the
 *   database): those are taken over once their lease lapses.
 * - Order creations at IXOPAY in flight when the server is killed leave orders whose outcome is
 *   unknown and Idempotency-Keys in progress. Once their creating requests cannot be running any
 *   more (the rows are aged past that window here), the next instance looks each order up at
 *   IXOPAY by its reference and completes or fails it, and the same keys then answer again —
 *   never `409 idempotency_key_in_progress`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator, type WebhookDelivery } from '@pay-checkout/emulator';
import { CreateOrderResponseSchema } from '@pay-checkout/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_CHECKS } from './core/reconciler.js';
import { IDEMPOTENCY_STALE_MS } from './core/ledger.js';
import {
  IXOPAY_EMULATOR_CREDENTIALS,
  ixopayServerEnv,
} from './providers/ixopay/ixopay-test-credentials.js';
import type { RunningProcess } from './test-support/binaries.js';
import { createSession, expectJson, postOrder, setFaults } from './test-support/checkout-calls.js';
import { IVY_API_KEY, IVY_WEBHOOK_SECRET, SECRET_KEY } from './test-support/config.js';
import { readPostgres, readSqlite, type DatabaseReader } from './test-support/database-reader.js';
import { startTestMerchant, type TestMerchant } from './test-support/merchant-endpoint.js';
import { createTestDatabase, describePostgres } from './test-support/postgres.js';
import { mapLimit, sleep, until } from './test-support/processes.js';
import { ivyServerEnv, serverEnv, startServerProcess } from './test-support/server-process.js';

const ORDERS = 100;
const SCALE = '0.01';
const LEASE_MS = 3_000;
/** Extra real milliseconds on every Ivy API call, so that checks are in flight at the kill. */
const IVY_LATENCY_MS = 100;
/** Orders whose checks an instance that never comes back holds. */
const DEAD_HELD = 10;
const DEAD_OWNER = 'reconciler-dead';
const MERCHANT_SECRET = 'merchant_test_secret_0123456789';

interface Engine {
  databaseUrl: string;
  reader: DatabaseReader;
}

/** The value of `pay_checkout_order_checks_total{outcome="<outcome>"}` on `instance`. */
async function checksCounted(instance: RunningProcess, outcome: string): Promise<number> {
  const text = await (
    await fetch(`${instance.url}/metrics`, { headers: { Authorization: `Bearer ${SECRET_KEY}` } })
  ).text();
  const match = new RegExp(`^${ORDER_CHECKS}\\{outcome="${outcome}"\\} (\\d+)$`, 'm').exec(text);
  return Number(match?.[1] ?? 0);
}

function inList(ids: readonly string[]): string {
  return ids.map((id) => `'${id.replace(/'/g, "''")}'`).join(', ');
}

function scenarios(open: () => Promise<Engine>) {
  let engine: Engine;
  let emulator: RunningEmulator;
  let merchant: TestMerchant;
  const servers = new Set<RunningProcess>();

  const startServer = async (name: string, extra: Record<string, string> = {}) => {
    const server = await startServerProcess(
      name,
      serverEnv(engine.databaseUrl, {
        PAY_CHECKOUT_RECONCILE_SCALE: SCALE,
        PAY_CHECKOUT_RECONCILE_LEASE_MS: String(LEASE_MS),
        PAY_CHECKOUT_NOTIFICATION_LEASE_MS: String(LEASE_MS),
        ...ivyServerEnv(emulator.url),
        ...ixopayServerEnv(emulator.url),
        MERCHANT_WEBHOOK_URL: merchant.url,
        MERCHANT_WEBHOOK_SECRET: MERCHANT_SECRET,
        ...extra,
      }),
    );
    servers.add(server);
    return server;
  };

  beforeAll(async () => {
    engine = await open();
    emulator = await startEmulator({
      port: 0,
      host: '127.0.0.1',
      timeScale: Number(SCALE),
      credentials: {
        ivy: { apiKey: IVY_API_KEY, webhookSecret: IVY_WEBHOOK_SECRET },
        ixopay: { ...IXOPAY_EMULATOR_CREDENTIALS },
      },
      // Every webhook is dropped: nothing but the checks tells the servers.
      webhookUrls: { ivy: 'http://127.0.0.1:9/unused', ixopay: 'http://127.0.0.1:9/unused' },
    });
    await setFaults(emulator.url, { drop: true });
    merchant = await startTestMerchant(MERCHANT_SECRET);
  });

  // A test that failed leaves no instance behind to do the next test's work.
  afterEach(async () => {
    for (const server of servers) await server.stop('SIGTERM');
    servers.clear();
  });

  afterAll(async () => {
    await merchant?.close();
    await emulator?.close();
    await engine?.reader.close();
  });

  it(`brings ${ORDERS} orders paid at the provider to paid by polling alone, once each`, async () => {
    const { reader } = engine;
    await setFaults(emulator.url, { provider: 'ivy', latencyMs: IVY_LATENCY_MS });
    const a = await startServer('server-a');
    let b = await startServer('server-b');
    const started = Date.now();
    const place = async (via: RunningProcess, i: number) => {
      const session = await createSession(via.url, {
        reference: `poll-${i}-${Date.now().toString(36)}`,
      });
      const { order, action } = CreateOrderResponseSchema.parse(
        await expectJson(
          await postOrder(via.url, session.id, `poll-key-${i}`, { method: 'ivy:bank' }),
          201,
          `order ${i}`,
        ),
      );
      if (action.type !== 'redirect') throw new Error('expected a redirect');
      const ivySession = new URL(action.url).searchParams.get('session') ?? '';
      // Paid at the provider; the shopper never comes back to the return URL.
      await expectJson(
        await fetch(`${emulator.url}/_emulator/orders/ivy/${ivySession}/outcome`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ status: 'paid' }),
        }),
        200,
        `settle order ${i} at Ivy`,
      );
      return { orderId: order.id, sessionId: session.id, status: order.status };
    };
    const half = (from: number) => Array.from({ length: ORDERS / 2 }, (_, i) => from + i);
    const orders = await mapLimit(half(0), 10, (i) => place(i % 2 === 0 ? a : b, i));
    // Halfway, B dies holding whatever it was checking; B2 takes its place.
    const liveClaimsAtKill = Number(
      (
        await reader.all<{ live: number | string }>(
          reader.sql('SELECT count(*) AS live FROM orders WHERE check_claimed_until > $1'),
          [Date.now()],
        )
      )[0]?.live,
    );
    await b.stop('SIGKILL');
    servers.delete(b);
    b = await startServer('server-b2');
    orders.push(...(await mapLimit(half(ORDERS / 2), 10, (i) => place(i % 2 === 0 ? a : b, i))));
    const placedMs = Date.now() - started;
    expect(new Set(orders.map((o) => o.status))).toEqual(new Set(['pending']));
    const ids = inList(orders.map((o) => o.orderId));

    // Some checks are held by an instance that never comes back.
    const deadHeld = orders.slice(-DEAD_HELD).map((o) => o.orderId);
    const held = await reader.run(
      reader.sql(
        `UPDATE orders SET check_claimed_by = $1, check_claimed_until = $2
          WHERE id IN (${inList(deadHeld)}) AND status = 'pending'
            AND (check_claimed_until IS NULL OR check_claimed_until < $3)`,
      ),
      [DEAD_OWNER, Date.now() + LEASE_MS, Date.now()],
    );

    const paidCount = async () =>
      Number(
        (
          await reader.all<{ n: number | string }>(
            `SELECT count(*) AS n FROM orders WHERE id IN (${ids}) AND status = 'paid'`,
          )
        )[0]?.n,
      );
    await until(() => paidCount().then((n) => n === ORDERS), `${ORDERS} orders paid`, {
      timeoutMs: 90_000,
      everyMs: 100,
    });
    const allPaidMs = Date.now() - started;

    // The checks the dead instance held were taken over once their lease lapsed.
    const stillDead = await reader.all(
      reader.sql(
        `SELECT id FROM orders WHERE id IN (${inList(deadHeld)}) AND check_claimed_by = $1`,
      ),
      [DEAD_OWNER],
    );
    expect(stillDead).toEqual([]);

    // Nothing came by webhook: every delivery was dropped, none reached a server.
    const deliveries = (await (
      await fetch(`${emulator.url}/_emulator/webhooks`)
    ).json()) as WebhookDelivery[];
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((d) => d.dropped && d.attempts.length === 0)).toBe(true);
    expect(await reader.all('SELECT id FROM provider_events')).toEqual([]);
    expect(await reader.all('SELECT id FROM webhook_inbox')).toEqual([]);

    // One paid transition per order, and no more checks for any.
    const transitions = await reader.all<{ order_id: string; n: number | string }>(
      `SELECT order_id, count(*) AS n FROM session_events
        WHERE status = 'paid' AND order_id IN (${ids}) GROUP BY order_id`,
    );
    expect(transitions).toHaveLength(ORDERS);
    expect(transitions.every((t) => Number(t.n) === 1)).toBe(true);
    expect(
      await reader.all(`SELECT id FROM orders WHERE id IN (${ids}) AND next_check_at IS NOT NULL`),
    ).toEqual([]);

    // One merchant notification of `paid` per order, delivered.
    const paidNotices = (orderId: string) =>
      merchant.received.filter((r) => {
        const order = (r.event?.data as { order?: { id: string; status: string } })?.order;
        return (
          r.event?.type === 'order.updated' && order?.id === orderId && order.status === 'paid'
        );
      });
    await until(
      () => orders.every((o) => paidNotices(o.orderId).length >= 1),
      'a paid notification per order',
      { timeoutMs: 30_000 },
    );
    for (const { orderId } of orders) {
      expect(new Set(paidNotices(orderId).map((r) => r.id)).size).toBe(1);
    }
    const outbox = await reader.all<{ data: string }>(
      `SELECT data FROM outbox WHERE type = 'order.updated'`,
    );
    const paidMessages = outbox.filter((m) => {
      const order = (JSON.parse(m.data) as { order?: { id: string; status: string } }).order;
      return order?.status === 'paid' && orders.some((o) => o.orderId === order.id);
    });
    expect(paidMessages).toHaveLength(ORDERS);

    // The instances running at the end both moved orders.
    const movedByA = await checksCounted(a, 'moved');
    const movedByB2 = await checksCounted(b, 'moved');
    expect(movedByA).toBeGreaterThan(0);
    expect(movedByB2).toBeGreaterThan(0);
    console.log(
      `reconciler (${engine.databaseUrl.split(':')[0]}): ${ORDERS} orders placed and paid at the ` +
        `provider in ${placedMs} ms, all paid by polling after ${allPaidMs} ms; moved by A ` +
        `${movedByA}, by B2 ${movedByB2} (the rest by B before its SIGKILL, with ` +
        `${liveClaimsAtKill} checks in flight); ${held} checks of a dead instance taken over`,
    );
    await setFaults(emulator.url, { provider: 'ivy', latencyMs: 0 });
  }, 150_000);

  it('completes or fails orders whose creation outcome is unknown, and frees their keys', async () => {
    const { reader } = engine;
    const CREATIONS = 8;
    // IXOPAY answers only after 3 s, and the server dies before any answer comes.
    await setFaults(emulator.url, { provider: 'ixopay', latencyMs: 3_000 });
    const dying = await startServer('server-dying');
    const sessions = await Promise.all(
      Array.from({ length: CREATIONS }, (_, i) =>
        createSession(dying.url, { reference: `unknown-${i}-${Date.now().toString(36)}` }),
      ),
    );
    const inFlight = sessions.map((s, i) =>
      postOrder(dying.url, s.id, `unknown-key-${i}`, { method: 'ixopay:card' }).then(
        (r) => r.status,
        () => 0,
      ),
    );
    const sessionIds = inList(sessions.map((s) => s.id));
    await until(
      async () =>
        Number(
          (
            await reader.all<{ n: number | string }>(
              `SELECT count(*) AS n FROM orders WHERE session_id IN (${sessionIds})`,
            )
          )[0]?.n,
        ) === CREATIONS,
      'every order created before the kill',
      { timeoutMs: 10_000 },
    );
    await sleep(500);
    await dying.stop('SIGKILL');
    servers.delete(dying);
    expect(await Promise.all(inFlight)).toEqual(Array(CREATIONS).fill(0));
    await setFaults(emulator.url, { provider: 'ixopay', latencyMs: 0 });

    // As left: orders `created`, keys in progress.
    const left = await reader.all<{ id: string; status: string }>(
      `SELECT id, status FROM orders WHERE session_id IN (${sessionIds})`,
    );
    expect(left.map((o) => o.status)).toEqual(Array(CREATIONS).fill('created'));
    const keysInProgress = () =>
      reader.all(
        `SELECT key FROM idempotency_keys WHERE scope IN (${sessionIds}) AND state = 'in_progress'`,
      );
    expect(await keysInProgress()).toHaveLength(CREATIONS);

    // Time passes beyond the longest a creating request may run: the rows are aged here (the
    // window is IDEMPOTENCY_STALE_MS), so the test need not wait for it.
    const agedMs = IDEMPOTENCY_STALE_MS + 60_000;
    const aged = (column: string, table: string, where: string) =>
      engine.databaseUrl.startsWith('sqlite:')
        ? `UPDATE ${table} SET ${column} = strftime('%Y-%m-%dT%H:%M:%fZ', ${column}, '-${agedMs / 1000} seconds') WHERE ${where}`
        : `UPDATE ${table} SET ${column} = ${column} - interval '${agedMs / 1000} seconds' WHERE ${where}`;
    await reader.run(aged('created_at', 'orders', `session_id IN (${sessionIds})`));
    await reader.run(aged('created_at', 'idempotency_keys', `scope IN (${sessionIds})`));

    const next = await startServer('server-next');
    await until(
      async () =>
        (
          await reader.all(
            `SELECT id FROM orders WHERE session_id IN (${sessionIds}) AND status = 'created'`,
          )
        ).length === 0 && (await keysInProgress()).length === 0,
      'every unknown creation resolved and its key released',
      { timeoutMs: 30_000, everyMs: 100 },
    );
    const resolved = await reader.all<{ status: string }>(
      `SELECT status FROM orders WHERE session_id IN (${sessionIds})`,
    );
    const found = await checksCounted(next, 'creation_found');
    const failed = await checksCounted(next, 'creation_failed');
    expect(found + failed).toBe(CREATIONS);

    // The same keys answer again: a complete answer, never "in progress".
    const answers = await Promise.all(
      sessions.map(async (s, i) => {
        const response = await postOrder(next.url, s.id, `unknown-key-${i}`, {
          method: 'ixopay:card',
        });
        return { status: response.status, body: await response.text() };
      }),
    );
    for (const answer of answers) {
      expect(answer.body).not.toContain('idempotency_key_in_progress');
      expect([201, 409]).toContain(answer.status);
    }
    console.log(
      `reconciler (${engine.databaseUrl.split(':')[0]}): ${CREATIONS} creations cut off by SIGKILL ` +
        `resolved by lookup at IXOPAY (${found} found, ${failed} not found; now ` +
        `${[...new Set(resolved.map((o) => o.status))].join('/')}); the same keys answered ` +
        `${answers.map((a) => a.status).join(', ')}`,
    );
  }, 90_000);
}

describe('the reconciler over real processes on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pay-checkout-reconciler-'));
  const file = join(dir, 'checkout.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  scenarios(async () => ({ databaseUrl: `sqlite:${file}`, reader: readSqlite(file) }));
});

describePostgres('the reconciler over real processes on PostgreSQL', () => {
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => drop?.());
  scenarios(async () => {
    const database = await createTestDatabase('reconciler');
    drop = () => database.drop();
    return {
      databaseUrl: database.url,
      reader: await readPostgres(database.url, 'reconciler-test'),
    };
  });
});
