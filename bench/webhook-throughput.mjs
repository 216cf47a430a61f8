#!/usr/bin/env node
/**
 * @module
 * Webhook throughput at BENCH_THROUGHPUT_CONNECTIONS (32) connections: signed Ivy webhooks per
 * second, `GET /healthz` per second and p50/p99/max latency of the real `pay-checkout-server`
 * binary, on SQLite and on PostgreSQL, as ratios to a bare `node:http` server doing the least a
 * webhook endpoint must (read the body, HMAC-SHA256 check, `JSON.parse`, 200) — measured in the
 * same run, each server in its own process, autocannon in another. The baseline is measured
 * before and again after the servers, and the mean of the two divides: on a shared machine its
 * speed drifts within a run, and the two rows show by how much.
 *
 * Set-up (not measured): BENCH_THROUGHPUT_ORDERS checkout sessions with one Ivy order each,
 * created through the public API against the emulator. Then, per server: a short warm-up, then
 * BENCH_DURATION seconds of `GET /healthz`, then BENCH_DURATION seconds of webhooks, every one
 * with its own event id (the first pass moves each order to `processing`, the second to
 * `failed`, later ones change nothing), so the inbox does real work on the same two cores while
 * the acknowledgements are timed.
 *
 * Nothing lost: the load driver records which event each 200 answered; once the server has
 * processed its backlog it is stopped and its database read directly — every acknowledged event
 * must be in `webhook_inbox`, processed, with an outcome other than `abandoned`.
 *
 * Targets (printed as MET / NOT MET): webhooks ≥ 0.25 of the baseline, `/healthz` ≥ 0.5 of
 * it, webhook p99 ≤ 20 ms. Writes .cache/bench/webhook-throughput.json.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createCheckouts } from './lib/api.mjs';
import { IVY, ROOT, runDriver, sleep, startBareServer, startServer } from './lib/processes.mjs';
import { fmt, printTable, ratio, verdict, writeJson } from './lib/report.mjs';
import { envInt, isMain, openRunContext, skipLine } from './lib/run-context.mjs';

const ORDERS = envInt('BENCH_THROUGHPUT_ORDERS', 1000);
const CONNECTIONS = envInt('BENCH_THROUGHPUT_CONNECTIONS', 32);
const DURATION = envInt('BENCH_DURATION', 8);
const WARMUP = 2;
/** `BENCH_THROUGHPUT_ENGINES=sqlite` leaves PostgreSQL out (default: both). */
const ENGINES = (process.env.BENCH_THROUGHPUT_ENGINES ?? 'sqlite,postgres')
  .split(',')
  .map((s) => s.trim());
/** Longest wait for a server to process what it acknowledged. */
const DRAIN_TIMEOUT_MS = 180_000;
const TARGETS = { webhookRatio: 0.25, healthzRatio: 0.5, p99Ms: 20 };

const requireServer = createRequire(join(ROOT, 'packages/server/package.json'));

function load(name, input) {
  // The driver lives with the server's benchmarks; runDriver resolves it from bench/lib.
  return runDriver(name, '../../packages/server/bench/throughput-load.mjs', {
    secret: IVY.webhookSecret,
    connections: CONNECTIONS,
    durationSec: DURATION,
    ...input,
  }).done;
}

