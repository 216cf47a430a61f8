#!/usr/bin/env node
/**
 * @module
 * Memory per SSE stream: the resident set size (VmRSS in /proc/<pid>/status) of one server
 * process before and after BENCH_STREAMS (default 5,000) Server-Sent Events streams are open,
 * one per checkout session, held by BENCH_CLIENT_PROCESSES (default 2) client processes.
 * Target: ≤ 20 KB per stream on `pay-checkout-server`.
 *
 * Before measuring, the sessions are created and a warm-up of 500 streams is opened and closed,
 * so that what is counted is the streams and not the first use of the code. The baseline in the
 * same run is a bare `node:http` server holding as many streams (one snapshot message, a
 * heartbeat timer, nothing else). When `/metrics` exposes heap figures, they are shown too.
 * Writes .cache/bench/sse-memory.json.
 */
import { createSessions, scrapeMetrics } from './lib/api.mjs';
import { rssOf, runDriver, sleep, startBareServer, startServer } from './lib/processes.mjs';
import { fmt, printTable, verdict, writeJson } from './lib/report.mjs';
import { envInt, isMain, openRunContext, skipLine } from './lib/run-context.mjs';

const STREAMS = envInt('BENCH_STREAMS', 5000);
const CLIENT_PROCESSES = envInt('BENCH_CLIENT_PROCESSES', 2);
const WARMUP_STREAMS = Math.min(500, STREAMS);
const TARGET_BYTES = 20 * 1024;

