/**
 * @module
 * The shared rate-limit counters (`limit_counters`) as Kysely queries, for both engines. A
 * batch of increments is one upsert statement, so an instance's whole batch costs one round
 * trip; its keys are sent sorted, so two instances adding to the same counters at once lock
 * their rows in the same order on PostgreSQL and never deadlock.
 */
import type { Kysely, Transaction } from 'kysely';
import type { LimitCounterRepository } from '../store.js';
import type { Database } from './schema.js';

/** The shared counters over `db`. */
export function createLimitCounterRepository(
  db: Kysely<Database> | Transaction<Database>,
): LimitCounterRepository {
  return {
    async add(increments) {
      const totals = new Map<string, number>();
      if (increments.length === 0) return totals;
      const rows = [...increments]
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .map((increment) => ({
          key: increment.key,
          count: increment.count,
          expires_at: increment.expiresAt,
        }));
      const returned = await db
        .insertInto('limit_counters')
        .values(rows)
        .onConflict((conflict) =>
          conflict.column('key').doUpdateSet((eb) => ({
            count: eb('limit_counters.count', '+', eb.ref('excluded.count')),
          })),
        )
        .returning(['key', 'count'])
        .execute();
      for (const row of returned) totals.set(row.key, Number(row.count));
      return totals;
    },
    async deleteExpired(nowMs, limit) {
      // Both engines lack `DELETE … LIMIT`: the keys are chosen by a subquery, through the
      // `limit_counters_by_expiry` index.
      const result = await db
        .deleteFrom('limit_counters')
        .where('key', 'in', (eb) =>
          eb
            .selectFrom('limit_counters')
            .select('key')
            .where('expires_at', '<', nowMs)
            .orderBy('expires_at')
            .limit(limit),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
