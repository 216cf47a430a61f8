#!/usr/bin/env node
/**
 * @module
 * HTTP limits of the real `pay-checkout-server` binary, over raw sockets (SQLite):
 *
 * 1. keep-alive after a 413: a 2 MiB body (declared `Content-Length`, then chunked) refused at
 *    1 MiB, then `GET /healthz` on the same connection — how many of BENCH_HTTP_TRIES (5)
 *    answer, and what the 413 said about the connection;
 * 2. memory: the server's resident set size (VmRSS) before and at its peak while
 *    BENCH_HTTP_UPLOADS (200) concurrent 2 MiB uploads are refused, BENCH_HTTP_MEMORY_RUNS (3)
 *    times each, every run on a fresh server after a short warm-up — declared length and
 *    chunked (target for both: growth < 50 MiB in every run);
 * 3. a body that drips one byte every 2 s: how long until the server answers or closes
 *    (the server runs with PAY_CHECKOUT_BODY_TIMEOUT_MS=3000; target: within 3 s + 1 s);
 * 4. invalid UTF-8 inside a JSON string: how many of 5 `POST /v1/sessions` are accepted
 *    (target: none, each a 400).
 *
 * Writes .cache/bench/http-hardening.json.
 */
import net from 'node:net';
import { rssOf, sleep, startServer, SECRET_KEY } from './lib/processes.mjs';
import { fmt, printTable, verdict, writeJson } from './lib/report.mjs';
import { envInt, isMain, openRunContext } from './lib/run-context.mjs';

const TRIES = envInt('BENCH_HTTP_TRIES', 5);
const UPLOADS = envInt('BENCH_HTTP_UPLOADS', 200);
const MEMORY_RUNS = envInt('BENCH_HTTP_MEMORY_RUNS', 3);
const UPLOAD_BYTES = 2 * 1024 * 1024;
const BODY_TIMEOUT_MS = 3_000;
const DRIP_EVERY_MS = 2_000;
/** How long a dripping body is kept going before the run gives up on the server closing it. */
const DRIP_GIVE_UP_MS = 20_000;
const MEMORY_TARGET_BYTES = 50 * 1024 * 1024;

const UPLOAD = Buffer.alloc(UPLOAD_BYTES, 'a');

/** Opens a TCP connection to `url`'s host and port. */
function connect(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * Reads one response off `socket` (headers plus a `Content-Length` body). Resolves with
 * `{ status, headers, body }`, or `{ error }` when the connection ends, fails or stays silent.
 */
function readResponse(socket, timeoutMs = 10_000) {
  return new Promise((resolve) => {
    let buffered = Buffer.alloc(0);
    const finish = (result) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (buffered.length > 0 && result.error) result.partial = buffered.length;
      resolve(result);
    };
    const onData = (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine, ...lines] = buffered.subarray(0, end).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => {
          const at = line.indexOf(':');
          return [line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim()];
        }),
      );
      const length = Number(headers['content-length'] ?? 0);
      if (buffered.length < end + 4 + length) return;
      const body = buffered.subarray(end + 4, end + 4 + length).toString('utf8');
      buffered = buffered.subarray(end + 4 + length);
      finish({ status: Number(statusLine.split(' ')[1]), headers, body });
    };
    const onError = (error) => finish({ error: error.code ?? error.message });
    const onClose = () => finish({ error: 'closed' });
    const timer = setTimeout(() => finish({ error: 'timeout' }), timeoutMs);
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
  });
}

function uploadHead(path, extra) {
  return (
    `POST ${path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer ${SECRET_KEY}\r\n` +
    `Content-Type: application/json\r\n${extra}\r\n`
  );
}

/** Writes a 2 MiB body to `/v1/sessions`, declared (`Content-Length`) or chunked. */
function sendUpload(socket, framing) {
  if (framing === 'declared') {
    socket.write(uploadHead('/v1/sessions', `Content-Length: ${UPLOAD_BYTES}\r\n`));
    socket.write(UPLOAD);
  } else {
    socket.write(uploadHead('/v1/sessions', 'Transfer-Encoding: chunked\r\n'));
    socket.write(`${UPLOAD_BYTES.toString(16)}\r\n`);
    socket.write(UPLOAD);
    socket.write('\r\n0\r\n\r\n');
  }
}