/** Median of a few RSS samples, 200 ms apart. */
async function sampleRss(pid, samples = 5) {
  const values = [];
  for (let i = 0; i < samples; i++) {
    values.push(rssOf(pid));
    if (i < samples - 1) await sleep(200);
  }
  return values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/** The process's memory series of `/metrics` (prom-client's process metrics), in MB. */
const MEMORY_SERIES = [
  'process_resident_memory_bytes',
  'nodejs_heap_size_total_bytes',
  'nodejs_heap_size_used_bytes',
  'nodejs_external_memory_bytes',
];

/** The memory figures `/metrics` exposes, when it exposes any. */
async function heapFigures(url) {
  try {
    const series = await scrapeMetrics(url);
    return Object.fromEntries(
      MEMORY_SERIES.filter((name) => name in series).map((name) => [
        name,
        Math.round(series[name] / 1024 / 102.4) / 10,
      ]),
    );
  } catch {
    return {};
  }
}

/** Opens `paths` from `processes` client processes; resolves once all report, with a closer. */
async function holdStreams(name, url, paths, processes) {
  const share = Math.ceil(paths.length / processes);
  const clients = [];
  const reports = [];
  for (let p = 0; p < processes; p++) {
    const slice = paths.slice(p * share, (p + 1) * share);
    if (slice.length === 0) continue;
    let resolveOpened;
    const opened = new Promise((resolve) => (resolveOpened = resolve));
    const client = runDriver(
      `${name}-${p}`,
      'sse-clients.mjs',
      { url, paths: slice },
      {
        onLine(line) {
          if (line.includes('"event":"opened"')) resolveOpened(JSON.parse(line));
        },
      },
    );
    client.done.catch((error) =>
      resolveOpened({ opened: 0, failed: slice.length, error: error.message }),
    );
    clients.push(client);
    reports.push(opened);
  }
  const results = await Promise.all(reports);
  return {
    opened: results.reduce((sum, r) => sum + r.opened, 0),
    failed: results.reduce((sum, r) => sum + r.failed, 0),
    openMs: Math.max(...results.map((r) => r.ms ?? NaN)),
    async close() {
      for (const client of clients) client.send('close');
      await Promise.all(clients.map((client) => client.done.catch(() => null)));
    },
  };
}

async function measure(label, target, paths, metricsUrl) {
  const warm = await holdStreams(
    `sse-clients-${label}-warmup`,
    target.url,
    paths.slice(0, WARMUP_STREAMS),
    1,
  );
  await warm.close();
  await sleep(1_000);
  const before = await sampleRss(target.pid);
  const heapBefore = metricsUrl ? await heapFigures(metricsUrl) : {};
  const held = await holdStreams(`sse-clients-${label}`, target.url, paths, CLIENT_PROCESSES);
  await sleep(2_000);
  const after = await sampleRss(target.pid);
  const heapAfter = metricsUrl ? await heapFigures(metricsUrl) : {};
  const gauge = metricsUrl
    ? ((await scrapeMetrics(metricsUrl))['pay_checkout_sse_connections'] ?? null)
    : null;
  await held.close();
  return {
    label,
    streams: held.opened,
    failed: held.failed,
    openMs: held.openMs,
    serverCountedStreams: gauge,
    rssBefore: before,
    rssAfter: after,
    bytesPerStream: (after - before) / held.opened,
    heapBefore,
    heapAfter,
  };
}

async function measureServer(context, label, databaseUrl) {
  const server = await startServer(`server-sse-${label}`, {
    databaseUrl,
    emulatorUrl: context.emulator.url,
  });
  try {
    const sessions = await createSessions(server.url, {
      count: STREAMS,
      prefix: `sse-${context.runId}-${label}`,
    });
    const paths = sessions.map((id) => `/v1/sessions/${id}/events`);
    return await measure(label, server, paths, server.url);
  } finally {
    await server.stop();
  }
}

export async function benchSseMemory(context) {
  console.log(
    `\n== Memory per SSE stream: ${STREAMS} streams from ${CLIENT_PROCESSES} client processes ==`,
  );
  const bare = await startBareServer('bare-server-sse');
  let baseline;
  try {
    const paths = Array.from({ length: STREAMS }, (_, i) => `/events?stream=${i}`);
    baseline = await measure('bare node:http SSE (baseline)', bare, paths, null);
  } finally {
    await bare.stop();
  }
  const runs = [baseline, await measureServer(context, 'sqlite', context.sqliteUrl('sse'))];
  let skipped = null;
  if (context.postgres) {
    const database = await context.postgres.createDatabase('sse');
    try {
      runs.push(await measureServer(context, 'postgres', database.url));
    } finally {
      await database.drop().catch(() => {});
    }
  } else {
    skipped = skipLine(context, 'SSE memory');
  }

  printTable(
    'Server RSS with open SSE streams (ratios to the baseline)',
    [
      'server',
      'streams',
      'failed',
      'server says',
      'RSS before',
      'RSS after',
      'per stream',
      'ratio',
      'open time',
    ],
    runs.map((r) => [
      r.label,
      r.streams,
      r.failed,
      r.serverCountedStreams ?? '–',
      fmt.mb(r.rssBefore),
      fmt.mb(r.rssAfter),
      fmt.kb(r.bytesPerStream),
      fmt.ratio(r.bytesPerStream / baseline.bytesPerStream),
      `${(r.openMs / 1000).toFixed(1)} s`,
    ]),
  );
  for (const r of runs.slice(1)) {
    if (Object.keys(r.heapAfter).length) {
      console.log(
        `  ${r.label} memory in MB (/metrics): before ${JSON.stringify(r.heapBefore)} after ${JSON.stringify(r.heapAfter)}`,
      );
    }
  }
  const verdicts = runs.slice(1).map((r) => {
    const met = r.failed === 0 && r.streams === STREAMS && r.bytesPerStream <= TARGET_BYTES;
    console.log(
      verdict(
        `${r.label}: ≤ 20 KB per SSE stream`,
        met,
        `${fmt.kb(r.bytesPerStream)} per stream over ${r.streams} streams${r.failed ? `, ${r.failed} failed to open` : ''}`,
      ),
    );
    return { label: r.label, met };
  });
  if (skipped) console.log(skipped);
  const file = writeJson('sse-memory', {
    streams: STREAMS,
    clientProcesses: CLIENT_PROCESSES,
    targetBytesPerStream: TARGET_BYTES,
    runs: runs.map((r) => ({ ...r, ratio: r.bytesPerStream / baseline.bytesPerStream })),
    verdicts,
    postgresSkipped: skipped,
  });
  console.log(`  → ${file}`);
}

if (isMain(import.meta.url)) {
  const context = await openRunContext();
  try {
    await benchSseMemory(context);
  } finally {
    await context.close();
  }
}
