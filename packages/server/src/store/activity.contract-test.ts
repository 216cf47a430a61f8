/**
 * @module
 * The operator console's tables as every {@link Store} must keep them: order activity in the
 * order it was recorded, provider call figures since a time, deletion by age; console sign-ins
 * found by hash until they expire; and the console's reads — orders newest first with filters,
 * prefix search, positions and counts, changes since a time, stored webhooks by subject.
 * store/activity-store.test.ts runs it on SQLite and PostgreSQL.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrderRecord, SessionRecord } from '../domain/records.js';
import type { Store } from './store.js';

const T0 = '2026-06-01T12:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

function session(id: string, reference: string, expiresAt = at(60)): SessionRecord {
  return {
    id,
    reference,
    amount: { value: 1999, currency: 'EUR' },
    country: 'DE',
    returnUrl: 'https://shop.example/done',
    status: 'created',
    createdAt: T0,
    expiresAt,
  };
}

function order(id: string, sessionId: string, createdAt: string, extra: Partial<OrderRecord> = {}) {
  return {
    id,
    sessionId,
    attempt: 1,
    provider: 'ivy',
    method: 'ivy:bank',
    providerReference: `1-${sessionId}`,
    providerOrderId: null,
    status: 'pending',
    amount: { value: 1999, currency: 'EUR' },
    needsReview: false,
    lateSuccess: false,
    mandateId: null,
    version: 0,
    createdAt,
    updatedAt: createdAt,
    ...extra,
  } satisfies OrderRecord;
}

/** Runs the console tables' contract against stores made by `factory`. */
export function runActivityStoreContract(name: string, factory: () => Promise<Store> | Store) {
  describe(`Console store contract: ${name}`, () => {
    let db: Store;

    beforeEach(async () => {
      db = await factory();
      await db.migrate();
    });
    afterEach(async () => {
      await db.close();
    });

    it('keeps an order’s activity in the order it was recorded', async () => {
      await db.activity.record({
        orderId: 'ord_1',
        provider: 'ivy',
        kind: 'provider_call',
        at: at(1),
        detail: { operation: 'createOrder', outcome: 'ok', durationMs: 40 },
      });
      await db.activity.record({
        orderId: null,
        provider: 'ivy',
        kind: 'webhook',
        at: at(2),
        detail: { verdict: 'refused', reason: 'invalid_signature' },
      });
      await db.activity.record({
        orderId: 'ord_1',
        provider: 'ivy',
        kind: 'poll',
        at: at(3),
        detail: { source: 'reconciler', outcome: 'unchanged', nested: { a: [1, 2] } },
      });
      const rows = await db.activity.listByOrder('ord_1', 10);
      expect(rows.map((row) => [row.kind, row.at])).toEqual([
        ['provider_call', at(1)],
        ['poll', at(3)],
      ]);
      expect(rows[1]).toMatchObject({
        orderId: 'ord_1',
        provider: 'ivy',
        detail: { source: 'reconciler', outcome: 'unchanged', nested: { a: [1, 2] } },
        id: expect.any(Number),
      });
      expect(await db.activity.listByOrder('ord_1', 1)).toHaveLength(1);
      expect(await db.activity.listByOrder('ord_none', 10)).toEqual([]);
    });

    it('counts a provider’s calls, errors and durations since a time', async () => {
      const calls = [
        { minutes: 0, outcome: 'ok', durationMs: 300 },
        { minutes: 10, outcome: 'ok', durationMs: 20 },
        { minutes: 11, outcome: 'error', durationMs: 5000 },
        { minutes: 12, outcome: 'ok', durationMs: 40 },
      ];
      for (const call of calls) {
        await db.activity.record({
          orderId: 'ord_1',
          provider: 'ivy',
          kind: 'provider_call',
          at: at(call.minutes),
          detail: { operation: 'fetchStatus', outcome: call.outcome, durationMs: call.durationMs },
        });
      }
      await db.activity.record({
        orderId: 'ord_2',
        provider: 'koywe',
        kind: 'provider_call',
        at: at(11),
        detail: { operation: 'fetchStatus', outcome: 'ok', durationMs: 1 },
      });
      expect(await db.activity.providerCalls('ivy', at(5))).toEqual({
        calls: 3,
        errors: 1,
        durationsMs: [20, 40, 5000],
      });
      expect(await db.activity.providerCalls('furatpay', at(0))).toEqual({
        calls: 0,
        errors: 0,
        durationsMs: [],
      });
      expect(await db.activity.deleteBefore(at(11), 10)).toBe(2);
      expect((await db.activity.providerCalls('ivy', at(0))).calls).toBe(2);
    });

    it('finds a console sign-in by its hash until it expires, and forgets it on sign-out', async () => {
      await db.consoleSessions.insert({
        idHash: 'a'.repeat(64),
        operator: 'operator',
        createdAt: T0,
        expiresAt: at(60),
      });
      expect(await db.consoleSessions.get('a'.repeat(64), at(30))).toEqual({
        idHash: 'a'.repeat(64),
        operator: 'operator',
        createdAt: T0,
        expiresAt: at(60),
      });
      expect(await db.consoleSessions.get('a'.repeat(64), at(60))).toBeNull();
      expect(await db.consoleSessions.get('b'.repeat(64), at(30))).toBeNull();
      await db.consoleSessions.insert({
        idHash: 'b'.repeat(64),
        operator: 'operator',
        createdAt: T0,
        expiresAt: at(120),
      });
      expect(await db.consoleSessions.deleteExpired(at(90), 10)).toBe(1);
      await db.consoleSessions.delete('b'.repeat(64));
      expect(await db.consoleSessions.get('b'.repeat(64), at(30))).toBeNull();
    });

    describe('the console’s order reads', () => {
      beforeEach(async () => {
        await db.sessions.insert(session('cs_a', 'shop-100'));
        await db.sessions.insert(session('cs_b', 'shop-200'));
        await db.sessions.insert(session('cs_c', 'other-1', at(-10)));
        await db.orders.insert(order('ord_a', 'cs_a', at(1), { providerOrderId: 'ivy-777' }));
        await db.orders.insert(
          order('ord_b', 'cs_b', at(2), { status: 'paid', provider: 'koywe', method: 'koywe:x' }),
        );
        await db.orders.insert(order('ord_c', 'cs_c', at(3), { needsReview: true }));
      });

      const base = { now: at(30), limit: 10 };
      const ids = (rows: { order: { id: string } }[]) => rows.map((row) => row.order.id);

      it('lists newest first, with the session’s reference, by filter', async () => {
        const all = await db.consoleReads.listOrders(base);
        expect(ids(all)).toEqual(['ord_c', 'ord_b', 'ord_a']);
        expect(all[2]).toMatchObject({ reference: 'shop-100', sessionExpiresAt: at(60) });
        expect(all[2]?.order).toMatchObject({ providerOrderId: 'ivy-777', status: 'pending' });
        expect(ids(await db.consoleReads.listOrders({ ...base, status: 'paid' }))).toEqual([
          'ord_b',
        ]);
        expect(ids(await db.consoleReads.listOrders({ ...base, provider: 'ivy' }))).toEqual([
          'ord_c',
          'ord_a',
        ]);
        expect(ids(await db.consoleReads.listOrders({ ...base, method: 'koywe:x' }))).toEqual([
          'ord_b',
        ]);
        expect(ids(await db.consoleReads.listOrders({ ...base, from: at(2), to: at(3) }))).toEqual([
          'ord_b',
        ]);
        expect(ids(await db.consoleReads.listOrders({ ...base, anomaly: 'needs_review' }))).toEqual(
          ['ord_c'],
        );
        // Not final, and its session expired before now.
        expect(ids(await db.consoleReads.listOrders({ ...base, anomaly: 'stuck' }))).toEqual([
          'ord_c',
        ]);
        expect(await db.consoleReads.listOrders({ ...base, anomaly: 'late_success' })).toEqual([]);
      });

      it('searches ids exactly and references by prefix', async () => {
        const search = async (q: string) => ids(await db.consoleReads.listOrders({ ...base, q }));
        // References: any prefix, the whole of one included; case matters.
        expect(await search('shop-')).toEqual(['ord_b', 'ord_a']);
        expect(await search('s')).toEqual(['ord_b', 'ord_a']);
        expect(await search('shop-200')).toEqual(['ord_b']);
        expect(await search('shop-2000')).toEqual([]);
        expect(await search('SHOP-')).toEqual([]);
        // Order, session and provider ids: exactly.
        expect(await search('ord_a')).toEqual(['ord_a']);
        expect(await search('cs_c')).toEqual(['ord_c']);
        expect(await search('ivy-777')).toEqual(['ord_a']);
        expect(await search('ivy-7')).toEqual([]);
        expect(await search('ord_')).toEqual([]);
        // Counted the same way.
        expect(await db.consoleReads.countByStatus({ ...base, q: 'shop-' })).toEqual({
          pending: 1,
          paid: 1,
        });
      });

      it('takes LIKE wildcards and the highest characters in the search literally', async () => {
        await db.sessions.insert(session('cs_pct', '50%-off'));
        await db.sessions.insert(session('cs_und', 'a_c-1'));
        await db.sessions.insert(session('cs_abc', 'abc-1'));
        await db.sessions.insert(session('cs_top', 'z\u{10FFFF}\u{10FFFF}'));
        await db.sessions.insert(session('cs_emoji', 'gift-\u{1F381}-1'));
        await db.orders.insert(order('ord_pct', 'cs_pct', at(4)));
        await db.orders.insert(order('ord_und', 'cs_und', at(5)));
        await db.orders.insert(order('ord_abc', 'cs_abc', at(6)));
        await db.orders.insert(order('ord_top', 'cs_top', at(7)));
        await db.orders.insert(order('ord_emoji', 'cs_emoji', at(8)));
        const search = async (q: string) => ids(await db.consoleReads.listOrders({ ...base, q }));
        expect(await search('%')).toEqual([]);
        expect(await search('_')).toEqual([]);
        expect(await search('%-off')).toEqual([]);
        expect(await search('50%')).toEqual(['ord_pct']);
        expect(await search('a_c')).toEqual(['ord_und']);
        expect(await search('a_')).toEqual(['ord_und']);
        expect(await search('ab')).toEqual(['ord_abc']);
        expect(await search('ord_%')).toEqual([]);
        expect(await search('z\u{10FFFF}')).toEqual(['ord_top']);
        expect(await search('gift-\u{1F381}')).toEqual(['ord_emoji']);
        expect(await search('gift-\u{1F380}')).toEqual([]);
      });

      it('pages by position and counts by status without the status filter', async () => {
        const first = await db.consoleReads.listOrders({ ...base, limit: 2 });
        expect(ids(first)).toEqual(['ord_c', 'ord_b']);
        const last = first[1]?.order;
        const next = await db.consoleReads.listOrders({
          ...base,
          before: { createdAt: last?.createdAt ?? '', id: last?.id ?? '' },
        });
        expect(ids(next)).toEqual(['ord_a']);
        expect(await db.consoleReads.countByStatus({ ...base, status: 'paid' })).toEqual({
          pending: 2,
          paid: 1,
        });
        expect(await db.consoleReads.countByStatus({ ...base, provider: 'ivy' })).toEqual({
          pending: 2,
        });
      });

      it('reads changes since a time, and stored webhooks and events by order', async () => {
        expect(ids(await db.consoleReads.ordersUpdatedSince(at(2), 10))).toEqual([
          'ord_b',
          'ord_c',
        ]);
        await db.inbox.insertIfNew({
          provider: 'ivy',
          dedupeKey: 'evt_1',
          subject: '1-cs_a',
          body: '{"kind":"event"}',
          headers: {},
          receivedAt: at(4),
          nextAttemptAt: Date.parse(at(4)),
        });
        expect(await db.consoleReads.inboxSince(at(4), 10)).toEqual([
          { provider: 'ivy', subject: '1-cs_a', receivedAt: at(4) },
        ]);
        expect(await db.consoleReads.inboxSince(at(5), 10)).toEqual([]);
        expect(await db.consoleReads.inboxBySubject('ivy', '1-cs_a', 10)).toEqual([
          {
            id: expect.any(Number),
            dedupeKey: 'evt_1',
            body: '{"kind":"event"}',
            receivedAt: at(4),
            outcome: null,
          },
        ]);
        await db.events.insertIfNew({
          provider: 'ivy',
          dedupeKey: 'evt_1',
          rawBody: '{}',
          orderId: 'ord_a',
          status: 'paid',
          source: 'webhook',
          receivedAt: at(5),
        });
        expect(await db.consoleReads.providerEvents('ord_a')).toEqual([
          { status: 'paid', source: 'webhook', applied: false, anomaly: null, receivedAt: at(5) },
        ]);
        await db.outbox.append({
          id: 'msg_ord_a_1',
          type: 'order.updated',
          subjectId: 'ord_a',
          data: '{"order":{"status":"paid"}}',
          createdAt: at(5),
          nextAttemptAt: Date.parse(at(5)),
        });
        expect(await db.consoleReads.outboxBySubject('ord_a')).toEqual([
          expect.objectContaining({ id: 'msg_ord_a_1', subjectId: 'ord_a', createdAt: at(5) }),
        ]);
      });
    });
  });
}
