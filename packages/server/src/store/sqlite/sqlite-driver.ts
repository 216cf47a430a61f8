/**
 * @module
 * A Kysely dialect over one better-sqlite3 connection. It differs from Kysely's own
 * `SqliteDialect` in four ways: prepared statements are cached by their SQL text (a bounded,
 * least-recently-used map) instead of prepared again on every call; transactions begin with
 * `BEGIN IMMEDIATE`, so a unit of work takes the write lock before its first read and never
 * fails half-way on a lock upgrade; waiting for another connection's write lock does not block
 * the event loop; and boolean parameters are bound as 1 or 0.
 *
 * Like Kysely's driver it guards the single connection with a mutex: a unit of work holds it
 * from `BEGIN` to `COMMIT`, and every other caller waits for it.
 *
 * The lock wait: better-sqlite3 is synchronous, so SQLite's own busy handler would sleep on the
 * event loop — freezing every request of the process, and never letting a unit of work of the
 * same process that holds the lock finish. The connection's busy handler is therefore off
 * (`busy_timeout` 0, the configured value remembered) for everything Kysely sends: a statement
 * outside a unit of work (`BEGIN IMMEDIATE`, a write, a read) that SQLite refuses for a lock
 * another connection holds is tried again after a short timer, for as long as the configured
 * `busy_timeout` allows. Only {@link BetterSqliteDriver.exclusive} work, which runs on the raw
 * database and cannot wait on a timer, gets the busy handler back while it runs. (Switching it
 * off and on around each statement would prepare two PRAGMAs per write.)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';

/** Prepared statements kept per connection unless told otherwise. */
const DEFAULT_STATEMENT_CACHE_SIZE = 256;

export interface BetterSqliteDialectOptions {
  /** An open database; the dialect closes it when Kysely is destroyed. */
  database: BetterSqlite3.Database;
  /** How many prepared statements to keep (default 256). */
  statementCacheSize?: number;
}

/** The Kysely dialect; its {@link BetterSqliteDialect.driver} also runs raw work exclusively. */
export class BetterSqliteDialect implements Dialect {
  readonly driver: BetterSqliteDriver;

  constructor(options: BetterSqliteDialectOptions) {
    this.driver = new BetterSqliteDriver(options);
  }

  createDriver(): Driver {
    return this.driver;
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

/** Prepared statements by SQL text, the least recently used dropped past `capacity`. */
class StatementCache {
  readonly #statements = new Map<string, BetterSqlite3.Statement>();

  constructor(
    private readonly database: BetterSqlite3.Database,
    private readonly capacity: number,
  ) {}

  get(text: string): BetterSqlite3.Statement {
    // A PRAGMA acts when it is prepared, not when it runs: a cached one would do nothing.
    if (/^\s*pragma\b/i.test(text)) return this.database.prepare(text);
    let statement = this.#statements.get(text);
    if (statement) {
      // Re-inserting moves it to the end: the map's order is the order of last use.
      this.#statements.delete(text);
    } else {
      statement = this.database.prepare(text);
      if (this.#statements.size >= this.capacity) {
        const oldest = this.#statements.keys().next();
        if (!oldest.done) this.#statements.delete(oldest.value);
      }
    }
    this.#statements.set(text, statement);
    return statement;
  }

  get size(): number {
    return this.#statements.size;
  }
}

/** SQLite binds no booleans: they become 1 and 0. */
function bindable(parameters: readonly unknown[]): unknown[] {
  return parameters.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value));
}

/** Whether SQLite refused for a lock another connection holds. */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** The longest pause between two tries of a statement waiting for the write lock. */
const MAX_BUSY_PAUSE_MS = 20;

class BetterSqliteConnection implements DatabaseConnection {
  readonly #database: BetterSqlite3.Database;
  readonly #statements: StatementCache;
  readonly #busyTimeoutMs: number;

