/**
 * @module
 * Stores for the suites that run one contract on every engine: SQLite in memory or in a file,
 * and PostgreSQL on a fresh database of the test server that is dropped when the store closes.
 * PostgreSQL suites still wrap themselves in `describePostgres` (test-support/postgres.ts).
 */
import { join } from 'node:path';
import { createPostgresStore } from '../store/postgres/postgres-store.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { createTestDatabase } from './postgres.js';

/** A store on a new PostgreSQL database named after `label`; closing it drops the database. */
export async function openPostgresTestStore(label: string, poolSize = 4): Promise<Store> {
  const database = await createTestDatabase(label);
  const store = createPostgresStore({ url: database.url, poolSize, statementTimeoutMs: 10_000 });
  return {
    ...store,
    async close() {
      try {
        await store.close();
      } finally {
        await database.drop();
      }
    },
  };
}

/** A SQLite store in memory. */
export function openSqliteMemoryStore(): Store {
  return createSqliteStore({ filename: ':memory:' });
}

/** SQLite stores in files of `dir`, a new file each call. */
export function sqliteFileStores(dir: string): () => Store {
  let files = 0;
  return () => createSqliteStore({ filename: join(dir, `store-${++files}.db`) });
}
