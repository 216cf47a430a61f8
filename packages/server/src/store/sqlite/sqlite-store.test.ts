/**
 * @module
 * Runs the store contracts against SQLite, in memory and on a file in WAL mode, plus what only
 * SQLite has: reopening a file, upgrading an old schema, several handles on one file, and the
 * driver's statement cache and connection mutex.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createLedger } from '../../core/ledger.js';
import type { SessionRecord } from '../../domain/records.js';
import type { Database } from '../kysely/schema.js';
import { runInboxStoreContract } from '../inbox.contract-test.js';
import { runMandateStoreContract } from '../mandates.contract-test.js';
import { runRetentionStoreContract } from '../retention.contract-test.js';
import { runStoreContract } from '../store.contract-test.js';
import { MIGRATIONS } from './migrations.js';
import { createInboxRepository } from '../kysely/inbox-repository.js';
import { BetterSqliteDialect } from './sqlite-driver.js';
import { createSqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'pay-checkout-store-'));
let counter = 0;

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

runStoreContract('sqlite :memory:', () => createSqliteStore({ filename: ':memory:' }));
runStoreContract('sqlite file', () =>
  createSqliteStore({ filename: join(dir, `store-${++counter}.db`) }),
);
runMandateStoreContract('sqlite :memory:', () => createSqliteStore({ filename: ':memory:' }));
runInboxStoreContract('sqlite file', () =>
  createSqliteStore({ filename: join(dir, `store-${++counter}.db`) }),
);
runRetentionStoreContract('sqlite file', () =>
  createSqliteStore({ filename: join(dir, `store-${++counter}.db`) }),
);
runMandateStoreContract('sqlite file', () =>
  createSqliteStore({ filename: join(dir, `store-${++counter}.db`) }),
);

const T0 = '2026-01-01T00:00:00.000Z';

function session(id: string, reference: string): SessionRecord {
  return {
    id,
    reference,
    amount: { value: 100, currency: 'EUR' },
    country: 'DE',
    returnUrl: 'https://shop.example/',
    status: 'created',
    createdAt: T0,
    expiresAt: '2026-01-01T01:00:00.000Z',
  };
}

describe('sqlite store specifics', () => {
  it('records applied migrations and keeps data across reopen', async () => {
    const filename = join(dir, 'reopen.db');
    const first = createSqliteStore({ filename });
    await first.migrate();
    await first.sessions.insert(session('cs_a', 'r-1'));
    await first.close();
    const second = createSqliteStore({ filename });
    await second.migrate();
    expect((await second.sessions.get('cs_a'))?.reference).toBe('r-1');
    await second.close();
    const raw = new BetterSqlite3(filename, { readonly: true });
    const versions = raw.prepare('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(versions.all()).toEqual(MIGRATIONS.map(({ version, name }) => ({ version, name })));
    raw.close();
  });

  it('upgrades a database made by the first migration, keeping its rows', async () => {
    const filename = join(dir, 'upgrade.db');
    const v1 = new BetterSqlite3(filename);
    v1.exec(`CREATE TABLE schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
    v1.exec(MIGRATIONS[0]?.sql ?? '');
    v1.prepare('INSERT INTO schema_migrations VALUES (1, ?, ?)').run('initial schema', 'x');
    const insertSession = v1.prepare(
      `INSERT INTO sessions VALUES (?, ?, 100, 'EUR', 'DE', 'https://s.example/', ?, 'pending',
       ?, '2026-01-01T01:00:00.000Z')`,
    );
    insertSession.run('cs_old', 'old-1', '{}', '2026-01-01T00:00:00.000Z');
    const mandate = { setup: true, referenceId: 'mandate-old', cadence: 'MONTHLY' };
    insertSession.run('cs_m1', 'old-2', JSON.stringify({ mandate }), '2026-01-01T00:00:00.000Z');
    insertSession.run('cs_m2', 'old-3', JSON.stringify({ mandate }), '2026-01-01T00:05:00.000Z');
    v1.prepare(
      `INSERT INTO orders (id, session_id, attempt, provider, method, provider_reference, status,
       amount_value, currency, created_at, updated_at) VALUES ('ord_old', 'cs_old', 1, 'ivy',
       'ivy:bank', '1-old-1', 'pending', 100, 'EUR', '2026-01-01T00:00:00.000Z',
       '2026-01-01T00:00:00.000Z')`,
    ).run();
    v1.close();

    const store = createSqliteStore({ filename });
    await store.migrate();
    expect(await store.orders.get('ord_old')).toMatchObject({ version: 0, mandateId: null });
    // Migration 3 filled the column from the JSON: the newest session that asked wins.
    expect((await store.sessions.findByMandateReference('mandate-old'))?.id).toBe('cs_m2');
    expect(await store.sessions.findByMandateReference('mandate-none')).toBeNull();
    expect((await store.sessions.get('cs_m1'))?.mandate).toEqual(mandate);

    const paid = await createLedger(store).applyStatus({
      orderId: 'ord_old',
      status: 'paid',
      source: 'webhook',
      now: new Date('2026-01-01T00:10:00.000Z'),
    });
    expect(paid.order?.version).toBe(1);
    expect((await store.outbox.list()).map((m) => m.id)).toEqual(['msg_ord_old_1']);
    await store.close();
  });

  it('never lets two store handles on one file (two instances) claim the same message', async () => {
    const filename = join(dir, 'two-instances.db');
    const a = createSqliteStore({ filename });
    const b = createSqliteStore({ filename });
    await Promise.all([a.migrate(), b.migrate()]);
    const [ledgerA, ledgerB] = [createLedger(a), createLedger(b)];
    const now = new Date(T0);
    for (let i = 0; i < 50; i++) {
      await ledgerA.createSession(session(`cs_${i}`, `r-${i}`));
      await ledgerA.createOrder({
        id: `ord_${i}`,
        sessionId: `cs_${i}`,
        provider: 'ivy',
        method: 'ivy:bank',
        now,
      });
      await ledgerB.applyStatus({ orderId: `ord_${i}`, status: 'pending', source: 'create', now });
    }
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? ledgerA : ledgerB).claimOutbox({ owner: `o${i}`, now, leaseMs: 60_000, limit: 7 }),
      ),
    );
    const ids = claims.flat().map((m) => m.id);
    expect(ids).toHaveLength(50);
    expect(new Set(ids).size).toBe(50);
    await a.close();
    await b.close();
  });

  it('applies each migration once when two handles migrate one file at once', async () => {
    const filename = join(dir, 'migrate-race.db');
    const stores = [createSqliteStore({ filename }), createSqliteStore({ filename })];
    await Promise.all(stores.map((store) => store.migrate()));
    const raw = new BetterSqlite3(filename, { readonly: true });
    expect(raw.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({
      n: MIGRATIONS.length,
    });
    raw.close();
    await Promise.all(stores.map((store) => store.close()));
  });

  it('runs units of work one after another on one handle', async () => {
    const store = createSqliteStore({ filename: ':memory:' });
    await store.migrate();
    await store.sessions.insert(session('cs_1', 'r-1'));
    // Each reads the highest attempt, yields, then writes the next: interleaved, they would clash.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.transaction(async (tx) => {
          const attempt = (await tx.orders.lastAttempt('cs_1')) + 1;
          await new Promise((resolve) => setTimeout(resolve, 1));
          await tx.orders.insert({
            id: `ord_${i}`,
            sessionId: 'cs_1',
            attempt,
            provider: 'ivy',
            method: 'ivy:bank',
            providerReference: `${attempt}-r-1`,
            providerOrderId: null,
            status: 'created',
            amount: { value: 100, currency: 'EUR' },
            needsReview: false,
            lateSuccess: false,
            version: 0,
            createdAt: T0,
            updatedAt: T0,
          });
        }),
      ),
    );
    expect(await store.orders.lastAttempt('cs_1')).toBe(10);
    await store.close();
  });

  it('keeps writers on two handles of one file apart with BEGIN IMMEDIATE', async () => {
    const filename = join(dir, 'immediate.db');
    const a = createSqliteStore({ filename });
    const b = createSqliteStore({ filename });
    await a.migrate();
    await a.sessions.insert(session('cs_1', 'r-1'));
    // A read-then-write unit of work under a plain BEGIN fails on the lock upgrade
    // (SQLITE_BUSY) when the other handle writes in between; an immediate one waits instead.
    const work = (store: typeof a, name: string) =>
      store.transaction(async (tx) => {
        const current = await tx.sessions.get('cs_1');
        await new Promise((resolve) => setTimeout(resolve, 5));
        await tx.sessions.setStatus('cs_1', current?.status === 'created' ? 'pending' : 'paid');
        return name;
      });
    await expect(Promise.all([work(a, 'a'), work(b, 'b')])).resolves.toEqual(['a', 'b']);
    expect((await a.sessions.get('cs_1'))?.status).toBe('paid');
    await a.close();
    await b.close();
  });

  it('closes the file even when nothing but migrate ran', async () => {
    const filename = join(dir, 'migrate-only.db');
    const store = createSqliteStore({ filename });
    await store.migrate();
    expect(existsSync(`${filename}-wal`)).toBe(true);
    await store.close();
    // The last connection to close checkpoints the WAL and removes it.
    expect(existsSync(`${filename}-wal`)).toBe(false);
  });

  it('closes once, and rejects calls after close', async () => {
    const store = createSqliteStore({ filename: ':memory:' });
    await store.migrate();
    await store.close();
    await expect(store.close()).resolves.toBeUndefined();
    await expect(store.sessions.get('cs_1')).rejects.toThrow('The store is closed');
    await expect(store.ping()).rejects.toThrow('The store is closed');
    await expect(store.migrate()).rejects.toThrow('The store is closed');
    await expect(store.transaction(async () => 1)).rejects.toThrow('The store is closed');
  });
});

describe('sqlite driver', () => {
  it('prepares each statement once and keeps at most its cache size', async () => {
    const dialect = new BetterSqliteDialect({
      database: new BetterSqlite3(':memory:'),
      statementCacheSize: 3,
    });
    const db = new Kysely<Database>({ dialect });
    for (let i = 0; i < 3; i++) await sql`SELECT 1`.execute(db);
    expect(dialect.driver.cachedStatements).toBe(1);
    for (let i = 0; i < 10; i++) await sql`SELECT ${sql.lit(i)} AS n`.execute(db);
    expect(dialect.driver.cachedStatements).toBe(3);
    const { rows } = await sql<{ n: number }>`SELECT ${sql.lit(9)} AS n`.execute(db);
    expect(rows).toEqual([{ n: 9 }]);
    await db.destroy();
  });

  it('looks for due webhooks through the pending index, not past the processed history', async () => {
    const filename = join(dir, 'inbox-plan.db');
    const store = createSqliteStore({ filename });
    await store.migrate();
    await store.close();
    const database = new BetterSqlite3(filename);
    const insert = database.prepare(
      `INSERT INTO webhook_inbox (provider, dedupe_key, subject, body, headers, received_at,
         next_attempt_at, processed_at) VALUES ('ivy', ?, ?, '{}', '{}', 'now', ?, ?)`,
    );
    database.transaction(() => {
      for (let i = 0; i < 2000; i++) {
        const pending = i >= 1990;
        insert.run(`e${i}`, `s${i % 100}`, pending ? i : null, pending ? null : 'then');
      }
    })();
    const queries: { sql: string; parameters: readonly unknown[] }[] = [];
    const db = new Kysely<Database>({
      dialect: new BetterSqliteDialect({ database }),
      log: (event) => {
        if (event.level === 'query') queries.push(event.query);
      },
    });
    const due = await createInboxRepository(db, 'sqlite').due(5000, 16);
    expect(due.map((event) => event.dedupeKey)).toEqual(
      Array.from({ length: 10 }, (_, k) => `e${1990 + k}`),
    );
    const [query] = queries;
    const plan = database
      .prepare(`EXPLAIN QUERY PLAN ${query!.sql}`)
      .all(...(query!.parameters as unknown[])) as { detail: string }[];
    const steps = plan.map((step) => step.detail);
    expect(steps.find((detail) => !detail.includes('older'))).toBe(
      'SCAN webhook_inbox USING INDEX webhook_inbox_pending',
    );
    expect(steps.filter((detail) => detail.includes('TEMP B-TREE'))).toEqual([]);
    await db.destroy();
  });

  it('binds booleans as 1 and 0, and rolls a failed unit of work back', async () => {
    const dialect = new BetterSqliteDialect({ database: new BetterSqlite3(':memory:') });
    const db = new Kysely<{ t: { flag: number } }>({ dialect });
    await sql`CREATE TABLE t (flag INTEGER NOT NULL)`.execute(db);
    await db
      .insertInto('t')
      .values({ flag: true as unknown as number })
      .execute();
    await expect(
      db.transaction().execute(async (trx) => {
        await trx
          .insertInto('t')
          .values({ flag: false as unknown as number })
          .execute();
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await db.selectFrom('t').selectAll().execute()).toEqual([{ flag: 1 }]);
    await db.destroy();
  });
});
