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

export interface OpenStoreOptions {
  /** Told of a failure that costs speed, not data (SQLite: checkpoints back on the event loop). */
  onDegraded?: (error: unknown, what: string) => void;
}

/** Opens (does not migrate) the store of `database`. */
export function openStore(database: DatabaseConfig, options: OpenStoreOptions = {}): Store {
  const { onDegraded } = options;
  switch (database.kind) {
    case 'sqlite':
      return createSqliteStore({
        filename: database.filename,
        ...(onDegraded
          ? {
              onCheckpointFailure: (error: unknown) =>
                onDegraded(error, 'SQLite checkpoints run on the event loop again'),
            }
          : {}),
      });
    case 'postgres':
      return createPostgresStore({
        url: database.url,
        poolSize: database.poolSize,
        statementTimeoutMs: database.statementTimeoutMs,
      });
  }
}
