#!/usr/bin/env node
/**
 * @module
 * Cross-instance latency: a webhook taken in by instance A must reach the SSE streams that
 * instance B holds (two `pay-checkout-server` processes on one PostgreSQL database, B told by
 * LISTEN/NOTIFY). A probe process holds one stream per checkout on B, posts signed Ivy webhooks
 * into A at a steady BENCH_RATE per second (default 100), and times each event from writing the
 * webhook request to reading the status message on B's stream; p50/p99 over BENCH_EVENTS
 * (default 1,000) events after a short warm-up. Target: p99 ≤ 50 ms.
 *
 * The baselines in the same run are one instance taking the webhook and streaming it itself:
 * on SQLite (in-process bus), and on PostgreSQL (A → A), so the cost of crossing instances is
 * the difference between the last two rows. Writes .cache/bench/cross-instance-latency.json.
 */
import { createCheckouts } from './lib/api.mjs';
import { IVY, runDriver, startServer } from './lib/processes.mjs';
import { fmt, printTable, ratio, verdict, writeJson } from './lib/report.mjs';
import { envInt, isMain, openRunContext, skipLine } from './lib/run-context.mjs';

const EVENTS = envInt('BENCH_EVENTS', 1000);
const WARMUP = envInt('BENCH_WARMUP', 100);
const RATE = envInt('BENCH_RATE', 100);
const TARGET_P99_MS = 50;

/** Sends into `sender`, listens on `streamer`; both already running. */
async function probe(context, name, sender, streamer) {
  const checkouts = await createCheckouts(sender.url, {
    count: Math.ceil((EVENTS + WARMUP) / 2),
    prefix: `latency-${context.runId}-${name}`,
  });
  const result = await runDriver(`probe-${name}`, 'latency-probe.mjs', {
    sendUrl: sender.url,
    streamUrl: streamer.url,
    secret: IVY.webhookSecret,
    checkouts,
    warmup: WARMUP,
    events: EVENTS,
    ratePerSec: RATE,
    tag: `${context.runId}-${name}`,
  }).done;
  return { name, ...result };
}

export async function benchCrossInstanceLatency(context) {
  console.log(`\n== Webhook → SSE latency: ${EVENTS} events (+${WARMUP} warm-up) at ${RATE}/s ==`);
  const runs = [];
  const single = await startServer('server-latency-sqlite', {
    databaseUrl: context.sqliteUrl('latency'),
    emulatorUrl: context.emulator.url,
  });
  try {
    runs.push({
      label: 'SQLite, one instance (baseline)',
      ...(await probe(context, 'sqlite', single, single)),
    });
  } finally {
    await single.stop();
  }

  let skipped = null;
  if (context.postgres) {
    const database = await context.postgres.createDatabase('latency');
    const a = await startServer('server-latency-pg-a', {
      databaseUrl: database.url,
      emulatorUrl: context.emulator.url,
    });
    const b = await startServer('server-latency-pg-b', {
      databaseUrl: database.url,
      emulatorUrl: context.emulator.url,
    });
    try {
      runs.push({
        label: 'PostgreSQL, A → A (same instance)',
        ...(await probe(context, 'pg-same', a, a)),
      });
      runs.push({
        label: 'PostgreSQL, A → B (cross-instance)',
        ...(await probe(context, 'pg-cross', a, b)),
      });
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await database.drop().catch(() => {});
    }
  } else {
    skipped = skipLine(context, 'cross-instance latency');
  }

  const base = runs[0].delivery;
  printTable(
    'Webhook sent → status message on the stream (ms; ratios to the baseline)',
    [
      'path',
      'events',
      'lost',
      'p50',
      'p90',
      'p99',
      'max',
      'p50 ratio',
      'p99 ratio',
      'ack p50',
      'ack p99',
      'sent/s',
    ],
    runs.map((r) => [
      r.label,
      r.delivery.count,
      r.lost,
      fmt.ms(r.delivery.p50Ms),
      fmt.ms(r.delivery.p90Ms),
      fmt.ms(r.delivery.p99Ms),
      fmt.ms(r.delivery.maxMs),
      fmt.ratio(ratio(r.delivery.p50Ms, base.p50Ms)),
      fmt.ratio(ratio(r.delivery.p99Ms, base.p99Ms)),
      fmt.ms(r.ack.p50Ms),
      fmt.ms(r.ack.p99Ms),
      r.sentPerSec.toFixed(1),
    ]),
  );
  for (const r of runs) {
    const odd = [];
    if (r.unexpected) odd.push(`${r.unexpected} repeated messages`);
    if (r.streamErrors) odd.push(`${r.streamErrors} stream errors`);
    const statuses = Object.entries(r.ackStatuses)
      .map(([s, n]) => `${s}:${n}`)
      .join(' ');
    console.log(
      `  ${r.label}: ${r.streams} streams, webhook answers ${statuses}${odd.length ? `, ${odd.join(', ')}` : ''}`,
    );
  }
  const cross = runs.find((r) => r.name === 'pg-cross');
  let met = null;
  if (cross) {
    met = cross.lost === 0 && cross.delivery.p99Ms <= TARGET_P99_MS;
    if (cross.delivery.count === 0) {
      console.log(
        '  No webhook taken in by A reached a stream on B: the instances do not share status changes.',
      );
    }
    console.log(
      verdict(
        `cross-instance p99 ≤ ${TARGET_P99_MS} ms`,
        met,
        `p99 ${fmt.ms(cross.delivery.p99Ms)} ms over ${cross.delivery.count} events, ${cross.lost} lost`,
      ),
    );
  } else {
    console.log(skipped);
  }
  const file = writeJson('cross-instance-latency', {
    events: EVENTS,
    warmup: WARMUP,
    ratePerSec: RATE,
    targetP99Ms: TARGET_P99_MS,
    targetMet: met,
    runs: runs.map((r) => ({
      ...r,
      ratios: {
        p50: ratio(r.delivery.p50Ms, base.p50Ms),
        p99: ratio(r.delivery.p99Ms, base.p99Ms),
      },
    })),
    postgresSkipped: skipped,
  });
  console.log(`  → ${file}`);
}

if (isMain(import.meta.url)) {
  const context = await openRunContext();
  try {
    await benchCrossInstanceLatency(context);
  } finally {
    await context.close();
  }
}