/** A refused upload, then `GET /healthz` on the same connection. */
async function keepAliveTry(url, framing) {
  const socket = await connect(url);
  socket.on('error', () => {});
  try {
    sendUpload(socket, framing);
    const refused = await readResponse(socket);
    socket.write('GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n');
    const next = await readResponse(socket);
    return {
      refusedStatus: refused.status ?? refused.error,
      refusedConnection: refused.headers?.connection ?? '(none)',
      next: next.status ?? next.error,
    };
  } finally {
    socket.destroy();
  }
}

async function measureKeepAlive(url) {
  const rows = [];
  for (const framing of ['declared', 'chunked']) {
    const tries = [];
    for (let i = 0; i < TRIES; i++) tries.push(await keepAliveTry(url, framing));
    rows.push({
      framing,
      tries: tries.length,
      refusedStatuses: [...new Set(tries.map((t) => t.refusedStatus))].join(', '),
      refusedConnection: [...new Set(tries.map((t) => t.refusedConnection))].join(', '),
      nextAnswered: tries.filter((t) => t.next === 200).length,
      nextOutcomes: [...new Set(tries.map((t) => t.next))].join(', '),
    });
  }
  return rows;
}

/** One upload on its own connection; resolves with its status (or how the connection ended). */
async function oneUpload(url, framing) {
  const socket = await connect(url);
  socket.on('error', () => {});
  try {
    sendUpload(socket, framing);
    const answer = await readResponse(socket, 30_000);
    return answer.status ?? answer.error;
  } finally {
    socket.destroy();
  }
}

/** Median of a few RSS samples, 100 ms apart. */
async function steadyRss(pid) {
  const values = [];
  for (let i = 0; i < 5; i++) {
    values.push(rssOf(pid));
    await sleep(100);
  }
  return values.sort((a, b) => a - b)[2];
}

async function measureMemory(server, framing, run) {
  // Warm-up, not counted: the code paths of a refused upload, once.
  await Promise.all(Array.from({ length: 20 }, () => oneUpload(server.url, framing)));
  await sleep(1_000);
  const before = await steadyRss(server.pid);
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssOf(server.pid));
  }, 10);
  const started = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: UPLOADS }, () => oneUpload(server.url, framing)),
  );
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, rssOf(server.pid));
  await sleep(2_000);
  const after = await steadyRss(server.pid);
  const counts = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return { framing, run, uploads: UPLOADS, outcomes: counts, ms, before, peak, after };
}

/** A body declared as 100 bytes, sent one byte every 2 s; how long until the server ends it. */
async function measureDrip(url, path) {
  const socket = await connect(url);
  socket.on('error', () => {});
  const started = performance.now();
  socket.write(uploadHead(path, 'Content-Length: 100\r\n'));
  const answer = readResponse(socket, DRIP_GIVE_UP_MS);
  const drip = setInterval(() => {
    if (!socket.destroyed) socket.write('{');
  }, DRIP_EVERY_MS);
  const result = await answer;
  clearInterval(drip);
  const ms = performance.now() - started;
  socket.destroy();
  return {
    path,
    ms,
    outcome: result.status ?? result.error,
    connection: result.headers?.connection ?? null,
  };
}

