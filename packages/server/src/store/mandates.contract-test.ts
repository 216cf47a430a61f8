/**
 * @module
 * The store contract for mandates, charge orders and the merchant outbox, runnable against any
 * {@link Store} factory: the outbox message of a change is written in the change's transaction
 * (and only then), ids are stable, a dispute revokes the mandate, claims never overlap.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLedger, type Ledger } from '../core/ledger.js';
import type { SessionRecord } from '../domain/records.js';
import type { Store } from './store.js';

const T0 = new Date('2026-01-01T12:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

function session(id: string, reference: string, mandateRef?: string): SessionRecord {
  return {
    id,
    reference,
    amount: { value: 990, currency: 'EUR' },
    country: 'DE',
    returnUrl: 'https://shop.example/done',
    ...(mandateRef
      ? {
          mandate: {
            setup: true as const,
            referenceId: mandateRef,
            userNotificationEmail: 'erika@example.com',
            accountHolderName: 'Erika Mustermann',
            cadence: 'MONTHLY' as const,
          },
        }
      : {}),
    status: 'created',
    createdAt: T0.toISOString(),
    expiresAt: at(3_600_000).toISOString(),
  };
}

const event = (key: string) => ({ provider: 'ivy' as const, dedupeKey: key, rawBody: '{}' });

/** Runs the mandate/outbox contract against stores made by `factory`. */
export function runMandateStoreContract(name: string, factory: () => Promise<Store> | Store): void {
  describe(`Store contract (mandates, charges, outbox): ${name}`, () => {
    let db: Store;
    let store: Ledger;

    beforeEach(async () => {
      db = await factory();
      await db.migrate();
      store = createLedger(db);
      await store.createSession(session('cs_sub', 'sub-1', 'mandate-1'));
    });
    afterEach(async () => {
      await db.close();
    });

    async function activeMandate() {
      await store.applyMandateUpdate({
        provider: 'ivy',
        reference: 'mandate-1',
        status: 'pending',
        event: event('m-1'),
        now: T0,
      });
      const result = await store.applyMandateUpdate({
        provider: 'ivy',
        reference: 'mandate-1',
        status: 'active',
        providerMandateId: 'ivy-m-1',
        details: { debtor: { iban: 'DE89 **** 3000', accountHolderName: 'Erika' } },
        event: event('m-2'),
        now: at(1000),
      });
      if (!result.mandate) throw new Error('no mandate');
      return result.mandate;
    }

    async function chargeOrder(mandateId: string, reference: string, key = `key-${reference}`) {
      return store.createChargeOrder({
        orderId: `ord_${reference}`,
        sessionId: `cs_${reference}`,
        mandateId,
        reference,
        amount: { value: 990, currency: 'EUR' },
        method: 'ivy:mandate',
        idempotencyKey: key,
        now: at(2000),
        expiresAt: at(3_600_000),
      });
    }

    it('creates a mandate on its first notification, linked to its session, and moves it forward', async () => {
      const mandate = await activeMandate();
      expect(mandate).toMatchObject({
        provider: 'ivy',
        reference: 'mandate-1',
        providerMandateId: 'ivy-m-1',
        sessionId: 'cs_sub',
        status: 'active',
        cadence: 'MONTHLY',
        debtor: { iban: 'DE89 **** 3000' },
        version: 2,
        activatedAt: at(1000).toISOString(),
        revokedAt: null,
      });
      expect(mandate.id).toMatch(/^mdt_[A-Za-z0-9_-]{32}$/);
      expect(await store.getMandate(mandate.id)).toEqual(mandate);
      expect(await store.findMandateByReference('mandate-1')).toEqual(mandate);
      // Backwards and duplicates change nothing.
      const stale = await store.applyMandateUpdate({
        provider: 'ivy',
        reference: 'mandate-1',
        status: 'pending',
        event: event('m-3'),
        now: at(2000),
      });
      expect(stale.outcome).toBe('unchanged');
      const duplicate = await store.applyMandateUpdate({
        provider: 'ivy',
        reference: 'mandate-1',
        status: 'revoked',
        event: event('m-2'),
        now: at(2000),
      });
      expect(duplicate.outcome).toBe('duplicate');
      expect((await store.getMandate(mandate.id))?.status).toBe('active');
    });

    it('reports a mandate nobody asked for, without recording the event', async () => {
      const before = await store.countProviderEvents();
      const result = await store.applyMandateUpdate({
        provider: 'ivy',
        reference: 'unknown',
        status: 'active',
        event: event('m-x'),
        now: T0,
      });
      expect(result.outcome).toBe('not_found');
      expect(await store.countProviderEvents()).toBe(before);
    });

    it('writes exactly one outbox message per applied change, with a stable id', async () => {
      const mandate = await activeMandate();
      await store.applyMandateUpdate({
        provider: 'ivy',
        reference: 'mandate-1',
        status: 'active',
        event: event('m-again'),
        now: at(1500),
      });
      const outbox = await store.listOutbox();
      expect(outbox.map((m) => [m.id, m.type])).toEqual([
        [`msg_${mandate.id}_1`, 'mandate.updated'],
        [`msg_${mandate.id}_2`, 'mandate.updated'],
      ]);
      expect(JSON.parse(outbox[1]?.data ?? '{}')).toMatchObject({
        mandate: { id: mandate.id, status: 'active', version: 2 },
      });
    });

    it('creates charge orders only on active mandates, and resumes the same request', async () => {
      expect(await chargeOrder('mdt_missing', 'c-0')).toEqual({ kind: 'mandate_not_found' });
      await store.applyMandateUpdate({
        provider: 'ivy',
        reference: 'mandate-1',
        status: 'pending',
        now: T0,
      });
      const pending = await store.findMandateByReference('mandate-1');
      expect(await chargeOrder(pending?.id ?? '', 'c-0')).toEqual({
        kind: 'mandate_inactive',
        status: 'pending',
      });
      const mandate = await activeMandate();
      const created = await chargeOrder(mandate.id, 'c-1');
      expect(created).toMatchObject({
        kind: 'created',
        order: {
          id: 'ord_c-1',
          status: 'created',
          mandateId: mandate.id,
          providerReference: '1-c-1',
          amount: { value: 990, currency: 'EUR' },
        },
      });
      expect(await chargeOrder(mandate.id, 'c-1')).toMatchObject({
        kind: 'resumed',
        order: { id: 'ord_c-1' },
      });
      expect(await chargeOrder(mandate.id, 'c-1', 'another-key')).toEqual({
        kind: 'duplicate_reference',
      });
      expect(await chargeOrder(mandate.id, 'sub-1')).toEqual({ kind: 'duplicate_reference' });
      const chargeSession = await store.getSession('cs_c-1');
      expect(chargeSession).toMatchObject({ providers: [], country: 'DE' });
      expect(chargeSession?.chargeOf?.mandateId).toBe(mandate.id);
    });

    it('writes the order message in the same transaction, and a dispute revokes the mandate', async () => {
      const mandate = await activeMandate();
      await chargeOrder(mandate.id, 'c-1');
      for (const [status, key] of [
        ['processing', 'o-1'],
        ['processing', 'o-2'],
        ['paid', 'o-3'],
        ['paid', 'o-3'],
        ['disputed', 'o-4'],
      ] as const) {
        await store.applyStatus({
          orderId: 'ord_c-1',
          status,
          source: 'webhook',
          event: event(key),
          now: at(5000),
        });
      }
      const orderMessages = (await store.listOutbox()).filter((m) => m.subjectId === 'ord_c-1');
      expect(orderMessages.map((m) => m.id)).toEqual([
        'msg_ord_c-1_1',
        'msg_ord_c-1_2',
        'msg_ord_c-1_3',
      ]);
      expect(orderMessages.map((m) => JSON.parse(m.data).order.status)).toEqual([
        'processing',
        'paid',
        'disputed',
      ]);
      expect(JSON.parse(orderMessages[0]?.data ?? '{}')).toMatchObject({ reference: 'c-1' });
      const revoked = await store.getMandate(mandate.id);
      expect(revoked).toMatchObject({ status: 'revoked', revocationReason: 'dispute' });
      expect(revoked?.revokedAt).toBe(at(5000).toISOString());
      // The provider's own revocation afterwards is no second change.
      const late = await store.applyMandateUpdate({
        provider: 'ivy',
        reference: 'mandate-1',
        status: 'revoked',
        event: event('m-revoked'),
        now: at(6000),
      });
      expect(late.outcome).toBe('unchanged');
      const mandateMessages = (await store.listOutbox()).filter((m) => m.subjectId === mandate.id);
      expect(mandateMessages).toHaveLength(3);
      expect(await chargeOrder(mandate.id, 'c-2')).toEqual({
        kind: 'mandate_inactive',
        status: 'revoked',
      });
    });

    describe('outbox claims', () => {
      beforeEach(async () => {
        await activeMandate();
      });

      it('hands each due message to one owner, oldest first per subject, until delivered', async () => {
        const claim = (owner: string, ms: number) =>
          store.claimOutbox({ owner, now: at(ms), leaseMs: 60_000, limit: 10 });
        const first = await claim('a', 2000);
        // The second message of the mandate waits for the first.
        expect(first.map((m) => m.id)).toHaveLength(1);
        expect(await claim('b', 2000)).toEqual([]);
        await store.finishOutboxAttempt(first[0]?.id ?? '', {
          owner: 'a',
          now: at(2100),
          delivered: false,
          retryAt: at(10_000).getTime(),
          status: 500,
        });
        expect(await claim('b', 5000)).toEqual([]);
        const retried = await claim('b', 10_000);
        expect(retried.map((m) => [m.id, m.attempts])).toEqual([[first[0]?.id, 1]]);
        await store.finishOutboxAttempt(retried[0]?.id ?? '', {
          owner: 'b',
          now: at(10_100),
          delivered: true,
          status: 200,
        });
        const next = await claim('a', 10_200);
        expect(next).toHaveLength(1);
        expect(next[0]?.id).not.toBe(first[0]?.id);
        const outbox = await store.listOutbox();
        expect(outbox[0]).toMatchObject({ attempts: 2, lastStatus: 200 });
        expect(outbox[0]?.deliveredAt).toBe(at(10_100).toISOString());
      });

      it('ignores the attempt of an owner whose lease another owner took over', async () => {
        const [message] = await store.claimOutbox({
          owner: 'a',
          now: at(2000),
          leaseMs: 1000,
          limit: 10,
        });
        const takeover = await store.claimOutbox({
          owner: 'b',
          now: at(3001),
          leaseMs: 1000,
          limit: 10,
        });
        expect(takeover.map((m) => m.id)).toEqual([message?.id]);
        await store.finishOutboxAttempt(message?.id ?? '', {
          owner: 'a',
          now: at(3100),
          delivered: true,
        });
        expect((await store.listOutbox())[0]?.deliveredAt).toBeNull();
      });

      it('never gives one message to two concurrent claimers', async () => {
        for (let i = 0; i < 20; i++) {
          await store.createSession(session(`cs_${i}`, `order-${i}`));
          await store.createOrder({
            id: `ord_${i}`,
            sessionId: `cs_${i}`,
            provider: 'ivy',
            method: 'ivy:bank',
            now: T0,
          });
          await store.applyStatus({
            orderId: `ord_${i}`,
            status: 'pending',
            source: 'create',
            now: T0,
          });
        }
        const claims = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            store.claimOutbox({ owner: `o${i}`, now: at(2000), leaseMs: 60_000, limit: 5 }),
          ),
        );
        const ids = claims.flat().map((m) => m.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids).toHaveLength(21);
      });
    });
  });
}
