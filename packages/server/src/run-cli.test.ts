/**
 * @module
 * The command in-process: `.env` reading (real variables win), the one-message configuration
 * and start-up failures with exit 1 and no secret in them, the start line naming the database,
 * and shutdown on a signal — on SQLite, and on PostgreSQL when a test server is reachable.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { readEnvironment, runCli, scrubSecrets, type CliIo } from './run-cli.js';
import { createTestDatabase, describePostgres } from './test-support/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'pay-checkout-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BASE = {
  PORT: '0',
  PAY_CHECKOUT_SECRET_KEY: 'sk_test_0123456789abcdef',
  PAY_CHECKOUT_ALLOWED_ORIGINS: 'https://shop.example',
  LOG_LEVEL: 'silent',
};

function io(env: Record<string, string | undefined>, cwd = dir) {
  const out: string[] = [];
  const err: string[] = [];
  const exits: number[] = [];
  const handlers = new Map<string, () => void>();
  const value: CliIo = {
    env,
    cwd,
    stdout: (line) => void out.push(line),
    stderr: (line) => void err.push(line),
    onSignal: (signal, handler) => void handlers.set(signal, handler),
    exit: (code) => void exits.push(code),
  };
  return { value, out, err, exits, handlers };
}

describe('pay-checkout-server command', () => {
  it('reads .env under the real environment', () => {
    writeFileSync(join(dir, '.env'), 'PORT=9999\nLOG_LEVEL=debug\n# comment\nHOST="127.0.0.1"\n');
    expect(readEnvironment({ PORT: '1234' }, dir)).toMatchObject({
      PORT: '1234',
      LOG_LEVEL: 'debug',
      HOST: '127.0.0.1',
    });
    rmSync(join(dir, '.env'));
  });

  it('prints one message naming every bad variable and exits 1', async () => {
    const run = io({ PAY_CHECKOUT_SECRET_KEY: 'short' });
    expect(await runCli(run.value)).toBeNull();
    expect(run.exits).toEqual([1]);
    expect(run.err).toHaveLength(1);
    expect(run.err[0]).toContain('PAY_CHECKOUT_SECRET_KEY');
    expect(run.err[0]).toContain('PAY_CHECKOUT_ALLOWED_ORIGINS');
    expect(run.err[0]).not.toContain('short');
  });

  it('prints a bad DATABASE_URL as that one message, without its password', async () => {
    for (const url of [
      'postgres://pay:hunter2%40Zq9@db.example',
      'postgres://pay:hunter2/Zq9@db.example/pay',
      'mysql://pay:hunter2-Zq9@db.example/pay',
    ]) {
      const run = io({ ...BASE, DATABASE_URL: url });
      expect(await runCli(run.value)).toBeNull();
      expect(run.exits).toEqual([1]);
      expect(run.out).toEqual([]);
      expect(run.err).toHaveLength(1);
      expect(run.err[0]).toMatch(/^Invalid configuration: DATABASE_URL .*\.\n$/);
      expect(run.err[0]).not.toMatch(/hunter2|Zq9/);
    }
  });

  it('prints a failed start as one line with the database and no secret, and exits 1', async () => {
    const url = 'postgres://pay:hunter2%2FZq9@db.example:6543/pay_checkout?password=Xk7-other';
    const run = io({ ...BASE, DATABASE_URL: url });
    run.value.start = () =>
      Promise.reject(
        new Error(
          `could not connect with ${url}\n(password hunter2/Zq9, option Xk7-other, key sk_test_0123456789abcdef)`,
        ),
      );
    expect(await runCli(run.value)).toBeNull();
    expect(run.exits).toEqual([1]);
    expect(run.out).toEqual([]);
    expect(run.err).toEqual([
      'pay-checkout server failed to start (database: PostgreSQL db.example:6543/pay_checkout): ' +
        'could not connect with *** (password ***, option ***, key ***)\n',
    ]);
  });

  it('scrubs each secret as written, as parsed and as decoded', () => {
    const config = loadConfig({
      ...BASE,
      DATABASE_URL: 'postgres://pay:p%40ss w0rd@db.example/pay',
      IVY_API_KEY: 'ivy-key-value',
      IVY_WEBHOOK_SECRET: 'ivy-webhook-secret',
    });
    const text = 'p%40ss w0rd | p%40ss%20w0rd | p@ss w0rd | ivy-key-value | ivy-webhook-secret';
    expect(scrubSecrets(text, config)).toBe('*** | *** | *** | *** | ***');
  });

  it('starts, logs its URL and SQLite file, serves, and shuts down on SIGTERM', async () => {
    const file = join(dir, 'cli.db');
    const run = io({ ...BASE, DATABASE_URL: `sqlite:${file}` });
    const started = await runCli(run.value);
    expect(started).not.toBeNull();
    expect(run.out[0]).toMatch(/^pay-checkout server listening on http:\/\/127\.0\.0\.1:\d+ /);
    expect(run.out[0]).toContain(`(database: SQLite ${file}; providers: none)`);
    expect((await fetch(`${started?.url}/readyz`)).status).toBe(200);
    run.handlers.get('SIGTERM')?.();
    await started?.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(run.exits).toEqual([0]);
  });
});

describePostgres('pay-checkout-server command on PostgreSQL', () => {
  it('starts on the database, names its server and database without credentials', async () => {
    const database = await createTestDatabase('cli');
    try {
      // The test server trusts local connections, so the password is never checked: it is
      // there to prove it stays out of the start line.
      const url = new URL(database.url);
      url.username = 'postgres';
      url.password = 'Zq9-not-printed';
      const name = url.pathname.slice(1);
      const run = io({ ...BASE, DATABASE_URL: url.toString() });
      const started = await runCli(run.value);
      expect(started).not.toBeNull();
      expect(run.err).toEqual([]);
      expect(run.out[0]).toContain(`(database: PostgreSQL ${url.host}/${name}; providers: none)`);
      expect(run.out[0]).not.toMatch(/Zq9|postgres@/);
      expect((await fetch(`${started?.url}/readyz`)).status).toBe(200);
      // The schema was migrated into this PostgreSQL database, not into some other store.
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const tables = await client.query(
          "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'",
        );
        expect(tables.rows[0].n).toBeGreaterThan(0);
      } finally {
        await client.end();
      }
      run.handlers.get('SIGTERM')?.();
      await started?.close();
      await new Promise((resolve) => setImmediate(resolve));
      expect(run.exits).toEqual([0]);
    } finally {
      await database.drop();
    }
  });
});

describe('arguments', () => {
  it('prints the usage for --help and -h and exits 0 without starting', async () => {
    for (const flag of ['--help', '-h']) {
      const run = io(BASE);
      let started = false;
      run.value.argv = [flag];
      run.value.start = async () => {
        started = true;
        throw new Error('must not start');
      };
      expect(await runCli(run.value)).toBeNull();
      expect(run.exits).toEqual([0]);
      expect(started).toBe(false);
      expect(run.out.join('')).toContain('Usage: pay-checkout-server');
      expect(run.out.join('')).toContain('DATABASE_URL');
      expect(run.err).toEqual([]);
    }
  });

  it('refuses an unknown argument with the usage on stderr and exit 2', async () => {
    const run = io(BASE);
    run.value.argv = ['--port=1'];
    expect(await runCli(run.value)).toBeNull();
    expect(run.exits).toEqual([2]);
    expect(run.err.join('')).toMatch(/^Unknown argument: --port=1\n\nUsage:/);
    expect(run.out).toEqual([]);
  });
});
