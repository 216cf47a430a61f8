/**
 * @module
 * Child processes of a benchmark run: the real `pay-checkout-server` and `pay-checkout-emulator`
 * binaries, the baseline server and the load drivers. Every child gets a minimal environment
 * (nothing from the caller's shell leaks into a server's configuration), runs in a scratch
 * directory (so no `.env` is picked up) and writes its output to a log file under
 * `.cache/bench/logs/`. Whatever is still running when the run ends is stopped.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (bench/ lives directly under it). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CACHE_DIR = join(ROOT, '.cache', 'bench');
export const LOG_DIR = join(CACHE_DIR, 'logs');
export const SERVER_BIN = join(ROOT, 'packages/server/bin/pay-checkout-server.mjs');
export const EMULATOR_BIN = join(ROOT, 'packages/emulator/bin/pay-checkout-emulator.mjs');
const LIB = fileURLToPath(new URL('./', import.meta.url));

/** Secrets shared by the emulator and the servers of a run (test values, nothing real). */
export const SECRET_KEY = 'bench_secret_key_0123456789abcdef';
export const IVY = { apiKey: 'ivy_bench_key', webhookSecret: 'ivy_bench_webhook_secret' };
export const ORIGIN = 'http://127.0.0.1:5173';

const running = new Set();
let scratch;

/** A scratch directory for databases and working directories, removed at exit. */
export function scratchDir() {
  scratch ??= mkdtempSync(join(tmpdir(), 'pay-checkout-bench-'));
  return scratch;
}

function baseEnv(extra) {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
  return { ...env, ...extra };
}

/**
 * Starts `node <script> ...args` and resolves once a stdout line matches `ready` (its first
 * capture group, when there is one, becomes `url`).
 */
export function startNode(
  name,
  script,
  { args = [], nodeArgs = [], env = {}, ready, timeoutMs = 30_000 } = {},
) {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = join(LOG_DIR, `${name}.log`);
  const log = createWriteStream(logFile);
  const cwd = mkdtempSync(join(scratchDir(), `${name}-`));
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    cwd,
    env: baseEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  // 'close' comes after the output is drained, so the log is complete when it is read.
  const exited = new Promise((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  exited.then(() => running.delete(child));
  child.stderr.pipe(log, { end: false });

  let buffered = '';
  const lines = [];
  const started = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start within ${timeoutMs} ms (log: ${logFile})`)),
      timeoutMs,
    );
    child.stdout.on('data', (chunk) => {
      log.write(chunk);
      buffered += chunk.toString('utf8');
      let at;
      while ((at = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, at);
        buffered = buffered.slice(at + 1);
        lines.push(line);
        const match = ready && line.match(ready);
        if (match) {
          clearTimeout(timer);
          resolve(match[1] ?? line);
        }
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(
        new Error(`${name} exited (${signal ?? code}) before it was ready:\n${tail(logFile)}`),
      );
    });
  });

  return started.then((url) => ({
    name,
    url,
    pid: child.pid,
    child,
    lines,
    logFile,
    exited,
    /** SIGTERM, then SIGKILL after `graceMs`. */
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      log.end();
      return result;
    },
  }));
}

function tail(file, count = 15) {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-count).join('\n');
  } catch {
    return '(no output)';
  }
}

/** The emulator binary with Ivy on; its own webhooks go nowhere so they cannot race the run. */
export function startEmulator() {
  return startNode('emulator', EMULATOR_BIN, {
    env: {
      EMULATOR_PORT: '0',
      EMULATOR_HOST: '127.0.0.1',
      IVY_API_KEY: IVY.apiKey,
      IVY_WEBHOOK_SECRET: IVY.webhookSecret,
      IVY_WEBHOOK_URL: 'http://127.0.0.1:9/discard',
    },
    ready: /listening on (http:\/\/\S+)/,
  });
}

/**
 * The `pay-checkout-server` binary on `databaseUrl`, with Ivy pointed at the emulator.
 * BENCH_SERVER_NODE_ARGS (space-separated) go to the servers' `node` before the script, e.g.
 * `--cpu-prof --cpu-prof-dir=.cache/bench/profiles` to see where their time goes.
 */
export async function startServer(name, { databaseUrl, emulatorUrl, env = {} }) {
  const server = await startNode(name, SERVER_BIN, {
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      PAY_CHECKOUT_SECRET_KEY: SECRET_KEY,
      PAY_CHECKOUT_ALLOWED_ORIGINS: ORIGIN,
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
      IVY_API_URL: `${emulatorUrl}/ivy`,
      IVY_API_KEY: IVY.apiKey,
      IVY_WEBHOOK_SECRET: IVY.webhookSecret,
      // A benchmark is one client sending far more than any shopper would: no rate limits.
      PAY_CHECKOUT_RATE_LIMIT_ADDRESS: '0',
      PAY_CHECKOUT_RATE_LIMIT_SESSION: '0',
      PAY_CHECKOUT_RATE_LIMIT_WEBHOOKS: '0',
      PAY_CHECKOUT_RATE_LIMIT_FAILURES: '0',
      ...env,
    },
    ready: /listening on (http:\/\/\S+)/,
    nodeArgs: (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
  });
  await waitReady(server.url);
  return server;
}

/** Polls `GET /readyz` until it answers 200. */
export async function waitReady(url, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/readyz`);
      last = `${response.status} ${await response.text()}`;
      if (response.ok) return;
    } catch (error) {
      last = error.message;
    }
    await sleep(100);
  }
  throw new Error(`${url}/readyz never answered 200 (last: ${last})`);
}

