/**
 * @module
 * The order-check schedule, and the reconciler over a real (in-memory SQLite) store with a
 * scripted provider and a clock the test moves: placing new orders on the schedule, applying the
 * provider's answers as `poll`, expiring unpaid orders after the session, resolving orders whose
 * creation outcome is unknown (with and without a lookup by reference), retrying failed checks,
 * leases between instances, and one transition when a webhook and a poll race.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../bus/memory-bus.js';
import type { SessionRecord } from '../domain/records.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { testConfig } from '../test-support/config.js';
import { createFakeProvider, type FakeProvider } from '../test-support/fake-provider.js';
import { ApiError } from './api-error.js';
import { applyStatus } from './apply-status.js';
import type { AppContext } from './context.js';
import { createLedger } from './ledger.js';
import { Metrics } from './metrics.js';
import {
  checkTimes,
  DEFAULT_CHECK_SCHEDULE,
  nextCheckAt,
  Reconciler,
  scaleSchedule,
  type OrderLookup,
  type ReconcilerOptions,
} from './reconciler.js';
import { StatusChecker } from './status-check.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.parse('2026-12-06T12:00:00.000Z');

describe('the check schedule', () => {
  it('checks at 1, 5 and 15 min, then once more after a one-hour session', () => {
    expect(checkTimes(T0, T0 + HOUR).map((at) => (at - T0) / MIN)).toEqual([1, 5, 15, 70]);
  });

  it('checks at 1, 5, 15 and 60 min, then every 6 h while the session lasts, then once more', () => {
    expect(checkTimes(T0, T0 + 24 * HOUR).map((at) => (at - T0) / MIN)).toEqual([
      1,
      5,
      15,
      60,
      60 + 360,
      60 + 720,
      60 + 1080,
      24 * 60 + 10,
    ]);
  });

  it('still checks once after the expiry of a session that ends before the first step', () => {
    expect(checkTimes(T0, T0 + 30_000).map((at) => at - T0)).toEqual([30_000 + 10 * MIN]);
  });

  it('answers the first check strictly after a time, and null once the schedule is over', () => {
    expect(nextCheckAt(T0, T0 + HOUR, T0)).toBe(T0 + MIN);
    expect(nextCheckAt(T0, T0 + HOUR, T0 + MIN)).toBe(T0 + 5 * MIN);
    expect(nextCheckAt(T0, T0 + HOUR, T0 + 15 * MIN)).toBe(T0 + 70 * MIN);
    expect(nextCheckAt(T0, T0 + HOUR, T0 + 70 * MIN)).toBeNull();
  });

  it('scales every duration, and refuses a scale that is not positive', () => {
    const fast = scaleSchedule(DEFAULT_CHECK_SCHEDULE, 0.01);
    expect(fast.stepsMs).toEqual([600, 3000, 9000, 36_000]);
    expect(fast.intervalMs).toBe(216_000);
    expect(fast.afterExpiryMs).toBe(6000);
    expect(checkTimes(T0, T0 + 36_000, fast).map((at) => at - T0)).toEqual([
      600, 3000, 9000, 42_000,
    ]);
    expect(() => scaleSchedule(DEFAULT_CHECK_SCHEDULE, 0)).toThrow(RangeError);
    expect(() => scaleSchedule(DEFAULT_CHECK_SCHEDULE, Number.NaN)).toThrow(RangeError);
  });
});

describe('the reconciler', () => {
  let store: Store;
  let ctx: AppContext;
  let fake: FakeProvider & Partial<OrderLookup>;
  let clock: number;
  let seq = 0;

  beforeEach(async () => {
    clock = T0;
    store = createSqliteStore({ filename: ':memory:' });
    await store.migrate();
    fake = createFakeProvider();
    ctx = {
      config: testConfig(),
      ledger: createLedger(store),
      store,
      bus: createMemoryBus(),
      providers: new Map([['ivy', fake]]),
      logger: pino({ level: 'silent' }),
      now: () => new Date(clock),
      metrics: new Metrics(),
      statusChecks: new StatusChecker(),
      streams: new Set(),
    };
  });
  afterEach(async () => {
    await store.close();
  });

  const reconciler = (options: ReconcilerOptions = {}) => new Reconciler(ctx, options);

  /** A session expiring after `ttlMs` with one order; `pending` once its provider has it. */
  async function order({
    ttlMs = HOUR,
    status = 'pending',
  }: { ttlMs?: number; status?: 'pending' | 'created' } = {}) {
    const n = ++seq;
    const session: SessionRecord = {
      id: `cs_${n}`,
      reference: `order-${n}`,
      amount: { value: 1999, currency: 'EUR' },
      country: 'DE',
      returnUrl: 'https://shop.example/done',
      status: 'created',
      createdAt: new Date(clock).toISOString(),
      expiresAt: new Date(clock + ttlMs).toISOString(),
    };
    await ctx.ledger.createSession(session);
    const created = await ctx.ledger.createOrder({
      id: `ord_${n}`,
      sessionId: session.id,
      provider: 'ivy',
      method: 'ivy:bank',
      now: new Date(clock),
    });
    if (status === 'pending') {
      await ctx.ledger.applyStatus({
        orderId: created.id,
        status: 'pending',
        source: 'create',
        providerOrderId: `fake-${created.providerReference}`,
        now: new Date(clock),
      });
    }
    return { session, id: created.id, reference: created.providerReference };
  }

  const statusOf = async (id: string) => (await ctx.ledger.getOrder(id))?.status;
  const nextOf = async (id: string) => (await ctx.ledger.getOrderCheck(id))?.nextCheckAt;
  const paidMessages = async () =>
    (await ctx.ledger.listOutbox()).filter((m) => JSON.parse(m.data).order.status === 'paid');

  it('places a new order on its schedule without asking the provider', async () => {
    const { id } = await order();
    expect(await nextOf(id)).toBe(T0);
    await reconciler().runOnce();
    expect(fake.fetches).toBe(0);
    expect(await nextOf(id)).toBe(T0 + MIN);
    expect((await ctx.ledger.getOrderCheck(id))?.checks).toBe(0);
  });

  it('asks the provider on schedule and applies its answer as a poll, once', async () => {
    const { id, reference } = await order();
    const job = reconciler();
    await job.runOnce();
    clock = T0 + MIN;
    fake.statuses.set(reference, { status: 'pending', providerStatus: 'open' });
    await job.runOnce();
    expect(fake.fetches).toBe(1);
    expect(await nextOf(id)).toBe(T0 + 5 * MIN);
    // Not due yet: nothing is asked.
    clock = T0 + 5 * MIN - 1;
    await job.runOnce();
    expect(fake.fetches).toBe(1);

    clock = T0 + 5 * MIN;
    fake.statuses.set(reference, {
      status: 'paid',
      providerStatus: 'paid',
      amount: { value: 1999, currency: 'EUR' },
    });
    await job.runOnce();
    expect(await statusOf(id)).toBe('paid');
    expect(await nextOf(id)).toBeNull();
    expect(await paidMessages()).toHaveLength(1);
    clock = T0 + 2 * HOUR;
    await job.runOnce();
    expect(fake.fetches).toBe(2);
    expect(await ctx.ledger.getOrderCheck(id)).toMatchObject({ checks: 2, claimedBy: null });
  });

  it('expires an order the provider confirms unpaid once the session is over', async () => {
    const { id, reference } = await order();
    fake.statuses.set(reference, { status: 'pending', providerStatus: 'open' });
    const job = reconciler();
    for (const at of [0, 1, 5, 15]) {
      clock = T0 + at * MIN;
      await job.runOnce();
    }
    expect(await statusOf(id)).toBe('pending');
    expect(await nextOf(id)).toBe(T0 + 70 * MIN);
    clock = T0 + 70 * MIN;
    await job.runOnce();
    expect(await statusOf(id)).toBe('expired');
    expect(await nextOf(id)).toBeNull();
    expect(fake.fetches).toBe(4);
  });

  it('keeps checking an order still in flight at its provider after the session', async () => {
    const { id, reference } = await order({ ttlMs: 10 * MIN });
    fake.statuses.set(reference, { status: 'processing', providerStatus: 'in_progress' });
    const job = reconciler();
    await job.runOnce();
    clock = T0 + 20 * MIN;
    await job.runOnce();
    expect(await statusOf(id)).toBe('processing');
    expect(await nextOf(id)).toBe(clock + 6 * HOUR);
    // Past the horizon the checks stop.
    clock = T0 + 10 * MIN + 72 * HOUR;
    await store.checks.schedule(id, clock);
    await job.runOnce();
    expect(await statusOf(id)).toBe('processing');
    expect(await nextOf(id)).toBeNull();
  });

  it('retries a failed check sooner than the schedule once the schedule is over', async () => {
    const { id, reference } = await order();
    fake.fetchStatus = async () => {
      fake.fetches++;
      throw new ApiError(502, 'provider_unavailable', 'down');
    };
    const job = reconciler();
    await job.runOnce();
    clock = T0 + MIN;
    await job.runOnce();
    expect(await nextOf(id)).toBe(T0 + 5 * MIN);
    clock = T0 + 70 * MIN;
    await store.checks.schedule(id, clock);
    await job.runOnce();
    expect(await statusOf(id)).toBe('pending');
    expect(await nextOf(id)).toBe(clock + 15 * MIN);
    expect(reference).toBeTruthy();
  });

  describe('an order whose creation outcome is unknown', () => {
    async function startedOrder() {
      const placed = await order({ status: 'created' });
      await ctx.ledger.beginIdempotency({
        scope: placed.session.id,
        key: 'checkout-1',
        requestHash: 'h',
        now: new Date(clock),
      });
      return placed;
    }
    /** Whether the key that started the order is still held (null: released). */
    const keyState = async (scope: string) =>
      (await store.idempotency.get(scope, 'checkout-1'))?.state ?? null;

    it('is left alone while its creating request may still run', async () => {
      const { id } = await startedOrder();
      fake.findOrderByReference = async () => null;
      const job = reconciler();
      await job.runOnce();
      clock = T0 + MIN;
      await job.runOnce();
      expect(await statusOf(id)).toBe('created');
      expect(await nextOf(id)).toBe(T0 + 2 * MIN);
    });

    it('takes the status of the provider order found by its reference, releasing the key', async () => {
      const { id, session, reference } = await startedOrder();
      fake.findOrderByReference = async (o) =>
        o.providerReference === reference
          ? { providerOrderId: 'ivy-42', status: 'pending', providerStatus: 'open' }
          : null;
      const job = reconciler();
      clock = T0 + 2 * MIN;
      await job.runOnce();
      expect(await ctx.ledger.getOrder(id)).toMatchObject({
        status: 'pending',
        providerOrderId: 'ivy-42',
      });
      expect(await nextOf(id)).toBe(T0 + 5 * MIN);
      expect(await keyState(session.id)).toBeNull();
    });

    it('fails when the provider has no order for its reference, releasing the key', async () => {
      const { id, session } = await startedOrder();
      fake.findOrderByReference = async () => null;
      clock = T0 + 2 * MIN;
      await reconciler().runOnce();
      expect(await statusOf(id)).toBe('failed');
      expect(await nextOf(id)).toBeNull();
      expect(await keyState(session.id)).toBeNull();
    });

    it('without a lookup, fails once its session expired, releasing the key', async () => {
      const { id, session } = await startedOrder();
      const job = reconciler();
      clock = T0 + 15 * MIN;
      await job.runOnce();
      expect(await statusOf(id)).toBe('created');
      expect(await keyState(session.id)).toBe('in_progress');
      clock = T0 + 70 * MIN;
      await store.checks.schedule(id, clock);
      await job.runOnce();
      expect(await statusOf(id)).toBe('failed');
      expect(fake.fetches).toBe(0);
      expect(await keyState(session.id)).toBeNull();
    });
  });

  it('never lets two instances check one order at once, and takes over a dead one', async () => {
    const orders = await Promise.all(Array.from({ length: 20 }, () => order()));
    for (const { reference } of orders) {
      fake.statuses.set(reference, { status: 'paid', providerStatus: 'paid' });
    }
    const a = reconciler();
    const b = reconciler();
    await a.runOnce();
    clock = T0 + MIN;
    // An instance claims a check and dies.
    const [dead] = await ctx.ledger.claimOrderChecks({
      owner: 'dead',
      now: new Date(clock),
      leaseMs: 2 * MIN,
      limit: 1,
    });
    for (let i = 0; i < 5; i++) await Promise.all([a.runOnce(), b.runOnce()]);
    expect(fake.fetches).toBe(19);
    expect(await statusOf(dead?.order.id ?? '')).toBe('pending');
    clock = T0 + 3 * MIN;
    await Promise.all([a.runOnce(), b.runOnce()]);
    expect(fake.fetches).toBe(20);
    for (const { id } of orders) expect(await statusOf(id)).toBe('paid');
    expect(await paidMessages()).toHaveLength(20);
  });

  it('makes one transition when a webhook and a poll arrive together', async () => {
    const { id, reference } = await order();
    fake.statuses.set(reference, { status: 'paid', providerStatus: 'paid' });
    const job = reconciler();
    await job.runOnce();
    clock = T0 + MIN;
    const [webhook] = await Promise.all([
      applyStatus(ctx, {
        orderId: id,
        status: 'paid',
        source: 'webhook',
        event: { provider: 'ivy', dedupeKey: 'evt-1', rawBody: '{}' },
        now: new Date(clock),
      }),
      job.runOnce(),
    ]);
    expect(webhook.outcome === 'applied' || webhook.outcome === 'unchanged').toBe(true);
    expect(await statusOf(id)).toBe('paid');
    const events = await ctx.ledger.listSessionEvents(`cs_${seq}`, 0);
    expect(events.filter((e) => e.status === 'paid')).toHaveLength(1);
    expect(await paidMessages()).toHaveLength(1);
  });

  it('hands back checks claimed while stopping and starts from the store again', async () => {
    const { id } = await order();
    const job = reconciler({ pollMs: 10 });
    job.start();
    await job.stop();
    expect((await ctx.ledger.getOrderCheck(id))?.claimedBy).toBeNull();
    const next = reconciler({ pollMs: 10 });
    next.start();
    const deadline = Date.now() + 2000;
    while ((await nextOf(id)) !== T0 + MIN && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await next.stop();
    expect(await nextOf(id)).toBe(T0 + MIN);
  });
});
