/**
 * @module
 * The webhook inbox as Kysely queries, for both engines: verified provider events stored before
 * they are acknowledged, leased to one instance at a time while they are processed. Due events
 * are read `FOR UPDATE SKIP LOCKED` on PostgreSQL, so that instances polling together take
 * different ones.
 */
import {
  expressionBuilder,
  sql,
  type ExpressionBuilder,
  type Insertable,
  type Selectable,
} from 'kysely';
import type { ProviderId } from '@pay-checkout/protocol';
import {
  UNKNOWN_ORDER,
  type InboxEvent,
  type InboxRepository,
  type NewInboxEvent,
} from '../store.js';
import { changedOne, type Engine, type Executor } from './repositories.js';
import type { Database, WebhookInboxTable } from './schema.js';

/** No older unprocessed event of the same provider and subject exists. */
function firstOfSubject(eb: ExpressionBuilder<Database, 'webhook_inbox'>) {
  return eb.not(
    eb.exists(
      eb
        .selectFrom('webhook_inbox as older')
        .select(eb.lit(1).as('waiting'))
        .whereRef('older.provider', '=', 'webhook_inbox.provider')
        .whereRef('older.subject', '=', 'webhook_inbox.subject')
        .whereRef('older.id', '<', 'webhook_inbox.id')
        .where('older.next_attempt_at', 'is not', null),
    ),
  );
}

/**
 * Free to claim at `nowMs`: pending, its lease (if any) run out, and the first unprocessed event
 * of its order.
 */
function claimable(eb: ExpressionBuilder<Database, 'webhook_inbox'>, nowMs: number) {
  return eb.and([
    eb('next_attempt_at', 'is not', null),
    eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', nowMs)]),
    firstOfSubject(eb),
  ]);
}

/** Claimable and due at `nowMs` (a retry's due time may lie ahead). */
function dueNow(eb: ExpressionBuilder<Database, 'webhook_inbox'>, nowMs: number) {
  return eb.and([eb('next_attempt_at', '<=', nowMs), claimable(eb, nowMs)]);
}

/** A provider and one of its keys (a dedupe key, a provider reference) as one string. */
function keyOf(provider: string, key: string): string {
  return `${provider}\u0000${key}`;
}

/** Events per insert statement at most. */
const MAX_ROWS_PER_INSERT = 200;

/**
 * Stores `events` unless their dedupe key is stored already, and those that require an order
 * only when it exists: the events travel as one JSON parameter, so the statement's text is the
 * same for any number of them (prepared once, compiled at no cost) and the order check is part
 * of it. Answers the rows inserted.
 */
function insertStatement(engine: Engine, events: readonly NewInboxEvent[]) {
  const json = JSON.stringify(
    events.map((event) => ({
      provider: event.provider,
      dedupe_key: event.dedupeKey,
      subject: event.subject,
      body: event.body,
      headers: JSON.stringify(event.headers),
      received_at: event.receivedAt,
      next_attempt_at: event.nextAttemptAt,
      require_order: event.requireOrder === true,
    })),
  );
  type Inserted = { id: number | string; provider: string; dedupe_key: string };
  if (engine === 'postgres') {
    return sql<Inserted>`
      INSERT INTO webhook_inbox
        (provider, dedupe_key, subject, body, headers, received_at, attempts, next_attempt_at)
      SELECT e.provider, e.dedupe_key, e.subject, e.body, e.headers::json, e.received_at, 0,
        e.next_attempt_at
      FROM json_to_recordset(${json}::json) AS e(provider text, dedupe_key text, subject text,
        body text, headers text, received_at timestamptz, next_attempt_at bigint,
        require_order boolean)
      WHERE NOT e.require_order OR EXISTS (SELECT 1 FROM orders AS o
        WHERE o.provider = e.provider AND o.provider_reference = e.subject)
      ON CONFLICT (provider, dedupe_key) DO NOTHING
      RETURNING id, provider, dedupe_key`;
  }
  // SQLite: the SELECT of an INSERT … SELECT … ON CONFLICT needs its WHERE (it has one).
  return sql<Inserted>`
    INSERT INTO webhook_inbox
      (provider, dedupe_key, subject, body, headers, received_at, attempts, next_attempt_at)
    SELECT e.value ->> 'provider', e.value ->> 'dedupe_key', e.value ->> 'subject',
      e.value ->> 'body', e.value ->> 'headers', e.value ->> 'received_at', 0,
      e.value ->> 'next_attempt_at'
    FROM json_each(${json}) AS e
    WHERE NOT (e.value ->> 'require_order') OR EXISTS (SELECT 1 FROM orders AS o
      WHERE o.provider = e.value ->> 'provider' AND o.provider_reference = e.value ->> 'subject')
    ON CONFLICT (provider, dedupe_key) DO NOTHING
    RETURNING id, provider, dedupe_key`;
}

