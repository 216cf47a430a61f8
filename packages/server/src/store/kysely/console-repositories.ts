/**
 * @module
 * The operator console's tables (`order_activity`, `console_sessions`) and its reads across the
 * checkout's own tables, as Kysely queries shared by SQLite and PostgreSQL.
 *
 * The order search (`q`) goes by index on both engines: an order's id, its session's id or its
 * provider's id equal to the text, or its session's reference starting with it. The prefix is a
 * range in code point order (`reference >= q AND reference < next`, see
 * {@link prefixUpperBound}) — SQLite's BINARY collation, PostgreSQL's "C" one through an index
 * of its own — so case matters and no character is a wildcard (no LIKE: `%` and `_` are text).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { OrderStatus } from '@pay-checkout/protocol/status';
import type {
  ActivityKind,
  ActivityRepository,
  ConsoleOrderQuery,
  ConsoleOrderRow,
  ConsoleReadRepository,
  ConsoleSessionRepository,
} from '../store.js';
import { toOrder, toOutbox, type Engine } from './repositories.js';
import type { Database } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** Statuses an order can still leave on its own (the rest are final). */
const OPEN_STATUSES: readonly OrderStatus[] = ['created', 'pending', 'processing', 'authorized'];

/** Most provider calls read for one provider's figures. */
const MAX_STAT_ROWS = 100_000;

function number(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/** The order and session columns an order row of the console is read from. */
const ORDER_COLUMNS = [
  'o.id',
  'o.session_id',
  'o.attempt',
  'o.provider',
  'o.method',
  'o.provider_reference',
  'o.provider_order_id',
  'o.status',
  'o.amount_value',
  'o.currency',
  'o.needs_review',
  'o.late_success',
  'o.version',
  'o.mandate_id',
  'o.created_at',
  'o.updated_at',
  's.reference as session_reference',
  's.expires_at as session_expires_at',
] as const;

/** An order row of the console: the order's columns and its session's reference and expiry. */
function toRow(
  row: Parameters<typeof toOrder>[0] & { session_reference: string; session_expires_at: string },
): ConsoleOrderRow {
  return {
    order: toOrder(row),
    reference: row.session_reference,
    sessionExpiresAt: row.session_expires_at,
  };
}

/**
 * The least string greater, in code point order, than every string that starts with `prefix`
 * (its last code point incremented, past the surrogates); null when there is none (a prefix of
 * U+10FFFF only) or the prefix is empty.
 */
export function prefixUpperBound(prefix: string): string | null {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()?.codePointAt(0) ?? 0;
    const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
    if (next <= 0x10ffff) return `${points.join('')}${String.fromCodePoint(next)}`;
  }
  return null;
}

