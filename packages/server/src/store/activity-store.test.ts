/**
 * @module
 * Runs the console tables' contract (activity.contract-test.ts) on SQLite, in memory and in a
 * file, and on PostgreSQL (one fresh database per test) when a test server is reachable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describePostgres } from '../test-support/postgres.js';
import {
  openPostgresTestStore,
  openSqliteMemoryStore,
  sqliteFileStores,
} from '../test-support/test-stores.js';
import { runActivityStoreContract } from './activity.contract-test.js';

const dir = mkdtempSync(join(tmpdir(), 'pay-checkout-activity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runActivityStoreContract('sqlite :memory:', openSqliteMemoryStore);
runActivityStoreContract('sqlite file', sqliteFileStores(dir));

describePostgres('PostgreSQL', () => {
  runActivityStoreContract('postgres', () => openPostgresTestStore('activity'));
});
