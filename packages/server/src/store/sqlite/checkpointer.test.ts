/**
 * @module
 * WAL checkpoints off the event loop (./checkpointer.ts): the connection stops checkpointing,
 * the worker keeps the WAL bounded under writes that never pause, a failed worker hands the
 * checkpoints back, and the store's close leaves no WAL behind.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../../test-support/sse-client.js';
import { startCheckpointer } from './checkpointer.js';
import { createSqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'pay-checkout-checkpoint-'));
let counter = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openDatabase(): { database: BetterSqlite3.Database; filename: string } {
  const filename = join(dir, `wal-${++counter}.db`);
  const database = new BetterSqlite3(filename);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, data BLOB NOT NULL)');
  return { database, filename };
}

const autocheckpoint = (database: BetterSqlite3.Database) =>
  database.pragma('wal_autocheckpoint', { simple: true });

const walSize = (filename: string) =>
  existsSync(`${filename}-wal`) ? statSync(`${filename}-wal`).size : 0;

describe('startCheckpointer', () => {
  it('keeps the WAL bounded under writes that never pause, with the connection checkpointing never', async () => {
    const { database, filename } = openDatabase();
    const failures: unknown[] = [];
    const checkpointer = startCheckpointer(database, filename, {
      intervalMs: 10,
      walLimitBytes: 1024 * 1024,
      onFailure: (error) => failures.push(error),
    });
    expect(autocheckpoint(database)).toBe(0);
    await checkpointer.ready;
    expect(checkpointer.running).toBe(true);

    // 32 MiB written in 512 commits of 64 KiB, a pause of a millisecond every four: on its
    // own the connection (autocheckpoint off) would grow the WAL to all of it.
    const insert = database.prepare('INSERT INTO t (data) VALUES (?)');
    const row = Buffer.alloc(64 * 1024, 7);
    let largest = 0;
    for (let i = 0; i < 512; i++) {
      insert.run(row);
      largest = Math.max(largest, walSize(filename));
      if (i % 4 === 3) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(largest).toBeLessThan(16 * 1024 * 1024);
    expect(database.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 512 });

    await checkpointer.close();
    expect(checkpointer.running).toBe(false);
    expect(autocheckpoint(database)).toBe(1000);
    expect(failures).toEqual([]);
    database.close();
  });

  it('hands the checkpoints back to the connection when the worker fails', async () => {
    const { database } = openDatabase();
    const failures: unknown[] = [];
    // The worker cannot open a file that is not there.
    const checkpointer = startCheckpointer(database, join(dir, 'missing', 'gone.db'), {
      onFailure: (error) => failures.push(error),
    });
    await eventually(async () => failures.length === 1);
    expect(checkpointer.running).toBe(false);
    expect(autocheckpoint(database)).toBe(1000);
    await checkpointer.close();
    database.close();
  });

  it('starts nothing for an in-memory database', async () => {
    const database = new BetterSqlite3(':memory:');
    const checkpointer = startCheckpointer(database, ':memory:');
    expect(checkpointer.running).toBe(false);
    expect(autocheckpoint(database)).toBe(1000);
    await checkpointer.close();
    database.close();
  });
});

describe('the SQLite store', () => {
  it('checkpoints the whole WAL and removes it when it closes', async () => {
    const filename = join(dir, `store-${++counter}.db`);
    const store = createSqliteStore({ filename });
    await store.migrate();
    expect(walSize(filename)).toBeGreaterThan(0);
    await store.close();
    expect(existsSync(`${filename}-wal`)).toBe(false);
    const reopened = new BetterSqlite3(filename, { readonly: true });
    expect(
      reopened
        .prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'webhook_inbox'")
        .get(),
    ).toEqual({ n: 1 });
    reopened.close();
  });
});