/** The console's repositories over `db`, for `engine`. */
export function createConsoleRepositories(
  db: Executor,
  engine: Engine,
): {
  activity: ActivityRepository;
  consoleSessions: ConsoleSessionRepository;
  consoleReads: ConsoleReadRepository;
} {
  const activity: ActivityRepository = {
    async record(entry) {
      await db
        .insertInto('order_activity')
        .values({
          order_id: entry.orderId,
          provider: entry.provider,
          kind: entry.kind,
          at: entry.at,
          detail: JSON.stringify(entry.detail),
        })
        .execute();
    },
    async listByOrder(orderId, limit) {
      const rows = await db
        .selectFrom('order_activity')
        .selectAll()
        .where('order_id', '=', orderId)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        id: number(row.id),
        orderId: row.order_id,
        provider: row.provider,
        kind: row.kind as ActivityKind,
        at: row.at,
        detail: JSON.parse(row.detail) as Record<string, unknown>,
      }));
    },
    async providerCalls(provider, since) {
      const rows = await db
        .selectFrom('order_activity')
        .select('detail')
        .where('kind', '=', 'provider_call')
        .where('provider', '=', provider)
        .where('at', '>=', since)
        .limit(MAX_STAT_ROWS)
        .execute();
      let errors = 0;
      const durationsMs: number[] = [];
      for (const row of rows) {
        const detail = JSON.parse(row.detail) as { outcome?: unknown; durationMs?: unknown };
        if (detail.outcome !== 'ok') errors++;
        if (typeof detail.durationMs === 'number') durationsMs.push(detail.durationMs);
      }
      durationsMs.sort((a, b) => a - b);
      return { calls: rows.length, errors, durationsMs };
    },
    async deleteBefore(before, limit) {
      const result = await db
        .deleteFrom('order_activity')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('order_activity')
            .select('id')
            .where('at', '<', before)
            .orderBy('at')
            .limit(limit),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };

  const consoleSessions: ConsoleSessionRepository = {
    async insert(session) {
      await db
        .insertInto('console_sessions')
        .values({
          id_hash: session.idHash,
          operator: session.operator,
          created_at: session.createdAt,
          expires_at: session.expiresAt,
        })
        .execute();
    },
    async get(idHash, now) {
      const row = await db
        .selectFrom('console_sessions')
        .selectAll()
        .where('id_hash', '=', idHash)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row
        ? {
            idHash: row.id_hash,
            operator: row.operator,
            createdAt: row.created_at,
            expiresAt: row.expires_at,
          }
        : null;
    },
    async delete(idHash) {
      await db.deleteFrom('console_sessions').where('id_hash', '=', idHash).execute();
    },
    async deleteExpired(now, limit) {
      const result = await db
        .deleteFrom('console_sessions')
        .where('id_hash', 'in', (eb) =>
          eb
            .selectFrom('console_sessions')
            .select('id_hash')
            .where('expires_at', '<=', now)
            .orderBy('expires_at')
            .limit(limit),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };

  /** The ids of the orders `text` finds, each term by its own index (see the module comment). */
  const searched = (text: string) => {
    const upper = prefixUpperBound(text);
    const reference =
      engine === 'postgres' ? sql<string>`(s2.reference collate "C")` : sql<string>`s2.reference`;
    const byColumn = (column: 'id' | 'session_id' | 'provider_order_id') =>
      db.selectFrom('orders').select('id').where(column, '=', text);
    return byColumn('id')
      .union(byColumn('session_id'))
      .union(byColumn('provider_order_id'))
      .union(
        db
          .selectFrom('orders as o2')
          .innerJoin('sessions as s2', 's2.id', 'o2.session_id')
          .select('o2.id')
          .where(reference, '>=', text)
          .$if(upper !== null, (q) => q.where(reference, '<', upper ?? '')),
      );
  };

  /** The query's filters but its status and position. */
  const filtered = (query: ConsoleOrderQuery) =>
    db
      .selectFrom('orders as o')
      .innerJoin('sessions as s', 's.id', 'o.session_id')
      .$if(query.provider !== undefined, (q) => q.where('o.provider', '=', query.provider ?? ''))
      .$if(query.method !== undefined, (q) => q.where('o.method', '=', query.method ?? ''))
      .$if(query.from !== undefined, (q) => q.where('o.created_at', '>=', query.from ?? ''))
      .$if(query.to !== undefined, (q) => q.where('o.created_at', '<', query.to ?? ''))
      .$if(query.anomaly === 'needs_review', (q) => q.where('o.needs_review', '=', true))
      .$if(query.anomaly === 'late_success', (q) => q.where('o.late_success', '=', true))
      .$if(query.anomaly === 'stuck', (q) =>
        q.where('o.status', 'in', OPEN_STATUSES).where('s.expires_at', '<', query.now),
      )
      .$if(query.q !== undefined && query.q !== '', (q) =>
        q.where('o.id', 'in', searched(query.q ?? '')),
      );

  const consoleReads: ConsoleReadRepository = {
    async listOrders(query) {
      const before = query.before;
      const rows = await filtered(query)
        .select(ORDER_COLUMNS)
        .$if(query.status !== undefined, (q) => q.where('o.status', '=', query.status ?? ''))
        .$if(before !== undefined, (q) =>
          q.where((eb) =>
            eb.or([
              eb('o.created_at', '<', before?.createdAt ?? ''),
              eb.and([
                eb('o.created_at', '=', before?.createdAt ?? ''),
                eb('o.id', '<', before?.id ?? ''),
              ]),
            ]),
          ),
        )
        .orderBy('o.created_at', 'desc')
        .orderBy('o.id', 'desc')
        .limit(query.limit)
        .execute();
      return rows.map(toRow);
    },
    async countByStatus(query) {
      const rows = await filtered(query)
        .select((eb) => ['o.status', eb.fn.countAll<number | string>().as('n')])
        .groupBy('o.status')
        .execute();
      return Object.fromEntries(
        rows.map((row) => [row.status as OrderStatus, Number(row.n)]),
      ) as Partial<Record<OrderStatus, number>>;
    },
    async ordersUpdatedSince(since, limit) {
      const rows = await db
        .selectFrom('orders as o')
        .innerJoin('sessions as s', 's.id', 'o.session_id')
        .select(ORDER_COLUMNS)
        .where('o.updated_at', '>=', since)
        .orderBy('o.updated_at')
        .limit(limit)
        .execute();
      return rows.map(toRow);
    },
    async inboxSince(since, limit) {
      const rows = await db
        .selectFrom('webhook_inbox')
        .select(['provider', 'subject', 'received_at'])
        .where('received_at', '>=', since)
        .orderBy('received_at')
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        provider: row.provider,
        subject: row.subject,
        receivedAt: row.received_at,
      }));
    },
    async inboxBySubject(provider, subject, limit) {
      const rows = await db
        .selectFrom('webhook_inbox')
        .select(['id', 'dedupe_key', 'body', 'received_at', 'outcome'])
        .where('provider', '=', provider)
        .where('subject', '=', subject)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        id: number(row.id),
        dedupeKey: row.dedupe_key,
        body: row.body,
        receivedAt: row.received_at,
        outcome: row.outcome,
      }));
    },
    async providerEvents(orderId) {
      const rows = await db
        .selectFrom('provider_events')
        .select(['status', 'source', 'applied', 'anomaly', 'received_at'])
        .where('order_id', '=', orderId)
        .orderBy('id')
        .execute();
      return rows.map((row) => ({
        status: row.status,
        source: row.source,
        applied: Boolean(row.applied),
        anomaly: row.anomaly,
        receivedAt: row.received_at,
      }));
    },
    async outboxBySubject(subjectId) {
      const rows = await db
        .selectFrom('outbox')
        .selectAll()
        .where('subject_id', '=', subjectId)
        .orderBy('seq')
        .execute();
      return rows.map(toOutbox);
    },
  };

  return { activity, consoleSessions, consoleReads };
}
