#!/usr/bin/env node
/**
 * @module
 * Webhook ingestion throughput: how many signed provider webhooks per second the real
 * `pay-checkout-server` binary takes in, on SQLite and on PostgreSQL, against a bare `node:http`
 * server doing the least the same request needs (read the body, check the HMAC-SHA256
 * signature, `JSON.parse`, answer 200) measured in the same run.
 *
 * Set-up (not measured): BENCH_ORDERS checkout sessions, each with one Ivy order, created through
 * the public API against the emulator. Then autocannon (its own process, BENCH_CONNECTIONS
 * connections) posts signed Ivy `order_updated` webhooks for those orders, every one with its
 * own event id, in three rows:
 *
 * 1. status changes: two events per order (`pending → processing`, then `→ failed`), each one a
 *    committed transition, a session event and an outbox row;
 * 2. the steady mix, BENCH_DURATION seconds: new events that change nothing (late or
 *    out-of-order deliveries), one in ten an exact re-delivery of an earlier event;
 * 3. re-deliveries only (the deduplication path), BENCH_DURATION seconds.
 *
 * `GET /healthz` shows what the middleware stack alone costs. The outcomes the server counted
 * (`/metrics`) are shown next to the HTTP statuses, so a run that answered 200 without doing
 * the work would be visible.
 *
 * Writes .cache/bench/webhook-ingestion.json.
 */
import { createCheckouts, scrapeMetrics, webhookOutcomes } from './lib/api.mjs';
import { IVY, runDriver, startBareServer, startServer, waitQuiet } from './lib/processes.mjs';
import { fmt, printTable, writeJson } from './lib/report.mjs';
import { envInt, isMain, openRunContext, skipLine } from './lib/run-context.mjs';

const ORDERS = envInt('BENCH_ORDERS', 2000);
const CONNECTIONS = envInt('BENCH_CONNECTIONS', 16);
const DURATION = envInt('BENCH_DURATION', 8);

function load(name, input) {
  return runDriver(name, 'webhook-load.mjs', {
    secret: IVY.webhookSecret,
    connections: CONNECTIONS,
    durationSec: DURATION,
    ...input,
  }).done;
}

/** Runs the three loads against one pay-checkout-server. */
async function benchServer(context, label, databaseUrl) {
  const server = await startServer(`server-ingestion-${label}`, {
    databaseUrl,
    emulatorUrl: context.emulator.url,
  });
  try {
    const setupStarted = performance.now();
    const prefix = `ingest-${context.runId}-${label}`;
    const checkouts = await createCheckouts(server.url, { count: ORDERS, prefix });
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    const references = checkouts.map((c) => c.providerReference);
    const tag = prefix;

    // Each row starts once the server has finished the previous one's work (its outbox, say).
    const settled = {};
    const quiet = async (row) => (settled[row] = await waitQuiet(server.pid));
    await quiet('healthz');
    const healthz = await load(`load-${label}-healthz`, {
      url: server.url,
      mode: 'get',
      path: '/healthz',
    });
    await quiet('changes');
    const scrapes = [await scrapeMetrics(server.url)];
    const changes = await load(`load-${label}-changes`, {
      url: server.url,
      mode: 'events',
      tag,
      references,
      amount: 2 * ORDERS,
    });
    await quiet('mix');
    scrapes.push(await scrapeMetrics(server.url));
    const mix = await load(`load-${label}-mix`, {
      url: server.url,
      mode: 'events',
      tag,
      references,
      startAt: 2 * ORDERS,
      redeliveries: true,
    });
    await quiet('duplicate');
    scrapes.push(await scrapeMetrics(server.url));
    const duplicate = await load(`load-${label}-duplicate`, {
      url: server.url,
      mode: 'duplicate',
      tag,
      references,
      duplicateOf: Array.from({ length: 2 * ORDERS }, (_, k) => k),
    });
    scrapes.push(await scrapeMetrics(server.url));
    changes.outcomes = webhookOutcomes(scrapes[0], scrapes[1]);
    mix.outcomes = webhookOutcomes(scrapes[1], scrapes[2]);
    duplicate.outcomes = webhookOutcomes(scrapes[2], scrapes[3]);
    return {
      label,
      orders: ORDERS,
      setupSeconds,
      setupOrdersPerSec: ORDERS / setupSeconds,
      settledMsBeforeRow: settled,
      healthz,
      changes,
      mix,
      duplicate,
    };
  } finally {
    await server.stop();
  }
}

