/**
 * @module
 * The command in-process: `.env` reading (real variables win), the one-message configuration
 * failure with exit 1, the start line, and shutdown on a signal.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEnvironment, runCli, type CliIo } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'pay-checkout-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

  it('starts, logs its URL, serves, and shuts down on SIGTERM', async () => {
    const run = io({
      PORT: '0',
      PAY_CHECKOUT_SECRET_KEY: 'sk_test_0123456789abcdef',
      PAY_CHECKOUT_ALLOWED_ORIGINS: 'https://shop.example',
      DATABASE_URL: `sqlite:${join(dir, 'cli.db')}`,
      LOG_LEVEL: 'silent',
    });
    const started = await runCli(run.value);
    expect(started).not.toBeNull();
    expect(run.out[0]).toMatch(/^pay-checkout server listening on http:\/\/127\.0\.0\.1:\d+ /);
    expect((await fetch(`${started?.url}/readyz`)).status).toBe(200);
    run.handlers.get('SIGTERM')?.();
    await started?.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(run.exits).toEqual([0]);
  });
});
