#!/usr/bin/env node
/**
 * @module
 * Provider breaker under a provider outage: the real `pay-checkout-server` binary against the
 * real emulator binary (Ivy and IXOPAY on), with Ivy failing every call (`errorRate: 1`) for
 * BENCH_BREAKER_SECONDS. A paced load process (this script in `--driver` mode) starts Ivy order
 * attempts and IXOPAY order attempts at the same time, each in a session of its own, and times
 * every answer. Every request the server sends to Ivy passes a counting proxy in front of the
 * emulator, so calls that reach Ivy are counted where Ivy would see them.
 *
 * Rows:
 * 1. healthy (BENCH_BREAKER_HEALTHY_SECONDS): both providers up, the baseline of the same run;
 * 2. Ivy failing: the attempts answered before the breaker opened (they reach Ivy, with the
 *    client's repeats), the fast failures once it is open (502 `provider_unavailable` without
 *    reaching Ivy: target p99 < 100 ms), and IXOPAY at the same time (its p99 against the
 *    healthy row);
 * 3. recovery: faults off, then how long until an Ivy attempt succeeds again (the half-open
 *    probe; at most the breaker's pause, PAY_CHECKOUT_BREAKER_OPEN_MS, default 30 s).
 *
 * Options (environment): BENCH_BREAKER_SECONDS (60), BENCH_BREAKER_HEALTHY_SECONDS (10),
 * BENCH_BREAKER_RATE (Ivy attempts per second, 20), BENCH_BREAKER_OTHER_RATE (IXOPAY attempts
 * per second, 5), BENCH_BREAKER_OPEN_MS (the server's PAY_CHECKOUT_BREAKER_OPEN_MS, 30000).
 * A quick run: `BENCH_BREAKER_SECONDS=10 BENCH_BREAKER_HEALTHY_SECONDS=3 BENCH_BREAKER_OPEN_MS=3000`.
 *
 * Writes .cache/bench/breaker.json.
 */
import http from 'node:http';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createSession, pool, scrapeMetrics } from './lib/api.mjs';
import {
  EMULATOR_BIN,
  IVY,
  ORIGIN,
  ROOT,
  scratchDir,
  sleep,
  startNode,
  startServer,
} from './lib/processes.mjs';
import { fmt, printTable, verdict, writeJson } from './lib/report.mjs';
import { envInt, isMain } from './lib/run-context.mjs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';

const SECONDS = envInt('BENCH_BREAKER_SECONDS', 60);
const HEALTHY_SECONDS = envInt('BENCH_BREAKER_HEALTHY_SECONDS', 10);
const IVY_RATE = envInt('BENCH_BREAKER_RATE', 20);
const OTHER_RATE = envInt('BENCH_BREAKER_OTHER_RATE', 5);
const OPEN_MS = envInt('BENCH_BREAKER_OPEN_MS', 30_000);
const TARGET_P99_MS = 100;

const IXOPAY = {
  IXOPAY_API_KEY: 'ixopay_bench_key',
  IXOPAY_USERNAME: 'ixopay-bench-user',
  IXOPAY_PASSWORD: 'ixopay-bench-password',
  IXOPAY_SHARED_SECRET: 'ixopay_bench_shared_secret',
};
/** Words of the server's answer when the breaker refused the call (providers/breaker.ts). */
const REFUSED = /\((failing, paused for now|failing, being probed|asked us to wait)\)/;

// ---- driver: paced attempts, in its own process -------------------------------------------