  /** Takes the connection's `busy_timeout` as the longest wait, and switches the handler off. */
  constructor(database: BetterSqlite3.Database, statements: StatementCache) {
    this.#database = database;
    this.#statements = statements;
    this.#busyTimeoutMs = Number(database.pragma('busy_timeout', { simple: true }));
    database.pragma('busy_timeout = 0');
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const statement = this.#statements.get(compiledQuery.sql);
    const parameters = bindable(compiledQuery.parameters);
    if (statement.reader) {
      const rows = await this.#waitingForLocks(() => statement.all(parameters));
      return { rows: rows as R[] };
    }
    const { changes, lastInsertRowid } = await this.#waitingForLocks(() =>
      statement.run(parameters),
    );
    return {
      numAffectedRows: BigInt(changes),
      insertId: BigInt(lastInsertRowid),
      rows: [],
    };
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const statement = this.#statements.get(compiledQuery.sql);
    if (!statement.reader) throw new Error('Only statements that return rows can be streamed');
    for (const row of statement.iterate(bindable(compiledQuery.parameters))) {
      yield { rows: [row as R] };
    }
  }

  /**
   * Runs `work` on the raw database with the busy handler on (the configured `busy_timeout`),
   * as SQLite's own waiting is all that synchronous work can have.
   */
  withBusyHandler<T>(work: (database: BetterSqlite3.Database) => T): T {
    this.#database.pragma(`busy_timeout = ${this.#busyTimeoutMs}`);
    try {
      return work(this.#database);
    } finally {
      this.#database.pragma('busy_timeout = 0');
    }
  }

  /**
   * Runs a statement. Inside a unit of work the write lock is held already; outside one, a
   * refusal for a lock held elsewhere is tried again on a timer. The first try is synchronous:
   * a statement that meets no lock costs no extra turn.
   */
  #waitingForLocks<T>(run: () => T): T | Promise<T> {
    if (this.#database.inTransaction) return run();
    try {
      return run();
    } catch (error) {
      if (!isBusy(error) || this.#busyTimeoutMs <= 0) throw error;
      return this.#retryWhileBusy(run, Date.now() + this.#busyTimeoutMs);
    }
  }

  async #retryWhileBusy<T>(run: () => T, deadline: number): Promise<T> {
    for (let pause = 1; ; pause = Math.min(pause * 2, MAX_BUSY_PAUSE_MS)) {
      await sleep(pause / 2 + (Math.random() * pause) / 2);
      try {
        return run();
      } catch (error) {
        if (!isBusy(error) || Date.now() >= deadline) throw error;
      }
    }
  }
}

/** A FIFO lock: `lock()` resolves once every earlier holder has called `unlock()`. */
class Mutex {
  #tail: Promise<void> = Promise.resolve();
  #release: (() => void) | null = null;

  async lock(): Promise<void> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    this.#release = release;
  }

  unlock(): void {
    const release = this.#release;
    this.#release = null;
    release?.();
  }
}

export class BetterSqliteDriver implements Driver {
  readonly #database: BetterSqlite3.Database;
  readonly #statements: StatementCache;
  readonly #connection: BetterSqliteConnection;
  readonly #mutex = new Mutex();

  constructor(options: BetterSqliteDialectOptions) {
    this.#database = options.database;
    this.#statements = new StatementCache(
      options.database,
      options.statementCacheSize ?? DEFAULT_STATEMENT_CACHE_SIZE,
    );
    this.#connection = new BetterSqliteConnection(options.database, this.#statements);
  }

  /** How many prepared statements are cached (for tests). */
  get cachedStatements(): number {
    return this.#statements.size;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.lock();
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('BEGIN IMMEDIATE'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // SQLite may have rolled back already (e.g. after SQLITE_FULL); there is nothing left to do.
    if (!this.#database.inTransaction) return;
    await connection.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`SAVEPOINT ${quoteName(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`ROLLBACK TO ${quoteName(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`RELEASE ${quoteName(name)}`));
  }

  async releaseConnection(): Promise<void> {
    this.#mutex.unlock();
  }

  /**
   * Runs `work` on the raw database while holding the connection, so that no unit of work is
   * open around it — for what Kysely cannot send, such as a script of several statements. It
   * waits for another connection's lock as SQLite does, on the event loop, up to `busy_timeout`.
   */
  async exclusive<T>(work: (database: BetterSqlite3.Database) => T): Promise<T> {
    await this.#mutex.lock();
    try {
      return this.#connection.withBusyHandler(work);
    } finally {
      this.#mutex.unlock();
    }
  }

  /** Waits for the unit of work in progress, then closes the database. */
  async destroy(): Promise<void> {
    await this.#mutex.lock();
    try {
      if (this.#database.open) this.#database.close();
    } finally {
      this.#mutex.unlock();
    }
  }
}

/** A savepoint name as an SQL identifier. */
function quoteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
