/**
 * @module
 * The webhook inbox (core/inbox.ts) with a backlog larger than its in-memory queue: the ids it
 * cannot keep wait in the database, and the inbox keeps looking for them there while its slots
 * are busy, so the whole backlog is worked off at full pace — not one batch per poll interval.
 * While webhooks arrive faster than the loop can answer them, processing keeps to a small share
 * of the loop, and catches up once they stop.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { NewInboxEvent, Store } from '../store/store.js';
import type { AppContext } from './context.js';
import { Inbox, WEBHOOKS_PROCESSED } from './inbox.js';
import { createLedger } from './ledger.js';
import { Metrics } from './metrics.js';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
/** Far longer than the test may take: only the inbox's own looks can drain the backlog. */
const POLL_MS = 60_000;

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function context(): Promise<AppContext> {
  const store: Store = createSqliteStore({ filename: ':memory:' });
  await store.migrate();
  cleanup.push(() => store.close());
  return {
    store,
    ledger: createLedger(store),
    // No provider is configured: each event is processed at once, as `no_provider`.
    providers: new Map(),
    now: () => new Date(NOW),
    metrics: new Metrics(),
    logger: pino({ level: 'silent' }),
  } as unknown as AppContext;
}

function event(i: number): NewInboxEvent {
  return {
    provider: 'ivy',
    dedupeKey: `evt_backlog_${i}`,
    subject: `1-order-${i}`,
    body: JSON.stringify({ kind: 'hint', reference: `1-order-${i}` }),
    headers: {},
    receivedAt: new Date(NOW).toISOString(),
    nextAttemptAt: NOW,
  };
}

async function until(done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done()) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Starts `inbox` and waits for its first look (which finds nothing); the next is a minute away. */
async function started(inbox: Inbox): Promise<void> {
  inbox.start();
  await new Promise((resolve) => setTimeout(resolve, 20));
  await inbox.idle();
}

describe('inbox backlog', () => {
  it('works off more due events than its queue holds at full pace, not one batch per poll', async () => {
    const ctx = await context();
    // Attempts take a while, as against a real database: the slots are busy when one ends.
    const finish = ctx.store.inbox.finish.bind(ctx.store.inbox);
    ctx.store.inbox.finish = async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return finish(...args);
    };
    const inbox = new Inbox(ctx, { pollMs: POLL_MS, concurrency: 2, maxWaiting: 4 });
    cleanup.push(() => inbox.stop());
    await started(inbox);

    const count = 40;
    const ids = await ctx.store.inbox.insertManyIfNew(
      Array.from({ length: count }, (_, i) => event(i)),
    );
    // As the webhook route does: every stored id is submitted; all but 4 overflow the queue.
    for (const id of ids) inbox.submit(id as number);

    await until(async () => (await ctx.store.inbox.countPending()) === 0, 5_000);
    expect(await ctx.store.inbox.countPending()).toBe(0);
    expect(ctx.metrics.value(WEBHOOKS_PROCESSED, { provider: 'ivy', outcome: 'no_provider' })).toBe(
      count,
    );
  });

  it('keeps looking when it has a single slot', async () => {
    const ctx = await context();
    const inbox = new Inbox(ctx, { pollMs: POLL_MS, concurrency: 1, maxWaiting: 2 });
    cleanup.push(() => inbox.stop());
    await started(inbox);

    const ids = await ctx.store.inbox.insertManyIfNew(
      Array.from({ length: 10 }, (_, i) => event(i)),
    );
    for (const id of ids) inbox.submit(id as number);

    await until(async () => (await ctx.store.inbox.countPending()) === 0, 5_000);
    expect(await ctx.store.inbox.countPending()).toBe(0);
  });

  it('holds processing to a small share of a saturated loop while webhooks arrive, then catches up', async () => {
    const ctx = await context();
    // Every attempt costs 2 ms on the loop, as its statements do on SQLite.
    const ATTEMPT_MS = 2;
    const spin = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    let spent = 0;
    const claim = ctx.store.inbox.claim.bind(ctx.store.inbox);
    ctx.store.inbox.claim = (...args) => {
      spin(ATTEMPT_MS);
      spent += ATTEMPT_MS;
      return claim(...args);
    };
    const inbox = new Inbox(ctx, { pollMs: POLL_MS });
    cleanup.push(() => inbox.stop());
    await started(inbox);

    // A burst: for 600 ms every turn answers a webhook, which takes 3 ms of the loop.
    const burstStart = performance.now();
    let stored = 0;
    let spentBeforeBurst = 0;
    while (performance.now() - burstStart < 600) {
      const [id] = await ctx.store.inbox.insertManyIfNew([event(stored++)]);
      inbox.submit(id as number);
      spin(3);
      await new Promise((resolve) => setImmediate(resolve));
      // The first windows tell the inbox that the loop is saturated: measured after them.
      if (performance.now() - burstStart < 100) spentBeforeBurst = spent;
    }
    const burstMs = performance.now() - burstStart - 100;
    const share = (spent - spentBeforeBurst) / burstMs;
    // Processing goes on, at about 15 % of the loop (one attempt per 2 ms would be 40 %).
    expect(spent - spentBeforeBurst).toBeGreaterThan(0);
    expect(share).toBeLessThan(0.25);

    await until(async () => (await ctx.store.inbox.countPending()) === 0, 10_000);
    expect(ctx.metrics.value(WEBHOOKS_PROCESSED, { provider: 'ivy', outcome: 'no_provider' })).toBe(
      stored,
    );
  });
});
