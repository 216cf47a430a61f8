/**
 * @module
 * The SQLite {@link Store} (better-sqlite3): WAL, `busy_timeout` 5000, foreign keys, and every
 * status change as one `BEGIN IMMEDIATE` transaction, so that concurrent or duplicate
 * notifications can never apply twice.
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { isPaidFamily, transition } from '@pay-checkout/protocol/status';
import type { OrderStatus } from '@pay-checkout/protocol/status';
import { sameMoney } from '@pay-checkout/protocol/money';
import type { ProviderId } from '@pay-checkout/protocol';
import {
  DuplicateReferenceError,
  type ApplyStatusInput,
  type ApplyStatusResult,
  type BeginIdempotencyInput,
  type ClaimOutboxInput,
  type CreateChargeOrderInput,
  type CreateChargeOrderResult,
  type CreateOrderInput,
  type IdempotencyBegin,
  type MandateDetails,
  type MandateRecord,
  type MandateStatus,
  type MandateUpdateInput,
  type MandateUpdateResult,
  type OrderRecord,
  type OutboxAttemptResult,
  type OutboxMessage,
  type OutboxType,
  type ProviderEventInput,
  type SessionEvent,
  type SessionRecord,
  type Store,
} from '../store.js';
import { canMoveMandate } from '../mandate-status.js';
import { MIGRATIONS } from './migrations.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const STALE_MS = 2 * 60 * 1000;

interface SessionRow {
  id: string;
  reference: string;
  amount_value: number;
  currency: string;
  country: string;
  return_url: string;
  details: string;
  status: string;
  created_at: string;
  expires_at: string;
}

interface OrderRow {
  id: string;
  session_id: string;
  attempt: number;
  provider: string;
  method: string;
  provider_reference: string;
  provider_order_id: string | null;
  status: string;
  amount_value: number;
  currency: string;
  needs_review: number;
  late_success: number;
  version: number;
  mandate_id: string | null;
  created_at: string;
  updated_at: string;
}

interface MandateRow {
  id: string;
  provider: string;
  reference: string;
  provider_mandate_id: string | null;
  session_id: string;
  status: string;
  details: string;
  version: number;
  created_at: string;
  updated_at: string;
  activated_at: string | null;
  revoked_at: string | null;
}

interface OutboxRow {
  seq: number;
  id: string;
  type: string;
  subject_id: string;
  data: string;
  created_at: string;
  attempts: number;
  next_attempt_at: number;
  claimed_by: string | null;
  claimed_until: number | null;
  delivered_at: string | null;
  last_status: number | null;
  last_error: string | null;
}

interface SessionEventRow {
  session_id: string;
  seq: number;
  order_id: string | null;
  status: string;
  at: string;
}

type SessionDetails = Pick<
  SessionRecord,
  'description' | 'locale' | 'customer' | 'providers' | 'mandate' | 'metadata' | 'chargeOf'
>;

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

function toOrder(row: OrderRow): OrderRecord {
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
    needsReview: row.needs_review === 1,
    lateSuccess: row.late_success === 1,
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
    status: row.status as MandateStatus,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    activatedAt: row.activated_at,
    revokedAt: row.revoked_at,
  };
}

function mandateDetails(mandate: MandateRecord): MandateDetails {
  const { debtor, creditor, bankReference, signedAt, cadence, failure, revocationReason } = mandate;
  return { debtor, creditor, bankReference, signedAt, cadence, failure, revocationReason };
}

/** The inverse of {@link toMandate}. */
function toMandateRow(mandate: MandateRecord): MandateRow {
  return {
    id: mandate.id,
    provider: mandate.provider,
    reference: mandate.reference,
    provider_mandate_id: mandate.providerMandateId,
    session_id: mandate.sessionId,
    status: mandate.status,
    details: JSON.stringify(compact(mandateDetails(mandate))),
    version: mandate.version,
    created_at: mandate.createdAt,
    updated_at: mandate.updatedAt,
    activated_at: mandate.activatedAt,
    revoked_at: mandate.revokedAt,
  };
}

/** The columns of an order just created: status `created`, unknown to its provider, version 0. */
function createdOrderColumns(at: string) {
  return {
    provider_order_id: null,
    status: 'created',
    needs_review: 0,
    late_success: 0,
    version: 0,
    created_at: at,
    updated_at: at,
  };
}

