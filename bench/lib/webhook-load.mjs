/**
 * @module
 * Load driver (its own process): autocannon against one target.
 *
 * Input: `{ url, mode, tag, references, secret, connections, durationSec | amount }`.
 * `mode` is `events` (signed Ivy webhooks {@link ingestionEvent} `startAt`, `startAt + 1`, …;
 * with `redeliveries`, one in ten is a copy of an earlier one), `duplicate` (exact copies of the
 * events numbered in `duplicateOf`) or `get` (plain `GET path`). Latencies are taken from every
 * response (autocannon's own histogram rounds to whole milliseconds). Prints one JSON line.
 */
import autocannon from 'autocannon';
import { finish, readInput } from './driver-io.mjs';
import { ingestionEvent, ivySignature } from './ivy-events.mjs';

const input = await readInput();
const { url, mode, tag, references = [], secret, connections, durationSec, amount } = input;
const redeliveries = Boolean(input.redeliveries);

let next = 0;
let duplicatesSent = 0;
const request =
  mode === 'get'
    ? { method: 'GET', path: input.path ?? '/healthz' }
    : {
        method: 'POST',
        path: '/webhooks/ivy',
        headers: { 'content-type': 'application/json' },
        setupRequest(req) {
          const k = next++;
          const event =
            mode === 'duplicate'
              ? ingestionEvent(tag, references, input.duplicateOf[k % input.duplicateOf.length])
              : ingestionEvent(tag, references, (input.startAt ?? 0) + k, { redeliveries });
          if (event.duplicate || mode === 'duplicate') duplicatesSent++;
          return {
            ...req,
            body: event.body,
            headers: { ...req.headers, 'x-ivy-signature': ivySignature(secret, event.body) },
          };
        },
      };

let latencies = new Float64Array(1 << 16);
let count = 0;
const statuses = {};
let started = 0;
let lastAt = 0;

const instance = autocannon({
  url,
  connections,
  ...(amount ? { amount } : { duration: durationSec }),
  requests: [request],
});
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
const seconds = (lastAt - started) / 1000;
finish({
  mode,
  connections,
  durationSec,
  amount,
  requests: count,
  rps: count / seconds,
  p50Ms: pct(50),
  p90Ms: pct(90),
  p99Ms: pct(99),
  maxMs: count ? sorted[count - 1] : NaN,
  statuses,
  errors: result.errors,
  timeouts: result.timeouts,
  // Requests built (one per connection may be left unsent when the time is up).
  eventsBuilt: next,
  duplicatesSent,
  autocannon: {
    requestsAverage: result.requests.average,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
  },
});
