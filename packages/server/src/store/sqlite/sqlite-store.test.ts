/**
 * @module
 * Runs the store contract against SQLite, in memory and on a file in WAL mode.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStoreContract } from '../store.contract-test.js';
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
});