/** Runs `query(sql)` against the server's database; SQLite read-only, PostgreSQL with pg. */
async function withDatabase(databaseUrl, work) {
  if (databaseUrl.startsWith('sqlite:')) {
    const Database = requireServer('better-sqlite3');
    const db = new Database(databaseUrl.slice('sqlite:'.length), {
      readonly: true,
      fileMustExist: true,
    });
    try {
      return await work(async (sql, params = []) => db.prepare(sql).all(...params));
    } finally {
      db.close();
    }
  }
  const pg = requireServer('pg');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(async (sql, params = []) => {
      let n = 0;
      return (
        await client.query(
          sql.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows;
    });
  } finally {
    await client.end();
  }
}

/** Waits until no stored webhook is left to process; resolves with how long that took. */
async function waitDrained(databaseUrl) {
  const started = performance.now();
  for (;;) {
    const [row] = await withDatabase(databaseUrl, (query) =>
      query('SELECT COUNT(*) AS n FROM webhook_inbox WHERE next_attempt_at IS NOT NULL'),
    );
    if (Number(row.n) === 0) return performance.now() - started;
    if (performance.now() - started > DRAIN_TIMEOUT_MS) return Number.NaN;
    await sleep(200);
  }
}

/** Every acknowledged event of `runs` looked up in the stopped server's database. */
async function verifyNothingLost(databaseUrl, tag, runs) {
  const rows = await withDatabase(databaseUrl, (query) =>
    query('SELECT dedupe_key, processed_at, outcome FROM webhook_inbox WHERE dedupe_key LIKE ?', [
      `evt-${tag}-%`,
    ]),
  );
  const byKey = new Map(rows.map((row) => [row.dedupe_key, row]));
  const outcomes = {};
  let acked = 0;
  let missing = 0;
  let unprocessed = 0;
  let abandoned = 0;
  const examples = [];
  for (const run of runs) {
    for (const [first, last] of run.acked) {
      for (let k = first; k <= last; k++) {
        acked++;
        const row = byKey.get(`evt-${tag}-${k}`);
        if (!row) {
          missing++;
          if (examples.length < 5) examples.push(`evt-${tag}-${k}: not stored`);
          continue;
        }
        if (row.processed_at === null) {
          unprocessed++;
          if (examples.length < 5) examples.push(`evt-${tag}-${k}: not processed`);
        } else if (row.outcome === 'abandoned') {
          abandoned++;
        }
        outcomes[row.outcome ?? 'pending'] = (outcomes[row.outcome ?? 'pending'] ?? 0) + 1;
      }
    }
  }
  return {
    acked,
    stored: rows.length,
    missing,
    unprocessed,
    abandoned,
    outcomes,
    examples,
    ok: acked > 0 && missing === 0 && unprocessed === 0 && abandoned === 0,
  };
}

/** Warm-up, `/healthz`, webhooks, drain and the lost-nothing check against one server. */
async function benchServer(context, label, databaseUrl) {
  const server = await startServer(`server-throughput-${label}`, {
    databaseUrl,
    emulatorUrl: context.emulator.url,
    // Order checks would add their own load to the measurement; the rate limits (guards against
    // floods from one address or to one provider's endpoint) would refuse the set-up and the
    // load itself.
    env: {
      PAY_CHECKOUT_RECONCILE_SCALE: '100',
      PAY_CHECKOUT_RATE_LIMIT_ADDRESS: '0',
      PAY_CHECKOUT_RATE_LIMIT_SESSION: '0',
      PAY_CHECKOUT_RATE_LIMIT_WEBHOOKS: '0',
      PAY_CHECKOUT_RATE_LIMIT_FAILURES: '0',
    },
  });
  let stopped = false;
  try {
    const tag = `tp-${context.runId}-${label}`;
    const checkouts = await createCheckouts(server.url, { count: ORDERS, prefix: tag });
    const references = checkouts.map((c) => c.providerReference);
    const healthz = await load(`throughput-${label}-healthz`, {
      url: server.url,
      mode: 'get',
      path: '/healthz',
      warmupSec: WARMUP,
    });
    const webhooks = await load(`throughput-${label}-webhooks`, {
      url: server.url,
      mode: 'webhooks',
      tag,
      references,
      warmupSec: WARMUP,
    });
    const drainMs = await waitDrained(databaseUrl);
    await server.stop();
    stopped = true;
    const check = await verifyNothingLost(databaseUrl, tag, [webhooks]);
    return { label, healthz, webhooks, drainMs, check };
  } finally {
    if (!stopped) await server.stop();
  }
}

/** Runs the benchmark with a shared run context; returns the path of its JSON. */
export async function benchWebhookThroughput(context) {
  console.log(
    `\n== Webhook throughput: ${CONNECTIONS} connections, ${DURATION} s per row (after ${WARMUP} s warm-up), ${ORDERS} Ivy orders ==`,
  );
  const bareRun = async (name, work) => {
    const bare = await startBareServer(`bare-server-throughput-${name}`);
    try {
      return await work(bare.url);
    } finally {
      await bare.stop();
    }
  };
  const bareWebhookLoad = (name, url) =>
    load(`throughput-bare-webhooks-${name}`, {
      url,
      mode: 'webhooks',
      tag: 'bare',
      references: Array.from({ length: ORDERS }, (_, i) => `1-bare-${i}`),
      warmupSec: WARMUP,
    });
  const [bareWebhooks, bareHealthz] = await bareRun('before', async (url) => [
    await bareWebhookLoad('before', url),
    await load('throughput-bare-healthz', { url, mode: 'get', path: '/healthz' }),
  ]);

  const targets = [];
  if (ENGINES.includes('sqlite')) {
    targets.push(await benchServer(context, 'sqlite', context.sqliteUrl('throughput')));
  }
  let postgresNote = null;
  if (!ENGINES.includes('postgres')) {
    postgresNote = 'PostgreSQL left out (BENCH_THROUGHPUT_ENGINES)';
  } else if (context.postgres) {
    const database = await context.postgres.createDatabase('throughput');
    try {
      targets.push(await benchServer(context, 'postgres', database.url));
    } finally {
      await database.drop().catch(() => {});
    }
  } else {
    postgresNote = skipLine(context, 'webhook throughput');
  }

  // The baseline is measured again after the servers: this machine's speed drifts within a run,
  // and the mean of the two is the denominator of every ratio.
  const bareAfter = await bareRun('after', (url) => bareWebhookLoad('after', url));
  const base = (bareWebhooks.rps + bareAfter.rps) / 2;
  const statuses = (r) =>
    Object.entries(r.statuses ?? {})
      .map(([s, n]) => `${s}:${n}`)
      .join(' ');
  const row = (name, r) => [
    name,
    fmt.int(r.rps),
    fmt.ratio(ratio(r.rps, base)),
    fmt.ms(r.meanMs),
    fmt.ms(r.p50Ms),
    fmt.ms(r.p99Ms),
    fmt.ms(r.maxMs),
    statuses(r),
  ];
  const rows = [
    row('bare node:http: POST /webhooks/ivy, before', bareWebhooks),
    row('bare node:http: POST /webhooks/ivy, after', bareAfter),
    row('bare node:http: GET /healthz', bareHealthz),
  ];
  for (const t of targets) {
    rows.push(row(`${t.label}: GET /healthz`, t.healthz));
    rows.push(row(`${t.label}: POST /webhooks/ivy, distinct events`, t.webhooks));
  }
  printTable(
    `Webhook throughput (requests/s; ratio to the bare webhook baseline, the mean of before and after: ${fmt.int(base)} req/s; latency in ms)`,
    ['target', 'req/s', 'ratio', 'mean', 'p50', 'p99', 'max', 'HTTP statuses'],
    rows,
  );
  for (const t of targets) {
    const { check } = t;
    const outcomes = Object.entries(check.outcomes)
      .map(([s, n]) => `${s}:${n}`)
      .join(' ');
    console.log(
      `  ${t.label}: ${fmt.int(check.acked)} events acknowledged, ${fmt.int(check.stored)} stored; ` +
        `backlog processed ${Number.isFinite(t.drainMs) ? `${(t.drainMs / 1000).toFixed(1)} s` : 'not within 180 s'} after the load; ` +
        `outcomes ${outcomes || 'none'}`,
    );
    console.log(
      `  ${verdict(
        `${t.label}: every acknowledged event stored and processed`,
        check.ok,
        `${check.missing} missing, ${check.unprocessed} unprocessed, ${check.abandoned} abandoned${
          check.examples.length ? `; e.g. ${check.examples.join(', ')}` : ''
        }`,
      )}`,
    );
    const webhookRatio = ratio(t.webhooks.rps, base);
    const healthzRatio = ratio(t.healthz.rps, base);
    console.log(
      `  ${verdict(`${t.label}: webhooks ≥ ${TARGETS.webhookRatio}× baseline`, webhookRatio >= TARGETS.webhookRatio, fmt.ratio(webhookRatio))}`,
    );
    console.log(
      `  ${verdict(`${t.label}: /healthz ≥ ${TARGETS.healthzRatio}× baseline`, healthzRatio >= TARGETS.healthzRatio, fmt.ratio(healthzRatio))}`,
    );
    console.log(
      `  ${verdict(`${t.label}: webhook p99 ≤ ${TARGETS.p99Ms} ms`, t.webhooks.p99Ms <= TARGETS.p99Ms, `${fmt.ms(t.webhooks.p99Ms)} ms`)}`,
    );
  }
  if (postgresNote) console.log(postgresNote);
  const strip = ({ acked, ...rest }) => ({ ...rest, ackedRanges: acked.length });
  const file = writeJson('webhook-throughput', {
    orders: ORDERS,
    connections: CONNECTIONS,
    durationSec: DURATION,
    warmupSec: WARMUP,
    targets: TARGETS,
    baseline: {
      webhooksRps: base,
      webhooks: strip(bareWebhooks),
      webhooksAfter: strip(bareAfter),
      healthz: strip(bareHealthz),
    },
    servers: targets.map((t) => ({
      label: t.label,
      healthz: strip(t.healthz),
      webhooks: strip(t.webhooks),
      drainMs: t.drainMs,
      nothingLost: t.check,
      ratios: {
        webhooks: ratio(t.webhooks.rps, base),
        healthz: ratio(t.healthz.rps, base),
        webhookP99: ratio(t.webhooks.p99Ms, bareWebhooks.p99Ms),
      },
    })),
    postgresSkipped: postgresNote,
  });
  console.log(`  → ${file}`);
  return file;
}

if (isMain(import.meta.url)) {
  const context = await openRunContext();
  try {
    await benchWebhookThroughput(context);
  } finally {
    await context.close();
  }
}
