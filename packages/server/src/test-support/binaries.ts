/**
 * @module
 * The published binaries as child processes, for tests over real processes:
 * `pay-checkout-server` and `pay-checkout-emulator` started from their built `dist` through
 * their `bin` scripts, on port 0, each in an empty working directory (so no `.env` of the
 * repository leaks in). A process is ready once it has printed the URL it listens on and its
 * readiness route answers 200. Its output is kept for failure messages; every child still
 * running when the test process exits is killed.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNodeProcess } from './processes.js';

const require = createRequire(import.meta.url);

/** `packages/server/bin/pay-checkout-server.mjs`. */
export const SERVER_BIN = fileURLToPath(
  new URL('../../bin/pay-checkout-server.mjs', import.meta.url),
);

/** `packages/emulator/bin/pay-checkout-emulator.mjs`. */
export const EMULATOR_BIN = join(
  dirname(require.resolve('@pay-checkout/emulator/package.json')),
  'bin',
  'pay-checkout-emulator.mjs',
);

/** How the process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A started binary. */
export interface RunningProcess {
  name: string;
  /** `http://127.0.0.1:<port>`, as the process printed it. */
  url: string;
  pid: number;
  /** Everything it wrote to stdout and stderr so far (the last 64 KiB, or `outputLimit`). */
  output(): string;
  /** Settles when the process has exited. */
  exited: Promise<Exit>;
  /** Whether it is still running. */
  running(): boolean;
  /** Sends `signal` and waits for the exit (SIGKILL after `graceMs` if it is still running). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<Exit>;
}

export interface StartOptions {
  name: string;
  bin: string;
  env: Record<string, string>;
  /** Path answered with 200 once the process is ready (e.g. `/readyz`). */
  readyPath: string;
  /** Longest wait for readiness (default 30 s). */
  timeoutMs?: number;
  /** How much of its output is kept, from the end (default 64 KiB). */
  outputLimit?: number;
}

/** The variables a child needs from this process (PATH and the like), nothing else. */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SYSTEMROOT']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** Starts `options.bin` with Node and waits until it is ready; throws with its output if not. */
export async function startProcess(options: StartOptions): Promise<RunningProcess> {
  const dist = join(dirname(dirname(options.bin)), 'dist', 'cli.js');
  if (!existsSync(dist)) {
    throw new Error(`${dist} is missing: run \`pnpm run build\` first`);
  }
  return startNodeProcess({ ...options, script: options.bin });
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
