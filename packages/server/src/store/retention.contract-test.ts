/**
 * @module
 * Dead notifications and retention, as every {@link Store} must do them under the ledger:
 * parking, per-subject order behind a dead message, re-queueing, paging by status, batched
 * deletes by age that leave young rows (and foreign keys) alone, and the job lease.
 * sqlite/sqlite-store.test.ts and postgres/postgres-store.test.ts run it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLedger, type Ledger } from '../core/ledger.js';
import type { OrderStatus } from '@pay-checkout/protocol/status';
import type { Store } from './store.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const NOW = new Date('2026-06-01T12:00:00.000Z');

function ago(ms: number): Date {
  return new Date(NOW.getTime() - ms);
}

/** Runs the retention contract against stores made by `factory` (one fresh store per test). */
export function runRetentionStoreContract(
  name: string,
  factory: () => Promise<Store> | Store,
): void {
  describe(`Retention store contract: ${name}`, () => {
    let db: Store;
    let ledger: Ledger;

    beforeEach(async () => {
      db = await factory();
      await db.migrate();
      ledger = createLedger(db);
    });
    afterEach(async () => {
      await db.close();
    });

    /** A session (and its order) with status `status`, expiring at `expiresAt`. */
    async function sessionWithOrder(id: string, status: OrderStatus, expiresAt: Date) {
      await db.sessions.insert({
        id: `cs_${id}`,
        reference: `ref-${id}`,
        amount: { value: 100, currency: 'EUR' },
        country: 'DE',
        returnUrl: 'https://shop.example/',
        status,
        createdAt: new Date(expiresAt.getTime() - 3_600_000).toISOString(),
        expiresAt: expiresAt.toISOString(),
      });
      await db.orders.insert({
        id: `ord_${id}`,
        sessionId: `cs_${id}`,
        attempt: 1,
        provider: 'ivy',
        method: 'ivy:bank',
        providerReference: `1-ref-${id}`,
        providerOrderId: null,
        status,
        amount: { value: 100, currency: 'EUR' },
        needsReview: false,
        lateSuccess: false,
        createdAt: expiresAt.toISOString(),
        updatedAt: expiresAt.toISOString(),
      });
    }

    async function message(id: string, subjectId: string, at: Date = NOW): Promise<void> {
      await db.outbox.append({
        id,
        type: 'order.updated',
        subjectId,
        data: '{}',
        createdAt: at.toISOString(),
        nextAttemptAt: at.getTime(),
      });
    }

    async function claim(id: string, owner = 'w1', now = NOW): Promise<void> {
      expect(await db.outbox.claim(id, owner, now.getTime() + 60_000, now.getTime())).toBe(true);
    }

    it('parks a failing message, keeps its subject waiting, and re-queues it', async () => {
      await message('m1', 'ord_a');
      await message('m2', 'ord_a');
      await message('m3', 'ord_b');
      await claim('m1');
      await db.outbox.finish('m1', {
        owner: 'w1',
        now: NOW,
        delivered: false,
        retryAt: NOW.getTime(),
        status: 500,
      });
      expect(await db.outbox.get('m1')).toMatchObject({
        attempts: 1,
        failedAttempts: 1,
        firstFailedAt: NOW.toISOString(),
        deadAt: null,
      });
      await claim('m1');
      // Only the claim's holder parks it.
      expect(await db.outbox.park('m1', { owner: 'w2', now: NOW, delivered: false })).toBe(false);
      const later = new Date(NOW.getTime() + 1000);
      expect(
        await db.outbox.park('m1', { owner: 'w1', now: later, delivered: false, error: 'timeout' }),
      ).toBe(true);
      expect(await db.outbox.get('m1')).toMatchObject({
        attempts: 2,
        failedAttempts: 2,
        firstFailedAt: NOW.toISOString(),
        deadAt: later.toISOString(),
        lastError: 'timeout',
      });
      expect(await ledger.countDeadNotifications()).toBe(1);

      // Neither the dead one nor the one behind it is due; the other subject is.
      const due = await db.outbox.due(later.getTime() + 10_000, 10);
      expect(due.map((m) => m.id)).toEqual(['m3']);
      expect(await db.outbox.claim('m1', 'w3', later.getTime() + 1, later.getTime())).toBe(false);

      expect(
        (await ledger.listNotifications({ status: 'dead', limit: 10 })).map((m) => m.id),
      ).toEqual(['m1']);
      expect(
        (await ledger.listNotifications({ status: 'pending', limit: 10 })).map((m) => m.id),
      ).toEqual(['m2', 'm3']);

      // Not dead: nothing to re-queue.
      expect(await ledger.retryNotification('m2', later)).toMatchObject({ kind: 'not_dead' });
      expect(await ledger.retryNotification('m_missing', later)).toEqual({ kind: 'not_found' });

      const retried = await ledger.retryNotification('m1', later);
      expect(retried).toMatchObject({
        kind: 'requeued',
        message: {
          id: 'm1',
          attempts: 2,
          failedAttempts: 0,
          firstFailedAt: null,
          deadAt: null,
          nextAttemptAt: later.getTime(),
        },
      });
      expect(await ledger.countDeadNotifications()).toBe(0);
      const again = await db.outbox.due(later.getTime(), 10);
      expect(again.map((m) => m.id)).toEqual(['m1', 'm3']);
      // A second retry finds nothing dead.
      expect(await ledger.retryNotification('m1', later)).toMatchObject({ kind: 'not_dead' });
    });

    it('pages notifications by position and status', async () => {
      for (let i = 1; i <= 5; i++) await message(`p${i}`, `ord_${i}`);
      const first = await ledger.listNotifications({ limit: 2 });
      expect(first.map((m) => m.id)).toEqual(['p1', 'p2']);
      const next = await ledger.listNotifications({ limit: 2, afterSeq: first[1]?.seq ?? 0 });
      expect(next.map((m) => m.id)).toEqual(['p3', 'p4']);
      await claim('p5');
      await db.outbox.finish('p5', { owner: 'w1', now: NOW, delivered: true, status: 200 });
      expect(
        (await ledger.listNotifications({ status: 'delivered', limit: 10 })).map((m) => m.id),
      ).toEqual(['p5']);
    });

    it('deletes delivered notifications by delivery age, in batches', async () => {
      for (let i = 0; i < 5; i++) {
        await message(`old${i}`, `ord_o${i}`, ago(40 * DAY_MS));
        await claim(`old${i}`, 'w1', ago(40 * DAY_MS));
        await db.outbox.finish(`old${i}`, {
          owner: 'w1',
          now: ago(40 * DAY_MS),
          delivered: true,
          status: 200,
        });
      }
      await message('young', 'ord_y', ago(40 * DAY_MS));
      await claim('young', 'w1', ago(40 * DAY_MS));
      await db.outbox.finish('young', { owner: 'w1', now: ago(DAY_MS), delivered: true });
      // Old but never delivered: kept.
      await message('waiting', 'ord_w', ago(40 * DAY_MS));

      const before = ago(30 * DAY_MS);
      expect(await ledger.prune('notifications', before, 2)).toBe(2);
      expect(await ledger.prune('notifications', before, 2)).toBe(2);
      expect(await ledger.prune('notifications', before, 2)).toBe(1);
      expect(await ledger.prune('notifications', before, 2)).toBe(0);
      expect((await ledger.listOutbox()).map((m) => m.id)).toEqual(['young', 'waiting']);
    });

    it('deletes provider events and processed inbox events by age', async () => {
      await sessionWithOrder('pe', 'paid', ago(50 * DAY_MS));
      for (const [key, age] of [
        ['old-1', 40],
        ['old-2', 36],
        ['young', 10],
      ] as const) {
        await db.events.insertIfNew({
          provider: 'ivy',
          dedupeKey: key,
          rawBody: '{}',
          // Events that point at an order go, the order stays.
          orderId: 'ord_pe',
          status: 'paid',
          source: 'webhook',
          receivedAt: ago(age * DAY_MS).toISOString(),
        });
      }
      const before = ago(35 * DAY_MS);
      expect(await ledger.prune('provider_events', before, 500)).toBe(2);
      expect(await db.events.exists('ivy', 'old-1')).toBe(false);
      expect(await db.events.exists('ivy', 'young')).toBe(true);
      expect(await db.orders.get('ord_pe')).not.toBeNull();

      const processed = await db.inbox.insertIfNew({
        provider: 'ivy',
        dedupeKey: 'in-old',
        body: '{}',
        subject: null,
        headers: {},
        receivedAt: ago(40 * DAY_MS).toISOString(),
        nextAttemptAt: ago(40 * DAY_MS).getTime(),
      });
      const unprocessed = await db.inbox.insertIfNew({
        provider: 'ivy',
        dedupeKey: 'in-stuck',
        body: '{}',
        subject: null,
        headers: {},
        receivedAt: ago(40 * DAY_MS).toISOString(),
        nextAttemptAt: NOW.getTime() + 60_000,
      });
      if (typeof processed !== 'number' || typeof unprocessed !== 'number')
        throw new Error('inbox insert failed');
      const at = ago(40 * DAY_MS).getTime();
      expect(await db.inbox.claim(processed, 'w1', at + 60_000, at)).not.toBeNull();
      const event = await db.inbox.get(processed);
      expect(
        await db.inbox.finish(processed, 'w1', {
          processed: true,
          outcome: 'applied',
          at: ago(40 * DAY_MS).toISOString(),
          revision: event?.revision ?? 0,
        }),
      ).toBe(true);
      expect(await ledger.prune('webhook_inbox', before, 500)).toBe(1);
      expect(await db.inbox.get(processed)).toBeNull();
      expect(await db.inbox.get(unprocessed)).not.toBeNull();
    });

    it('deletes idempotency keys older than their horizon, finished or not', async () => {
      await db.idempotency.insertIfAbsent('s1', 'done', 'h', ago(2 * DAY_MS).toISOString());
      await db.idempotency.complete('s1', 'done', 201, '{}');
      await db.idempotency.insertIfAbsent('s1', 'stuck', 'h', ago(2 * DAY_MS).toISOString());
      await db.idempotency.insertIfAbsent('s2', 'fresh', 'h', ago(3_600_000).toISOString());
      expect(await ledger.prune('idempotency_keys', ago(DAY_MS), 1)).toBe(1);
      expect(await ledger.prune('idempotency_keys', ago(DAY_MS), 500)).toBe(1);
      expect(await db.idempotency.get('s1', 'done')).toBeNull();
      expect(await db.idempotency.get('s1', 'stuck')).toBeNull();
      expect(await db.idempotency.get('s2', 'fresh')).not.toBeNull();
    });

    it('deletes the history of sessions settled long ago, keeping each one’s latest event', async () => {
      await sessionWithOrder('old', 'paid', ago(100 * DAY_MS));
      await sessionWithOrder('open', 'pending', ago(100 * DAY_MS));
      await sessionWithOrder('recent', 'failed', ago(10 * DAY_MS));
      for (const id of ['old', 'open', 'recent']) {
        for (let seq = 1; seq <= 3; seq++) {
          await db.sessionEvents.append({
            sessionId: `cs_${id}`,
            seq,
            orderId: `ord_${id}`,
            status: seq === 1 ? 'pending' : 'paid',
            at: ago(100 * DAY_MS).toISOString(),
          });
        }
      }
      const before = ago(90 * DAY_MS);
      expect(await ledger.prune('session_events', before, 1)).toBe(1);
      expect(await ledger.prune('session_events', before, 500)).toBe(1);
      expect(await ledger.prune('session_events', before, 500)).toBe(0);
      expect((await db.sessionEvents.listAfter('cs_old', 0)).map((e) => e.seq)).toEqual([3]);
      expect(await db.sessionEvents.listAfter('cs_open', 0)).toHaveLength(3);
      expect(await db.sessionEvents.listAfter('cs_recent', 0)).toHaveLength(3);
      // The session and its order stay.
      expect(await db.sessions.get('cs_old')).not.toBeNull();
    });

    it('leases a job to one owner at a time until the lease lapses', async () => {
      const t = NOW.getTime();
      expect(await ledger.claimJob('retention', 'a', t + 1000, t)).toBe(true);
      expect(await ledger.claimJob('retention', 'b', t + 1500, t + 500)).toBe(false);
      // The holder renews.
      expect(await ledger.claimJob('retention', 'a', t + 2000, t + 900)).toBe(true);
      expect(await ledger.claimJob('retention', 'b', t + 3000, t + 1999)).toBe(false);
      expect(await ledger.claimJob('retention', 'b', t + 3000, t + 2000)).toBe(true);
      expect(await ledger.claimJob('other', 'a', t + 3000, t)).toBe(true);
      // Two claimants at once: one wins.
      const results = await Promise.all(
        ['c', 'd', 'e', 'f'].map((owner) => ledger.claimJob('race', owner, t + 1000, t)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });
}
