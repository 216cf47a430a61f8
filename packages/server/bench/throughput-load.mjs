/**
 * @module
 * Load driver of bench/webhook-throughput.mjs (its own process): autocannon against one target,
 * recording which webhook each answer belongs to, so that afterwards every acknowledged event
 * can be looked up in the store.
 *
 * Input: `{ url, mode, tag, references, secret, connections, durationSec, warmupSec, startAt }`.
 * `mode` is `webhooks` (signed Ivy `order_updated` events, each with its own id
 * `evt-<tag>-<k>`, k = startAt, startAt + 1, …; the first pass over `references` moves each
 * order to `processing`, the second to `failed`, later ones change nothing) or `get` (plain
 * `GET path`). With `warmupSec`, a first untimed run of that length comes before the timed one
 * (its events are recorded too). Prints one JSON line: requests/s, p50/p90/p99/max latency
 * (from every response; autocannon's own histogram rounds to whole milliseconds), statuses,
 * and `acked`, the event numbers answered 200, as `[first, last]` ranges.
 *
 * Each connection has one request in flight (no pipelining), so the request context set by
 * `setupRequest` is still the one of the answer `onResponse` receives.
 */
import autocannon from 'autocannon';
import { finish, readInput } from '../../../bench/lib/driver-io.mjs';
import { ingestionEvent, ivySignature } from '../../../bench/lib/ivy-events.mjs';

const input = await readInput();
const { url, mode, tag, references = [], secret, connections, durationSec } = input;

let next = input.startAt ?? 0;
const acked = [];

function request() {
  if (mode === 'get') return { method: 'GET', path: input.path ?? '/healthz' };
  return {
    method: 'POST',
    path: '/webhooks/ivy',
    headers: { 'content-type': 'application/json' },
    setupRequest(req, context) {
      const k = next++;
      context.k = k;
      const { body } = ingestionEvent(tag, references, k);
      return {
        ...req,
        body,
        headers: { ...req.headers, 'x-ivy-signature': ivySignature(secret, body) },
      };
    },
    onResponse(status, _body, context) {
      if (status === 200) acked.push(context.k);
    },
  };
}

/** One autocannon run; latencies from every response. */
async function run(seconds) {
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  const statuses = {};
  let started = 0;
  let lastAt = 0;
  const instance = autocannon({ url, connections, duration: seconds, requests: [request()] });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (count === 0) started = performance.now() - responseTime;
    lastAt = performance.now();
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTime;
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  });
  const result = await new Promise((resolve, reject) =>
    instance.once('done', resolve).once('error', reject),
  );
  const sorted = latencies.subarray(0, count).sort();
  const pct = (p) => (count ? sorted[Math.min(count - 1, Math.floor((p / 100) * count))] : NaN);
  const mean = count ? sorted.reduce((sum, ms) => sum + ms, 0) / count : NaN;
  return {
    requests: count,
    rps: count / ((lastAt - started) / 1000),
    meanMs: mean,
    p50Ms: pct(50),
    p90Ms: pct(90),
    p99Ms: pct(99),
    maxMs: count ? sorted[count - 1] : NaN,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** Sorted numbers as `[first, last]` ranges (the acknowledged events are mostly consecutive). */
function ranges(numbers) {
  const sorted = [...numbers].sort((a, b) => a - b);
  const out = [];
  for (const n of sorted) {
    const last = out.at(-1);
    if (last && n === last[1] + 1) last[1] = n;
    else out.push([n, n]);
  }
  return out;
}

const warmup = input.warmupSec ? await run(input.warmupSec) : null;
const timed = await run(durationSec);
finish({
  mode,
  connections,
  durationSec,
  ...timed,
  warmup,
  eventsBuilt: next - (input.startAt ?? 0),
  acked: ranges(acked),
  ackedCount: acked.length,
});
