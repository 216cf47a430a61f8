#!/usr/bin/env node
/**
 * @module
 * Webhook acknowledgement latency under load: how long the real `pay-checkout-server` binary
 * takes to answer a signed Ivy webhook now that it only verifies, stores the event in the inbox
 * and answers 200 (processing follows from the stored row). On SQLite and, when a server
 * answers, PostgreSQL.
 *
 * Set-up (not measured): BENCH_ACK_ORDERS checkout sessions with one Ivy order each, created
 * through the public API against the emulator. Then autocannon (its own process,
 * BENCH_CONNECTIONS connections) drives, for BENCH_DURATION seconds each:
 *
 * 1. the baseline: `GET /healthz`, the same middleware stack with nothing behind it;
 * 2. signed Ivy `order_updated` webhooks, every one with its own event id (`setupRequest`
 *    builds and signs each body), for those orders: the first pass moves each order to
 *    `processing`, the second to `failed`, later ones change nothing — so the inbox processes
 *    real transitions on the same two cores while the acknowledgements are timed.
 *
 * Reported: p50/p90/p99 and requests per second of both rows, the webhook/baseline ratios, the
 * outcomes the server counted (`stored`, `duplicate`), and how long after the load the inbox
 * needed to process what it had acknowledged (the backlog the fast answer leaves behind).
 *
 * Runs on its own after `pnpm run build`: `node packages/server/bench/webhook-ack.mjs`.
 * Writes .cache/bench/webhook-ack.json.
 */
import { createCheckouts, scrapeMetrics, webhookOutcomes } from '../../../bench/lib/api.mjs';
import { IVY, runDriver, sleep, startServer, waitQuiet } from '../../../bench/lib/processes.mjs';
import { fmt, printTable, ratio, writeJson } from '../../../bench/lib/report.mjs';
import { envInt, isMain, openRunContext, skipLine } from '../../../bench/lib/run-context.mjs';

const ORDERS = envInt('BENCH_ACK_ORDERS', 200);
const CONNECTIONS = envInt('BENCH_CONNECTIONS', 16);
const DURATION = envInt('BENCH_DURATION', 10);
/** Longest wait for the inbox to catch up after the load. */
const DRAIN_TIMEOUT_MS = 120_000;

function load(name, input) {
  return runDriver(name, 'webhook-load.mjs', {
    secret: IVY.webhookSecret,
    connections: CONNECTIONS,
    durationSec: DURATION,
    ...input,
  }).done;
}

/** Sum of a counter over all its label sets, from a {@link scrapeMetrics} result. */
function counterTotal(series, name, { except = [] } = {}) {
  let total = 0;
  for (const [key, value] of Object.entries(series)) {
    if (!key.startsWith(`${name}{`)) continue;
    const outcome = key.match(/outcome="([^"]+)"/)?.[1];
    if (outcome && except.includes(outcome)) continue;
    total += value;
  }
  return total;
}

/**
 * Waits until the server has processed as many stored webhooks as it acknowledged since
 * `before`; resolves with how long that took (NaN when it did not within the timeout).
 */
async function waitProcessed(url, before, stored) {
  const started = performance.now();
  const done = () =>
    counterTotal(lastScrape, 'pay_checkout_webhooks_processed_total', { except: ['retry'] }) -
    counterTotal(before, 'pay_checkout_webhooks_processed_total', { except: ['retry'] });
  let lastScrape = await scrapeMetrics(url);
  while (done() < stored) {
    if (performance.now() - started > DRAIN_TIMEOUT_MS) return Number.NaN;
    await sleep(100);
    lastScrape = await scrapeMetrics(url);
  }
  return performance.now() - started;
}

