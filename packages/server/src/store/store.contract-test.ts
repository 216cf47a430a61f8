/**
 * @module
 * The behaviour every {@link Store} must show under the ledger's rules, as one suite runnable
 * against any factory: sqlite/sqlite-store.test.ts and postgres/postgres-store.test.ts run it.
 * The concurrent cases race real connections on PostgreSQL (one pool, many clients).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLedger, type Ledger } from '../core/ledger.js';
import { DuplicateReferenceError, type SessionRecord } from '../domain/records.js';
import type { Store } from './store.js';

const T0 = new Date('2026-01-01T12:00:00.000Z');

function session(id: string, reference: string): SessionRecord {
  return {
    id,
    reference,
    amount: { value: 1999, currency: 'EUR' },
    country: 'DE',
    returnUrl: 'https://shop.example/done',
    description: 'Two mugs',
    metadata: { cart: '42' },
    status: 'created',
    createdAt: T0.toISOString(),
    expiresAt: new Date(T0.getTime() + 3_600_000).toISOString(),
  };
}

/** Runs the store contract against stores made by `factory` (one fresh store per test). */
export function runStoreContract(name: string, factory: () => Promise<Store> | Store): void {
  describe(`Store contract: ${name}`, () => {
    let db: Store;
    let store: Ledger;

    beforeEach(async () => {
      db = await factory();
      await db.migrate();
      store = createLedger(db);
    });
    afterEach(async () => {
      await db.close();
    });

    it('migrates idempotently and answers ping', async () => {
      await db.migrate();
      await expect(db.ping()).resolves.toBeUndefined();
    });

    it('stores and reads a session, and rejects a duplicate reference', async () => {
      await store.createSession(session('cs_1', 'order-1'));
      expect(await store.getSession('cs_1')).toMatchObject({
        id: 'cs_1',
        reference: 'order-1',
        amount: { value: 1999, currency: 'EUR' },
        description: 'Two mugs',
        metadata: { cart: '42' },
        status: 'created',
      });
      expect(await store.getSession('cs_missing')).toBeNull();
      await expect(store.createSession(session('cs_2', 'order-1'))).rejects.toBeInstanceOf(
        DuplicateReferenceError,
      );
    });

    it('numbers attempts and derives the provider reference', async () => {
      await store.createSession(session('cs_1', 'order-1001'));
      const first = await store.createOrder({
        id: 'ord_1',
        sessionId: 'cs_1',
        provider: 'ivy',
        method: 'ivy:bank',
        now: T0,
      });
      const second = await store.createOrder({
        id: 'ord_2',
        sessionId: 'cs_1',
        provider: 'ivy',
        method: 'ivy:bank',
        now: T0,
      });
      expect(first).toMatchObject({ attempt: 1, providerReference: '1-order-1001' });
      expect(second).toMatchObject({ attempt: 2, providerReference: '2-order-1001' });
      expect(first.status).toBe('created');
      expect(first.amount).toEqual({ value: 1999, currency: 'EUR' });
      expect(await store.findOrderByProviderReference('ivy', '2-order-1001')).toMatchObject({
        id: 'ord_2',
      });
      expect((await store.listOrders('cs_1')).map((o) => o.id)).toEqual(['ord_1', 'ord_2']);
    });

    it('numbers attempts without gaps or repeats when orders are created at once', async () => {
      await store.createSession(session('cs_1', 'order-1'));
      const orders = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.createOrder({
            id: `ord_${i}`,
            sessionId: 'cs_1',
            provider: 'ivy',
            method: 'ivy:bank',
            now: T0,
          }),
        ),
      );
      expect(orders.map((o) => o.attempt).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(new Set(orders.map((o) => o.providerReference)).size).toBe(8);
    });

    describe('applyStatus', () => {
      beforeEach(async () => {
        await store.createSession(session('cs_1', 'order-1'));
        await store.createOrder({
          id: 'ord_1',
          sessionId: 'cs_1',
          provider: 'ivy',
          method: 'ivy:bank',
          now: T0,
        });
      });

      const event = (key: string) => ({ provider: 'ivy' as const, dedupeKey: key, rawBody: '{}' });

      it('moves forward, appends session events with increasing seq, records the provider id', async () => {
        const pending = await store.applyStatus({
          orderId: 'ord_1',
          status: 'pending',
          source: 'create',
          providerOrderId: 'ivy-session-1',
          now: T0,
        });
        expect(pending.outcome).toBe('applied');
        expect(pending.sessionEvent).toMatchObject({ seq: 1, status: 'pending', orderId: 'ord_1' });
        const paid = await store.applyStatus({
          orderId: 'ord_1',
          status: 'paid',
          source: 'webhook',
          amount: { value: 1999, currency: 'EUR' },
          event: event('evt-1'),
          now: T0,
        });
        expect(paid.outcome).toBe('applied');
        expect(paid.sessionEvent).toMatchObject({ seq: 2, status: 'paid' });
        const order = await store.getOrder('ord_1');
        expect(order).toMatchObject({ status: 'paid', providerOrderId: 'ivy-session-1' });
        expect((await store.getSession('cs_1'))?.status).toBe('paid');
        expect((await store.listSessionEvents('cs_1', 0)).map((e) => e.seq)).toEqual([1, 2]);
        expect((await store.listSessionEvents('cs_1', 1)).map((e) => e.status)).toEqual(['paid']);
        expect(await store.latestSessionEvent('cs_1')).toMatchObject({ seq: 2 });
      });

      it('deduplicates on (provider, dedupe key), even under concurrency', async () => {
        const results = await Promise.all(
          Array.from({ length: 20 }, () =>
            store.applyStatus({
              orderId: 'ord_1',
              status: 'paid',
              source: 'webhook',
              event: event('evt-same'),
              now: T0,
            }),
          ),
        );
        expect(results.filter((r) => r.outcome === 'applied')).toHaveLength(1);
        expect(results.filter((r) => r.outcome === 'duplicate')).toHaveLength(19);
        expect(await store.listSessionEvents('cs_1', 0)).toHaveLength(1);
        expect(await store.countProviderEvents()).toBe(1);
      });

      it('moves an order to paid once when different notifications race', async () => {
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            store.applyStatus({
              orderId: 'ord_1',
              status: i % 2 === 0 ? 'paid' : 'authorized',
              source: 'webhook',
              event: event(`evt-race-${i}`),
              now: T0,
            }),
          ),
        );
        const paid = results.filter((r) => r.outcome === 'applied' && r.order?.status === 'paid');
        expect(paid).toHaveLength(1);
        expect((await store.getOrder('ord_1'))?.status).toBe('paid');
        const log = await store.listSessionEvents('cs_1', 0);
        expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
        expect(log.filter((e) => e.status === 'paid')).toHaveLength(1);
        expect(await store.countProviderEvents()).toBe(12);
      });

      it('keeps paid when a failure arrives later, and flags it', async () => {
        await store.applyStatus({ orderId: 'ord_1', status: 'paid', source: 'webhook', now: T0 });
        const late = await store.applyStatus({
          orderId: 'ord_1',
          status: 'failed',
          source: 'webhook',
          event: event('evt-2'),
          now: T0,
        });
        expect(late).toMatchObject({ outcome: 'unchanged', anomaly: 'after_payment' });
        expect((await store.getOrder('ord_1'))?.status).toBe('paid');
        expect(await store.listSessionEvents('cs_1', 0)).toHaveLength(1);
      });

      it('turns a failed order paid only when confirmed (late success)', async () => {
        await store.applyStatus({ orderId: 'ord_1', status: 'failed', source: 'webhook', now: T0 });
        const unconfirmed = await store.applyStatus({
          orderId: 'ord_1',
          status: 'paid',
          source: 'webhook',
          now: T0,
        });
        expect(unconfirmed).toMatchObject({
          outcome: 'unchanged',
          anomaly: 'unconfirmed_late_success',
        });
        const confirmed = await store.applyStatus({
          orderId: 'ord_1',
          status: 'paid',
          source: 'poll',
          confirmed: true,
          now: T0,
        });
        expect(confirmed).toMatchObject({ outcome: 'applied', anomaly: 'late_success' });
        expect(await store.getOrder('ord_1')).toMatchObject({ status: 'paid', lateSuccess: true });
      });

      it('flags an amount or currency mismatch on success and moves nothing', async () => {
        for (const amount of [
          { value: 1998, currency: 'EUR' },
          { value: 1999, currency: 'GBP' },
        ]) {
          const result = await store.applyStatus({
            orderId: 'ord_1',
            status: 'paid',
            source: 'webhook',
            amount,
            now: T0,
          });
          expect(result.outcome).toBe('needs_review');
        }
        expect(await store.getOrder('ord_1')).toMatchObject({
          status: 'created',
          needsReview: true,
        });
        expect(await store.listSessionEvents('cs_1', 0)).toHaveLength(0);
      });

      it('reports an unknown order', async () => {
        const result = await store.applyStatus({
          orderId: 'ord_missing',
          status: 'paid',
          source: 'webhook',
          now: T0,
        });
        expect(result.outcome).toBe('not_found');
      });

      it('keeps a paid session paid when another attempt fails', async () => {
        await store.applyStatus({ orderId: 'ord_1', status: 'paid', source: 'webhook', now: T0 });
        await store.createOrder({
          id: 'ord_2',
          sessionId: 'cs_1',
          provider: 'ivy',
          method: 'ivy:bank',
          now: T0,
        });
        await store.applyStatus({ orderId: 'ord_2', status: 'failed', source: 'webhook', now: T0 });
        expect((await store.getSession('cs_1'))?.status).toBe('paid');
      });
    });

    it('records provider events that move nothing, once', async () => {
      const input = { provider: 'ivy' as const, dedupeKey: 'evt-x', rawBody: '{}', now: T0 };
      expect(await store.hasProviderEvent('ivy', 'evt-x')).toBe(false);
      expect(await store.recordProviderEvent(input)).toBe(true);
      expect(await store.recordProviderEvent(input)).toBe(false);
      expect(await store.hasProviderEvent('ivy', 'evt-x')).toBe(true);
      expect(await store.hasProviderEvent('koywe', 'evt-x')).toBe(false);
      expect(await store.countProviderEvents()).toBe(1);
    });

    describe('idempotency', () => {
      const base = { scope: 'cs_1', key: 'key-1', requestHash: 'h1', now: T0 };

      it('starts, reports in progress, replays, and rejects another body', async () => {
        expect(await store.beginIdempotency(base)).toEqual({ kind: 'started' });
        expect(await store.beginIdempotency(base)).toEqual({ kind: 'in_progress' });
        await store.completeIdempotency('cs_1', 'key-1', 201, '{"ok":true}');
        expect(await store.beginIdempotency(base)).toEqual({
          kind: 'replay',
          status: 201,
          body: '{"ok":true}',
        });
        expect(await store.beginIdempotency({ ...base, requestHash: 'h2' })).toEqual({
          kind: 'mismatch',
        });
        expect(await store.beginIdempotency({ ...base, scope: 'cs_2' })).toEqual({
          kind: 'started',
        });
      });

      it('forgets released and expired keys', async () => {
        await store.beginIdempotency(base);
        await store.releaseIdempotency('cs_1', 'key-1');
        expect(await store.beginIdempotency(base)).toEqual({ kind: 'started' });
        await store.completeIdempotency('cs_1', 'key-1', 201, '{}');
        const later = new Date(T0.getTime() + 24 * 3_600_000 + 1);
        expect(await store.beginIdempotency({ ...base, requestHash: 'h2', now: later })).toEqual({
          kind: 'started',
        });
      });

      it('lets a request take over a key abandoned in progress', async () => {
        await store.beginIdempotency(base);
        const soon = new Date(T0.getTime() + 60_000);
        expect(await store.beginIdempotency({ ...base, now: soon })).toEqual({
          kind: 'in_progress',
        });
        const later = new Date(T0.getTime() + 121_000);
        expect(await store.beginIdempotency({ ...base, now: later })).toEqual({ kind: 'started' });
        expect(await store.beginIdempotency({ ...base, now: later })).toEqual({
          kind: 'in_progress',
        });
      });

      it('lets exactly one of many concurrent callers start', async () => {
        const results = await Promise.all(
          Array.from({ length: 10 }, () => store.beginIdempotency(base)),
        );
        expect(results.filter((r) => r.kind === 'started')).toHaveLength(1);
      });
    });

    describe('order checks', () => {
      const T0_MS = T0.getTime();
      const lease = (owner: string, nowMs: number, limit = 10) =>
        store.claimOrderChecks({ owner, now: new Date(nowMs), leaseMs: 60_000, limit });

      beforeEach(async () => {
        await store.createSession(session('cs_1', 'order-1'));
        for (const id of ['ord_1', 'ord_2', 'ord_3']) {
          await store.createOrder({
            id,
            sessionId: 'cs_1',
            provider: 'ivy',
            method: 'ivy:bank',
            now: T0,
          });
        }
      });

      it('gives every new order a check due at once, with its session expiry', async () => {
        expect(await store.getOrderCheck('ord_1')).toEqual({
          nextCheckAt: T0_MS,
          checks: 0,
          claimedBy: null,
          claimedUntil: null,
        });
        const claimed = await lease('a', T0_MS);
        expect(claimed.map((c) => c.order.id).sort()).toEqual(['ord_1', 'ord_2', 'ord_3']);
        expect(claimed[0]).toMatchObject({
          sessionExpiresAt: new Date(T0_MS + 3_600_000).toISOString(),
          checks: 0,
          dueAt: T0_MS,
          order: { sessionId: 'cs_1', status: 'created' },
        });
      });

      it('leases a check to one owner until it ends or lapses', async () => {
        expect(await lease('a', T0_MS, 1)).toHaveLength(1);
        expect(await lease('b', T0_MS, 10)).toHaveLength(2);
        expect(await lease('c', T0_MS + 59_999)).toHaveLength(0);
        // The owners died: their leases lapse and the checks are taken over.
        const taken = await lease('c', T0_MS + 60_000);
        expect(taken).toHaveLength(3);
        expect((await store.getOrderCheck(taken[0]?.order.id ?? ''))?.claimedBy).toBe('c');
      });

      it('finishes a check only for the lease holder, and sets the next one', async () => {
        await lease('a', T0_MS);
        expect(
          await store.finishOrderCheck({ orderId: 'ord_1', owner: 'b', nextAt: T0_MS + 5 }),
        ).toBe(false);
        expect(
          await store.finishOrderCheck({ orderId: 'ord_1', owner: 'a', nextAt: T0_MS + 60_000 }),
        ).toBe(true);
        expect(await store.getOrderCheck('ord_1')).toEqual({
          nextCheckAt: T0_MS + 60_000,
          checks: 1,
          claimedBy: null,
          claimedUntil: null,
        });
        await store.finishOrderCheck({ orderId: 'ord_2', owner: 'a', nextAt: 7, counted: false });
        expect(await store.getOrderCheck('ord_2')).toMatchObject({ nextCheckAt: 7, checks: 0 });
        // Not due before its time, due from then.
        expect((await lease('b', T0_MS + 59_999)).map((c) => c.order.id)).toEqual(['ord_2']);
        // ord_3's lease lapses at the same time.
        expect((await lease('b', T0_MS + 60_000)).map((c) => c.order.id).sort()).toEqual([
          'ord_1',
          'ord_3',
        ]);
      });

      it('drops the check of an order once it settles, even from a check in flight', async () => {
        await lease('a', T0_MS);
        await store.applyStatus({ orderId: 'ord_1', status: 'pending', source: 'create', now: T0 });
        expect((await store.getOrderCheck('ord_1'))?.nextCheckAt).toBe(T0_MS);
        await store.applyStatus({ orderId: 'ord_1', status: 'paid', source: 'webhook', now: T0 });
        expect((await store.getOrderCheck('ord_1'))?.nextCheckAt).toBeNull();
        expect(
          await store.finishOrderCheck({ orderId: 'ord_1', owner: 'a', nextAt: T0_MS + 60_000 }),
        ).toBe(true);
        expect((await store.getOrderCheck('ord_1'))?.nextCheckAt).toBeNull();
        expect((await lease('b', T0_MS + 120_000)).map((c) => c.order.id)).not.toContain('ord_1');
      });

      it('hands each due check to exactly one of many concurrent claimers', async () => {
        for (let i = 4; i <= 30; i++) {
          await store.createOrder({
            id: `ord_${i}`,
            sessionId: 'cs_1',
            provider: 'ivy',
            method: 'ivy:bank',
            now: T0,
          });
        }
        const batches = await Promise.all(
          Array.from({ length: 6 }, (_, i) => lease(`owner-${i}`, T0_MS, 4)),
        );
        const ids = batches.flat().map((c) => c.order.id);
        expect(new Set(ids).size).toBe(ids.length);
        const rest = await lease('last', T0_MS, 100);
        expect(ids.length + rest.length).toBe(30);
      });

      it('releases the unfinished key that started an order, and only that one', async () => {
        await store.beginIdempotency({ scope: 'cs_1', key: 'k-old', requestHash: 'h', now: T0 });
        const later = new Date(T0_MS + 1000);
        await store.beginIdempotency({ scope: 'cs_1', key: 'k-new', requestHash: 'h', now: later });
        await store.beginIdempotency({ scope: 'cs_2', key: 'k-old', requestHash: 'h', now: T0 });
        expect(await store.releaseOrderKey('ord_1')).toBe(1);
        expect(
          await store.beginIdempotency({
            scope: 'cs_1',
            key: 'k-old',
            requestHash: 'h',
            now: later,
          }),
        ).toEqual({ kind: 'started' });
        expect(
          await store.beginIdempotency({
            scope: 'cs_1',
            key: 'k-new',
            requestHash: 'h',
            now: later,
          }),
        ).toEqual({ kind: 'in_progress' });
        expect(
          await store.beginIdempotency({
            scope: 'cs_2',
            key: 'k-old',
            requestHash: 'h',
            now: later,
          }),
        ).toEqual({ kind: 'in_progress' });
        expect(await store.releaseOrderKey('ord_missing')).toBe(0);
      });
    });
  });
}
