/**
 * @module
 * The PostgreSQL {@link Store} (node-postgres through Kysely's PostgresDialect), for several
 * instances sharing one database: units of work are READ COMMITTED with row locks
 * (`FOR UPDATE`) and are retried from the start on a serialization failure or a deadlock;
 * migrations run once, under an advisory lock, however many instances start together; each
 * session event is announced to every instance with `NOTIFY` when its unit of work commits.
 * The queries are those of ../kysely/repositories.ts, shared with SQLite.
 *
 * Values are read through this pool's own type parsers (the global `pg.types` are left alone):
 * BIGINT as a number, TIMESTAMPTZ as an ISO 8601 string in UTC, JSON as its text — the shapes
 * SQLite answers, so that one row mapping serves both.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { createRepositories, guardRepositories } from '../kysely/repositories.js';
import type { Database } from '../kysely/schema.js';
import type { Store } from '../store.js';
import { MIGRATIONS, SCHEMA_MIGRATIONS_TABLE } from './migrations.js';

export interface PostgresStoreOptions {
  /** The connection URL; it holds the password, so it never appears in a message. */
  url: string;
  /** Connections in this instance's pool. */
  poolSize: number;
  /** Longest a statement may run before PostgreSQL cancels it, in milliseconds. */
  statementTimeoutMs: number;
  /** How the connections show in `pg_stat_activity` (default `pay-checkout`). */
  applicationName?: string;
}

/** The key of the advisory lock that migrations run under (any fixed 64-bit number). */
const MIGRATION_LOCK_KEY = '-2068723867677580417';
/** Attempts of a unit of work that keeps meeting serialization failures or deadlocks. */
const TRANSACTION_ATTEMPTS = 5;
/** SQLSTATEs after which a unit of work is run again from its start. */
const RETRYABLE_CODES = new Set(['40001', '40P01']);
/** How long the pool waits for a connection before the call fails. */
const CONNECT_TIMEOUT_MS = 10_000;

/** A BIGINT as a number; beyond 2^53 a number would silently lose digits, so that fails. */
export function parseBigint(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) {
    throw new RangeError(`BIGINT ${value} is beyond the safe integer range`);
  }
  return parsed;
}

/** PostgreSQL's text form of a TIMESTAMPTZ (DateStyle ISO), offset down to the second. */
const TIMESTAMPTZ_TEXT =
  /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?( BC)?$/;

/**
 * A TIMESTAMPTZ in PostgreSQL's text form (`2026-01-01 12:00:00.123456+00`; offsets such as
 * `+05:30`, or `+05:53:28` for dates before standard time) as an ISO 8601 string in UTC with
 * milliseconds, the rest of the microseconds cut off. Read field by field: `Date` takes no offset
 * with seconds and reads years below 1000 wrongly in this form. Values a `Date` cannot hold
 * (`infinity`) stay as PostgreSQL wrote them.
 */
export function parseTimestamptz(value: string): string {
  const match = TIMESTAMPTZ_TEXT.exec(value);
  if (!match) return value;
  const [, year, month, day, hours, minutes, seconds, fraction, sign, oh, om, os, bc] = match;
  const date = new Date(0);
  date.setUTCFullYear(bc ? 1 - Number(year) : Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(
    Number(hours),
    Number(minutes),
    Number(seconds),
    Number(((fraction ?? '') + '000').slice(0, 3)),
  );
  const offsetSeconds = Number(oh) * 3600 + Number(om ?? 0) * 60 + Number(os ?? 0);
  const utc = date.getTime() - (sign === '-' ? -1 : 1) * offsetSeconds * 1000;
  return Number.isNaN(utc) ? value : new Date(utc).toISOString();
}

const PARSERS = new Map<number, (value: string) => unknown>([
  [pg.types.builtins.INT8, parseBigint],
  [pg.types.builtins.TIMESTAMPTZ, parseTimestamptz],
  [pg.types.builtins.JSON, (value) => value],
  [pg.types.builtins.JSONB, (value) => value],
]);

/** This pool's type parsers: those above for text results, node-postgres' defaults otherwise. */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    (format ?? 'text') === 'text' && PARSERS.has(oid)
      ? PARSERS.get(oid)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** Whether PostgreSQL asked for the unit of work to be tried again. */
function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

/**
 * Connects a pool to `options.url` and returns a {@link Store} over it. Call `migrate()` before
 * use; `close()` ends the pool.
 *
 * @example
 * const store = createPostgresStore({ url, poolSize: 10, statementTimeoutMs: 5000 });
 * await store.migrate();
 */
export function createPostgresStore(options: PostgresStoreOptions): Store {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    statement_timeout: options.statementTimeoutMs,
    application_name: options.applicationName ?? 'pay-checkout',
    // Timestamps are written and read in UTC whatever the server's default.
    options: '-c TimeZone=UTC',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types: TYPES,
  });
  // An idle connection that breaks (a server restart) is dropped by the pool and replaced on
  // the next call; without a listener its error would end the process.
  pool.on('error', () => {});

  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  const assertOpen = (): void => {
    if (closed) throw new Error('The store is closed');
  };

  const migrate = async (): Promise<void> => {
    const client = await pool.connect();
    try {
      // A migration may run longer than a request's statement may; this client is discarded.
      await client.query('SET statement_timeout = 0');
      // Instances that start together wait here; each then finds the migrations applied.
      await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
      try {
        await client.query(SCHEMA_MIGRATIONS_TABLE);
        const { rows } = await client.query<{ version: number }>(
          'SELECT version FROM schema_migrations',
        );
        const applied = new Set(rows.map((row) => row.version));
        for (const migration of MIGRATIONS) {
          if (applied.has(migration.version)) continue;
          await client.query('BEGIN');
          try {
            await client.query(migration.sql);
            await client.query(
              'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())',
              [migration.version, migration.name],
            );
            await client.query('COMMIT');
          } catch (error) {
            await client.query('ROLLBACK').catch(() => {});
            throw error;
          }
        }
      } finally {
        // Ending the connection (below) would free the lock as well; this frees it at once.
        await client
          .query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY])
          .catch(() => {});
      }
    } finally {
      client.release(true);
    }
  };

  return {
    engine: 'postgres',
    ...guardRepositories(createRepositories(db, 'postgres'), assertOpen),
    async migrate() {
      assertOpen();
      await migrate();
    },
    async ping() {
      assertOpen();
      await sql`SELECT 1`.execute(db);
    },
    async transaction(work) {
      assertOpen();
      for (let attempt = 1; ; attempt++) {
        try {
          return await db
            .transaction()
            .setIsolationLevel('read committed')
            .execute((trx) => work(createRepositories(trx, 'postgres')));
        } catch (error) {
          if (attempt >= TRANSACTION_ATTEMPTS || !isRetryable(error)) throw error;
          // Full jitter over a doubling window (10, 20, 40, 80 ms) spreads the retries apart.
          await sleep(Math.random() * 10 * 2 ** (attempt - 1));
        }
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      // Kysely ends only a pool it has used; `migrate` may have used it alone.
      if (!pool.ending) await pool.end();
    },
  };
}
