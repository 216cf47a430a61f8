/**
 * @module
 * Polling alone, over two instances: two checkout servers on one PostgreSQL database, each with
 * its own reconciler (schedule scaled a hundredfold), against the Ivy emulator with its webhooks
 * dropped. 100 orders paid at the emulator must all reach `paid` through the reconcilers' checks,
 * each with one `paid` transition and one merchant notification, the work shared by both —
 * and the checks an instance held when it died are taken over once their lease lapses.
 */
import { startEmulator, type RunningEmulator, type WebhookDelivery } from '@pay-checkout/emulator';
import { CreateOrderResponseSchema, SessionSchema } from '@pay-checkout/protocol';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from './core/context.js';
import { ORDER_CHECKS, startReconciler, type RunningReconciler } from './core/reconciler.js';
import { StatusChecker } from './core/status-check.js';
import { startCheckoutServer, type StartedCheckoutServer } from './node.js';
import { createProviders } from './providers/registry.js';
import {
  IVY_API_KEY,
  IVY_WEBHOOK_SECRET,
  SECRET_KEY,
  SHOP_ORIGIN,
  sessionBody,
  testConfig,
} from './test-support/config.js';
import { startTestMerchant, type TestMerchant } from './test-support/merchant-endpoint.js';
import {
  createTestDatabase,
  describePostgres,
  type TestDatabase,
} from './test-support/postgres.js';

const ORDERS = 100;
const SCALE = 0.01;
const MERCHANT_SECRET = 'merchant_test_secret_0123456789';
const DEAD_OWNER = 'reconciler-dead';
const DEAD_LEASE_MS = 2000;

interface Instance {
  server: StartedCheckoutServer;
  ctx: AppContext;
  reconciler: RunningReconciler;
}

/** Resolves once `condition` holds, polling; throws after `ms` naming `what`. */
async function until(
  condition: () => Promise<boolean>,
  what: string,
  ms: number,
  status: () => Promise<string> = async () => '',
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms; ${await status()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>) {
  const results: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index] as T);
      }
    }),
  );
  return results;
}

