/**
 * @module
 * The repositories of store.ts as Kysely queries, shared by SQLite and PostgreSQL: every SQL
 * statement of the stores and every row ↔ record mapping lives here. The engines differ in
 * four places only: `{ lock: true }` adds `FOR UPDATE` on PostgreSQL (a SQLite unit of work
 * holds the write lock already); the due outbox messages and order checks are read
 * `FOR UPDATE SKIP LOCKED` on
 * PostgreSQL; a session event is announced with `pg_notify` on PostgreSQL; and each engine
 * reports a unique violation its own way.
 */
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { OrderStatus } from '@pay-checkout/protocol/status';
import type { ProviderId } from '@pay-checkout/protocol';
import { SESSION_NOTICE_CHANNEL, encodeSessionNotice } from '../../bus/session-notice.js';
import {
  DuplicateReferenceError,
  type MandateDetails,
  type MandateRecord,
  type OrderRecord,
  type OutboxMessage,
  type OutboxType,
  type SessionEvent,
  type SessionRecord,
} from '../../domain/records.js';
import type {
  DueOrderCheck,
  IdempotencyRepository,
  MandateRepository,
  OrderCheckRepository,
  OrderRepository,
  OutboxRepository,
  ProviderEventRepository,
  ReadOptions,
  Repositories,
  RetentionRepository,
  SessionEventRepository,
  SessionRepository,
} from '../store.js';
import type {
  Database,
  IdempotencyKeysTable,
  MandatesTable,
  OrdersTable,
  OutboxTable,
  SessionEventsTable,
  SessionsTable,
} from './schema.js';
import { createInboxRepository } from './inbox-repository.js';
import { createLimitCounterRepository } from './limit-counters.js';
import { createConsoleRepositories } from './console-repositories.js';

export type Engine = 'sqlite' | 'postgres';

/** A database handle or a unit of work on it; both run the same queries. */
export type Executor = Kysely<Database> | Transaction<Database>;

type SessionRow = Selectable<SessionsTable>;
type OrderRow = Selectable<OrdersTable>;
type MandateRow = Selectable<MandatesTable>;
type OutboxRow = Selectable<OutboxTable>;
type SessionEventRow = Selectable<SessionEventsTable>;
type IdempotencyRow = Selectable<IdempotencyKeysTable>;

/** What a session keeps in its `details` JSON. */
type SessionDetails = Pick<
  SessionRecord,
  'description' | 'locale' | 'customer' | 'providers' | 'mandate' | 'metadata' | 'chargeOf'
>;

