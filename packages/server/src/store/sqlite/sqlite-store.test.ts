/**
 * @module
 * Runs the store contract against SQLite, in memory and on a file in WAL mode.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runMandateStoreContract } from '../mandates.contract-test.js';
import { runStoreContract } from '../store.contract-test.js';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.js';
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
runMandateStoreContract('sqlite file', () =>
  createSqliteStore({ filename: join(dir, `store-${++counter}.db`) }),
);

describe('sqlite store specifics', () => {
  it('records applied migrations and keeps data across reopen', async () => {
    const filename = join(dir, 'reopen.db');
    const first = createSqliteStore({ filename });
    await first.migrate();
    await first.createSession({
      id: 'cs_a',
      reference: 'r-1',
      amount: { value: 100, currency: 'EUR' },
      country: 'DE',
      returnUrl: 'https://shop.example/',
      status: 'created',
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-01T01:00:00.000Z',
    });
    await first.close();
    const second = createSqliteStore({ filename });
    await second.migrate();
    expect((await second.getSession('cs_a'))?.reference).toBe('r-1');
    await second.close();
  });

  it('upgrades a database made by the first migration, keeping its orders', async () => {
    const filename = join(dir, 'upgrade.db');
    const v1 = new Database(filename);
    v1.exec(`CREATE TABLE schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
    v1.exec(MIGRATIONS[0]?.sql ?? '');
    v1.prepare('INSERT INTO schema_migrations VALUES (1, ?, ?)').run('initial schema', 'x');
    v1.prepare(
      `INSERT INTO sessions VALUES ('cs_old', 'old-1', 100, 'EUR', 'DE', 'https://s.example/',
       '{}', 'pending', '2026-01-01T00:00:00.000Z', '2026-01-01T01:00:00.000Z')`,
    ).run();
    v1.prepare(
      `INSERT INTO orders (id, session_id, attempt, provider, method, provider_reference, status,
       amount_value, currency, created_at, updated_at) VALUES ('ord_old', 'cs_old', 1, 'ivy',
       'ivy:bank', '1-old-1', 'pending', 100, 'EUR', '2026-01-01T00:00:00.000Z',
       '2026-01-01T00:00:00.000Z')`,
    ).run();
    v1.close();
    const store = createSqliteStore({ filename });
    await store.migrate();
    expect(await store.getOrder('ord_old')).toMatchObject({ version: 0, mandateId: null });
    const paid = await store.applyStatus({
      orderId: 'ord_old',
      status: 'paid',
      source: 'webhook',
      now: new Date('2026-01-01T00:10:00.000Z'),
    });
    expect(paid.order?.version).toBe(1);
    expect((await store.listOutbox()).map((m) => m.id)).toEqual(['msg_ord_old_1']);
    await store.close();
  });

  it('never lets two store handles on one file (two instances) claim the same message', async () => {
    const filename = join(dir, 'two-instances.db');
    const a = createSqliteStore({ filename });
    const b = createSqliteStore({ filename });
    await a.migrate();
    await b.migrate();
    const now = new Date('2026-01-01T00:00:00.000Z');
    for (let i = 0; i < 50; i++) {
      await a.createSession({
        id: `cs_${i}`,
        reference: `r-${i}`,
        amount: { value: 100, currency: 'EUR' },
        country: 'DE',
        returnUrl: 'https://shop.example/',
        status: 'created',
        createdAt: now.toISOString(),
        expiresAt: now.toISOString(),
      });
      await a.createOrder({
        id: `ord_${i}`,
        sessionId: `cs_${i}`,
        provider: 'ivy',
        method: 'ivy:bank',
        now,
      });
      await b.applyStatus({ orderId: `ord_${i}`, status: 'pending', source: 'create', now });
    }
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).claimOutbox({ owner: `o${i}`, now, leaseMs: 60_000, limit: 7 }),
      ),
    );
    const ids = claims.flat().map((m) => m.id);
    expect(ids).toHaveLength(50);
    expect(new Set(ids).size).toBe(50);
    await a.close();
    await b.close();
  });
});
