/**
 * @module
 * The SQLite {@link Store} (better-sqlite3): WAL, `busy_timeout` 5000, foreign keys, and every
 * status change as one `BEGIN IMMEDIATE` transaction, so that concurrent or duplicate
 * notifications can never apply twice.
 */
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
  type CreateOrderInput,
  type IdempotencyBegin,
  type OrderRecord,
  type ProviderEventInput,
  type SessionEvent,
  type SessionRecord,
  type Store,
} from '../store.js';
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
  created_at: string;
  updated_at: string;
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
  'description' | 'locale' | 'customer' | 'providers' | 'mandate' | 'metadata'
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
    createdAt: row.created_at,
    updatedAt: row.updated_at,
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
      provider_order_id: null,
      status: 'created',
      amount_value: session.amount_value,
      currency: session.currency,
      needs_review: 0,
      late_success: 0,
      created_at: at,
      updated_at: at,
    };
    s.insertOrder.run(row);
    return toOrder(row);
  });

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
      const inserted = s.insertEvent.run({
        provider: input.event.provider,
        dedupe_key: input.event.dedupeKey,
        order_id: order.id,
        raw_body: input.event.rawBody,
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
      updated_at: at,
      late_success: lateSuccess ? 1 : 0,
      id: order.id,
      expected: order.status,
    });
    if (moved.changes !== 1) throw new Error(`Order ${order.id} changed underneath a transaction`);
    const updated: OrderRecord = {
      ...order,
      status: result.status,
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

  const recordEvent = (event: ProviderEventInput & { now: Date }): boolean =>
    sql().insertEvent.run({
      provider: event.provider,
      dedupe_key: event.dedupeKey,
      order_id: null,
      raw_body: event.rawBody,
      status: null,
      source: 'webhook',
      received_at: event.now.toISOString(),
    }).changes === 1;

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
      const row = sql().getSession.get(id) as SessionRow | undefined;
      return row ? toSession(row) : null;
    },
    async createOrder(input) {
      return createOrder.immediate(input);
    },
    async getOrder(id) {
      const row = sql().getOrder.get(id) as OrderRow | undefined;
      return row ? toOrder(row) : null;
    },
    async findOrderByProviderReference(provider, providerReference) {
      const row = sql().getOrderByReference.get(provider, providerReference) as
        OrderRow | undefined;
      return row ? toOrder(row) : null;
    },
    async listOrders(sessionId) {
      return (sql().listOrders.all(sessionId) as OrderRow[]).map(toOrder);
    },
    async applyStatus(input) {
      return applyStatus.immediate(input);
    },
    async recordProviderEvent(event) {
      return recordEvent(event);
    },
    async countProviderEvents() {
      return (sql().countEvents.get() as { n: number }).n;
    },
    async listSessionEvents(sessionId, afterSeq) {
      return (sql().listEvents.all(sessionId, afterSeq) as SessionEventRow[]).map(toSessionEvent);
    },
    async latestSessionEvent(sessionId) {
      const row = sql().latestEvent.get(sessionId) as SessionEventRow | undefined;
      return row ? toSessionEvent(row) : null;
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
       amount_value, currency, needs_review, late_success, created_at, updated_at)
      VALUES (@id, @session_id, @attempt, @provider, @method, @provider_reference,
              @provider_order_id, @status, @amount_value, @currency, @needs_review, @late_success,
              @created_at, @updated_at)`),
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
      SET status = @status, updated_at = @updated_at, late_success = MAX(late_success, @late_success)
      WHERE id = @id AND status = @expected`),
    insertEvent: db.prepare(`INSERT OR IGNORE INTO provider_events
      (provider, dedupe_key, order_id, raw_body, status, source, received_at)
      VALUES (@provider, @dedupe_key, @order_id, @raw_body, @status, @source, @received_at)`),
    markEvent: db.prepare('UPDATE provider_events SET applied = ?, anomaly = ? WHERE id = ?'),
    countEvents: db.prepare('SELECT COUNT(*) AS n FROM provider_events'),
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