/** Drops undefined members, so that stored JSON holds only what is set. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function toSession(row: SessionRow): SessionRecord {
  const details = JSON.parse(row.details) as SessionDetails;
  return {
    id: row.id,
    reference: row.reference,
    amount: { value: row.amount_value, currency: row.currency },
    country: row.country,
    returnUrl: row.return_url,
    ...details,
    status: row.status as OrderStatus,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

function toSessionRow(session: SessionRecord): SessionRow {
  const details: SessionDetails = compact({
    description: session.description,
    locale: session.locale,
    customer: session.customer,
    providers: session.providers,
    mandate: session.mandate,
    metadata: session.metadata,
    chargeOf: session.chargeOf,
  });
  return {
    id: session.id,
    reference: session.reference,
    amount_value: session.amount.value,
    currency: session.amount.currency,
    country: session.country,
    return_url: session.returnUrl,
    details: JSON.stringify(details),
    mandate_reference: session.mandate?.referenceId ?? null,
    status: session.status,
    created_at: session.createdAt,
    expires_at: session.expiresAt,
  };
}

/** An order row as its record (the reconciler's check columns are not part of it). */
export function toOrder(
  row: Omit<OrderRow, 'next_check_at' | 'checks' | 'check_claimed_by' | 'check_claimed_until'>,
): OrderRecord {
  return {
    id: row.id,
    sessionId: row.session_id,
    attempt: row.attempt,
    provider: row.provider as ProviderId,
    method: row.method,
    providerReference: row.provider_reference,
    providerOrderId: row.provider_order_id,
    status: row.status as OrderStatus,
    amount: { value: row.amount_value, currency: row.currency },
    needsReview: Boolean(row.needs_review),
    lateSuccess: Boolean(row.late_success),
    mandateId: row.mandate_id,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toMandate(row: MandateRow): MandateRecord {
  const details = JSON.parse(row.details) as MandateDetails;
  return {
    ...details,
    id: row.id,
    provider: row.provider as ProviderId,
    reference: row.reference,
    providerMandateId: row.provider_mandate_id,
    sessionId: row.session_id,
    status: row.status,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    activatedAt: row.activated_at,
    revokedAt: row.revoked_at,
  };
}

function toMandateRow(mandate: MandateRecord): MandateRow {
  const { debtor, creditor, bankReference, signedAt, cadence, failure, revocationReason } = mandate;
  const details: MandateDetails = compact({
    debtor,
    creditor,
    bankReference,
    signedAt,
    cadence,
    failure,
    revocationReason,
  });
  return {
    id: mandate.id,
    provider: mandate.provider,
    reference: mandate.reference,
    provider_mandate_id: mandate.providerMandateId,
    session_id: mandate.sessionId,
    status: mandate.status,
    details: JSON.stringify(details),
    version: mandate.version,
    created_at: mandate.createdAt,
    updated_at: mandate.updatedAt,
    activated_at: mandate.activatedAt,
    revoked_at: mandate.revokedAt,
  };
}

export function toOutbox(row: OutboxRow): OutboxMessage {
  return {
    seq: row.seq,
    id: row.id,
    type: row.type as OutboxType,
    subjectId: row.subject_id,
    data: row.data,
    createdAt: row.created_at,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    deliveredAt: row.delivered_at,
    lastStatus: row.last_status,
    lastError: row.last_error,
    failedAttempts: row.failed_attempts,
    firstFailedAt: row.first_failed_at,
    deadAt: row.dead_at,
  };
}

function toSessionEvent(row: SessionEventRow): SessionEvent {
  return {
    sessionId: row.session_id,
    seq: row.seq,
    orderId: row.order_id,
    status: row.status as OrderStatus,
    at: row.at,
  };
}

/** Whether `error` is the engine's unique violation of `sessions.reference`. */
function isDuplicateReference(error: unknown, engine: Engine): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, constraint, message } = error as {
    code?: unknown;
    constraint?: unknown;
    message?: unknown;
  };
  if (engine === 'postgres') return code === '23505' && constraint === 'sessions_reference_key';
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' &&
    typeof message === 'string' &&
    message.includes('sessions.reference')
  );
}

/** True when a write changed exactly one row. */
export function changedOne(result: { numUpdatedRows?: bigint; numDeletedRows?: bigint }): boolean {
  return (result.numUpdatedRows ?? result.numDeletedRows) === 1n;
}

/**
 * The repositories over `db` — the database itself (each call its own statement) or a unit of
 * work (`db.transaction()`), for `engine`.
 */
