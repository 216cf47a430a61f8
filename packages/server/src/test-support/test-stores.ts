/**
 * @module
 * Stores for the suites that run one contract on every engine: SQLite in memory or in a file,
 * and PostgreSQL on a fresh database of the test server that is dropped when the store closes.
 * PostgreSQL suites still wrap themselves in `describePostgres` (test-support/postgres.ts).
 * Plus {@link seedOrder}, an order moved through its statuses straight on a ledger.
 */
import { join } from 'node:path';
import type { OrderStatus } from '@pay-checkout/protocol/status';
import type { Ledger } from '../core/ledger.js';
import type { ApplyStatusInput } from '../domain/records.js';
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

/** What {@link seedOrder} writes. */
export interface SeedOrder {
  sessionId: string;
  reference: string;
  orderId: string;
  /** The statuses the order moves through, in order. */
  statuses: readonly OrderStatus[];
  /** Where each status comes from; a webhook unless told. */
  source?: ApplyStatusInput['source'];
  amount?: { value: number; currency: string };
  now?: Date;
}

/** A session of an hour and its Ivy order, moved through `statuses` on `ledger`. */
export async function seedOrder(ledger: Ledger, seed: SeedOrder): Promise<void> {
  const now = seed.now ?? new Date();
  await ledger.createSession({
    id: seed.sessionId,
    reference: seed.reference,
    amount: seed.amount ?? { value: 500, currency: 'EUR' },
    country: 'DE',
    returnUrl: 'https://shop.example/',
    status: 'created',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 3_600_000).toISOString(),
  });
  await ledger.createOrder({
    id: seed.orderId,
    sessionId: seed.sessionId,
    provider: 'ivy',
    method: 'ivy:bank',
    now,
  });
  for (const status of seed.statuses) {
    await ledger.applyStatus({
      orderId: seed.orderId,
      status,
      source: seed.source ?? 'webhook',
      now,
    });
  }
}
