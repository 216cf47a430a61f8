/**
 * @module
 * The published binaries as child processes, for tests over real processes:
 * `pay-checkout-server` and `pay-checkout-emulator` started from their built `dist` through
 * their `bin` scripts, on port 0, each in an empty working directory (so no `.env` of the
 * repository leaks in). A process is ready once it has printed the URL it listens on and its
 * readiness route answers 200. Its output is kept for failure messages; every child still
 * running when the test process exits is killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
  /** Everything it wrote to stdout and stderr so far (the last 64 KiB). */
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
}

const OUTPUT_LIMIT = 64 * 1024;
const LISTENING = /listening on (http:\/\/[^\s)]+)/;
const children = new Set<ChildProcess>();

process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

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
  const cwd = mkdtempSync(join(tmpdir(), `pay-checkout-${options.name}-`));
  const child = spawn(process.execPath, [options.bin], {
    cwd,
    env: { ...baseEnv(), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  let url: string | null = null;
  let announced!: (url: string) => void;
  const listening = new Promise<string>((resolve) => (announced = resolve));
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
    const match = url === null ? LISTENING.exec(output) : null;
    if (match?.[1]) {
      url = match[1];
      announced(url);
    }
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let exitedWith: Exit | null = null;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      exitedWith = { code, signal };
      children.delete(child);
      rmSync(cwd, { recursive: true, force: true });
      resolve(exitedWith);
    });
  });

  const running: RunningProcess = {
    name: options.name,
    url: '',
    pid: child.pid ?? -1,
    output: () => output,
    exited,
    running: () => exitedWith === null,
    async stop(signal = 'SIGTERM', graceMs = 5_000) {
      if (exitedWith) return exitedWith;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const fail = async (reason: string): Promise<never> => {
    await running.stop('SIGKILL');
    throw new Error(`${options.name} did not start: ${reason}\n--- output ---\n${output}`);
  };
  const first = await Promise.race([
    listening,
    exited.then((exit) => exit),
    sleep(Math.max(0, deadline - Date.now())).then(() => null),
  ]);
  if (first === null) return fail('no "listening on" line in time');
  if (typeof first !== 'string') return fail(`exited (${JSON.stringify(first)})`);
  running.url = first;
  for (;;) {
    if (!running.running()) return fail(`exited (${JSON.stringify(exitedWith)})`);
    try {
      const response = await fetch(`${first}${options.readyPath}`, {
        signal: AbortSignal.timeout(2_000),
      });
      await response.body?.cancel();
      if (response.status === 200) return running;
    } catch {
      // Not answering yet.
    }
    if (Date.now() > deadline) return fail(`${options.readyPath} did not answer 200 in time`);
    await sleep(50);
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