/** `--driver`: reads `{ url, origin, plan: [{ label, method, sessions, rate }] }` on stdin. */
async function driver() {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  const { url, origin, plan } = JSON.parse(text);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const target = new URL(url);

  const attempt = (method, sessionId, key) =>
    new Promise((resolve) => {
      const body = JSON.stringify({ method });
      const started = performance.now();
      const request = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: `/v1/sessions/${sessionId}/orders`,
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'idempotency-key': key,
            origin,
          },
        },
        (response) => {
          let answer = '';
          response.setEncoding('utf8');
          response.on('data', (chunk) => (answer += chunk));
          response.on('end', () => {
            let message = '';
            try {
              message = JSON.parse(answer)?.error?.message ?? '';
            } catch {
              // not JSON: the status says enough
            }
            resolve({
              at: started,
              ms: performance.now() - started,
              status: response.statusCode,
              refused: REFUSED.test(message),
            });
          });
        },
      );
      request.once('error', () =>
        resolve({ at: started, ms: performance.now() - started, status: 'error', refused: false }),
      );
      request.end(body);
    });

  const started = performance.now();
  const results = await Promise.all(
    plan.map(async ({ label, method, sessions, rate }) => {
      const interval = 1000 / rate;
      const pending = [];
      for (let i = 0; i < sessions.length; i++) {
        const due = started + i * interval;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        pending.push(attempt(method, sessions[i], `${label}-${i}`));
      }
      const answers = await Promise.all(pending);
      return { label, answers: answers.map((a) => ({ ...a, at: a.at - started })) };
    }),
  );
  agent.destroy();
  process.stdout.write(`${JSON.stringify(results)}\n`, () => process.exit(0));
}

/** Runs the driver in a process of its own; resolves with its per-label answers. */
function runLoad(input) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--driver'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`the load process failed (${code})`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)));
      } catch (error) {
        reject(error);
      }
    });
    child.stdin.end(JSON.stringify(input));
  });
}

// ---- the counting proxy in front of the emulator's Ivy --------------------------------------

