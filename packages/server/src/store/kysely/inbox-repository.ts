/**
 * @module
 * The webhook inbox as Kysely queries, for both engines: verified provider events stored before
 * they are acknowledged, leased to one instance at a time while they are processed. Due events
 * are read `FOR UPDATE SKIP LOCKED` on PostgreSQL, so that instances polling together take
 * different ones.
 */
import type { ExpressionBuilder, Insertable, Selectable } from 'kysely';
import type { ProviderId } from '@pay-checkout/protocol';
import type { InboxEvent, InboxRepository, NewInboxEvent } from '../store.js';
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

/** Rows per multi-row insert: 8 parameters each stays far below every engine's limit. */
const MAX_ROWS_PER_INSERT = 200;

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
  return {
    async insertIfNew(event) {
      const row = await db
        .insertInto('webhook_inbox')
        .values(toRow(event))
        .onConflict((conflict) => conflict.columns(['provider', 'dedupe_key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return row ? row.id : null;
    },
    async insertManyIfNew(events) {
      if (events.length === 0) return [];
      // The first of several with one key is inserted; the rest answer null like later copies.
      const keyOf = (event: NewInboxEvent) => `${event.provider}\u0000${event.dedupeKey}`;
      const firsts = new Map<string, NewInboxEvent>();
      for (const event of events) if (!firsts.has(keyOf(event))) firsts.set(keyOf(event), event);
      const ids = new Map<string, number>();
      const unique = [...firsts.values()];
      for (let at = 0; at < unique.length; at += MAX_ROWS_PER_INSERT) {
        const rows = await db
          .insertInto('webhook_inbox')
          .values(unique.slice(at, at + MAX_ROWS_PER_INSERT).map(toRow))
          .onConflict((conflict) => conflict.columns(['provider', 'dedupe_key']).doNothing())
          .returning(['id', 'provider', 'dedupe_key'])
          .execute();
        for (const row of rows) ids.set(`${row.provider}\u0000${row.dedupe_key}`, row.id);
      }
      return events.map((event) =>
        firsts.get(keyOf(event)) === event ? (ids.get(keyOf(event)) ?? null) : null,
      );
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
      const rows = await db
        .selectFrom('webhook_inbox')
        .selectAll()
        .where('next_attempt_at', 'is not', null)
        .where('next_attempt_at', '<=', nowMs)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', nowMs)]))
        .where(firstOfSubject)
        .orderBy('id')
        .limit(limit)
        .$if(engine === 'postgres', (q) => q.forUpdate().skipLocked())
        .execute();
      return rows.map(toInboxEvent);
    },
    async claim(id, owner, untilMs, nowMs) {
      const result = await db
        .updateTable('webhook_inbox')
        .set({ claimed_by: owner, claimed_until: untilMs })
        .where('id', '=', id)
        .where('next_attempt_at', 'is not', null)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', nowMs)]))
        .where(firstOfSubject)
        .executeTakeFirst();
      return changedOne(result);
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