/** `POST /v1/sessions` whose description holds the bytes 0xFF 0xFE (never UTF-8). */
async function measureInvalidUtf8(url) {
  const statuses = [];
  for (let i = 0; i < 5; i++) {
    const json = Buffer.from(
      JSON.stringify({
        amount: { value: 1999, currency: 'EUR' },
        reference: `utf8-${Date.now()}-${i}`,
        country: 'DE',
        returnUrl: 'http://127.0.0.1:5173/done',
        description: 'Order XX',
      }),
    );
    const at = json.indexOf('XX');
    json[at] = 0xff;
    json[at + 1] = 0xfe;
    const response = await fetch(`${url}/v1/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
      body: json,
    });
    statuses.push(response.status);
    await response.arrayBuffer();
  }
  return { sent: statuses.length, created: statuses.filter((s) => s === 201).length, statuses };
}

export async function benchHttpHardening(context) {
  console.log(`\n== HTTP limits: keep-alive after 413, ${UPLOADS} refused uploads, slow bodies ==`);
  const server = await startServer('server-http-hardening', {
    databaseUrl: context.sqliteUrl('http-hardening'),
    emulatorUrl: context.emulator.url,
    env: {
      PAY_CHECKOUT_BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS),
      PAY_CHECKOUT_WEBHOOK_BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS),
    },
  });
  let keepAlive, drips, utf8;
  const memory = [];
  try {
    keepAlive = await measureKeepAlive(server.url);
    drips = await Promise.all([
      measureDrip(server.url, '/v1/sessions'),
      measureDrip(server.url, '/webhooks/ivy'),
    ]);
    utf8 = await measureInvalidUtf8(server.url);
  } finally {
    await server.stop();
  }
  // A fresh server per run: a later run would start from the heap an earlier one grew.
  for (const framing of ['declared', 'chunked']) {
    for (let run = 1; run <= MEMORY_RUNS; run++) {
      const fresh = await startServer(`server-http-memory-${framing}-${run}`, {
        databaseUrl: context.sqliteUrl(`http-memory-${framing}-${run}`),
        emulatorUrl: context.emulator.url,
      });
      try {
        memory.push(await measureMemory(fresh, framing, run));
      } finally {
        await fresh.stop();
      }
    }
  }

  printTable(
    'A 2 MiB body refused, then GET /healthz on the same connection',
    ['framing', 'tries', 'refused with', 'Connection', 'next answered', 'next outcomes'],
    keepAlive.map((r) => [
      r.framing,
      r.tries,
      r.refusedStatuses,
      r.refusedConnection,
      r.nextAnswered,
      r.nextOutcomes,
    ]),
  );
  printTable(
    `Server RSS while ${UPLOADS} concurrent 2 MiB uploads are refused`,
    ['framing', 'run', 'outcomes', 'RSS before', 'RSS peak', 'growth', 'RSS after', 'took'],
    memory.map((r) => [
      r.framing,
      r.run,
      JSON.stringify(r.outcomes),
      fmt.mb(r.before),
      fmt.mb(r.peak),
      fmt.mb(r.peak - r.before),
      fmt.mb(r.after),
      `${(r.ms / 1000).toFixed(1)} s`,
    ]),
  );
  printTable(
    `A body dripping one byte every ${DRIP_EVERY_MS / 1000} s (body timeout ${BODY_TIMEOUT_MS} ms)`,
    ['path', 'ended after', 'outcome', 'Connection'],
    drips.map((r) => [r.path, `${(r.ms / 1000).toFixed(1)} s`, r.outcome, r.connection ?? '–']),
  );
  console.log(
    `\nInvalid UTF-8 in a JSON string: ${utf8.created} of ${utf8.sent} sessions created (statuses ${utf8.statuses.join(', ')})`,
  );

  const worst = (framing) =>
    Math.max(...memory.filter((r) => r.framing === framing).map((r) => r.peak - r.before));
  const verdicts = [
    [
      'the next request on a connection the 413 kept alive answers (declared: kept; chunked: closed)',
      keepAlive.every((r) =>
        r.refusedConnection === 'close' ? r.refusedStatuses === '413' : r.nextAnswered === r.tries,
      ) && keepAlive.find((r) => r.framing === 'declared')?.nextAnswered === TRIES,
      keepAlive
        .map((r) => `${r.framing} ${r.refusedConnection} ${r.nextAnswered}/${r.tries}`)
        .join(', '),
    ],
    [
      `RSS growth under ${UPLOADS} concurrent refused 2 MiB uploads < 50 MiB (every run)`,
      worst('declared') < MEMORY_TARGET_BYTES && worst('chunked') < MEMORY_TARGET_BYTES,
      `worst ${fmt.mb(worst('declared'))} declared, ${fmt.mb(worst('chunked'))} chunked`,
    ],
    [
      `a dripping body is ended within ${BODY_TIMEOUT_MS} ms + 1 s`,
      drips.every((r) => r.ms <= BODY_TIMEOUT_MS + 1_000 && r.outcome !== 'timeout'),
      drips.map((r) => `${r.path} ${(r.ms / 1000).toFixed(1)} s`).join(', '),
    ],
    ['invalid UTF-8 creates nothing', utf8.created === 0, `${utf8.created} created`],
  ].map(([label, met, detail]) => {
    console.log(verdict(label, met, detail));
    return { label, met };
  });
  const file = writeJson('http-hardening', {
    uploads: UPLOADS,
    uploadBytes: UPLOAD_BYTES,
    bodyTimeoutMs: BODY_TIMEOUT_MS,
    keepAlive,
    memory,
    drips,
    utf8,
    verdicts,
  });
  console.log(`  → ${file}`);
}

if (isMain(import.meta.url)) {
  const context = await openRunContext();
  try {
    await benchHttpHardening(context);
  } finally {
    await context.close();
  }
}