function toOutbox(row: OutboxRow): OutboxMessage {
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
  };
}

/** Drops undefined members so that merged details stay compact. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function newMandateId(): string {
  return `mdt_${randomBytes(24).toString('base64url')}`;
}

/** The event id of a subject's n-th change: stable, so every attempt carries the same id. */
function messageId(subjectId: string, version: number): string {
  return `msg_${subjectId}_${version}`;
}

/** The first row `statement` answers for `params`, mapped; null when there is none. */
function one<Row, T>(
  statement: Database.Statement,
  map: (row: Row) => T,
  ...params: unknown[]
): T | null {
  const row = statement.get(...params) as Row | undefined;
  return row ? map(row) : null;
}

/** Every row `statement` answers for `params`, mapped. */
function many<Row, T>(
  statement: Database.Statement,
  map: (row: Row) => T,
  ...params: unknown[]
): T[] {
  return (statement.all(...params) as Row[]).map(map);
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

export interface SqliteStoreOptions {
  /** A file path, or `:memory:`. */
  filename: string;
}

/**
 * Opens (or creates) a SQLite database and returns a {@link Store} over it.
 * Call `migrate()` before use.
 *
 * @example
 * const store = createSqliteStore({ filename: ':memory:' });
 * await store.migrate();
 */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  const db = new Database(options.filename);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');

  let closed = false;
  let statements: ReturnType<typeof prepare> | null = null;
  const sql = (): ReturnType<typeof prepare> => {
    if (closed) throw new Error('The store is closed');
    statements ??= prepare(db);
    return statements;
  };

  const migrate = (): void => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
    const applied = new Set(
      (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
        (r) => r.version,
      ),
    );
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      db.transaction(() => {
        db.exec(migration.sql);
        db.prepare(
          'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
        ).run(migration.version, migration.name, new Date().toISOString());
      }).immediate();
    }
  };

  const createOrder = db.transaction((input: CreateOrderInput): OrderRecord => {
    const s = sql();
    const session = s.getSession.get(input.sessionId) as SessionRow | undefined;
    if (!session) throw new Error(`Unknown session ${input.sessionId}`);
    const { next } = s.nextAttempt.get(input.sessionId) as { next: number };
    const at = input.now.toISOString();
    const row: OrderRow = {
      id: input.id,
      session_id: input.sessionId,
      attempt: next,
      provider: input.provider,
      method: input.method,
      provider_reference: `${next}-${session.reference}`,
      amount_value: session.amount_value,
      currency: session.currency,
      mandate_id: null,
      ...createdOrderColumns(at),
    };
    s.insertOrder.run(row);
    return toOrder(row);
  });

  /**
   * Inserts a provider event unless its (provider, dedupe key) is known: `changes` is 0 for a
   * copy. The UNIQUE insert is the lock that lets every notification apply once.
   */
  const insertEvent = (
    event: ProviderEventInput,
    row: { order_id: string | null; status: string | null; source: string; received_at: string },
  ): Database.RunResult =>
    sql().insertEvent.run({
      provider: event.provider,
      dedupe_key: event.dedupeKey,
      raw_body: event.rawBody,
      ...row,
    });

  const writeOutbox = (
    type: OutboxType,
    subjectId: string,
    version: number,
    data: unknown,
    now: Date,
  ): void => {
    sql().insertOutbox.run({
      id: messageId(subjectId, version),
      type,
      subject_id: subjectId,
      data: JSON.stringify(data),
      created_at: now.toISOString(),
      next_attempt_at: now.getTime(),
    });
  };

  /** Moves a stored mandate; writes its outbox message. Caller holds the transaction. */
  const moveMandate = (
    current: MandateRecord,
    status: MandateStatus,
    input: {
      providerMandateId?: string;
      details?: MandateDetails;
      at?: string;
      now: Date;
    },
  ): MandateRecord => {
    const at = input.now.toISOString();
    const next: MandateRecord = {
      ...current,
      ...compact(input.details ?? {}),
      status,
      version: current.version + 1,
      updatedAt: at,
    };
    if (input.providerMandateId) next.providerMandateId = input.providerMandateId;
    if (status === 'active') {
      next.activatedAt = input.at ?? at;
      delete next.failure;
    }
    if (status === 'revoked') next.revokedAt = input.at ?? at;
    const moved = sql().updateMandate.run({ ...toMandateRow(next), expected: current.version });
    if (moved.changes !== 1)
      throw new Error(`Mandate ${current.id} changed underneath a transaction`);
    writeOutbox('mandate.updated', next.id, next.version, { mandate: next }, input.now);
    return next;
  };

  const applyStatus = db.transaction((input: ApplyStatusInput): ApplyStatusResult => {
    const s = sql();
    const row = s.getOrder.get(input.orderId) as OrderRow | undefined;
    if (!row) {
      return {
        outcome: 'not_found',
        order: null,
        previousStatus: null,
        anomaly: null,
        sessionEvent: null,
      };
    }
    const at = input.now.toISOString();
    const order = toOrder(row);
    let eventId: number | bigint | null = null;
    if (input.event) {
      const inserted = insertEvent(input.event, {
        order_id: order.id,
        status: input.status,
        source: input.source,
        received_at: at,
      });
      // The UNIQUE (provider, dedupe_key) insert is the lock: a second copy stops here.
      if (inserted.changes === 0) {
        return {
          outcome: 'duplicate',
          order,
          previousStatus: order.status,
          anomaly: null,
          sessionEvent: null,
        };
      }
      eventId = inserted.lastInsertRowid;
    }
    if (input.providerOrderId && !order.providerOrderId) {
      s.setProviderOrderId.run(input.providerOrderId, order.id);
      order.providerOrderId = input.providerOrderId;
    }

    if (
      isPaidFamily(input.status) &&
      input.amount !== undefined &&
      !sameMoney(input.amount, order.amount)
    ) {
      s.flagReview.run(at, order.id);
      if (eventId !== null) s.markEvent.run(0, 'amount_mismatch', eventId);
      return {
        outcome: 'needs_review',
        order: { ...order, needsReview: true, updatedAt: at },
        previousStatus: order.status,
        anomaly: null,
        sessionEvent: null,
      };
    }

    const result = transition(order.status, input.status, { confirmed: input.confirmed === true });
    if (eventId !== null) s.markEvent.run(result.applied ? 1 : 0, result.anomaly, eventId);
    if (!result.applied) {
      return {
        outcome: 'unchanged',
        order,
        previousStatus: order.status,
        anomaly: result.anomaly,
        sessionEvent: null,
      };
    }

    const lateSuccess = result.anomaly === 'late_success';
    const moved = s.casStatus.run({
      status: result.status,
      version: (order.version ?? 0) + 1,
      updated_at: at,
      late_success: lateSuccess ? 1 : 0,
      id: order.id,
      expected: order.status,
    });
    if (moved.changes !== 1) throw new Error(`Order ${order.id} changed underneath a transaction`);
    const updated: OrderRecord = {
      ...order,
      status: result.status,
      version: (order.version ?? 0) + 1,
      updatedAt: at,
      lateSuccess: order.lateSuccess || lateSuccess,
    };

    // The session follows its latest moving order, except that a paid session stays paid when
    // another attempt of it fails.
    const session = s.getSession.get(order.sessionId) as SessionRow;
    const sessionStatus = session.status as OrderStatus;
    const nextSessionStatus =
      isPaidFamily(sessionStatus) && !isPaidFamily(result.status) ? sessionStatus : result.status;
    const last = s.latestEvent.get(order.sessionId) as SessionEventRow | undefined;
    let sessionEvent: SessionEvent | null = null;
    if (nextSessionStatus !== sessionStatus || (last?.order_id ?? null) !== order.id) {
      s.setSessionStatus.run(nextSessionStatus, order.sessionId);
      const eventRow: SessionEventRow = {
        session_id: order.sessionId,
        seq: (last?.seq ?? 0) + 1,
        order_id: order.id,
        status: nextSessionStatus,
        at,
      };
      s.insertSessionEvent.run(eventRow);
      sessionEvent = toSessionEvent(eventRow);
    }
    writeOutbox(
      'order.updated',
      updated.id,
      updated.version ?? 1,
      { order: updated, reference: session.reference },
      input.now,
    );
    // A disputed charge makes its mandate unusable at once, before the provider says so.
    if (updated.mandateId && result.status === 'disputed') {
      const mandate = one(s.getMandate, toMandate, updated.mandateId);
      if (mandate && canMoveMandate(mandate.status, 'revoked')) {
        moveMandate(mandate, 'revoked', {
          details: { revocationReason: 'dispute' },
          now: input.now,
        });
      }
    }
    return {
      outcome: 'applied',
      order: updated,
      previousStatus: order.status,
      anomaly: result.anomaly,
      sessionEvent,
    };
  });

  const beginIdempotency = db.transaction((input: BeginIdempotencyInput): IdempotencyBegin => {
    const s = sql();
    const row = s.getIdempotency.get(input.scope, input.key) as
      | {
          request_hash: string;
          state: 'in_progress' | 'done';
          response_status: number | null;
          response_body: string | null;
          created_at: string;
        }
      | undefined;
    const ttl = input.ttlMs ?? DAY_MS;
    if (row && Date.parse(row.created_at) + ttl <= input.now.getTime()) {
      // An expired key is forgotten: reusing it is a new request.
      s.deleteIdempotency.run(input.scope, input.key);
    } else if (row) {
      if (row.request_hash !== input.requestHash) return { kind: 'mismatch' };
      if (row.state === 'in_progress') {
        const staleAt = Date.parse(row.created_at) + (input.staleAfterMs ?? STALE_MS);
        if (staleAt > input.now.getTime()) return { kind: 'in_progress' };
        s.deleteIdempotency.run(input.scope, input.key);
        s.insertIdempotency.run(input.scope, input.key, input.requestHash, input.now.toISOString());
        return { kind: 'started' };
      }
      return { kind: 'replay', status: row.response_status ?? 200, body: row.response_body ?? '' };
    }
    s.insertIdempotency.run(input.scope, input.key, input.requestHash, input.now.toISOString());
    return { kind: 'started' };
  });

  const applyMandateUpdate = db.transaction((input: MandateUpdateInput): MandateUpdateResult => {
    const s = sql();
    const row = s.getMandateByReference.get(input.provider, input.reference) as
      MandateRow | undefined;
    let sessionId: string | null = row?.session_id ?? null;
    if (!row) {
      // The first notification creates the mandate; it belongs to the session that asked for it.
      const session = s.findSessionByMandateReference.get(input.reference) as
        { id: string; details: string } | undefined;
      if (!session) {
        return { outcome: 'not_found', mandate: null, previousStatus: null };
      }
      sessionId = session.id;
    }
    if (input.event) {
      const inserted = insertEvent(input.event, {
        order_id: null,
        status: input.status,
        source: 'webhook',
        received_at: input.now.toISOString(),
      });
      if (inserted.changes === 0) {
        return {
          outcome: 'duplicate',
          mandate: row ? toMandate(row) : null,
          previousStatus: (row?.status as MandateStatus | undefined) ?? null,
        };
      }
    }
    if (!row) {
      const session = s.getSession.get(sessionId) as SessionRow;
      const cadence = (JSON.parse(session.details) as SessionDetails).mandate?.cadence;
      const at = input.now.toISOString();
      const created: MandateRecord = {
        ...compact({ ...(cadence ? { cadence } : {}), ...(input.details ?? {}) }),
        id: newMandateId(),
        provider: input.provider,
        reference: input.reference,
        providerMandateId: input.providerMandateId ?? null,
        sessionId: session.id,
        status: input.status,
        version: 1,
        createdAt: at,
        updatedAt: at,
        activatedAt: input.status === 'active' ? (input.at ?? at) : null,
        revokedAt: input.status === 'revoked' ? (input.at ?? at) : null,
      };
      s.insertMandate.run(toMandateRow(created));
      writeOutbox('mandate.updated', created.id, created.version, { mandate: created }, input.now);
      return { outcome: 'applied', mandate: created, previousStatus: null };
    }
    const current = toMandate(row);
    if (!canMoveMandate(current.status, input.status)) {
      return { outcome: 'unchanged', mandate: current, previousStatus: current.status };
    }
    const moved = moveMandate(current, input.status, {
      ...(input.providerMandateId ? { providerMandateId: input.providerMandateId } : {}),
      ...(input.details ? { details: input.details } : {}),
      ...(input.at ? { at: input.at } : {}),
      now: input.now,
    });
    return { outcome: 'applied', mandate: moved, previousStatus: current.status };
  });

  const createChargeOrder = db.transaction(
    (input: CreateChargeOrderInput): CreateChargeOrderResult => {
      const s = sql();
      const mandateRow = s.getMandate.get(input.mandateId) as MandateRow | undefined;
      if (!mandateRow) return { kind: 'mandate_not_found' };
      const existing = s.getSessionByReference.get(input.reference) as SessionRow | undefined;
      if (existing) {
        const chargeOf = (JSON.parse(existing.details) as SessionDetails).chargeOf;
        const sameRequest =
          chargeOf?.mandateId === input.mandateId &&
          chargeOf.idempotencyKey === input.idempotencyKey &&
          sameMoney(input.amount, { value: existing.amount_value, currency: existing.currency });
        const order = sameRequest ? many(s.listOrders, toOrder, existing.id)[0] : undefined;
        return order ? { kind: 'resumed', order } : { kind: 'duplicate_reference' };
      }
      const mandate = toMandate(mandateRow);
      if (mandate.status !== 'active') return { kind: 'mandate_inactive', status: mandate.status };
      const origin = s.getSession.get(mandate.sessionId) as SessionRow;
      const at = input.now.toISOString();
      const details: SessionDetails = {
        providers: [],
        chargeOf: { mandateId: mandate.id, idempotencyKey: input.idempotencyKey },
      };
      s.insertSession.run({
        id: input.sessionId,
        reference: input.reference,
        amount_value: input.amount.value,
        currency: input.amount.currency,
        country: origin.country,
        return_url: origin.return_url,
        details: JSON.stringify(details),
        status: 'created',
        created_at: at,
        expires_at: input.expiresAt.toISOString(),
      });
      const row: OrderRow = {
        id: input.orderId,
        session_id: input.sessionId,
        attempt: 1,
        provider: mandate.provider,
        method: input.method,
        provider_reference: `1-${input.reference}`,
        amount_value: input.amount.value,
        currency: input.amount.currency,
        mandate_id: mandate.id,
        ...createdOrderColumns(at),
      };
      s.insertOrder.run(row);
      return { kind: 'created', order: toOrder(row) };
    },
  );

  const claimOutbox = db.transaction((input: ClaimOutboxInput): OutboxMessage[] => {
    const s = sql();
    const nowMs = input.now.getTime();
    const messages = many(s.dueOutbox, toOutbox, { now: nowMs, limit: input.limit });
    for (const message of messages) {
      s.claimOutbox.run({ id: message.id, owner: input.owner, until: nowMs + input.leaseMs });
    }
    return messages;
  });

  return {
    async migrate() {
      migrate();
    },
    async ping() {
      sql().ping.get();
    },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
    async createSession(session) {
      const { id, reference, amount, country, returnUrl, status, createdAt, expiresAt } = session;
      const details: SessionDetails = {
        description: session.description,
        locale: session.locale,
        customer: session.customer,
        providers: session.providers,
        mandate: session.mandate,
        metadata: session.metadata,
        chargeOf: session.chargeOf,
      };
      try {
        sql().insertSession.run({
          id,
          reference,
          amount_value: amount.value,
          currency: amount.currency,
          country,
          return_url: returnUrl,
          details: JSON.stringify(details),
          status,
          created_at: createdAt,
          expires_at: expiresAt,
        });
      } catch (error) {
        if (
          error instanceof Database.SqliteError &&
          error.code === 'SQLITE_CONSTRAINT_UNIQUE' &&
          /sessions\.reference/.test(error.message)
        ) {
          throw new DuplicateReferenceError(`Reference "${reference}" is already used`);
        }
        throw error;
      }
    },
    async getSession(id) {
      return one(sql().getSession, toSession, id);
    },
    async createOrder(input) {
      return createOrder.immediate(input);
    },
    async getOrder(id) {
      return one(sql().getOrder, toOrder, id);
    },
    async findOrderByProviderReference(provider, providerReference) {
      return one(sql().getOrderByReference, toOrder, provider, providerReference);
    },
    async listOrders(sessionId) {
      return many(sql().listOrders, toOrder, sessionId);
    },
    async applyStatus(input) {
      return applyStatus.immediate(input);
    },
    async recordProviderEvent(event) {
      const received_at = event.now.toISOString();
      return (
        insertEvent(event, { order_id: null, status: null, source: 'webhook', received_at })
          .changes === 1
      );
    },
    async hasProviderEvent(provider, dedupeKey) {
      return sql().findEvent.get(provider, dedupeKey) !== undefined;
    },
    async countProviderEvents() {
      return (sql().countEvents.get() as { n: number }).n;
    },
    async listSessionEvents(sessionId, afterSeq) {
      return many(sql().listEvents, toSessionEvent, sessionId, afterSeq);
    },
    async latestSessionEvent(sessionId) {
      return one(sql().latestEvent, toSessionEvent, sessionId);
    },
    async applyMandateUpdate(input) {
      return applyMandateUpdate.immediate(input);
    },
    async getMandate(id) {
      return one(sql().getMandate, toMandate, id);
    },
    async findMandateByReference(reference) {
      return one(sql().findMandateByReference, toMandate, reference);
    },
    async createChargeOrder(input) {
      return createChargeOrder.immediate(input);
    },
    async claimOutbox(input) {
      return claimOutbox.immediate(input);
    },
    async finishOutboxAttempt(id, result: OutboxAttemptResult) {
      sql().finishOutbox.run({
        id,
        owner: result.owner,
        delivered_at: result.delivered ? result.now.toISOString() : null,
        next_attempt_at: result.delivered ? result.now.getTime() : (result.retryAt ?? 0),
        last_status: result.status ?? null,
        last_error: result.error ?? null,
        counted: result.counted === false ? 0 : 1,
      });
    },
    async listOutbox() {
      return many(sql().listOutbox, toOutbox);
    },
    async beginIdempotency(input) {
      return beginIdempotency.immediate(input);
    },
    async completeIdempotency(scope, key, status, body) {
      sql().completeIdempotency.run(status, body, scope, key);
    },
    async releaseIdempotency(scope, key) {
      sql().releaseIdempotency.run(scope, key);
    },
  };
}

