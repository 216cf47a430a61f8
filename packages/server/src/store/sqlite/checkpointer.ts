/**
 * @module
 * WAL checkpoints off the event loop. By default SQLite checkpoints on the connection that
 * commits once the WAL holds 1,000 pages; with better-sqlite3 that connection runs on the event
 * loop, which then copies pages into the database file and waits for its fsync while every
 * request waits. Here the store's connection never checkpoints (`wal_autocheckpoint = 0`) and a
 * worker thread with a connection of its own runs a passive checkpoint every
 * {@link CheckpointerOptions.intervalMs}.
 *
 * - A passive checkpoint neither waits for nor blocks a writer. Once it has copied every frame,
 *   the next write starts the WAL over from its beginning.
 * - Writes that never pause leave no such moment. Once the WAL file is larger than
 *   {@link CheckpointerOptions.walLimitBytes}, the worker follows its passive checkpoint with
 *   one that waits for the write in progress, holds the next ones back while it copies the few
 *   frames written since, and truncates the file.
 *   Writers then wait on a timer (./sqlite-driver.ts), not on the event loop.
 * - Should the worker fail, or fail to start, the store's connection checkpoints itself again as
 *   before: the WAL never grows without bound.
 * - An in-memory database has no WAL: nothing is started for it.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

/** SQLite's own threshold (pages), restored when the worker is gone. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

export interface CheckpointerOptions {
  /** How often the worker checkpoints (default 200 ms). */
  intervalMs?: number;
  /** The WAL file's size past which a checkpoint also truncates it (default 64 MiB). */
  walLimitBytes?: number;
  /** Told when the worker failed and the connection checkpoints itself again. */
  onFailure?: (error: unknown) => void;
}

/** A running checkpointer. */
export interface Checkpointer {
  /** Whether checkpoints run off the event loop (false once the worker failed). */
  readonly running: boolean;
  /** Resolves once the worker has the file open (or has failed, or was never started). */
  readonly ready: Promise<void>;
  /** Stops the worker, after a last checkpoint, and hands checkpoints back to the connection. */
  close(): Promise<void>;
}

/**
 * The worker, as CommonJS source: it opens the file, checkpoints on a timer and closes when told
 * to. Errors end it, which the main thread hears as an `error` or an `exit`.
 */
const WORKER_SOURCE = `
const { statSync } = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { fileMustExist: true });
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
const walSize = () => {
  try {
    return statSync(workerData.filename + '-wal').size;
  } catch {
    return 0;
  }
};
const checkpoint = () => {
  db.pragma('wal_checkpoint(PASSIVE)');
  // What the passive one copied is not copied again: writers are held back for the rest only.
  if (walSize() > workerData.walLimitBytes) db.pragma('wal_checkpoint(TRUNCATE)');
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.postMessage('ready');
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/**
 * Takes `database`'s checkpoints to a worker thread. `filename` is the file `database` has open;
 * for `:memory:` (or an empty name, a temporary database) nothing is started.
 */
export function startCheckpointer(
  database: BetterSqlite3.Database,
  filename: string,
  options: CheckpointerOptions = {},
): Checkpointer {
  if (filename === '' || filename === ':memory:' || database.memory) {
    return { running: false, ready: Promise.resolve(), close: () => Promise.resolve() };
  }
  let running = true;
  let closing = false;
  const restore = (error: unknown): void => {
    if (!running) return;
    running = false;
    if (database.open) database.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
    if (!closing) options.onFailure?.(error);
  };
  database.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      filename,
      intervalMs: options.intervalMs ?? 200,
      walLimitBytes: options.walLimitBytes ?? 64 * 1024 * 1024,
      busyTimeoutMs: Number(database.pragma('busy_timeout', { simple: true })),
    },
  });
  // The worker does not keep the process alive; the store's close stops it.
  worker.unref();
  const exited = new Promise<void>((resolve) => {
    worker.once('error', (error) => restore(error));
    worker.once('exit', (code) => {
      restore(new Error(`the checkpoint worker exited with code ${code}`));
      resolve();
    });
  });
  const ready = new Promise<void>((resolve) => {
    worker.once('message', () => resolve());
    void exited.then(resolve);
  });
  return {
    get running() {
      return running;
    },
    ready,
    async close() {
      if (closing) return exited;
      closing = true;
      // Held open until the worker has made its last checkpoint and closed its connection.
      worker.ref();
      worker.postMessage('close');
      await exited;
    },
  };
}