function toInboxEvent(row: Selectable<WebhookInboxTable>): InboxEvent {
  return {
    id: row.id,
    provider: row.provider as ProviderId,
    dedupeKey: row.dedupe_key,
    body: row.body,
    headers: JSON.parse(row.headers) as Record<string, string>,
    receivedAt: row.received_at,
    revision: row.revision,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    processedAt: row.processed_at,
    outcome: row.outcome,
    lastError: row.last_error,
  };
}

function toRow(event: NewInboxEvent): Insertable<WebhookInboxTable> {
  return {
    provider: event.provider,
    dedupe_key: event.dedupeKey,
    subject: event.subject,
    body: event.body,
    headers: JSON.stringify(event.headers),
    received_at: event.receivedAt,
    attempts: 0,
    next_attempt_at: event.nextAttemptAt,
  };
}

export function createInboxRepository(db: Executor, engine: Engine): InboxRepository {
  /** Which of `references` are provider references of orders of that provider. */
  async function knownOrders(wanted: readonly NewInboxEvent[]): Promise<Set<string>> {
    const known = new Set<string>();
    const references = [...new Set(wanted.map((event) => event.subject ?? ''))];
    for (let at = 0; at < references.length; at += MAX_ROWS_PER_INSERT) {
      const rows = await db
        .selectFrom('orders')
        .select(['provider', 'provider_reference'])
        .where('provider_reference', 'in', references.slice(at, at + MAX_ROWS_PER_INSERT))
        .execute();
      for (const row of rows) known.add(keyOf(row.provider, row.provider_reference));
    }
    return known;
  }

  /**
   * Per event, in order: its id, null (stored before, or a copy of an earlier one of the list)
   * or UNKNOWN_ORDER. One statement stores the events (those requiring an order only if it
   * exists); only when some of those are left out are their orders read, to tell an unknown
   * order from an event stored before.
   */
  async function insertMany(
    events: readonly NewInboxEvent[],
  ): Promise<(number | null | typeof UNKNOWN_ORDER)[]> {
    if (events.length === 0) return [];
    // The first of several with one key is inserted; the rest answer null like later copies.
    const firsts = new Map<string, NewInboxEvent>();
    for (const event of events) {
      const key = keyOf(event.provider, event.dedupeKey);
      if (!firsts.has(key)) firsts.set(key, event);
    }
    const ids = new Map<string, number>();
    const unique = [...firsts.values()];
    for (let at = 0; at < unique.length; at += MAX_ROWS_PER_INSERT) {
      const rows = await insertStatement(
        engine,
        unique.slice(at, at + MAX_ROWS_PER_INSERT),
      ).execute(db);
      for (const row of rows.rows) ids.set(keyOf(row.provider, row.dedupe_key), Number(row.id));
    }
    const leftOut = unique.filter(
      (event) => event.requireOrder && !ids.has(keyOf(event.provider, event.dedupeKey)),
    );
    const known = leftOut.length > 0 ? await knownOrders(leftOut) : null;
    return events.map((event) => {
      const key = keyOf(event.provider, event.dedupeKey);
      // A copy answers as its first does, except that a stored first makes the copy a repeat.
      const first = firsts.get(key) ?? event;
      const id = ids.get(key);
      if (id !== undefined) return first === event ? id : null;
      if (
        known !== null &&
        first.requireOrder &&
        !known.has(keyOf(first.provider, first.subject ?? ''))
      ) {
        return UNKNOWN_ORDER;
      }
      return null;
    });
  }

  return {
    insertIfNew(event) {
      return insertMany([event]).then(([id]) => id ?? null);
    },
    insertManyIfNew(events) {
      return insertMany(events);
    },
    async upsertCoalesced(event) {
      const row = await db
        .insertInto('webhook_inbox')
        .values(toRow(event))
        .onConflict((conflict) =>
          conflict.columns(['provider', 'dedupe_key']).doUpdateSet((eb) => ({
            revision: eb('webhook_inbox.revision', '+', 1),
            body: eb.ref('excluded.body'),
            headers: eb.ref('excluded.headers'),
            received_at: eb.ref('excluded.received_at'),
            // Due now unless it already is sooner (a retry's back-off is cut short too).
            next_attempt_at: eb
              .case()
              .when('webhook_inbox.next_attempt_at', 'is', null)
              .then(eb.ref('excluded.next_attempt_at'))
              .when('webhook_inbox.next_attempt_at', '>', eb.ref('excluded.next_attempt_at'))
              .then(eb.ref('excluded.next_attempt_at'))
              .else(eb.ref('webhook_inbox.next_attempt_at'))
              .end(),
            processed_at: null,
            outcome: null,
          })),
        )
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },
    async get(id) {
      const row = await db
        .selectFrom('webhook_inbox')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toInboxEvent(row) : null;
    },
    async due(nowMs, limit) {
      if (engine === 'sqlite') {
        // SQLite's planner, without statistics, takes the index on next_attempt_at and sorts
        // every pending event for each look; with them, it walks the whole table by id. The
        // pending events in id order are what a look wants, so it is told which index to use.
        const { rows } = await sql<Selectable<WebhookInboxTable>>`
          SELECT * FROM webhook_inbox INDEXED BY webhook_inbox_pending
          WHERE ${dueNow(expressionBuilder<Database, 'webhook_inbox'>(), nowMs)}
          ORDER BY id
          LIMIT ${limit}`.execute(db);
        return rows.map(toInboxEvent);
      }
      const rows = await db
        .selectFrom('webhook_inbox')
        .selectAll()
        .where((eb) => dueNow(eb, nowMs))
        .orderBy('id')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      return rows.map(toInboxEvent);
    },
    async claim(id, owner, untilMs, nowMs) {
      // The claim answers the row it took: no second statement to read it.
      const row = await db
        .updateTable('webhook_inbox')
        .set({ claimed_by: owner, claimed_until: untilMs })
        .where('id', '=', id)
        .where((eb) => claimable(eb, nowMs))
        .returningAll()
        .executeTakeFirst();
      return row ? toInboxEvent(row) : null;
    },
    async finish(id, owner, result) {
      if (result.processed) {
        const done = await db
          .updateTable('webhook_inbox')
          .set((eb) => ({
            attempts: eb('attempts', '+', 1),
            next_attempt_at: null,
            processed_at: result.at,
            outcome: result.outcome,
            last_error: null,
            claimed_by: null,
            claimed_until: null,
          }))
          .where('id', '=', id)
          .where('claimed_by', '=', owner)
          .where('revision', '=', result.revision)
          .where('next_attempt_at', 'is not', null)
          .executeTakeFirst();
        if (changedOne(done)) return true;
        // A newer revision arrived while this one was processed: due again, for that one.
        const freed = await db
          .updateTable('webhook_inbox')
          .set({ claimed_by: null, claimed_until: null })
          .where('id', '=', id)
          .where('claimed_by', '=', owner)
          .executeTakeFirst();
        return changedOne(freed);
      }
      const update = await db
        .updateTable('webhook_inbox')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          next_attempt_at: result.retryAtMs,
          last_error: result.error.slice(0, 1000),
          claimed_by: null,
          claimed_until: null,
        }))
        .where('id', '=', id)
        .where('claimed_by', '=', owner)
        .where('next_attempt_at', 'is not', null)
        .executeTakeFirst();
      return changedOne(update);
    },
    async countPending() {
      const row = await db
        .selectFrom('webhook_inbox')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('next_attempt_at', 'is not', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
