/**
 * @module
 * Driving tests over real processes: any Node script as a child process (the built CLI through
 * a launcher, say), started on port 0 and ready once it has printed the URL it listens on and
 * its readiness route answers 200; and the small tools such tests share — a seeded random
 * source, bounded concurrency, and waiting for a condition with a deadline that names what was
 * awaited. The published binaries themselves are started with binaries.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseEnv, sleep, type Exit, type RunningProcess } from './binaries.js';

export { sleep };

/** A random source in [0, 1) from a 32-bit seed (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The integer seed in the environment variable `name`, or a fresh one. */
export function seedFromEnv(name: string): number {
  const configured = Number(process.env[name]);
  return Number.isInteger(configured) ? configured : Math.floor(Math.random() * 2 ** 31);
}

/** A shuffled copy of `items` (Fisher–Yates). */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/** Runs `work` over `items` with at most `limit` in flight; results in the order of `items`. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Polls `condition` until it returns a value other than null, undefined or false; throws after
 * `timeoutMs` (default 20 s) with `what` and, if given, the `status()` at that moment.
 */
export async function until<T>(
  condition: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  what: string,
  options: { timeoutMs?: number; everyMs?: number; status?: () => Promise<string> | string } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      const status = options.status ? `; ${await options.status()}` : '';
      throw new Error(`${what}: not within ${timeoutMs} ms${status}`);
    }
    await sleep(options.everyMs ?? 25);
  }
}

export interface NodeProcessOptions {
  /** For failure messages and the scratch directory's name. */
  name: string;
  /** The script Node runs. */
  script: string;
  /** Variables on top of {@link baseEnv}; nothing else of this process's environment leaks in. */
  env: Record<string, string>;
  /** Path answered with 200 once the process is ready (e.g. `/readyz`). */
  readyPath: string;
  /** Longest wait for readiness (default 30 s). */
  timeoutMs?: number;
  /** How much of its output is kept, from the end (default 64 KiB). */
  outputLimit?: number;
}

const OUTPUT_LIMIT = 64 * 1024;
const LISTENING = /listening on (http:\/\/[^\s)]+)/;
const children = new Set<ChildProcess>();

process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** A spawned process that has not been let go yet (see {@link NodeProcessOptions.gated}). */
export interface PreparedProcess {
  /** Lets it go (writes a line to its stdin) and waits until it is ready. */
  start(): Promise<RunningProcess>;
  /** Kills it unstarted. */
  cancel(): Promise<void>;
}

/**
 * Starts `node <script>` in an empty working directory and waits until it is ready; throws with
 * its output if it exits or is not ready in time. Every child still running when the test
 * process exits is killed.
 */
export async function startNodeProcess(options: NodeProcessOptions): Promise<RunningProcess> {
  return prepareNodeProcess(options, { gated: false }).start();
}

/**
 * Spawns `node <script>` now and lets it go on {@link PreparedProcess.start}. With `gated`, the
 * script is expected to load its modules and then wait for a line on stdin before it starts
 * (test-support/server-on-cue.mjs does with `START_ON_STDIN=1`), so that the next instance of
 * a test that restarts a server again and again costs only its own start, not Node's loading.
 */
export function prepareNodeProcess(
  options: NodeProcessOptions,
  { gated }: { gated: boolean },
): PreparedProcess {
  const cwd = mkdtempSync(join(tmpdir(), `pay-checkout-${options.name}-`));
  const child = spawn(process.execPath, [options.script], {
    cwd,
    env: { ...baseEnv(), ...options.env, ...(gated ? { START_ON_STDIN: '1' } : {}) },
    stdio: [gated ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.stdin?.on('error', () => {});
  let output = '';
  let announced!: (url: string) => void;
  const listening = new Promise<string>((resolve) => (announced = resolve));
  let url: string | null = null;
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-(options.outputLimit ?? OUTPUT_LIMIT));
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

  const start = async (): Promise<RunningProcess> => {
    if (gated) child.stdin?.end('start\n');
    const timeoutMs = options.timeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    const fail = async (reason: string): Promise<never> => {
      await running.stop('SIGKILL');
      throw new Error(`${options.name} did not start: ${reason}\n--- output ---\n${output}`);
    };
    const first = await Promise.race([listening, exited, sleep(timeoutMs).then(() => null)]);
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
      await sleep(20);
    }
  };
  return {
    start,
    async cancel() {
      await running.stop('SIGKILL');
    },
  };
}