/** The baseline and the webhook load against one pay-checkout-server. */
async function benchServer(context, label, databaseUrl) {
  const server = await startServer(`server-ack-${label}`, {
    databaseUrl,
    emulatorUrl: context.emulator.url,
    // Order checks would add their own load to the measurement; the rate limits (guards against
    // floods) would refuse the set-up and the load itself.
    env: {
      PAY_CHECKOUT_RECONCILE_SCALE: '100',
      PAY_CHECKOUT_RATE_LIMIT_ADDRESS: '0',
      PAY_CHECKOUT_RATE_LIMIT_SESSION: '0',
      PAY_CHECKOUT_RATE_LIMIT_WEBHOOKS: '0',
      PAY_CHECKOUT_RATE_LIMIT_FAILURES: '0',
    },
  });
  try {
    const prefix = `ack-${context.runId}-${label}`;
    const checkouts = await createCheckouts(server.url, { count: ORDERS, prefix });
    const references = checkouts.map((c) => c.providerReference);

    await waitQuiet(server.pid);
    const healthz = await load(`ack-${label}-healthz`, {
      url: server.url,
      mode: 'get',
      path: '/healthz',
    });
    await waitQuiet(server.pid);
    const before = await scrapeMetrics(server.url);
    const webhooks = await load(`ack-${label}-webhooks`, {
      url: server.url,
      mode: 'events',
      tag: prefix,
      references,
    });
    const after = await scrapeMetrics(server.url);
    webhooks.outcomes = webhookOutcomes(before, after);
    const stored = webhooks.outcomes.stored ?? 0;
    const drainMs = await waitProcessed(server.url, before, stored);
    return { label, orders: ORDERS, healthz, webhooks, drainMs };
  } finally {
    await server.stop();
  }
}

/** Runs the benchmark with a shared run context; returns the path of its JSON. */
export async function benchWebhookAck(context) {
  console.log(
    `\n== Webhook acknowledgement: ${ORDERS} Ivy orders, ${CONNECTIONS} connections, ${DURATION} s per row ==`,
  );
  const targets = [await benchServer(context, 'sqlite', context.sqliteUrl('ack'))];
  let postgresNote = null;
  if (context.postgres) {
    const database = await context.postgres.createDatabase('ack');
    try {
      targets.push(await benchServer(context, 'postgres', database.url));
    } finally {
      await database.drop().catch(() => {});
    }
  } else {
    postgresNote = skipLine(context, 'webhook acknowledgement');
  }

  const statuses = (r) =>
    Object.entries(r.statuses ?? {})
      .map(([s, n]) => `${s}:${n}`)
      .join(' ');
  const rows = [];
  for (const t of targets) {
    const { healthz, webhooks } = t;
    rows.push([
      `${t.label}: GET /healthz (baseline)`,
      fmt.int(healthz.rps),
      fmt.ms(healthz.p50Ms),
      fmt.ms(healthz.p90Ms),
      fmt.ms(healthz.p99Ms),
      '',
      '',
      statuses(healthz),
    ]);
    rows.push([
      `${t.label}: POST /webhooks/ivy, distinct events`,
      fmt.int(webhooks.rps),
      fmt.ms(webhooks.p50Ms),
      fmt.ms(webhooks.p90Ms),
      fmt.ms(webhooks.p99Ms),
      fmt.ratio(ratio(webhooks.p50Ms, healthz.p50Ms)),
      fmt.ratio(ratio(webhooks.p99Ms, healthz.p99Ms)),
      statuses(webhooks),
    ]);
  }
  printTable(
    'Webhook acknowledgement (latency in ms; ratios to GET /healthz under the same load)',
    ['target', 'req/s', 'p50', 'p90', 'p99', 'p50 ratio', 'p99 ratio', 'HTTP statuses'],
    rows,
  );
  for (const t of targets) {
    const outcomes = Object.entries(t.webhooks.outcomes)
      .map(([s, n]) => `${s}:${n}`)
      .join(' ');
    console.log(
      `  ${t.label}: server counted ${outcomes || 'nothing'}; the inbox processed them all ` +
        `${Number.isFinite(t.drainMs) ? `${(t.drainMs / 1000).toFixed(1)} s` : 'not within 120 s'} after the load ended`,
    );
  }
  if (postgresNote) console.log(postgresNote);
  const file = writeJson('webhook-ack', {
    orders: ORDERS,
    connections: CONNECTIONS,
    durationSec: DURATION,
    targets: targets.map((t) => ({
      ...t,
      ratios: {
        p50: ratio(t.webhooks.p50Ms, t.healthz.p50Ms),
        p90: ratio(t.webhooks.p90Ms, t.healthz.p90Ms),
        p99: ratio(t.webhooks.p99Ms, t.healthz.p99Ms),
        rps: ratio(t.webhooks.rps, t.healthz.rps),
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
    await benchWebhookAck(context);
  } finally {
    await context.close();
  }
}