export function createRepositories(db: Executor, engine: Engine): Repositories {
  /** Adds `FOR UPDATE` where a read asks for a lock and the engine takes row locks. */
  const locking = (options: ReadOptions | undefined): boolean =>
    options?.lock === true && engine === 'postgres';

  const sessions: SessionRepository = {
    async insert(session) {
      try {
        await db.insertInto('sessions').values(toSessionRow(session)).execute();
      } catch (error) {
        if (isDuplicateReference(error, engine)) {
          throw new DuplicateReferenceError(`Reference "${session.reference}" is already used`);
        }
        throw error;
      }
    },
    async get(id, options) {
      const row = await db
        .selectFrom('sessions')
        .selectAll()
        .where('id', '=', id)
        .$if(locking(options), (q) => q.forUpdate())
        .executeTakeFirst();
      return row ? toSession(row) : null;
    },
    async getByReference(reference) {
      const row = await db
        .selectFrom('sessions')
        .selectAll()
        .where('reference', '=', reference)
        .executeTakeFirst();
      return row ? toSession(row) : null;
    },
    async findByMandateReference(reference) {
      const row = await db
        .selectFrom('sessions')
        .selectAll()
        .where('mandate_reference', '=', reference)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? toSession(row) : null;
    },
    async setStatus(id, status) {
      await db.updateTable('sessions').set({ status }).where('id', '=', id).execute();
    },
  };

  const orders: OrderRepository = {
    async insert(order) {
      await db
        .insertInto('orders')
        .values({
          id: order.id,
          session_id: order.sessionId,
          attempt: order.attempt,
          provider: order.provider,
          method: order.method,
          provider_reference: order.providerReference,
          provider_order_id: order.providerOrderId,
          status: order.status,
          amount_value: order.amount.value,
          currency: order.amount.currency,
          needs_review: order.needsReview,
          late_success: order.lateSuccess,
          version: order.version ?? 0,
          mandate_id: order.mandateId ?? null,
          created_at: order.createdAt,
          updated_at: order.updatedAt,
        })
        .execute();
    },
    async get(id, options) {
      const row = await db
        .selectFrom('orders')
        .selectAll()
        .where('id', '=', id)
        .$if(locking(options), (q) => q.forUpdate())
        .executeTakeFirst();
      return row ? toOrder(row) : null;
    },
    async findByProviderReference(provider, providerReference) {
      const row = await db
        .selectFrom('orders')
        .selectAll()
        .where('provider', '=', provider)
        .where('provider_reference', '=', providerReference)
        .executeTakeFirst();
      return row ? toOrder(row) : null;
    },
    async listBySession(sessionId) {
      const rows = await db
        .selectFrom('orders')
        .selectAll()
        .where('session_id', '=', sessionId)
        .orderBy('attempt')
        .execute();
      return rows.map(toOrder);
    },
    async lastAttempt(sessionId) {
      const row = await db
        .selectFrom('orders')
        .select((eb) => eb.fn.coalesce(eb.fn.max('attempt'), eb.lit(0)).as('last'))
        .where('session_id', '=', sessionId)
        .executeTakeFirstOrThrow();
      return Number(row.last);
    },
    async setProviderOrderId(id, providerOrderId) {
      await db
        .updateTable('orders')
        .set({ provider_order_id: providerOrderId })
        .where('id', '=', id)
        .where('provider_order_id', 'is', null)
        .execute();
    },
    async flagReview(id, at) {
      await db
        .updateTable('orders')
        .set({ needs_review: true, updated_at: at })
        .where('id', '=', id)
        .execute();
    },
    async move(id, move) {
      const result = await db
        .updateTable('orders')
        .set({
          status: move.to,
          version: move.version,
          updated_at: move.updatedAt,
          // A late success is never forgotten by a later move.
          ...(move.lateSuccess ? { late_success: true } : {}),
        })
        .where('id', '=', id)
        .where('status', '=', move.from)
        .executeTakeFirst();
      return changedOne(result);
    },
  };

  const events: ProviderEventRepository = {
    async insertIfNew(event) {
      const row = await db
        .insertInto('provider_events')
        .values({
          provider: event.provider,
          dedupe_key: event.dedupeKey,
          order_id: event.orderId,
          raw_body: event.rawBody,
          status: event.status,
          source: event.source,
          anomaly: event.anomaly ?? null,
          applied: event.applied ?? false,
          received_at: event.receivedAt,
        })
        .onConflict((conflict) => conflict.columns(['provider', 'dedupe_key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return row ? row.id : null;
    },
    async exists(provider, dedupeKey) {
      const row = await db
        .selectFrom('provider_events')
        .select((eb) => eb.lit(1).as('found'))
        .where('provider', '=', provider)
        .where('dedupe_key', '=', dedupeKey)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },
    async count() {
      const row = await db
        .selectFrom('provider_events')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };

  const sessionEvents: SessionEventRepository = {
    async append(event) {
      const write = async (q: Executor): Promise<void> => {
        await q
          .insertInto('session_events')
          .values({
            session_id: event.sessionId,
            seq: event.seq,
            order_id: event.orderId,
            status: event.status,
            at: event.at,
          })
          .execute();
        if (engine === 'postgres') {
          // Delivered to every listening instance when (and only if) the unit of work commits.
          const payload = encodeSessionNotice({ sessionId: event.sessionId, seq: event.seq });
          await sql`SELECT pg_notify(${SESSION_NOTICE_CHANNEL}, ${payload})`.execute(q);
        }
      };
      // Outside a unit of work the row and its notice still go together.
      if (engine === 'postgres' && !db.isTransaction) await db.transaction().execute(write);
      else await write(db);
    },
    async latest(sessionId) {
      const row = await db
        .selectFrom('session_events')
        .selectAll()
        .where('session_id', '=', sessionId)
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? toSessionEvent(row) : null;
    },
    async listAfter(sessionId, afterSeq) {
      const rows = await db
        .selectFrom('session_events')
        .selectAll()
        .where('session_id', '=', sessionId)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .execute();
      return rows.map(toSessionEvent);
    },
  };

  const mandates: MandateRepository = {
    async insert(mandate) {
      await db.insertInto('mandates').values(toMandateRow(mandate)).execute();
    },
    async get(id, options) {
      const row = await db
        .selectFrom('mandates')
        .selectAll()
        .where('id', '=', id)
        .$if(locking(options), (q) => q.forUpdate())
        .executeTakeFirst();
      return row ? toMandate(row) : null;
    },
    async getByReference(provider, reference, options) {
      const row = await db
        .selectFrom('mandates')
        .selectAll()
        .where('provider', '=', provider)
        .where('reference', '=', reference)
        .$if(locking(options), (q) => q.forUpdate())
        .executeTakeFirst();
      return row ? toMandate(row) : null;
    },
    async findByReference(reference) {
      const row = await db
        .selectFrom('mandates')
        .selectAll()
        .where('reference', '=', reference)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? toMandate(row) : null;
    },
    async update(mandate, expectedVersion) {
      const row = toMandateRow(mandate);
      const result = await db
        .updateTable('mandates')
        .set({
          status: row.status,
          provider_mandate_id: row.provider_mandate_id,
          details: row.details,
          version: row.version,
          updated_at: row.updated_at,
          activated_at: row.activated_at,
          revoked_at: row.revoked_at,
        })
        .where('id', '=', mandate.id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      return changedOne(result);
    },
  };

  const outbox: OutboxRepository = {
    async append(message) {
      await db
        .insertInto('outbox')
        .values({
          id: message.id,
          type: message.type,
          subject_id: message.subjectId,
          data: message.data,
          created_at: message.createdAt,
          next_attempt_at: message.nextAttemptAt,
        })
        .execute();
    },
    async due(nowMs, limit) {
      const rows = await db
        .selectFrom('outbox as o')
        .selectAll('o')
        .where('o.delivered_at', 'is', null)
        .where('o.dead_at', 'is', null)
        .where('o.next_attempt_at', '<=', nowMs)
        .where((eb) =>
          eb.or([eb('o.claimed_until', 'is', null), eb('o.claimed_until', '<=', nowMs)]),
        )
        // A subject's messages go out in order: one waits while an older one is undelivered,
        // dead ones included (re-queueing the dead one lets the rest follow).
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('outbox as p')
                .select(eb.lit(1).as('older'))
                .whereRef('p.subject_id', '=', 'o.subject_id')
                .whereRef('p.seq', '<', 'o.seq')
                .where('p.delivered_at', 'is', null),
            ),
          ),
        )
        .orderBy('o.seq')
        .limit(limit)
        // Concurrent claimers on PostgreSQL each lock and take different messages instead of
        // all reading the same oldest ones; SQLite runs one unit of work at a time anyway.
        .$if(engine === 'postgres', (q) => q.forUpdate().skipLocked())
        .execute();
      return rows.map(toOutbox);
    },
    async claim(id, owner, untilMs, nowMs) {
      const result = await db
        .updateTable('outbox')
        .set({ claimed_by: owner, claimed_until: untilMs })
        .where('id', '=', id)
        .where('delivered_at', 'is', null)
        .where('dead_at', 'is', null)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', nowMs)]))
        .executeTakeFirst();
      return changedOne(result);
    },
    async finish(id, result) {
      const counted = result.counted === false ? 0 : 1;
      const failed = !result.delivered && counted === 1;
      const at = result.now.toISOString();
      await db
        .updateTable('outbox')
        .set((eb) => ({
          attempts: eb('attempts', '+', counted),
          delivered_at: result.delivered ? at : null,
          next_attempt_at: result.delivered ? result.now.getTime() : (result.retryAt ?? 0),
          last_status: result.status ?? null,
          last_error: result.error ?? null,
          claimed_by: null,
          claimed_until: null,
          ...(failed
            ? {
                failed_attempts: eb('failed_attempts', '+', 1),
                first_failed_at: eb.fn.coalesce('first_failed_at', eb.val(at)),
              }
            : {}),
        }))
        .where('id', '=', id)
        .where('claimed_by', '=', result.owner)
        .where('delivered_at', 'is', null)
        .execute();
    },
    async park(id, result) {
      const at = result.now.toISOString();
      const update = await db
        .updateTable('outbox')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          failed_attempts: eb('failed_attempts', '+', 1),
          first_failed_at: eb.fn.coalesce('first_failed_at', eb.val(at)),
          dead_at: at,
          last_status: result.status ?? null,
          last_error: result.error ?? null,
          claimed_by: null,
          claimed_until: null,
        }))
        .where('id', '=', id)
        .where('claimed_by', '=', result.owner)
        .where('delivered_at', 'is', null)
        .where('dead_at', 'is', null)
        .executeTakeFirst();
      return changedOne(update);
    },
    async requeue(id, nowMs) {
      const update = await db
        .updateTable('outbox')
        .set({
          dead_at: null,
          failed_attempts: 0,
          first_failed_at: null,
          next_attempt_at: nowMs,
          claimed_by: null,
          claimed_until: null,
        })
        .where('id', '=', id)
        .where('delivered_at', 'is', null)
        .where('dead_at', 'is not', null)
        .executeTakeFirst();
      return changedOne(update);
    },
    async get(id) {
      const row = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toOutbox(row) : null;
    },
    async list() {
      const rows = await db.selectFrom('outbox').selectAll().orderBy('seq').execute();
      return rows.map(toOutbox);
    },
    async page(query) {
      const rows = await db
        .selectFrom('outbox')
        .selectAll()
        .$if(query.afterSeq !== undefined, (q) => q.where('seq', '>', query.afterSeq ?? 0))
        .$if(query.status === 'delivered', (q) => q.where('delivered_at', 'is not', null))
        .$if(query.status === 'dead', (q) =>
          q.where('delivered_at', 'is', null).where('dead_at', 'is not', null),
        )
        .$if(query.status === 'pending', (q) =>
          q.where('delivered_at', 'is', null).where('dead_at', 'is', null),
        )
        .orderBy('seq')
        .limit(query.limit)
        .execute();
      return rows.map(toOutbox);
    },
    async countDead() {
      const row = await db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('dead_at', 'is not', null)
        .where('delivered_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };

  const idempotency: IdempotencyRepository = {
    async get(scope, key, options) {
      const row: IdempotencyRow | undefined = await db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('scope', '=', scope)
        .where('key', '=', key)
        .$if(locking(options), (q) => q.forUpdate())
        .executeTakeFirst();
      if (!row) return null;
      return {
        scope: row.scope,
        key: row.key,
        requestHash: row.request_hash,
        state: row.state,
        responseStatus: row.response_status,
        responseBody: row.response_body,
        createdAt: row.created_at,
      };
    },
    async insertIfAbsent(scope, key, requestHash, createdAt) {
      const result = await db
        .insertInto('idempotency_keys')
        .values({
          scope,
          key,
          request_hash: requestHash,
          state: 'in_progress',
          response_status: null,
          response_body: null,
          created_at: createdAt,
        })
        .onConflict((conflict) => conflict.columns(['scope', 'key']).doNothing())
        .executeTakeFirst();
      return result.numInsertedOrUpdatedRows === 1n;
    },
    async delete(scope, key) {
      await db
        .deleteFrom('idempotency_keys')
        .where('scope', '=', scope)
        .where('key', '=', key)
        .execute();
    },
    async complete(scope, key, status, body) {
      await db
        .updateTable('idempotency_keys')
        .set({ state: 'done', response_status: status, response_body: body })
        .where('scope', '=', scope)
        .where('key', '=', key)
        .execute();
    },
    async release(scope, key) {
      await db
        .deleteFrom('idempotency_keys')
        .where('scope', '=', scope)
        .where('key', '=', key)
        .where('state', '=', 'in_progress')
        .execute();
    },
    async releaseStarted(scope, createdAt) {
      const result = await db
        .deleteFrom('idempotency_keys')
        .where('scope', '=', scope)
        .where('state', '=', 'in_progress')
        .where('created_at', '<=', createdAt)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async hasStarted(scope, from, to, exceptKey) {
      const row = await db
        .selectFrom('idempotency_keys')
        .select((eb) => eb.lit(1).as('found'))
        .where('scope', '=', scope)
        .where('state', '=', 'in_progress')
        .where('created_at', '>=', from)
        .where('created_at', '<=', to)
        .where('key', '<>', exceptKey)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },
  };

  const checks: OrderCheckRepository = {
    async schedule(orderId, atMs) {
      await db
        .updateTable('orders')
        .set({ next_check_at: atMs })
        .where('id', '=', orderId)
        .execute();
    },
    async due(nowMs, limit) {
      const rows = await db
        .selectFrom('orders as o')
        .innerJoin('sessions as s', 's.id', 'o.session_id')
        .selectAll('o')
        .select('s.expires_at as session_expires_at')
        .where('o.next_check_at', 'is not', null)
        .where('o.next_check_at', '<=', nowMs)
        .where((eb) =>
          eb.or([
            eb('o.check_claimed_until', 'is', null),
            eb('o.check_claimed_until', '<=', nowMs),
          ]),
        )
        .orderBy('o.next_check_at')
        .orderBy('o.id')
        .limit(limit)
        // Concurrent reconcilers on PostgreSQL each lock and take different orders instead of
        // all reading the same soonest ones; SQLite runs one unit of work at a time anyway.
        .$if(engine === 'postgres', (q) => q.forUpdate('o').skipLocked())
        .execute();
      return rows.map((row): DueOrderCheck => ({
        order: toOrder(row),
        sessionExpiresAt: row.session_expires_at,
        checks: row.checks,
        dueAt: row.next_check_at ?? nowMs,
      }));
    },
    async claim(orderId, owner, untilMs, nowMs) {
      const result = await db
        .updateTable('orders')
        .set({ check_claimed_by: owner, check_claimed_until: untilMs })
        .where('id', '=', orderId)
        .where('next_check_at', 'is not', null)
        .where('next_check_at', '<=', nowMs)
        .where((eb) =>
          eb.or([eb('check_claimed_until', 'is', null), eb('check_claimed_until', '<=', nowMs)]),
        )
        .executeTakeFirst();
      return changedOne(result);
    },
    async finish(orderId, owner, nextAtMs, counted) {
      const result = await db
        .updateTable('orders')
        .set((eb) => ({
          next_check_at: nextAtMs,
          checks: eb('checks', '+', counted ? 1 : 0),
          check_claimed_by: null,
          check_claimed_until: null,
        }))
        .where('id', '=', orderId)
        .where('check_claimed_by', '=', owner)
        .executeTakeFirst();
      return changedOne(result);
    },
    async get(orderId) {
      const row = await db
        .selectFrom('orders')
        .select(['next_check_at', 'checks', 'check_claimed_by', 'check_claimed_until'])
        .where('id', '=', orderId)
        .executeTakeFirst();
      if (!row) return null;
      return {
        nextCheckAt: row.next_check_at,
        checks: row.checks,
        claimedBy: row.check_claimed_by,
        claimedUntil: row.check_claimed_until,
      };
    },
  };

  const inbox = createInboxRepository(db, engine);
  const retention = createRetentionRepository(db);
  const limits = createLimitCounterRepository(db);
  const { activity, consoleSessions, consoleReads } = createConsoleRepositories(db, engine);

  return {
    sessions,
    orders,
    events,
    sessionEvents,
    mandates,
    outbox,
    idempotency,
    checks,
    inbox,
    retention,
    limits,
    activity,
    consoleSessions,
    consoleReads,
  };
}

/**
 * `repositories` with every call first asking `assertOpen`, so that a closed store rejects
 * each call with the same error whichever engine is behind it.
 */
export function guardRepositories(
  repositories: Repositories,
  assertOpen: () => void,
): Repositories {
  const guard = <R extends object>(repository: R): R =>
    Object.fromEntries(
      Object.entries(repository).map(([name, method]) => [
        name,
        async (...args: unknown[]) => {
          assertOpen();
          return (method as (...a: unknown[]) => Promise<unknown>).apply(repository, args);
        },
      ]),
    ) as R;
  return {
    sessions: guard(repositories.sessions),
    orders: guard(repositories.orders),
    events: guard(repositories.events),
    sessionEvents: guard(repositories.sessionEvents),
    mandates: guard(repositories.mandates),
    outbox: guard(repositories.outbox),
    idempotency: guard(repositories.idempotency),
    checks: guard(repositories.checks),
    inbox: guard(repositories.inbox),
    retention: guard(repositories.retention),
    limits: guard(repositories.limits),
    activity: guard(repositories.activity),
    consoleSessions: guard(repositories.consoleSessions),
    consoleReads: guard(repositories.consoleReads),
  };
}

/** How many rows a statement deleted. */
function deleted(result: { numDeletedRows: bigint }): number {
  return Number(result.numDeletedRows);
}

/**
 * The retention deletes over `db`. Each deletes the oldest `limit` rows matched by a subquery on
 * the table's key (both engines lack `DELETE … LIMIT`), through the indexes of the migrations
 * (`outbox_delivered`, `provider_events_by_received`, `webhook_inbox_processed`,
 * `idempotency_keys_by_created`, `sessions_by_expiry`).
 */
function createRetentionRepository(db: Executor): RetentionRepository {
  return {
    async deleteDeliveredNotifications(before, limit) {
      const result = await db
        .deleteFrom('outbox')
        .where('seq', 'in', (eb) =>
          eb
            .selectFrom('outbox')
            .select('seq')
            .where('delivered_at', 'is not', null)
            .where('delivered_at', '<', before)
            .orderBy('delivered_at')
            .limit(limit),
        )
        .executeTakeFirst();
      return deleted(result);
    },
    async deleteProviderEvents(before, limit) {
      const result = await db
        .deleteFrom('provider_events')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('provider_events')
            .select('id')
            .where('received_at', '<', before)
            .orderBy('received_at')
            .limit(limit),
        )
        .executeTakeFirst();
      return deleted(result);
    },
    async deleteProcessedInbox(before, limit) {
      const result = await db
        .deleteFrom('webhook_inbox')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('webhook_inbox')
            .select('id')
            .where('processed_at', 'is not', null)
            .where('processed_at', '<', before)
            .orderBy('processed_at')
            .limit(limit),
        )
        .executeTakeFirst();
      return deleted(result);
    },
    async deleteIdempotencyKeys(before, limit) {
      const result = await db
        .deleteFrom('idempotency_keys')
        .where(({ eb, refTuple, selectFrom }) =>
          eb(
            refTuple('scope', 'key'),
            'in',
            selectFrom('idempotency_keys')
              .select(['scope', 'key'])
              .where('created_at', '<', before)
              .orderBy('created_at')
              .limit(limit)
              .$asTuple('scope', 'key'),
          ),
        )
        .executeTakeFirst();
      return deleted(result);
    },
    async deleteSessionEvents(before, statuses, limit) {
      if (statuses.length === 0) return 0;
      const result = await db
        .deleteFrom('session_events')
        .where(({ eb, refTuple, selectFrom }) =>
          eb(
            refTuple('session_id', 'seq'),
            'in',
            selectFrom('session_events as e')
              .innerJoin('sessions as s', 's.id', 'e.session_id')
              .select(['e.session_id', 'e.seq'])
              .where('s.status', 'in', statuses)
              .where('s.expires_at', '<', before)
              // Each session keeps its latest event: its status and where its `seq` stands.
              .where(({ eb: inner, selectFrom: sub }) =>
                inner(
                  'e.seq',
                  '<',
                  sub('session_events as m')
                    .select((m) => m.fn.max('m.seq').as('last'))
                    .whereRef('m.session_id', '=', 'e.session_id'),
                ),
              )
              .orderBy('s.expires_at')
              .limit(limit)
              .$asTuple('session_id', 'seq'),
          ),
        )
        .executeTakeFirst();
      return deleted(result);
    },
    async claimJob(name, owner, untilMs, nowMs) {
      const row = await db
        .insertInto('job_leases')
        .values({ name, owner, until_ms: untilMs })
        .onConflict((conflict) =>
          conflict
            .column('name')
            .doUpdateSet({ owner, until_ms: untilMs })
            .where((eb) =>
              eb.or([eb('job_leases.until_ms', '<=', nowMs), eb('job_leases.owner', '=', owner)]),
            ),
        )
        .returning('name')
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
