/**
 * @module
 * Vitest global set-up: finds the PostgreSQL server the PostgreSQL suites run against, once per
 * run. `PAY_CHECKOUT_TEST_DATABASE_URL` names it (any database of it: suites create their own);
 * otherwise a local server on 127.0.0.1:5432 is used when it answers. With none reachable the
 * suites are skipped with one line — except under `CI=true`, where that fails the run.
 */
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** An admin URL of the test PostgreSQL server, or null when there is none. */
    postgresAdminUrl: string | null;
  }
}

const LOCAL_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

async function reachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const configured = process.env.PAY_CHECKOUT_TEST_DATABASE_URL;
  const url = configured && configured.length > 0 ? configured : LOCAL_URL;
  const failure = await reachable(url);
  if (failure === null) {
    project.provide('postgresAdminUrl', url);
    return;
  }
  const reason = `PostgreSQL at ${redact(url)} is unreachable (${failure})`;
  if (process.env.CI === 'true') {
    throw new Error(`${reason}; CI=true requires the PostgreSQL suites to run`);
  }
  console.log(
    `PostgreSQL suites skipped: ${reason}; set PAY_CHECKOUT_TEST_DATABASE_URL to run them`,
  );
  project.provide('postgresAdminUrl', null);
}
