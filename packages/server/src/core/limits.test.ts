/**
 * @module
 * The limits' rules: the attempt rule of a session, and fixed-window counters counted per
 * instance and shared in batches — several instances over one counter table (a fake one,
 * counting its round trips, then a real SQLite store) hold one limit together, a passing
 * request costs no round trip, failures are written at once and refused without a write once
 * the limit is known to be reached, and an unreachable table loses no count.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { CounterIncrement, LimitCounterRepository, Store } from '../store/store.js';
import {
  AttemptRefused,
  IN_PROGRESS_RETRY_MS,
  RetryLaterError,
  SharedCounters,
  attemptError,
  judgeAttempt,
} from './limits.js';

const NOW = Date.parse('2026-03-01T12:00:30.000Z');
const WINDOW_MS = 60_000;
const STALE_MS = 120_000;
const policy = { maxAttempts: 3, inProgressMs: STALE_MS };
const session = { expiresAt: new Date(NOW + 45 * 60_000).toISOString() };
const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe('the attempt rule', () => {
  it('lets a session start attempts up to the limit while none is being started', () => {
    expect(judgeAttempt(session, [], policy, NOW)).toBeNull();
    const done = [
      { status: 'failed' as const, createdAt: ago(10_000) },
      { status: 'pending' as const, createdAt: ago(5_000) },
    ];
    expect(judgeAttempt(session, done, policy, NOW)).toBeNull();
  });

  it('refuses once the session made as many attempts as allowed, until it ends', () => {
    const orders = Array.from({ length: 3 }, () => ({
      status: 'failed' as const,
      createdAt: ago(10_000),
    }));
    const refusal = judgeAttempt(session, orders, policy, NOW);
    expect(refusal).toBeInstanceOf(AttemptRefused);
    expect(refusal?.reason).toBe('too_many_attempts');
    expect(refusal?.retryAfterMs).toBe(45 * 60_000);
    const error = attemptError(refusal as AttemptRefused);
    expect(error).toMatchObject({ status: 429, code: 'too_many_attempts', retryable: false });
    expect(error.retryAfterSeconds).toBe(45 * 60);
  });

  it('refuses while an order is still being created at its provider, briefly', () => {
    const orders = [{ status: 'created' as const, createdAt: ago(1_000) }];
    const refusal = judgeAttempt(session, orders, policy, NOW);
    expect(refusal?.reason).toBe('attempt_in_progress');
    expect(refusal?.retryAfterMs).toBe(IN_PROGRESS_RETRY_MS);
    const error = attemptError(refusal as AttemptRefused);
    // Retryable: the key is released, so the same request may be sent again.
    expect(error).toMatchObject({ status: 409, code: 'attempt_in_progress', retryable: true });
    expect(error).toBeInstanceOf(RetryLaterError);
  });

  it('tells to come back when the attempt goes stale, when that is sooner', () => {
    const orders = [{ status: 'created' as const, createdAt: ago(STALE_MS - 500) }];
    expect(judgeAttempt(session, orders, policy, NOW)?.retryAfterMs).toBe(500);
  });

  it('does not wait for an order whose request ended', () => {
    const orders = [{ status: 'created' as const, createdAt: ago(1_000) }];
    expect(judgeAttempt(session, orders, policy, NOW, false)).toBeNull();
    // Running or not, a session out of attempts stays out of attempts.
    const many = Array.from({ length: 3 }, () => orders[0] as (typeof orders)[0]);
    expect(judgeAttempt(session, many, policy, NOW, false)?.reason).toBe('too_many_attempts');
  });

  it('no longer waits for an order left `created` by a process that died', () => {
    const orders = [{ status: 'created' as const, createdAt: ago(STALE_MS) }];
    expect(judgeAttempt(session, orders, policy, NOW)).toBeNull();
  });
});

/** A counter table in memory that counts its round trips; it can be made to fail. */
class FakeCounterTable implements LimitCounterRepository {
  readonly rows = new Map<string, { count: number; expiresAt: number }>();
  calls = 0;
  failing = false;
  /** Held writes (set to a promise to delay every call until it resolves). */
  gate: Promise<void> | null = null;

