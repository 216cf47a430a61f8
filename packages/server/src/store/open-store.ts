/**
 * @module
 * Opens the store a configuration names: SQLite on a file (the default) or PostgreSQL.
 */
import { createPostgresStore } from './postgres/postgres-store.js';
import { createSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/** Where the data lives; parsed from `DATABASE_URL` by config.ts. */
export type DatabaseConfig =
  | { kind: 'sqlite'; filename: string }
  | {
      kind: 'postgres';
      /** The connection URL; holds the password, so it is never logged. */
      url: string;
      /** Connections in this instance's pool. */
      poolSize: number;
      /** Longest a statement may run before PostgreSQL cancels it, in milliseconds. */
      statementTimeoutMs: number;
    };

/** Opens (does not migrate) the store of `database`. */
export function openStore(database: DatabaseConfig): Store {
  switch (database.kind) {
    case 'sqlite':
      return createSqliteStore({ filename: database.filename });
    case 'postgres':
      return createPostgresStore({
        url: database.url,
        poolSize: database.poolSize,
        statementTimeoutMs: database.statementTimeoutMs,
      });
  }
}
