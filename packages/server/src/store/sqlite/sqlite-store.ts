/**
 * @module
 * The SQLite {@link Store} (better-sqlite3, through Kysely and ./sqlite-driver.ts): WAL
 * (checkpointed by a worker thread, ./checkpointer.ts), `busy_timeout` 5000, foreign keys,
 * synchronous NORMAL, and every unit of work one
 * `BEGIN IMMEDIATE` transaction, so that it holds the write lock from its first read and
 * concurrent or duplicate notifications can never apply twice. The queries are those of
 * ../kysely/repositories.ts, shared with PostgreSQL.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { createRepositories, guardRepositories } from '../kysely/repositories.js';
import type { Database } from '../kysely/schema.js';
import type { Store } from '../store.js';
import { startCheckpointer } from './checkpointer.js';
import { MIGRATIONS } from './migrations.js';
import { BetterSqliteDialect } from './sqlite-driver.js';

export interface SqliteStoreOptions {
  /** A file path, or `:memory:`. */
  filename: string;
  /**
   * Told when checkpoints can no longer run off the event loop (./checkpointer.ts) and the
   * connection checkpoints itself again.
   */
  onCheckpointFailure?: (error: unknown) => void;
}

/** Applies every migration not yet recorded in `schema_migrations`, each in its own transaction. */
function migrate(database: BetterSqlite3.Database): void {
  database.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
  const isApplied = database.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  const record = database.prepare(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );
  for (const migration of MIGRATIONS) {
    database
      .transaction(() => {
        // Asked again under the write lock: another handle on the file may have just applied it.
        if (isApplied.get(migration.version) !== undefined) return;
        database.exec(migration.sql);
        record.run(migration.version, migration.name, new Date().toISOString());
      })
      .immediate();
  }
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
  const database = new BetterSqlite3(options.filename);
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  database.pragma('synchronous = NORMAL');
  const checkpointer = startCheckpointer(database, options.filename, {
    ...(options.onCheckpointFailure ? { onFailure: options.onCheckpointFailure } : {}),
  });

  const dialect = new BetterSqliteDialect({ database });
  const db = new Kysely<Database>({ dialect });
  let closed = false;
  const assertOpen = (): void => {
    if (closed) throw new Error('The store is closed');
  };

  return {
    engine: 'sqlite',
    ...guardRepositories(createRepositories(db, 'sqlite'), assertOpen),
    async migrate() {
      assertOpen();
      await dialect.driver.exclusive(migrate);
    },
    async ping() {
      assertOpen();
      await sql`SELECT 1`.execute(db);
    },
    async transaction(work) {
      assertOpen();
      return db.transaction().execute((trx) => work(createRepositories(trx, 'sqlite')));
    },
    async close() {
      if (closed) return;
      closed = true;
      // The worker's connection goes first: the store's, closing last, then checkpoints the
      // whole WAL and removes it.
      await checkpointer.close();
      // Waits for the unit of work in progress, then closes the file. Kysely destroys only a
      // driver it has used, so the driver is told as well (a second time does nothing).
      await db.destroy();
      await dialect.driver.destroy();
    },
  };
}
