/**
 * @module
 * The database as a test reads it from outside the server processes: plain SQL that both
 * engines understand, rows as plain objects. SQLite is opened on first use (the server creates
 * and migrates the file) and waits for the servers' write locks.
 */
import Database from 'better-sqlite3';
import pg from 'pg';

export interface DatabaseReader {
  /** Rows of `sql` (`?` placeholders on SQLite, `$1…` on PostgreSQL: see {@link sql}). */
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a statement that changes rows; answers how many it changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
  /** `$1, $2…` placeholders turned into what the engine understands. */
  sql(text: string): string;
  close(): Promise<void>;
}

export function readSqlite(file: string): DatabaseReader {
  let db: Database.Database | null = null;
  const open = () => (db ??= new Database(file, { fileMustExist: true, timeout: 10_000 }));
  return {
    all<T>(sql: string, params: unknown[] = []) {
      return Promise.resolve(
        open()
          .prepare(sql)
          .all(...params) as T[],
      );
    },
    run(sql: string, params: unknown[] = []) {
      return Promise.resolve(
        open()
          .prepare(sql)
          .run(...params).changes,
      );
    },
    sql: (text) => text.replace(/\$\d+/g, '?'),
    close() {
      db?.close();
      return Promise.resolve();
    },
  };
}

export async function readPostgres(url: string, name = 'test-reader'): Promise<DatabaseReader> {
  const client = new pg.Client({ connectionString: url, application_name: name });
  await client.connect();
  return {
    async all<T>(sql: string, params: unknown[] = []) {
      return (await client.query(sql, params)).rows as T[];
    },
    async run(sql: string, params: unknown[] = []) {
      return (await client.query(sql, params)).rowCount ?? 0;
    },
    sql: (text) => text,
    close: () => client.end(),
  };
}