  async add(increments: readonly CounterIncrement[]): Promise<Map<string, number>> {
    this.calls++;
    if (this.gate) await this.gate;
    if (this.failing) throw new Error('database unreachable');
    const totals = new Map<string, number>();
    for (const { key, count, expiresAt } of increments) {
      const row = this.rows.get(key) ?? { count: 0, expiresAt };
      row.count += count;
      this.rows.set(key, row);
      totals.set(key, row.count);
    }
    return totals;
  }

  async deleteExpired(nowMs: number, limit: number): Promise<number> {
    this.calls++;
    let deleted = 0;
    for (const [key, row] of this.rows) {
      if (deleted >= limit) break;
      if (row.expiresAt < nowMs) {
        this.rows.delete(key);
        deleted++;
      }
    }
    return deleted;
  }

  total(): number {
    return [...this.rows.values()].reduce((sum, row) => sum + row.count, 0);
  }
}

describe('shared counters', () => {
  let clock = NOW;
  const running: SharedCounters[] = [];
  const counters = (store: LimitCounterRepository, flushShare?: number) => {
    const created = new SharedCounters({
      store,
      windowMs: WINDOW_MS,
      syncMs: 10_000,
      now: () => clock,
      ...(flushShare !== undefined ? { flushShare } : {}),
    });
    running.push(created);
    return created;
  };
  afterEach(async () => {
    clock = NOW;
    for (const c of running.splice(0)) await c.stop();
  });

  it('allow up to the limit per subject and window, then tell how long to wait', () => {
    const limiter = counters(new FakeCounterTable());
    for (let i = 0; i < 5; i++) expect(limiter.hit('address', 'a', 5)).toEqual({ allowed: true });
    // The window started at 12:00:00 and ends at 12:01:00: 30 s from now.
    expect(limiter.hit('address', 'a', 5)).toEqual({ allowed: false, retryAfterMs: 30_000 });
    expect(limiter.hit('address', 'b', 5)).toEqual({ allowed: true });
    expect(limiter.hit('session', 'a', 5)).toEqual({ allowed: true });
    clock += 30_000;
    expect(limiter.hit('address', 'a', 5)).toEqual({ allowed: true });
  });

  it('limit nothing at 0', () => {
    const store = new FakeCounterTable();
    const limiter = counters(store);
    for (let i = 0; i < 100; i++) expect(limiter.hit('address', 'a', 0).allowed).toBe(true);
    expect(limiter.size()).toBe(0);
  });

  it('leave nothing behind for a subject only looked at', () => {
    const limiter = counters(new FakeCounterTable());
    expect(limiter.check('session', 'made-up', 5)).toEqual({ allowed: true });
    expect(limiter.size()).toBe(0);
  });

  it('send what passed in one round trip per sync, not one per request', async () => {
    const store = new FakeCounterTable();
    const limiter = counters(store, 0.5);
    limiter.start();
    for (let i = 0; i < 40; i++) limiter.hit('provider', 'ivy', 1000);
    for (let i = 0; i < 40; i++) limiter.hit('address', `10.0.0.${i % 4}`, 1000);
    expect(store.calls).toBe(0);
    await limiter.flush();
    // One batch for every counter (plus the first clean-up of ended windows).
    expect(store.calls).toBe(2);
    expect(store.total()).toBe(80);
    await limiter.flush();
    expect(store.calls).toBe(2);
  });

  it('send at once when a counter reaches its share of the limit', async () => {
    const store = new FakeCounterTable();
    const limiter = counters(store, 0.1);
    limiter.start();
    for (let i = 0; i < 9; i++) limiter.hit('provider', 'ivy', 100);
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.calls).toBe(0);
    limiter.hit('provider', 'ivy', 100);
    await new Promise((resolve) => setImmediate(resolve));
    await limiter.flush();
    expect(store.rows.get(`provider:ivy:${NOW - 30_000}`)?.count).toBe(10);
  });

  it('hold one limit across instances, within what each counted since its last sync', async () => {
    const store = new FakeCounterTable();
    const a = counters(store, 0.1);
    const b = counters(store, 0.1);
    a.start();
    b.start();
    const limit = 100;
    let allowed = 0;
    // Both take requests in turns and sync as they go, as two processes would.
    for (let i = 0; i < 500; i++) {
      const instance = i % 2 === 0 ? a : b;
      if (instance.hit('address', '192.0.2.1', limit).allowed) allowed++;
      if (i % 10 === 9) await Promise.all([a.flush(), b.flush()]);
    }
    await Promise.all([a.flush(), b.flush()]);
    expect(allowed).toBeGreaterThanOrEqual(limit);
    expect(allowed).toBeLessThanOrEqual(limit + 2 * 10);
    expect(store.total()).toBe(allowed);
  });

  it('keep counting here while the table cannot be reached, and send it later', async () => {
    const store = new FakeCounterTable();
    const limiter = counters(store);
    limiter.start();
    for (let i = 0; i < 3; i++) limiter.hit('address', 'a', 5);
    store.failing = true;
    await limiter.flush();
    expect(limiter.hit('address', 'a', 5).allowed).toBe(true);
    expect(limiter.hit('address', 'a', 5).allowed).toBe(true);
    expect(limiter.hit('address', 'a', 5).allowed).toBe(false);
    store.failing = false;
    await limiter.flush();
    expect(store.total()).toBe(5);
  });

  it('forget ended windows, here and in the table', async () => {
    const store = new FakeCounterTable();
    const limiter = counters(store);
    limiter.start();
    limiter.hit('address', 'a', 5);
    await limiter.flush();
    expect(store.rows.size).toBe(1);
    clock += 2 * WINDOW_MS;
    await limiter.flush();
    expect(limiter.size()).toBe(0);
    expect(store.rows.size).toBe(0);
  });

  describe('failures', () => {
    it('are written at once and refused past the limit, across instances', async () => {
      const store = new FakeCounterTable();
      const a = counters(store);
      const b = counters(store);
      const verdicts: boolean[] = [];
      for (let i = 0; i < 10; i++) {
        verdicts.push((await (i % 2 === 0 ? a : b).fail('bad_bearer', '192.0.2.7', 4)).allowed);
      }
      expect(verdicts).toEqual([true, true, true, true, false, false, false, false, false, false]);
      // Once an instance knows the limit is reached, it refuses without writing.
      expect(store.total()).toBeLessThanOrEqual(4 + 2);
      expect((await a.fail('bad_bearer', '192.0.2.8', 4)).allowed).toBe(true);
      expect((await a.fail('unknown_session', '192.0.2.7', 4)).allowed).toBe(true);
    });

    it('of a burst are refused without a write each once enough are under way', async () => {
      const store = new FakeCounterTable();
      let release!: () => void;
      store.gate = new Promise<void>((resolve) => (release = resolve));
      const limiter = counters(store);
      const burst = Array.from({ length: 500 }, () =>
        limiter.fail('bad_signature', '198.51.100.1', 20),
      );
      release();
      const verdicts = await Promise.all(burst);
      expect(verdicts.filter((v) => v.allowed)).toHaveLength(20);
      expect(verdicts.find((v) => !v.allowed)).toEqual({ allowed: false, retryAfterMs: 30_000 });
      expect(store.calls).toBe(20);
    });

    it('are still counted here when the table cannot be written', async () => {
      const store = new FakeCounterTable();
      store.failing = true;
      const limiter = counters(store);
      const verdicts: boolean[] = [];
      for (let i = 0; i < 4; i++) verdicts.push((await limiter.fail('bad_bearer', 'x', 2)).allowed);
      expect(verdicts).toEqual([true, true, false, false]);
    });
  });
});

describe('shared counters over SQLite', () => {
  let store: Store | null = null;
  afterEach(async () => {
    await store?.close();
    store = null;
  });

  it('add a batch in one statement and answer every total', async () => {
    store = createSqliteStore({ filename: ':memory:' });
    await store.migrate();
    const first = await store.limits.add([
      { key: 'b', count: 2, expiresAt: NOW },
      { key: 'a', count: 1, expiresAt: NOW },
    ]);
    expect(first).toEqual(
      new Map([
        ['a', 1],
        ['b', 2],
      ]),
    );
    const second = await store.limits.add([{ key: 'a', count: 5, expiresAt: NOW }]);
    expect(second.get('a')).toBe(6);
    expect(await store.limits.add([])).toEqual(new Map());
    expect(await store.limits.deleteExpired(NOW, 10)).toBe(0);
    expect(await store.limits.deleteExpired(NOW + 1, 1)).toBe(1);
    expect(await store.limits.deleteExpired(NOW + 1, 10)).toBe(1);
  });
});