describePostgres('reconciler over two instances', () => {
  let database: TestDatabase;
  let emulator: RunningEmulator;
  let merchant: TestMerchant;
  const instances: Instance[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('reconciler');
    emulator = await startEmulator({
      port: 0,
      host: '127.0.0.1',
      timeScale: SCALE,
      credentials: { ivy: { apiKey: IVY_API_KEY, webhookSecret: IVY_WEBHOOK_SECRET } },
      webhookUrls: { ivy: 'http://127.0.0.1:9/unused' },
    });
    merchant = await startTestMerchant(MERCHANT_SECRET);
    for (let i = 0; i < 2; i++) {
      const config = testConfig(
        {
          DATABASE_URL: database.url,
          IVY_API_KEY,
          IVY_WEBHOOK_SECRET,
          IVY_API_URL: `${emulator.url}/ivy`,
          MERCHANT_WEBHOOK_URL: merchant.url,
          MERCHANT_WEBHOOK_SECRET: MERCHANT_SECRET,
        },
        { outboxPollMs: 100 },
      );
      const server = await startCheckoutServer(config, { port: 0, host: '127.0.0.1' });
      const { ledger, store, bus, metrics } = server.server;
      const now = () => new Date();
      const ctx: AppContext = {
        config,
        ledger,
        store,
        bus,
        metrics,
        now,
        providers: createProviders(config.providers, { publicUrl: server.url, now }),
        logger: pino({ level: process.env.RECONCILER_TEST_LOG ?? 'silent' }),
        statusChecks: new StatusChecker(),
        streams: new Set(),
      };
      // Checks start once the schema is there (migrating again is a no-op).
      const ready = store.migrate();
      instances.push({ server, ctx, reconciler: startReconciler(ctx, { ready, scale: SCALE }) });
    }
    // The emulator's webhooks would go to A; none is ever sent.
    emulator.emulator.setWebhookUrl('ivy', `${instances[0]?.server.url}/webhooks/ivy`);
    const faults = await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ drop: true }),
    });
    expect(faults.status).toBe(200);
  });

  afterAll(async () => {
    for (const instance of instances) await instance.reconciler.stop();
    for (const instance of instances) await instance.server.close();
    await merchant?.close();
    await emulator?.close();
    await database?.drop();
  });

  it(`brings ${ORDERS} orders paid at the provider to paid by polling alone, once each`, async () => {
    const [a, b] = instances as [Instance, Instance];
    const started = Date.now();
    const abandoned = new Map<string, number>();
    const orders = await mapLimit(
      Array.from({ length: ORDERS }, (_, i) => i),
      10,
      async (i) => {
        const via = i % 2 === 0 ? a : b;
        const created = await fetch(`${via.server.url}/v1/sessions`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(sessionBody({ reference: `poll-${i}-${Date.now()}` })),
        });
        expect(created.status).toBe(201);
        const session = SessionSchema.parse(await created.json());
        const placed = await fetch(`${via.server.url}/v1/sessions/${session.id}/orders`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Origin: SHOP_ORIGIN,
            'Idempotency-Key': `key-${i}`,
          },
          body: JSON.stringify({ method: 'ivy:bank' }),
        });
        expect(placed.status).toBe(201);
        const { order, action } = CreateOrderResponseSchema.parse(await placed.json());
        if (action.type !== 'redirect') throw new Error('expected a redirect');
        const ivySessionId = new URL(action.url).searchParams.get('session') ?? '';
        // Paid at the provider; the customer never comes back to the return URL.
        const paid = await fetch(`${emulator.url}/_emulator/orders/ivy/${ivySessionId}/outcome`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ status: 'paid' }),
        });
        expect(paid.status).toBe(200);
        if (i % 10 === 0) {
          // A third instance takes a due check now and then, and dies holding it.
          const taken = await a.ctx.ledger.claimOrderChecks({
            owner: DEAD_OWNER,
            now: new Date(),
            leaseMs: DEAD_LEASE_MS,
            limit: 1,
          });
          for (const check of taken) abandoned.set(check.order.id, Date.now());
        }
        return { orderId: order.id, sessionId: session.id, status: order.status };
      },
    );
    expect(new Set(orders.map((o) => o.status))).toEqual(new Set(['pending']));
    const placedMs = Date.now() - started;

    const ledger = a.ctx.ledger;
    const paidCount = async () => {
      const statuses = await Promise.all(orders.map((o) => ledger.getOrder(o.orderId)));
      return statuses.filter((o) => o?.status === 'paid').length;
    };
    const summary = async () => {
      const counts = new Map<string, number>();
      for (const o of orders) {
        const order = await ledger.getOrder(o.orderId);
        const check = await ledger.getOrderCheck(o.orderId);
        const key = `${order?.status} checks=${check?.checks} next=${
          check?.nextCheckAt === null || check?.nextCheckAt === undefined
            ? 'none'
            : `${check.nextCheckAt - Date.now()}ms`
        }`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return JSON.stringify([...counts]);
    };
    await until(
      async () => (await paidCount()) === ORDERS,
      `${ORDERS} orders paid`,
      60_000,
      summary,
    );
    const allPaidMs = Date.now() - started;

    // The checks the dead instance held were taken over once its lease lapsed.
    expect(abandoned.size).toBeGreaterThan(0);
    for (const orderId of abandoned.keys()) {
      expect((await ledger.getOrderCheck(orderId))?.claimedBy).not.toBe(DEAD_OWNER);
    }

    // Nothing came by webhook: every delivery was dropped, none reached the server.
    const deliveries = (await (
      await fetch(`${emulator.url}/_emulator/webhooks`)
    ).json()) as WebhookDelivery[];
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((d) => d.dropped && d.attempts.length === 0)).toBe(true);
    expect(await ledger.countProviderEvents()).toBe(0);

    // One paid transition per order, and no more checks for any.
    for (const { orderId, sessionId } of orders) {
      const events = await ledger.listSessionEvents(sessionId, 0);
      expect(events.filter((e) => e.status === 'paid' && e.orderId === orderId)).toHaveLength(1);
      expect((await ledger.getOrderCheck(orderId))?.nextCheckAt).toBeNull();
    }

    // One merchant notification of `paid` per order.
    const paidNotice = (orderId: string) =>
      merchant.received.filter(
        (r) =>
          r.event?.type === 'order.updated' &&
          (r.event.data as { order: { id: string; status: string } }).order.id === orderId &&
          (r.event.data as { order: { status: string } }).order.status === 'paid',
      );
    await until(
      async () => orders.every((o) => paidNotice(o.orderId).length >= 1),
      'a paid notification per order',
      20_000,
    );
    for (const { orderId } of orders) {
      expect(new Set(paidNotice(orderId).map((r) => r.id)).size).toBe(1);
    }
    const outbox = await ledger.listOutbox();
    const paidMessages = outbox.filter((m) => JSON.parse(m.data).order?.status === 'paid');
    expect(paidMessages).toHaveLength(ORDERS);

    // Both instances did part of the work.
    const moved = await Promise.all(
      instances.map(async (instance) => {
        const text = await instance.server.server.metrics.render();
        const match = new RegExp(`${ORDER_CHECKS}\\{outcome="moved"\\} (\\d+)`).exec(text);
        return Number(match?.[1] ?? 0);
      }),
    );
    expect(moved[0]! + moved[1]!).toBe(ORDERS);
    console.log(
      `reconciler: ${ORDERS} orders placed and paid at the provider in ${placedMs} ms, all paid by polling after ${allPaidMs} ms; paid by A ${moved[0]}, by B ${moved[1]}; ${abandoned.size} checks abandoned by a dead instance taken over`,
    );
  }, 120_000);
});