function prepare(db: Database.Database) {
  return {
    ping: db.prepare('SELECT 1'),
    insertSession: db.prepare(`INSERT INTO sessions
      (id, reference, amount_value, currency, country, return_url, details, status, created_at, expires_at)
      VALUES (@id, @reference, @amount_value, @currency, @country, @return_url, @details, @status,
              @created_at, @expires_at)`),
    getSession: db.prepare('SELECT * FROM sessions WHERE id = ?'),
    setSessionStatus: db.prepare('UPDATE sessions SET status = ? WHERE id = ?'),
    nextAttempt: db.prepare(
      'SELECT COALESCE(MAX(attempt), 0) + 1 AS next FROM orders WHERE session_id = ?',
    ),
    insertOrder: db.prepare(`INSERT INTO orders
      (id, session_id, attempt, provider, method, provider_reference, provider_order_id, status,
       amount_value, currency, needs_review, late_success, version, mandate_id, created_at,
       updated_at)
      VALUES (@id, @session_id, @attempt, @provider, @method, @provider_reference,
              @provider_order_id, @status, @amount_value, @currency, @needs_review, @late_success,
              @version, @mandate_id, @created_at, @updated_at)`),
    getSessionByReference: db.prepare('SELECT * FROM sessions WHERE reference = ?'),
    getOrder: db.prepare('SELECT * FROM orders WHERE id = ?'),
    getOrderByReference: db.prepare(
      'SELECT * FROM orders WHERE provider = ? AND provider_reference = ?',
    ),
    listOrders: db.prepare('SELECT * FROM orders WHERE session_id = ? ORDER BY attempt'),
    setProviderOrderId: db.prepare(
      'UPDATE orders SET provider_order_id = ? WHERE id = ? AND provider_order_id IS NULL',
    ),
    flagReview: db.prepare('UPDATE orders SET needs_review = 1, updated_at = ? WHERE id = ?'),
    casStatus: db.prepare(`UPDATE orders
      SET status = @status, updated_at = @updated_at, late_success = MAX(late_success, @late_success),
          version = @version
      WHERE id = @id AND status = @expected`),
    getMandate: db.prepare('SELECT * FROM mandates WHERE id = ?'),
    getMandateByReference: db.prepare(
      'SELECT * FROM mandates WHERE provider = ? AND reference = ?',
    ),
    findMandateByReference: db.prepare(
      'SELECT * FROM mandates WHERE reference = ? ORDER BY created_at DESC LIMIT 1',
    ),
    findSessionByMandateReference: db.prepare(`SELECT id, details FROM sessions
      WHERE json_extract(details, '$.mandate.referenceId') = ?
      ORDER BY created_at DESC LIMIT 1`),
    insertMandate: db.prepare(`INSERT INTO mandates
      (id, provider, reference, provider_mandate_id, session_id, status, details, version,
       created_at, updated_at, activated_at, revoked_at)
      VALUES (@id, @provider, @reference, @provider_mandate_id, @session_id, @status, @details,
              @version, @created_at, @updated_at, @activated_at, @revoked_at)`),
    updateMandate: db.prepare(`UPDATE mandates
      SET status = @status, provider_mandate_id = @provider_mandate_id, details = @details,
          version = @version, updated_at = @updated_at, activated_at = @activated_at,
          revoked_at = @revoked_at
      WHERE id = @id AND version = @expected`),
    insertOutbox: db.prepare(`INSERT INTO outbox
      (id, type, subject_id, data, created_at, next_attempt_at)
      VALUES (@id, @type, @subject_id, @data, @created_at, @next_attempt_at)`),
    dueOutbox: db.prepare(`SELECT * FROM outbox o
      WHERE o.delivered_at IS NULL AND o.next_attempt_at <= @now
        AND (o.claimed_until IS NULL OR o.claimed_until <= @now)
        AND NOT EXISTS (SELECT 1 FROM outbox p
          WHERE p.subject_id = o.subject_id AND p.seq < o.seq AND p.delivered_at IS NULL)
      ORDER BY o.seq LIMIT @limit`),
    claimOutbox: db.prepare(
      'UPDATE outbox SET claimed_by = @owner, claimed_until = @until WHERE id = @id',
    ),
    finishOutbox: db.prepare(`UPDATE outbox
      SET attempts = attempts + @counted, delivered_at = @delivered_at, next_attempt_at = @next_attempt_at,
          last_status = @last_status, last_error = @last_error,
          claimed_by = NULL, claimed_until = NULL
      WHERE id = @id AND claimed_by = @owner AND delivered_at IS NULL`),
    listOutbox: db.prepare('SELECT * FROM outbox ORDER BY seq'),
    insertEvent: db.prepare(`INSERT OR IGNORE INTO provider_events
      (provider, dedupe_key, order_id, raw_body, status, source, received_at)
      VALUES (@provider, @dedupe_key, @order_id, @raw_body, @status, @source, @received_at)`),
    markEvent: db.prepare('UPDATE provider_events SET applied = ?, anomaly = ? WHERE id = ?'),
    countEvents: db.prepare('SELECT COUNT(*) AS n FROM provider_events'),
    findEvent: db.prepare(
      'SELECT 1 FROM provider_events WHERE provider = ? AND dedupe_key = ? LIMIT 1',
    ),
    insertSessionEvent:
      db.prepare(`INSERT INTO session_events (session_id, seq, order_id, status, at)
      VALUES (@session_id, @seq, @order_id, @status, @at)`),
    latestEvent: db.prepare(
      'SELECT * FROM session_events WHERE session_id = ? ORDER BY seq DESC LIMIT 1',
    ),
    listEvents: db.prepare(
      'SELECT * FROM session_events WHERE session_id = ? AND seq > ? ORDER BY seq',
    ),
    getIdempotency: db.prepare('SELECT * FROM idempotency_keys WHERE scope = ? AND key = ?'),
    insertIdempotency: db.prepare(`INSERT INTO idempotency_keys
      (scope, key, request_hash, state, created_at) VALUES (?, ?, ?, 'in_progress', ?)`),
    deleteIdempotency: db.prepare('DELETE FROM idempotency_keys WHERE scope = ? AND key = ?'),
    completeIdempotency: db.prepare(`UPDATE idempotency_keys
      SET state = 'done', response_status = ?, response_body = ? WHERE scope = ? AND key = ?`),
    releaseIdempotency: db.prepare(
      "DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND state = 'in_progress'",
    ),
  };
}
