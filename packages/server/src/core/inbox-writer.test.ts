/**
 * @module
 * Group commit of the webhook inbox (core/inbox.ts `InboxWriter`) and the multi-row insert
 * behind it (`InboxRepository.insertManyIfNew`), on SQLite and — when a server answers —
 * PostgreSQL: webhooks stored in one turn share one insert, each is answered only once its row
 * is committed, duplicates (earlier or in the same group) answer null, an event about an order
 * that is not ours is refused in the same statement, and a group that fails
 * is written again one event at a time so that only the bad event fails.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describePostgres } from '../test-support/postgres.js';
import { openPostgresTestStore, openSqliteMemoryStore } from '../test-support/test-stores.js';
import { UNKNOWN_ORDER, type NewInboxEvent, type Store } from '../store/store.js';
import { InboxWriter } from './inbox.js';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');

function event(dedupeKey: string, subject: string | null = '1-order-a'): NewInboxEvent {
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

function runWriterTests(name: string, open: () => Promise<Store>): void {
  describe(`InboxWriter on ${name}`, () => {
    let store: Store | null = null;
    afterEach(async () => {
      vi.restoreAllMocks();
      await store?.close();
      store = null;
    });

    async function fresh(): Promise<Store> {
      store = await open();
      await store.migrate();
      return store;
    }

    it('stores the webhooks of one turn with one insert, each answered after its commit', async () => {
      const db = await fresh();
      const many = vi.spyOn(db.inbox, 'insertManyIfNew');
      const single = vi.spyOn(db.inbox, 'insertIfNew');
      const writer = new InboxWriter(db);
      const keys = Array.from({ length: 25 }, (_, i) => `evt_${i}`);
      const ids = await Promise.all(keys.map((key) => writer.insert(event(key))));

      expect(many).toHaveBeenCalledTimes(1);
      expect(many.mock.calls[0]?.[0]).toHaveLength(25);
      expect(single).not.toHaveBeenCalled();
      expect(new Set(ids).size).toBe(25);
      // Every id answered is a stored row of that event, in the order the events came.
      const numbers = ids.map((id) => (typeof id === 'number' ? id : -1));
      for (const [i, id] of numbers.entries()) {
        const stored = await db.inbox.get(id);
        expect(stored?.dedupeKey).toBe(keys[i]);
      }
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
      expect(await db.inbox.countPending()).toBe(25);
    });

    it('answers null for an event stored before and for a copy in the same group', async () => {
      const db = await fresh();
      const writer = new InboxWriter(db);
      const first = await writer.insert(event('evt_dup'));
      expect(first).toEqual(expect.any(Number));

      const [again, fresh1, copy, otherProvider] = await Promise.all([
        writer.insert(event('evt_dup')),
        writer.insert(event('evt_new')),
        writer.insert(event('evt_new')),
        writer.insert({ ...event('evt_new'), provider: 'koywe' }),
      ]);
      expect(again).toBeNull();
      expect(fresh1).toEqual(expect.any(Number));
      expect(copy).toBeNull();
      expect(otherProvider).toEqual(expect.any(Number));
      expect(otherProvider).not.toBe(fresh1);
      expect(await db.inbox.countPending()).toBe(3);
    });

    it('writes a failed group again one by one, so only the bad event fails', async () => {
      const db = await fresh();
      vi.spyOn(db.inbox, 'insertManyIfNew').mockRejectedValueOnce(new Error('group failed'));
      const real = db.inbox.insertIfNew.bind(db.inbox);
      vi.spyOn(db.inbox, 'insertIfNew').mockImplementation(async (e) => {
        if (e.dedupeKey === 'evt_bad') throw new Error('this one is bad');
        return real(e);
      });
      const writer = new InboxWriter(db);
      const results = await Promise.allSettled(
        ['evt_a', 'evt_bad', 'evt_b'].map((key) => writer.insert(event(key))),
      );
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(await db.inbox.countPending()).toBe(2);
    });

    it('gathers the next group while one is being written', async () => {
      const db = await fresh();
      const many = vi.spyOn(db.inbox, 'insertManyIfNew');
      const writer = new InboxWriter(db);
      const firstGroup = [writer.insert(event('evt_1')), writer.insert(event('evt_2'))];
      // Queued while the first group is (or is about to be) in the database.
      await new Promise((resolve) => setImmediate(resolve));
      const secondGroup = [writer.insert(event('evt_3')), writer.insert(event('evt_4'))];
      const ids = await Promise.all([...firstGroup, ...secondGroup]);
      expect(ids.every((id) => typeof id === 'number')).toBe(true);
      expect(many).toHaveBeenCalledTimes(2);
      expect(many.mock.calls.map((call) => call[0].length)).toEqual([2, 2]);
    });

    it('stores an event that requires an order only when the order is ours', async () => {
      const db = await fresh();
      await db.sessions.insert({
        id: 'cs_known',
        reference: 'ref-known',
        amount: { value: 100, currency: 'EUR' },
        country: 'DE',
        returnUrl: 'https://shop.example/',
        status: 'pending',
        createdAt: new Date(NOW).toISOString(),
        expiresAt: new Date(NOW + 3_600_000).toISOString(),
      });
      await db.orders.insert({
        id: 'ord_known',
        sessionId: 'cs_known',
        attempt: 1,
        provider: 'ivy',
        method: 'ivy:bank',
        providerReference: '1-known',
        providerOrderId: null,
        status: 'pending',
        amount: { value: 100, currency: 'EUR' },
        needsReview: false,
        lateSuccess: false,
        createdAt: new Date(NOW).toISOString(),
        updatedAt: new Date(NOW).toISOString(),
      });
      const writer = new InboxWriter(db);
      const ours = { ...event('evt_ours', '1-known'), requireOrder: true };
      const [stored, unknown, otherProvider, unchecked] = await Promise.all([
        writer.insert(ours),
        writer.insert({ ...event('evt_theirs', '1-not-ours'), requireOrder: true }),
        // The reference is Ivy's: another provider's event about it is not ours either.
        writer.insert({ ...event('evt_koywe', '1-known'), provider: 'koywe', requireOrder: true }),
        writer.insert(event('evt_unchecked', '1-not-ours')),
      ]);
      expect(stored).toEqual(expect.any(Number));
      expect(unknown).toBe(UNKNOWN_ORDER);
      expect(otherProvider).toBe(UNKNOWN_ORDER);
      expect(unchecked).toEqual(expect.any(Number));
      // A copy of a stored event is a duplicate, whether or not the order still exists.
      expect(await writer.insert(ours)).toBeNull();
      expect(
        await db.inbox.insertIfNew({ ...event('evt_theirs', '1-not-ours'), requireOrder: true }),
      ).toBe(UNKNOWN_ORDER);
      expect(await db.inbox.countPending()).toBe(2);
      // In one group, a copy of a new event of a known order is a repeat, even when another event
      // of the group is about an unknown order.
      const copies = await db.inbox.insertManyIfNew([
        { ...event('evt_again', '1-known'), requireOrder: true },
        { ...event('evt_stranger', '1-not-ours'), requireOrder: true },
        { ...event('evt_again', '1-known'), requireOrder: true },
        { ...event('evt_stranger', '1-not-ours'), requireOrder: true },
      ]);
      expect(copies).toEqual([expect.any(Number), UNKNOWN_ORDER, null, UNKNOWN_ORDER]);
      expect(await db.inbox.countPending()).toBe(3);
      expect((await db.inbox.get(stored as number))?.headers).toEqual({
        'content-type': 'application/json',
      });
    });

    it('stores nothing and answers nothing for an empty list', async () => {
      const db = await fresh();
      expect(await db.inbox.insertManyIfNew([])).toEqual([]);
      expect(await db.inbox.countPending()).toBe(0);
    });

    it('splits a list longer than one statement takes', async () => {
      const db = await fresh();
      const events = Array.from({ length: 450 }, (_, i) => event(`evt_big_${i}`, null));
      const ids = await db.inbox.insertManyIfNew(events);
      expect(ids).toHaveLength(450);
      expect(new Set(ids).size).toBe(450);
      expect(ids.every((id) => typeof id === 'number')).toBe(true);
      expect(await db.inbox.countPending()).toBe(450);
    });
  });
}

runWriterTests('SQLite', async () => openSqliteMemoryStore());

describePostgres('PostgreSQL', () => {
  runWriterTests('PostgreSQL', () => openPostgresTestStore('inbox_writer'));
});
