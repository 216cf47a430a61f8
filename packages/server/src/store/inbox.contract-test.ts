/**
 * @module
 * The webhook inbox as every {@link Store} must keep it: deduplication by provider and event id,
 * coalesced hints with revisions, leases that lapse, one event at a time per subject in arrival
 * order, and attempts with back-off. sqlite/sqlite-store.test.ts and
 * postgres/postgres-store.test.ts run it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewInboxEvent, Store, UNKNOWN_ORDER } from './store.js';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');

/** The id of a stored event; an insert that stored nothing fails the test. */
function stored(id: number | null | typeof UNKNOWN_ORDER): number {
  if (typeof id !== 'number') throw new Error(`the inbox stored nothing (${String(id)})`);
  return id;
}

function event(dedupeKey: string, subject: string | null = null): NewInboxEvent {
  return {
    provider: 'ivy',
    dedupeKey,
    subject,
    body: JSON.stringify({ kind: 'event', dedupeKey }),
    headers: { 'content-type': 'application/json' },
    receivedAt: new Date(NOW).toISOString(),
    nextAttemptAt: NOW,
  };
}

/** Runs the inbox contract against stores made by `factory` (one fresh store per test). */
export function runInboxStoreContract(name: string, factory: () => Promise<Store> | Store): void {
  describe(`Inbox store contract: ${name}`, () => {
    let db: Store;

    beforeEach(async () => {
      db = await factory();
      await db.migrate();
    });
    afterEach(async () => {
      await db.close();
    });

    it('stores an event once per provider and event id', async () => {
      const id = stored(await db.inbox.insertIfNew(event('evt_1')));
      expect(await db.inbox.insertIfNew(event('evt_1'))).toBeNull();
      expect(await db.inbox.insertIfNew({ ...event('evt_1'), provider: 'koywe' })).not.toBeNull();
      const row = await db.inbox.get(id);
      expect(row).toMatchObject({
        provider: 'ivy',
        dedupeKey: 'evt_1',
        headers: { 'content-type': 'application/json' },
        revision: 0,
        attempts: 0,
        nextAttemptAt: NOW,
        processedAt: null,
      });
      expect(await db.inbox.countPending()).toBe(2);
    });

    it('leases an event to one owner until the lease lapses', async () => {
      const id = stored(await db.inbox.insertIfNew(event('evt_lease')));
      // The claim answers the event it took, as a read would.
      const claimed = await db.inbox.claim(id, 'a', NOW + 1000, NOW);
      expect(claimed).toEqual(await db.inbox.get(id));
      expect(claimed).toMatchObject({ id, dedupeKey: 'evt_lease', attempts: 0, revision: 0 });
      expect(await db.inbox.claim(id, 'b', NOW + 1000, NOW + 500)).toBeNull();
      expect(await db.inbox.due(NOW + 500, 10)).toEqual([]);
      // A dead owner's lease lapses: another takes the event over, and the first can no longer
      // record anything for it.
      expect(await db.inbox.claim(id, 'b', NOW + 3000, NOW + 1000)).not.toBeNull();
      const late = {
        processed: true as const,
        outcome: 'applied',
        at: new Date(NOW).toISOString(),
        revision: 0,
      };
      expect(await db.inbox.finish(id, 'a', late)).toBe(false);
      expect(
        await db.inbox.finish(id, 'b', {
          processed: true,
          outcome: 'applied',
          at: new Date(NOW + 1500).toISOString(),
          revision: 0,
        }),
      ).toBe(true);
      expect(await db.inbox.get(id)).toMatchObject({
        attempts: 1,
        nextAttemptAt: null,
        outcome: 'applied',
        processedAt: new Date(NOW + 1500).toISOString(),
      });
      expect(await db.inbox.claim(id, 'c', NOW + 9000, NOW + 5000)).toBeNull();
      expect(await db.inbox.countPending()).toBe(0);
    });

    it('records a failed attempt and offers the event again once it is due', async () => {
      const id = stored(await db.inbox.insertIfNew(event('evt_retry')));
      expect(await db.inbox.claim(id, 'a', NOW + 1000, NOW)).not.toBeNull();
      await db.inbox.finish(id, 'a', {
        processed: false,
        error: 'provider down',
        retryAtMs: NOW + 5000,
      });
      expect(await db.inbox.get(id)).toMatchObject({
        attempts: 1,
        nextAttemptAt: NOW + 5000,
        lastError: 'provider down',
      });
      expect(await db.inbox.due(NOW + 4999, 10)).toEqual([]);
      expect((await db.inbox.due(NOW + 5000, 10)).map((e) => e.id)).toEqual([id]);
    });

    it('processes a subject’s events one at a time, in the order they came', async () => {
      const first = stored(await db.inbox.insertIfNew(event('evt_a1', '1-order-a')));
      const second = stored(await db.inbox.insertIfNew(event('evt_a2', '1-order-a')));
      const other = stored(await db.inbox.insertIfNew(event('evt_b1', '1-order-b')));
      const loose = stored(await db.inbox.insertIfNew(event('evt_none')));
      expect((await db.inbox.due(NOW, 10)).map((e) => e.id)).toEqual([first, other, loose]);
      // The second waits while the first is unprocessed, leased or not, failed or not.
      expect(await db.inbox.claim(second, 'a', NOW + 1000, NOW)).toBeNull();
      expect(await db.inbox.claim(first, 'a', NOW + 1000, NOW)).not.toBeNull();
      await db.inbox.finish(first, 'a', { processed: false, error: 'later', retryAtMs: NOW + 10 });
      expect(await db.inbox.claim(second, 'a', NOW + 1000, NOW + 20)).toBeNull();
      expect(await db.inbox.claim(first, 'a', NOW + 1000, NOW + 20)).not.toBeNull();
      await db.inbox.finish(first, 'a', {
        processed: true,
        outcome: 'applied',
        at: new Date(NOW).toISOString(),
        revision: 0,
      });
      expect((await db.inbox.due(NOW + 20, 10)).map((e) => e.id)).toEqual([second, other, loose]);
      expect(await db.inbox.claim(second, 'a', NOW + 1000, NOW + 20)).not.toBeNull();
    });

    it('coalesces a hint into the one waiting, and runs once more for one that came meanwhile', async () => {
      const hint = { ...event('hint:1-order-h', '1-order-h'), body: '{"kind":"hint"}' };
      const id = await db.inbox.upsertCoalesced(hint);
      expect(await db.inbox.upsertCoalesced(hint)).toBe(id);
      expect(await db.inbox.countPending()).toBe(1);
      const read = await db.inbox.get(id);
      expect(read?.revision).toBe(1);
      expect(await db.inbox.claim(id, 'a', NOW + 1000, NOW)).not.toBeNull();
      // Another hint while this revision is being processed.
      await db.inbox.upsertCoalesced({ ...hint, nextAttemptAt: NOW + 100 });
      expect(
        await db.inbox.finish(id, 'a', {
          processed: true,
          outcome: 'applied',
          at: new Date(NOW).toISOString(),
          revision: 1,
        }),
      ).toBe(true);
      // Still due (at its first time), for the revision that came meanwhile.
      expect(await db.inbox.get(id)).toMatchObject({
        revision: 2,
        nextAttemptAt: NOW,
        processedAt: null,
      });
      expect(await db.inbox.claim(id, 'a', NOW + 1000, NOW)).not.toBeNull();
      const done = new Date(NOW + 50).toISOString();
      await db.inbox.finish(id, 'a', {
        processed: true,
        outcome: 'applied',
        at: done,
        revision: 2,
      });
      expect(await db.inbox.get(id)).toMatchObject({ nextAttemptAt: null, processedAt: done });
      // A hint after that arms the same row again.
      expect(await db.inbox.upsertCoalesced({ ...hint, nextAttemptAt: NOW + 200 })).toBe(id);
      expect(await db.inbox.get(id)).toMatchObject({
        revision: 3,
        nextAttemptAt: NOW + 200,
        processedAt: null,
        outcome: null,
      });
    });
  });
}
