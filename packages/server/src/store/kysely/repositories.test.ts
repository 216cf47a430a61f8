/**
 * @module
 * The repositories row by row, the same cases against SQLite and PostgreSQL: what each method
 * writes and reads back, the conditional writes (moves, claims, version checks, first inserts)
 * and units of work that commit or roll back as one.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DuplicateReferenceError,
  type MandateRecord,
  type OrderRecord,
  type SessionRecord,
} from '../../domain/records.js';
import { describePostgres } from '../../test-support/postgres.js';
import { openPostgresTestStore, openSqliteMemoryStore } from '../../test-support/test-stores.js';
import type { NewOutboxMessage, Store } from '../store.js';

const T0 = '2026-01-01T12:00:00.000Z';
const T1 = '2026-01-01T12:05:00.000Z';
const MS0 = Date.parse(T0);

function session(id: string, reference: string, extra: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id,
    reference,
    amount: { value: 1999, currency: 'EUR' },
    country: 'DE',
    returnUrl: 'https://shop.example/done',
    status: 'created',
    createdAt: T0,
    expiresAt: '2026-01-01T13:00:00.000Z',
    ...extra,
  };
}

function order(id: string, sessionId: string, attempt: number): OrderRecord {
  return {
    id,
    sessionId,
    attempt,
    provider: 'ivy',
    method: 'ivy:bank',
    providerReference: `${attempt}-${sessionId}`,
    providerOrderId: null,
    status: 'created',
    amount: { value: 1999, currency: 'EUR' },
    needsReview: false,
    lateSuccess: false,
    mandateId: null,
    version: 0,
    createdAt: T0,
    updatedAt: T0,
  };
}

function mandate(id: string, reference: string, extra: Partial<MandateRecord> = {}): MandateRecord {
  return {
    id,
    provider: 'ivy',
    reference,
    providerMandateId: null,
    sessionId: 'cs_1',
    status: 'pending',
    version: 1,
    createdAt: T0,
    updatedAt: T0,
    activatedAt: null,
    revokedAt: null,
    ...extra,
  };
}

function message(id: string, subjectId: string, nextAttemptAt = MS0): NewOutboxMessage {
  return {
    id,
    type: 'order.updated',
    subjectId,
    data: `{"id":"${id}"}`,
    createdAt: T0,
    nextAttemptAt,
  };
}

function runRepositoryTests(engine: string, open: () => Promise<Store> | Store): void {
  describe(`repositories: ${engine}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await open();
      await store.migrate();
      await store.sessions.insert(session('cs_1', 'order-1'));
    });
    afterEach(async () => {
      await store.close();
    });

    describe('sessions', () => {
      it('keeps every detail and leaves out what is not set', async () => {
        const full = session('cs_full', 'order-full', {
          description: 'Two mugs',
          locale: undefined,
          customer: { email: 'a@example.com', name: undefined },
          providers: ['ivy'],
          metadata: { z: '1', a: '2' },
          chargeOf: { mandateId: 'mdt_1', idempotencyKey: 'k-1' },
        });
        await store.sessions.insert(full);
        const read = await store.sessions.get('cs_full');
        expect(read).toEqual(full);
        expect(read && 'locale' in read).toBe(false);
        expect(read?.customer && 'name' in read.customer).toBe(false);
        // The merchant's metadata keeps its order.
        expect(Object.keys(read?.metadata ?? {})).toEqual(['z', 'a']);
        const bare = await store.sessions.get('cs_1');
        expect(bare).toEqual(session('cs_1', 'order-1'));
        expect(Object.keys(bare ?? {}).sort()).toEqual(Object.keys(session('x', 'y')).sort());
      });

      it('finds a session by reference and by the newest mandate request', async () => {
        const setup = (referenceId: string) =>
          ({
            setup: true,
            referenceId,
            userNotificationEmail: 'a@example.com',
            accountHolderName: 'A',
          }) as SessionRecord['mandate'];
        await store.sessions.insert(session('cs_m1', 'm-1', { mandate: setup('mandate-1') }));
        await store.sessions.insert(
          session('cs_m2', 'm-2', { mandate: setup('mandate-1'), createdAt: T1 }),
        );
        expect((await store.sessions.getByReference('m-1'))?.id).toBe('cs_m1');
        expect(await store.sessions.getByReference('m-missing')).toBeNull();
        expect((await store.sessions.findByMandateReference('mandate-1'))?.id).toBe('cs_m2');
        expect(await store.sessions.findByMandateReference('mandate-2')).toBeNull();
      });

      it('reports a taken reference as such, and other conflicts as they are', async () => {
        await expect(store.sessions.insert(session('cs_2', 'order-1'))).rejects.toBeInstanceOf(
          DuplicateReferenceError,
        );
        const sameId = store.sessions.insert(session('cs_1', 'order-other'));
        await expect(sameId).rejects.toThrow();
        await expect(sameId).rejects.not.toBeInstanceOf(DuplicateReferenceError);
      });

      it('sets the status, and locks inside a unit of work', async () => {
        await store.sessions.setStatus('cs_1', 'paid');
        const read = await store.transaction((tx) => tx.sessions.get('cs_1', { lock: true }));
        expect(read?.status).toBe('paid');
      });
    });

    describe('orders', () => {
      it('numbers attempts and lists them in order', async () => {
        expect(await store.orders.lastAttempt('cs_1')).toBe(0);
        await store.orders.insert(order('ord_2', 'cs_1', 2));
        await store.orders.insert(order('ord_1', 'cs_1', 1));
        expect(await store.orders.lastAttempt('cs_1')).toBe(2);
        expect((await store.orders.listBySession('cs_1')).map((o) => o.id)).toEqual([
          'ord_1',
          'ord_2',
        ]);
        expect(await store.orders.get('ord_1')).toEqual(order('ord_1', 'cs_1', 1));
        expect(await store.orders.findByProviderReference('ivy', '2-cs_1')).toMatchObject({
          id: 'ord_2',
        });
        expect(await store.orders.findByProviderReference('koywe', '2-cs_1')).toBeNull();
        await expect(store.orders.insert(order('ord_3', 'cs_1', 1))).rejects.toThrow();
      });

      it('records the provider id once and flags a review', async () => {
        await store.orders.insert(order('ord_1', 'cs_1', 1));
        await store.orders.setProviderOrderId('ord_1', 'p-1');
        await store.orders.setProviderOrderId('ord_1', 'p-2');
        await store.orders.flagReview('ord_1', T1);
        expect(await store.orders.get('ord_1')).toMatchObject({
          providerOrderId: 'p-1',
          needsReview: true,
          updatedAt: T1,
        });
      });

      it('moves only from the expected status, and keeps a late success', async () => {
        await store.orders.insert({ ...order('ord_1', 'cs_1', 1), status: 'failed' });
        const move = { version: 1, lateSuccess: true, updatedAt: T1 } as const;
        expect(await store.orders.move('ord_1', { ...move, from: 'created', to: 'paid' })).toBe(
          false,
        );
        expect(await store.orders.move('ord_1', { ...move, from: 'failed', to: 'paid' })).toBe(
          true,
        );
        expect(
          await store.orders.move('ord_1', {
            from: 'paid',
            to: 'refunded',
            version: 2,
            lateSuccess: false,
            updatedAt: T1,
          }),
        ).toBe(true);
        expect(await store.orders.get('ord_1')).toMatchObject({
          status: 'refunded',
          version: 2,
          lateSuccess: true,
          updatedAt: T1,
        });
        expect(
          await store.orders.move('ord_missing', { ...move, from: 'failed', to: 'paid' }),
        ).toBe(false);
      });
    });

    describe('provider events', () => {
      const row = (dedupeKey: string) => ({
        provider: 'ivy' as const,
        dedupeKey,
        rawBody: '{"a":1}',
        orderId: null,
        status: 'paid',
        source: 'webhook',
        receivedAt: T0,
      });

      it('inserts each (provider, key) once, and counts them', async () => {
        const id = await store.events.insertIfNew(row('evt-1'));
        expect(typeof id).toBe('number');
        expect(await store.events.insertIfNew(row('evt-1'))).toBeNull();
        const other = await store.events.insertIfNew({ ...row('evt-1'), provider: 'koywe' });
        expect(other).not.toBeNull();
        expect(other).not.toBe(id);
        expect(await store.events.exists('ivy', 'evt-1')).toBe(true);
        expect(await store.events.exists('ivy', 'evt-2')).toBe(false);
        expect(await store.events.count()).toBe(2);
      });

      it('stores what applying the event did with it, unapplied and without anomaly by default', async () => {
        await store.orders.insert(order('ord_1', 'cs_1', 1));
        await store.events.insertIfNew({ ...row('evt-1'), orderId: 'ord_1' });
        await store.events.insertIfNew({
          ...row('evt-2'),
          orderId: 'ord_1',
          applied: true,
          anomaly: 'late_success',
        });
        expect(
          (await store.consoleReads.providerEvents('ord_1')).map(({ applied, anomaly }) => ({
            applied,
            anomaly,
          })),
        ).toEqual([
          { applied: false, anomaly: null },
          { applied: true, anomaly: 'late_success' },
        ]);
      });
    });

    describe('session events', () => {
      const event = (seq: number) => ({
        sessionId: 'cs_1',
        seq,
        orderId: null,
        status: 'pending' as const,
        at: T0,
      });

      it('appends in order, reads after a position, and refuses a repeated position', async () => {
        expect(await store.sessionEvents.latest('cs_1')).toBeNull();
        for (const seq of [1, 2, 3]) await store.sessionEvents.append(event(seq));
        await expect(store.sessionEvents.append(event(2))).rejects.toThrow();
        expect(await store.sessionEvents.latest('cs_1')).toEqual(event(3));
        expect((await store.sessionEvents.listAfter('cs_1', 1)).map((e) => e.seq)).toEqual([2, 3]);
        expect(await store.sessionEvents.listAfter('cs_1', 3)).toEqual([]);
      });
    });

    describe('mandates', () => {
      it('keeps details compact, finds by reference and updates on the expected version', async () => {
        const first = mandate('mdt_1', 'ref-1', {
          cadence: 'MONTHLY',
          debtor: { iban: 'DE89…3000' },
          failure: undefined,
        });
        await store.mandates.insert(first);
        await store.mandates.insert(
          mandate('mdt_2', 'ref-1', { provider: 'koywe', createdAt: T1 }),
        );
        const { failure: _, ...expected } = first;
        expect(await store.mandates.get('mdt_1')).toEqual(expected);
        expect(await store.mandates.getByReference('ivy', 'ref-1')).toEqual(expected);
        expect(await store.mandates.getByReference('ivy', 'ref-2')).toBeNull();
        expect((await store.mandates.findByReference('ref-1'))?.id).toBe('mdt_2');

        const active = {
          ...expected,
          status: 'active' as const,
          version: 2,
          providerMandateId: 'pm-1',
          activatedAt: T1,
          updatedAt: T1,
        };
        expect(await store.mandates.update(active, 2)).toBe(false);
        expect(await store.mandates.update(active, 1)).toBe(true);
        expect(await store.mandates.update({ ...active, version: 3 }, 1)).toBe(false);
        expect(await store.mandates.get('mdt_1', { lock: false })).toEqual(active);
      });
    });

    describe('outbox', () => {
      it('hands out due messages oldest first, one subject at a time', async () => {
        await store.outbox.append(message('m1', 'ord_a'));
        await store.outbox.append(message('m2', 'ord_a'));
        await store.outbox.append(message('m3', 'ord_b'));
        await store.outbox.append(message('m4', 'ord_c', MS0 + 60_000));
        expect((await store.outbox.due(MS0, 10)).map((m) => m.id)).toEqual(['m1', 'm3']);
        expect((await store.outbox.due(MS0, 1)).map((m) => m.id)).toEqual(['m1']);
        expect((await store.outbox.due(MS0 + 60_000, 10)).map((m) => m.id)).toEqual([
          'm1',
          'm3',
          'm4',
        ]);
        await expect(store.outbox.append(message('m1', 'ord_z'))).rejects.toThrow();
      });

      it('claims a message only while it is free, and finishes it only for its owner', async () => {
        await store.outbox.append(message('m1', 'ord_a'));
        await store.outbox.append(message('m2', 'ord_a'));
        expect(await store.outbox.claim('m1', 'a', MS0 + 1000, MS0)).toBe(true);
        expect(await store.outbox.claim('m1', 'b', MS0 + 1000, MS0 + 999)).toBe(false);
        expect(await store.outbox.due(MS0 + 999, 10)).toEqual([]);
        // An expired claim may be taken over.
        expect(await store.outbox.claim('m1', 'b', MS0 + 5000, MS0 + 1000)).toBe(true);

        await store.outbox.finish('m1', { owner: 'a', now: new Date(T1), delivered: true });
        expect((await store.outbox.list())[0]).toMatchObject({ attempts: 0, deliveredAt: null });

        await store.outbox.finish('m1', {
          owner: 'b',
          now: new Date(T1),
          delivered: false,
          retryAt: MS0 + 9000,
          status: 503,
          error: 'unavailable',
        });
        expect((await store.outbox.list())[0]).toMatchObject({
          attempts: 1,
          nextAttemptAt: MS0 + 9000,
          lastStatus: 503,
          lastError: 'unavailable',
          deliveredAt: null,
        });
        // Handed back unattempted: the count stays.
        expect(await store.outbox.claim('m1', 'b', MS0 + 20_000, MS0 + 9000)).toBe(true);
        await store.outbox.finish('m1', {
          owner: 'b',
          now: new Date(T1),
          delivered: false,
          retryAt: MS0 + 9000,
          counted: false,
        });
        expect((await store.outbox.list())[0]?.attempts).toBe(1);

        expect(await store.outbox.claim('m1', 'c', MS0 + 20_000, MS0 + 9000)).toBe(true);
        await store.outbox.finish('m1', { owner: 'c', now: new Date(T1), delivered: true });
        const [delivered, next] = await store.outbox.list();
        expect(delivered).toMatchObject({
          id: 'm1',
          attempts: 2,
          deliveredAt: T1,
          nextAttemptAt: Date.parse(T1),
          lastStatus: null,
          lastError: null,
        });
        expect(await store.outbox.claim('m1', 'd', MS0 + 99_000, MS0 + 99_000)).toBe(false);
        expect((await store.outbox.due(MS0 + 9000, 10)).map((m) => m.id)).toEqual([next?.id]);
        expect(delivered?.seq).toBeLessThan(next?.seq ?? 0);
      });
    });

    describe('idempotency keys', () => {
      it('inserts a key once, completes it, and releases only an unfinished one', async () => {
        expect(await store.idempotency.get('cs_1', 'k')).toBeNull();
        expect(await store.idempotency.insertIfAbsent('cs_1', 'k', 'h1', T0)).toBe(true);
        expect(await store.idempotency.insertIfAbsent('cs_1', 'k', 'h2', T1)).toBe(false);
        expect(await store.idempotency.get('cs_1', 'k')).toEqual({
          scope: 'cs_1',
          key: 'k',
          requestHash: 'h1',
          state: 'in_progress',
          responseStatus: null,
          responseBody: null,
          createdAt: T0,
        });
        await store.idempotency.complete('cs_1', 'k', 201, '{"ok":true}');
        await store.idempotency.release('cs_1', 'k');
        expect(await store.idempotency.get('cs_1', 'k')).toMatchObject({
          state: 'done',
          responseStatus: 201,
          responseBody: '{"ok":true}',
        });
        await store.idempotency.delete('cs_1', 'k');
        expect(await store.idempotency.get('cs_1', 'k')).toBeNull();
        expect(await store.idempotency.insertIfAbsent('cs_1', 'k', 'h3', T1)).toBe(true);
        await store.idempotency.release('cs_1', 'k');
        expect(await store.idempotency.get('cs_1', 'k')).toBeNull();
      });
    });

    describe('units of work', () => {
      it('commits every write together and answers what the work returns', async () => {
        const result = await store.transaction(async (tx) => {
          await tx.orders.insert(order('ord_1', 'cs_1', 1));
          await tx.sessions.setStatus('cs_1', 'pending');
          await tx.sessionEvents.append({
            sessionId: 'cs_1',
            seq: 1,
            orderId: 'ord_1',
            status: 'pending',
            at: T0,
          });
          return tx.orders.lastAttempt('cs_1');
        });
        expect(result).toBe(1);
        expect((await store.sessions.get('cs_1'))?.status).toBe('pending');
        expect(await store.sessionEvents.latest('cs_1')).toMatchObject({ orderId: 'ord_1' });
      });

      it('rolls every write back when the work fails', async () => {
        await expect(
          store.transaction(async (tx) => {
            await tx.orders.insert(order('ord_1', 'cs_1', 1));
            await tx.sessions.setStatus('cs_1', 'pending');
            await tx.outbox.append(message('m1', 'ord_1'));
            throw new Error('undo');
          }),
        ).rejects.toThrow('undo');
        expect(await store.orders.get('ord_1')).toBeNull();
        expect((await store.sessions.get('cs_1'))?.status).toBe('created');
        expect(await store.outbox.list()).toEqual([]);
      });

      it('rolls back a unit of work that a failed statement ended', async () => {
        await expect(
          store.transaction(async (tx) => {
            await tx.sessions.setStatus('cs_1', 'pending');
            await tx.sessions.insert(session('cs_2', 'order-1'));
          }),
        ).rejects.toBeInstanceOf(DuplicateReferenceError);
        expect((await store.sessions.get('cs_1'))?.status).toBe('created');
        await expect(store.ping()).resolves.toBeUndefined();
      });
    });
  });
}

runRepositoryTests('sqlite', openSqliteMemoryStore);

describePostgres('repositories on postgres', () => {
  runRepositoryTests('postgres', () => openPostgresTestStore('repositories'));
});
