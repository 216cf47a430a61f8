/**
 * @module
 * The retention job over a real SQLite file shared by two servers' contexts: one run per
 * interval across both (the lease), old rows deleted in batches and counted by kind, young rows
 * kept, the console's order activity deleted on the provider events' horizon, and horizons below
 * their floor refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import type { AppContext } from './context.js';
import { createLedger } from './ledger.js';
import { Metrics, RETENTION_DELETED } from './metrics.js';
import {
  retentionHorizons,
  startRetention,
  type RetentionOptions,
  type RunningRetention,
} from './retention.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const dir = mkdtempSync(join(tmpdir(), 'pay-checkout-retention-'));
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function context(filename: string, now: () => Date): Promise<AppContext> {
  const store: Store = createSqliteStore({ filename });
  await store.migrate();
  cleanup.push(() => store.close());
  return {
    store,
    ledger: createLedger(store),
    now,
    metrics: new Metrics(),
    logger: pino({ level: 'silent' }),
  } as unknown as AppContext;
}

function job(
  ctx: AppContext,
  intervalMs = 60_000,
  horizonsMs?: RetentionOptions['horizonsMs'],
): RunningRetention {
  // Never started by a timer here (ready never resolves): runs are driven by runOnce.
  const running = startRetention(ctx, {
    ready: new Promise(() => {}),
    intervalMs,
    batchSize: 2,
    ...(horizonsMs ? { horizonsMs } : {}),
  });
  cleanup.push(() => running.stop());
  return running;
}

describe('retention job', () => {
  it('runs on one instance per interval and deletes old keys in batches', async () => {
    const filename = join(dir, 'lease.db');
    let nowMs = Date.parse('2026-06-01T00:00:00.000Z');
    const now = () => new Date(nowMs);
    const a = await context(filename, now);
    const b = await context(filename, now);
    for (let i = 0; i < 5; i++) {
      await a.store.idempotency.insertIfAbsent(
        's',
        `old-${i}`,
        'h',
        new Date(nowMs - 2 * DAY_MS).toISOString(),
      );
    }
    await a.store.idempotency.insertIfAbsent(
      's',
      'young',
      'h',
      new Date(nowMs - 1000).toISOString(),
    );

    const first = await job(a).runOnce();
    expect(first).toMatchObject({ idempotency_keys: 5, notifications: 0, session_events: 0 });
    expect(a.metrics.value(RETENTION_DELETED, { kind: 'idempotency_keys' })).toBe(5);
    // B is refused while A holds the interval's lease.
    const runB = job(b);
    expect(await runB.runOnce()).toBeNull();
    expect(await a.store.idempotency.get('s', 'young')).not.toBeNull();

    // Once the interval is over and A did not renew, B takes the job over.
    nowMs += 60_000;
    expect(await runB.runOnce()).toMatchObject({ idempotency_keys: 0 });
  });

  it('deletes order activity older than the provider events, in batches', async () => {
    const nowMs = Date.parse('2026-06-01T00:00:00.000Z');
    const ctx = await context(join(dir, 'activity.db'), () => new Date(nowMs));
    const record = (orderId: string, ageMs: number) =>
      ctx.store.activity.record({
        orderId,
        provider: 'ivy',
        kind: 'poll',
        at: new Date(nowMs - ageMs).toISOString(),
        detail: { source: 'refresh', outcome: 'unchanged' },
      });
    for (let i = 0; i < 3; i++) await record('ord_old', 41 * DAY_MS);
    await record('ord_kept', 39 * DAY_MS);
    await record('ord_young', 1000);

    // Kept as long as provider events: 40 days here, 35 by default.
    const report = await job(ctx, 60_000, { provider_events: 40 * DAY_MS }).runOnce();
    expect(report).toMatchObject({ order_activity: 3, provider_events: 0 });
    expect(ctx.metrics.value(RETENTION_DELETED, { kind: 'order_activity' })).toBe(3);
    expect(await ctx.store.activity.listByOrder('ord_old', 10)).toEqual([]);
    expect(await ctx.store.activity.listByOrder('ord_kept', 10)).toHaveLength(1);
    expect(await ctx.store.activity.listByOrder('ord_young', 10)).toHaveLength(1);
  });

  it('refuses horizons below their floor', () => {
    expect(() => retentionHorizons({ provider_events: 34 * DAY_MS })).toThrow(/provider_events/);
    expect(() => retentionHorizons({ webhook_inbox: DAY_MS })).toThrow(/webhook_inbox/);
    expect(() => retentionHorizons({ idempotency_keys: 60_000 })).toThrow(/idempotency_keys/);
    expect(retentionHorizons({ notifications: DAY_MS }).notifications).toBe(DAY_MS);
  });
});