/** Forwards every request to `upstream`, counting those under `/ivy`. */
function startCountingProxy(upstream) {
  const counts = { ivy: 0 };
  const base = new URL(upstream);
  const server = http.createServer((request, response) => {
    if (request.url?.startsWith('/ivy')) counts.ivy++;
    const forward = http.request(
      {
        host: base.hostname,
        port: base.port,
        path: request.url,
        method: request.method,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forward.once('error', () => {
      response.writeHead(502);
      response.end();
    });
    request.pipe(forward);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        counts,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

// ---- figures ---------------------------------------------------------------------------------

function stats(values) {
  const sorted = Float64Array.from(values).sort();
  const pct = (p) =>
    sorted.length
      ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
      : NaN;
  return {
    count: sorted.length,
    p50Ms: pct(50),
    p99Ms: pct(99),
    maxMs: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
}

/** p99 per `windowMs` of the run, so that a stall of the whole machine shows as one window. */
function windows(answers, windowMs = 10_000) {
  const buckets = new Map();
  for (const a of answers) {
    const index = Math.floor(a.at / windowMs);
    buckets.set(index, [...(buckets.get(index) ?? []), a.ms]);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, values]) => ({ fromS: (index * windowMs) / 1000, ...stats(values) }));
}

function statuses(answers) {
  const counts = {};
  for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
}

async function faults(emulatorUrl, body) {
  const response = await fetch(`${emulatorUrl}/_emulator/faults${body ? '' : '?provider=ivy'}`, {
    method: body ? 'POST' : 'DELETE',
    headers: { 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!response.ok) throw new Error(`faults: ${response.status} ${await response.text()}`);
}

function sessions(url, count, prefix) {
  return pool(count, 16, async (i) => (await createSession(url, `${prefix}-${i}`)).id);
}

function breakerSeries(metrics, provider) {
  const state = ['closed', 'open', 'half_open'].find(
    (s) =>
      metrics[`pay_checkout_provider_breaker_state{provider="${provider}",state="${s}"}`] === 1,
  );
  let rejected = 0;
  for (const [key, value] of Object.entries(metrics)) {
    if (key.startsWith(`pay_checkout_provider_calls_rejected_total{provider="${provider}"`)) {
      rejected += value;
    }
  }
  return { state: state ?? 'unknown', rejected };
}

/** Runs the benchmark; returns its JSON. */
export async function benchBreaker() {
  console.log(
    `\n== Provider breaker: Ivy failing every call for ${SECONDS} s, ${IVY_RATE} Ivy + ${OTHER_RATE} IXOPAY attempts/s, pause ${OPEN_MS} ms ==`,
  );
  const emulator = await startNode('emulator-breaker', EMULATOR_BIN, {
    env: {
      EMULATOR_PORT: '0',
      EMULATOR_HOST: '127.0.0.1',
      IVY_API_KEY: IVY.apiKey,
      IVY_WEBHOOK_SECRET: IVY.webhookSecret,
      IVY_WEBHOOK_URL: 'http://127.0.0.1:9/discard',
      PAY_CHECKOUT_PUBLIC_URL: 'http://127.0.0.1:9',
      ...IXOPAY,
    },
    ready: /listening on (http:\/\/\S+)/,
  });
  const proxy = await startCountingProxy(emulator.url);
  let server;
  try {
    server = await startServer('server-breaker', {
      databaseUrl: `sqlite:${join(scratchDir(), 'breaker.db')}`,
      emulatorUrl: emulator.url,
      env: {
        IVY_API_URL: `${proxy.url}/ivy`,
        IXOPAY_API_URL: `${emulator.url}/ixopay`,
        ...IXOPAY,
        PAY_CHECKOUT_BREAKER_OPEN_MS: String(OPEN_MS),
        // The load is one client address starting many attempts: no rate limit in the way.
        PAY_CHECKOUT_RATE_LIMIT_ADDRESS: '0',
        PAY_CHECKOUT_RATE_LIMIT_SESSION: '0',
      },
    });
    const prefix = `breaker-${Date.now().toString(36)}`;
    const plan = async (label, seconds) => ({
      url: server.url,
      origin: ORIGIN,
      plan: [
        {
          label: `${label}-ivy`,
          method: 'ivy:bank',
          rate: IVY_RATE,
          sessions: await sessions(server.url, seconds * IVY_RATE, `${prefix}-${label}-ivy`),
        },
        {
          label: `${label}-ixopay`,
          method: 'ixopay:card',
          rate: OTHER_RATE,
          sessions: await sessions(server.url, seconds * OTHER_RATE, `${prefix}-${label}-ixo`),
        },
      ],
    });

    // 1. Healthy: the same load with both providers up.
    const healthyPlan = await plan('healthy', HEALTHY_SECONDS);
    const healthy = await runLoad(healthyPlan);

    // 2. Ivy failing every call.
    const failingPlan = await plan('failing', SECONDS);
    const before = await scrapeMetrics(server.url);
    await faults(emulator.url, { provider: 'ivy', errorRate: 1 });
    const reachedBefore = proxy.counts.ivy;
    const loadBefore = loadavg()[0];
    const failing = await runLoad(failingPlan);
    const loadAfter = loadavg()[0];
    const reachedDuring = proxy.counts.ivy - reachedBefore;
    const after = await scrapeMetrics(server.url);

    // 3. Recovery: faults off; Ivy attempts once a second until one succeeds.
    await faults(emulator.url, null);
    const recoveryStarted = performance.now();
    const spare = await sessions(server.url, Math.ceil(OPEN_MS / 1000) + 10, `${prefix}-recover`);
    let recoveredMs = NaN;
    for (const [i, sessionId] of spare.entries()) {
      const response = await fetch(`${server.url}/v1/sessions/${sessionId}/orders`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': `recover-${i}`,
          origin: ORIGIN,
        },
        body: JSON.stringify({ method: 'ivy:bank' }),
      });
      if (response.status === 201) {
        recoveredMs = performance.now() - recoveryStarted;
        break;
      }
      await sleep(1000);
    }
    const recovered = breakerSeries(await scrapeMetrics(server.url), 'ivy');

    const pick = (results, label) => results.find((r) => r.label === label).answers;
    const healthyIvy = pick(healthy, 'healthy-ivy');
    const healthyOther = pick(healthy, 'healthy-ixopay');
    const failingIvy = pick(failing, 'failing-ivy');
    const fast = failingIvy.filter((a) => a.refused);
    const slow = failingIvy.filter((a) => !a.refused);
    const failingOther = pick(failing, 'failing-ixopay');
    const figures = {
      healthyIvy: { ...stats(healthyIvy.map((a) => a.ms)), statuses: statuses(healthyIvy) },
      healthyOther: { ...stats(healthyOther.map((a) => a.ms)), statuses: statuses(healthyOther) },
      reachingIvy: { ...stats(slow.map((a) => a.ms)), statuses: statuses(slow) },
      fastFail: { ...stats(fast.map((a) => a.ms)), statuses: statuses(fast) },
      failingOther: { ...stats(failingOther.map((a) => a.ms)), statuses: statuses(failingOther) },
    };
    const row = (name, f) => [
      name,
      fmt.int(f.count),
      fmt.ms(f.p50Ms),
      fmt.ms(f.p99Ms),
      fmt.ms(f.maxMs),
      Object.entries(f.statuses)
        .map(([s, n]) => `${s}:${n}`)
        .join(' '),
    ];
    printTable(
      'Order attempts (latency in ms)',
      ['row', 'count', 'p50', 'p99', 'max', 'HTTP statuses'],
      [
        row('healthy: Ivy', figures.healthyIvy),
        row('healthy: IXOPAY', figures.healthyOther),
        row('Ivy failing: Ivy attempts that reached Ivy', figures.reachingIvy),
        row('Ivy failing: Ivy fast failures (breaker open)', figures.fastFail),
        row('Ivy failing: IXOPAY at the same time', figures.failingOther),
      ],
    );
    const breakerDuring = breakerSeries(after, 'ivy');
    const rejected = breakerDuring.rejected - breakerSeries(before, 'ivy').rejected;
    console.log(
      `  Ivy calls that reached the emulator while failing: ${reachedDuring} ` +
        `(for ${failingIvy.length} attempts; ${rejected} calls refused by the breaker per /metrics, ` +
        'order checks of the failed attempts included)',
    );
    const fastWindows = windows(fast);
    const otherWindows = windows(failingOther);
    printTable(
      'Ivy failing, per 10 s window: p99 in ms (a window where both are slow is the machine)',
      ['from s', 'fast failures', 'p99', 'IXOPAY', 'p99'],
      fastWindows.map((w) => {
        const other = otherWindows.find((o) => o.fromS === w.fromS);
        return [
          w.fromS,
          fmt.int(w.count),
          fmt.ms(w.p99Ms),
          fmt.int(other?.count),
          fmt.ms(other?.p99Ms),
        ];
      }),
    );
    console.log(
      `  1-min load average of this machine: ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after (${availableParallelism()} cores)`,
    );
    console.log(
      `  IXOPAY p99 while Ivy failed / healthy: ${fmt.ratio(figures.failingOther.p99Ms / figures.healthyOther.p99Ms)}`,
    );
    console.log(
      `  recovery: first Ivy success ${fmt.ms(recoveredMs)} ms after the faults were reset; breaker now ${recovered.state}`,
    );
    console.log(
      `  ${verdict(
        `fast failure p99 < ${TARGET_P99_MS} ms`,
        figures.fastFail.count > 0 && figures.fastFail.p99Ms < TARGET_P99_MS,
        `${fmt.ms(figures.fastFail.p99Ms)} ms over ${figures.fastFail.count}`,
      )}`,
    );
    const file = writeJson('breaker', {
      seconds: SECONDS,
      healthySeconds: HEALTHY_SECONDS,
      ivyRate: IVY_RATE,
      otherRate: OTHER_RATE,
      openMs: OPEN_MS,
      figures,
      windows: { fastFail: fastWindows, other: otherWindows },
      loadAverage: { before: loadBefore, after: loadAfter },
      reachedIvyWhileFailing: reachedDuring,
      refusedByBreaker: rejected,
      recoveredMs,
      breakerAfterRecovery: recovered.state,
      targetP99Ms: TARGET_P99_MS,
    });
    console.log(`  → ${file}`);
    return figures;
  } finally {
    await server?.stop();
    await proxy.close();
    await emulator.stop();
  }
}

if (process.argv[2] === '--driver') {
  await driver();
} else if (isMain(import.meta.url)) {
  await benchBreaker();
}
