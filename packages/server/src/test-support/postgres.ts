/**
 * @module
 * Fresh PostgreSQL databases for tests: each one created from nothing, dropped afterwards, on
 * the server that postgres-global-setup.ts found. Suites wrap themselves in
 * {@link describePostgres}, which skips them (the global set-up said so once) when no server
 * is reachable.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, inject } from 'vitest';

/** The admin URL of the test server, or null when the PostgreSQL suites are skipped. */
export function postgresAdminUrl(): string | null {
  return inject('postgresAdminUrl') ?? null;
}

/** `describe` when a test PostgreSQL server is reachable, `describe.skip` otherwise. */
export const describePostgres: typeof describe = ((name: string, fn: () => void) =>
  postgresAdminUrl() === null ? describe.skip(name, fn) : describe(name, fn)) as typeof describe;

export interface TestDatabase {
  /** A connection URL of the new, empty database. */
  url: string;
  /** Drops the database, ending whatever is still connected to it. */
  drop(): Promise<void>;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = postgresAdminUrl();
  if (url === null) throw new Error('No test PostgreSQL server is reachable');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database named after `label` (letters, digits, `_`) plus a random part. */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const base = postgresAdminUrl();
  if (base === null) throw new Error('No test PostgreSQL server is reachable');
  const safe = label
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 30);
  const name = `pct_${safe}_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(base);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