/** The baseline: a bare node:http server (bench/lib/bare-server.mjs). */
export function startBareServer(name = 'bare-server') {
  return startNode(name, join(LIB, 'bare-server.mjs'), {
    env: { IVY_WEBHOOK_SECRET: IVY.webhookSecret },
    ready: /listening on (http:\/\/\S+)/,
  });
}

/**
 * Runs a driver script of bench/lib; `done` resolves with the JSON it prints on its last stdout
 * line. `input` is the first line of its stdin, as JSON.
 */
export function runDriver(name, script, input, { onLine } = {}) {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = join(LOG_DIR, `${name}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [join(LIB, script)], {
    cwd: ROOT,
    env: baseEnv({}),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  child.stderr.pipe(log, { end: false });
  let out = '';
  let buffered = '';
  child.stdout.on('data', (chunk) => {
    log.write(chunk);
    out += chunk;
    if (!onLine) return;
    buffered += chunk;
    let at;
    while ((at = buffered.indexOf('\n')) >= 0) {
      onLine(buffered.slice(0, at));
      buffered = buffered.slice(at + 1);
    }
  });
  // The first stdin line is the input; later lines are commands (see driver-io.mjs).
  child.stdin.write(`${JSON.stringify(input)}\n`);
  child.stdin.on('error', () => {});
  const done = new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      log.end();
      if (code !== 0) {
        reject(new Error(`${name} failed (${signal ?? code}):\n${tail(logFile)}`));
        return;
      }
      const last = out.trim().split('\n').at(-1);
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${name} printed no result:\n${tail(logFile)}`));
      }
    });
  });
  return {
    child,
    pid: child.pid,
    done,
    /** Sends one command line. */
    send(command) {
      if (child.stdin.writable) child.stdin.write(`${command}\n`);
    },
  };
}

/** Resident set size of a process, in bytes (VmRSS in /proc/<pid>/status). */
export function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(status.match(/^VmRSS:\s+(\d+)\s+kB/m)?.[1]);
  return kb * 1024;
}

/** CPU time (user + system) a process has used, in milliseconds. */
export function cpuTimeOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100;
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/**
 * Waits until a process is quiet (under 5% of a core for two 250 ms windows in a row), so that
 * work left over from one measurement (an outbox draining, say) does not land in the next.
 * Resolves with how long it waited; gives up after `maxMs`.
 */
export async function waitQuiet(pid, maxMs = 15_000) {
  const started = performance.now();
  let quiet = 0;
  let last = cpuTimeOf(pid);
  while (performance.now() - started < maxMs && quiet < 2) {
    await sleep(250);
    const now = cpuTimeOf(pid);
    quiet = now - last < 250 * 0.05 ? quiet + 1 : 0;
    last = now;
  }
  return performance.now() - started;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function killAll() {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}
