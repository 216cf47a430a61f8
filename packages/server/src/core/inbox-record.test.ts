/**
 * @module
 * The inbox records that an event was processed in the unit of work that applied it: the
 * status, its provider event and the inbox's outcome commit together or not at all. A failure
 * to write the record leaves the order as it was, and the next attempt applies the event — it
 * is not taken for a copy of itself.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../bus/memory-bus.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Repositories, Store } from '../store/store.js';
import { createFakeProvider } from '../test-support/fake-provider.js';
import { seedOrder } from '../test-support/test-stores.js';
import type { AppContext } from './context.js';
import { Inbox, WEBHOOKS_PROCESSED, storeWebhook } from './inbox.js';
import { createLedger } from './ledger.js';
import { Metrics } from './metrics.js';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

/** A store whose inbox fails to record the first processed outcome, in or out of a unit. */
function failingFirstRecord(store: Store): { store: Store; failures: () => number } {
  let failures = 0;
  const wrap = (repositories: Repositories): Repositories => ({
    ...repositories,
    inbox: {
      ...repositories.inbox,
      finish: async (id, owner, result) => {
        if (result.processed && failures === 0) {
          failures++;
          throw new Error('disk I/O error');
        }
        return repositories.inbox.finish(id, owner, result);
      },
    },
  });
  const wrapped: Store = {
    ...store,
    ...wrap(store),
    transaction: (work) => store.transaction((tx) => work(wrap(tx))),
  };
  return { store: wrapped, failures: () => failures };
}

/** The test's clock, moved by hand. */
let clock = NOW;

async function context(): Promise<{ ctx: AppContext; failures: () => number }> {
  clock = NOW;
  const raw = createSqliteStore({ filename: ':memory:' });
  await raw.migrate();
  cleanup.push(() => raw.close());
  await seedOrder(createLedger(raw), {
    sessionId: 'cs_record',
    reference: 'order-record',
    orderId: 'ord_record',
    statuses: ['pending'],
    now: new Date(NOW),
  });
  const { store, failures } = failingFirstRecord(raw);
  const ctx = {
    store,
    ledger: createLedger(store),
    bus: createMemoryBus(),
    providers: new Map([['ivy', createFakeProvider()]]),
    now: () => new Date(clock),
    metrics: new Metrics(),
    logger: pino({ level: 'silent' }),
  } as unknown as AppContext;
  return { ctx, failures };
}

async function until(done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done()) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('inbox record of a processed event', () => {
  it('commits with the change it applied, or neither does', async () => {
    const { ctx, failures } = await context();
    const inbox = new Inbox(ctx, { pollMs: 60_000, retryBaseMs: 20, random: () => 0 });
    cleanup.push(() => inbox.stop());
    inbox.start();

    const rawBody = '{"id":"evt_paid","reference":"1-order-record","status":"paid"}';
    const id = await storeWebhook(
      ctx,
      'ivy',
      {
        kind: 'event',
        event: {
          dedupeKey: 'evt_paid',
          reference: '1-order-record',
          status: 'paid',
          providerStatus: 'paid',
        },
        rawBody,
      },
      {},
    );
    expect(typeof id).toBe('number');
    inbox.submit(id as number);

    // The first attempt could not record its outcome: nothing of it stayed.
    await until(async () => failures() === 1, 2_000);
    await inbox.idle();
    expect(failures()).toBe(1);
    expect((await ctx.store.orders.get('ord_record'))?.status).toBe('pending');
    expect(await ctx.store.events.exists('ivy', 'evt_paid')).toBe(false);
    expect(await ctx.store.inbox.get(id as number)).toMatchObject({
      attempts: 1,
      processedAt: null,
      lastError: 'disk I/O error',
    });

    // The retry, once due, applies it and says so.
    clock += 60_000;
    inbox.kick();
    await until(async () => (await ctx.store.inbox.countPending()) === 0, 2_000);
    await inbox.idle();
    expect((await ctx.store.orders.get('ord_record'))?.status).toBe('paid');
    expect(await ctx.store.inbox.get(id as number)).toMatchObject({
      attempts: 2,
      outcome: 'applied',
      lastError: null,
    });
    expect(ctx.metrics.value(WEBHOOKS_PROCESSED, { provider: 'ivy', outcome: 'applied' })).toBe(1);
    expect(ctx.metrics.value(WEBHOOKS_PROCESSED, { provider: 'ivy', outcome: 'retry' })).toBe(1);
  });
});