/** Runs the benchmark with a shared run context; returns its JSON. */
export async function benchWebhookIngestion(context) {
  console.log(
    `\n== Webhook ingestion: ${ORDERS} Ivy orders, ${CONNECTIONS} connections, ${DURATION} s per timed row ==`,
  );
  const bare = await startBareServer();
  let baseline;
  try {
    baseline = await load('load-bare', {
      url: bare.url,
      mode: 'events',
      redeliveries: true,
      tag: 'bare',
      references: Array.from({ length: ORDERS }, (_, i) => `1-bare-${i}`),
    });
  } finally {
    await bare.stop();
  }

  const targets = [await benchServer(context, 'sqlite', context.sqliteUrl('ingestion'))];
  let postgresNote = null;
  if (context.postgres) {
    const database = await context.postgres.createDatabase('ingestion');
    try {
      targets.push(await benchServer(context, 'postgres', database.url));
    } finally {
      await database.drop().catch(() => {});
    }
  } else {
    postgresNote = skipLine(context, 'webhook ingestion');
  }

  const row = (name, r) => [
    name,
    fmt.int(r.rps),
    fmt.ms(r.p50Ms),
    fmt.ms(r.p99Ms),
    fmt.ratio(r.rps / baseline.rps),
    fmt.ratio(r.p99Ms / baseline.p99Ms),
    r.statuses
      ? Object.entries(r.statuses)
          .map(([s, n]) => `${s}:${n}`)
          .join(' ')
      : '',
    r.outcomes
      ? Object.entries(r.outcomes)
          .map(([s, n]) => `${s}:${n}`)
          .join(' ')
      : '',
  ];
  const rows = [row('bare node:http: HMAC + JSON.parse (baseline)', baseline)];
  for (const t of targets) {
    rows.push(row(`${t.label}: GET /healthz`, t.healthz));
    rows.push(row(`${t.label}: webhooks, status changes`, t.changes));
    rows.push(row(`${t.label}: webhooks, no-change + 10% re-deliveries`, t.mix));
    rows.push(row(`${t.label}: webhooks, re-deliveries only`, t.duplicate));
  }
  printTable(
    'Webhook ingestion (requests/s, latency in ms; ratios to the baseline)',
    [
      'target',
      'req/s',
      'p50',
      'p99',
      'req/s ratio',
      'p99 ratio',
      'HTTP statuses',
      'server outcomes',
    ],
    rows,
  );
  for (const t of targets) {
    console.log(
      `  ${t.label}: set-up created ${t.orders} sessions+orders in ${t.setupSeconds.toFixed(1)} s (${fmt.int(t.setupOrdersPerSec)}/s); ` +
        `busy for ${(t.settledMsBeforeRow.mix / 1000).toFixed(1)} s after the status changes were answered`,
    );
  }
  if (postgresNote) console.log(postgresNote);
  const file = writeJson('webhook-ingestion', {
    orders: ORDERS,
    connections: CONNECTIONS,
    durationSec: DURATION,
    baseline,
    targets: targets.map((t) => ({
      ...t,
      ratios: {
        changesRps: t.changes.rps / baseline.rps,
        mixRps: t.mix.rps / baseline.rps,
        duplicateRps: t.duplicate.rps / baseline.rps,
        mixP99: t.mix.p99Ms / baseline.p99Ms,
      },
    })),
    postgresSkipped: postgresNote,
  });
  console.log(`  → ${file}`);
}

if (isMain(import.meta.url)) {
  const context = await openRunContext();
  try {
    await benchWebhookIngestion(context);
  } finally {
    await context.close();
  }
}
