/**
 * @module
 * PostgreSQL for the benchmarks: is a server reachable, and fresh databases that are dropped
 * afterwards. Uses `pg` from packages/server's dependencies, else the `psql` client.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './processes.mjs';

const run = promisify(execFile);

/** Where PostgreSQL is expected (its maintenance database). */
export const POSTGRES_URL =
  process.env.PAY_CHECKOUT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function loadPg() {
  try {
    return createRequire(join(ROOT, 'packages/server/package.json'))('pg');
  } catch {
    return null;
  }
}

/** The URL without its password, for printing. */
export function redact(url) {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

async function query(url, sql) {
  const pg = loadPg();
  if (pg) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  }
  const { stdout } = await run('psql', [url, '-XAtq', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    timeout: 10_000,
  });
  return stdout.trim() ? stdout.trim().split('\n') : [];
}

/** Null when PostgreSQL answers at {@link POSTGRES_URL}, else why not. */
export async function postgresUnavailable() {
  try {
    await query(POSTGRES_URL, 'SELECT 1');
    return null;
  } catch (error) {
    return error.code ?? error.message.split('\n')[0];
  }
}

/** Creates an empty database; `drop()` removes it (closing what is still connected). */
export async function createDatabase(label) {
  const name = `pay_checkout_bench_${label}_${randomBytes(4).toString('hex')}`;
  await query(POSTGRES_URL, `CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => query(POSTGRES_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
