/**
 * @module
 * Runs the console tables' contract (activity.contract-test.ts) on SQLite, in memory and in a
 * file, and on PostgreSQL (one fresh database per test) when a test server is reachable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createTestDatabase, describePostgres } from '../test-support/postgres.js';
import { runActivityStoreContract } from './activity.contract-test.js';
import { createPostgresStore } from './postgres/postgres-store.js';
import { createSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'pay-checkout-activity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

runActivityStoreContract('sqlite :memory:', () => createSqliteStore({ filename: ':memory:' }));
runActivityStoreContract('sqlite file', () =>
  createSqliteStore({ filename: join(dir, `store-${++files}.db`) }),
);

describePostgres('PostgreSQL', () => {
  runActivityStoreContract('postgres', async (): Promise<Store> => {
    const database = await createTestDatabase('activity');
    const store = createPostgresStore({
      url: database.url,
      poolSize: 4,
      statementTimeoutMs: 10_000,
    });
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
  });
});
