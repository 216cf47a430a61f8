/**
 * @module
 * Delivery-latency probe (its own process): holds one SSE stream per checkout on `streamUrl`,
 * then posts signed Ivy webhooks to `sendUrl` at a steady `ratePerSec`, and times each event
 * from the moment its request is written to the moment its status message arrives on a stream.
 * Sender and receiver share this process's monotonic clock, so no clock skew enters the figures.
 *
 * Event i goes to checkout `i % checkouts.length`: the first pass moves each order to
 * `processing`, the second to `failed`, so every event is a real change that must be streamed.
 * The first `warmup` events are sent but not counted. Prints one JSON result line.
 */
import http from 'node:http';
import { finish, readInput } from './driver-io.mjs';
import { ivyOrderUpdated, ivySignature } from './ivy-events.mjs';

const input = await readInput();
const { sendUrl, streamUrl, secret, checkouts, warmup, events, ratePerSec, tag } = input;
const total = warmup + events;
if (total > checkouts.length * 2) throw new Error('two events per checkout at most');

// ---- receiver: one SSE stream per checkout -------------------------------------------------

const arrivals = new Map(); // `${orderId}|${status}` → performance.now()
let snapshots = 0;
let unexpected = 0;
let streamErrors = 0;
const sockets = [];

function openStream(checkout) {
  return new Promise((resolve, reject) => {
    const request = http.get(`${streamUrl}/v1/sessions/${checkout.sessionId}/events`, {
      agent: false,
      headers: { accept: 'text/event-stream' },
    });
    request.once('error', (error) => {
      streamErrors++;
      reject(error);
    });
    request.once('response', (response) => {
      if (response.statusCode !== 200) {
        reject(new Error(`stream answered ${response.statusCode}`));
        response.resume();
        return;
      }
      sockets.push(request);
      response.setEncoding('utf8');
      let buffered = '';
      let first = true;
      response.on('data', (chunk) => {
        const at = performance.now();
        buffered += chunk;
        let end;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (!data) continue;
          if (first) {
            first = false;
            snapshots++;
            resolve();
            continue;
          }
          const message = JSON.parse(data.slice(6));
          const key = `${message.orderId}|${message.status}`;
          if (arrivals.has(key)) unexpected++;
          else arrivals.set(key, at);
        }
      });
      response.once('error', () => streamErrors++);
    });
  });
}

const openStarted = performance.now();
for (let i = 0; i < checkouts.length; i += 50) {
  await Promise.all(checkouts.slice(i, i + 50).map(openStream));
}
const openMs = performance.now() - openStarted;

// ---- sender: paced webhooks ----------------------------------------------------------------

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const target = new URL(`${sendUrl}/webhooks/ivy`);
const sent = new Float64Array(total);
const acked = new Float64Array(total);
const expectedKeys = new Array(total);
const ackStatuses = {};
const slips = new Float64Array(total);
let acks = 0;

function send(i) {
  const checkout = checkouts[i % checkouts.length];
  const first = i < checkouts.length;
  const body = ivyOrderUpdated({
    eventId: `evt-${tag}-${i}`,
    referenceId: checkout.providerReference,
    status: first ? 'processing' : 'failed',
  });
  expectedKeys[i] = `${checkout.orderId}|${first ? 'processing' : 'failed'}`;
  const request = http.request(target, {
    method: 'POST',
    agent,
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-ivy-signature': ivySignature(secret, body),
    },
  });
  request.once('response', (response) => {
    ackStatuses[response.statusCode] = (ackStatuses[response.statusCode] ?? 0) + 1;
    response.resume();
    response.once('end', () => {
      acked[i] = performance.now();
      acks++;
    });
  });
  request.once('error', () => {
    ackStatuses.error = (ackStatuses.error ?? 0) + 1;
    acks++;
  });
  sent[i] = performance.now();
  request.end(body);
}

const interval = 1000 / ratePerSec;
const sendStarted = performance.now();
await new Promise((resolve) => {
  let i = 0;
  const tick = () => {
    const now = performance.now();
    while (i < total && sendStarted + i * interval <= now) {
      slips[i] = now - (sendStarted + i * interval);
      send(i++);
    }
    if (i >= total) return resolve();
    setTimeout(tick, Math.max(0, sendStarted + i * interval - performance.now()));
  };
  tick();
});
const sendSeconds = (performance.now() - sendStarted) / 1000;

// Wait for the stragglers (at most 10 s after the last send).
const deadline = performance.now() + 10_000;
while (performance.now() < deadline) {
  if (acks === total && expectedKeys.every((key) => arrivals.has(key))) break;
  await new Promise((resolve) => setTimeout(resolve, 20));
}

const latencies = [];
const ackLatencies = [];
let lost = 0;
for (let i = warmup; i < total; i++) {
  const at = arrivals.get(expectedKeys[i]);
  if (at === undefined) lost++;
  else latencies.push(at - sent[i]);
  if (acked[i]) ackLatencies.push(acked[i] - sent[i]);
}
const stats = (values) => {
  const sorted = Float64Array.from(values).sort();
  const pct = (p) =>
    sorted.length
      ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
      : NaN;
  return {
    count: sorted.length,
    p50Ms: pct(50),
    p90Ms: pct(90),
    p99Ms: pct(99),
    maxMs: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
};

for (const request of sockets) request.destroy();
agent.destroy();
finish({
  streams: checkouts.length,
  snapshots,
  openMs,
  warmup,
  events,
  ratePerSec,
  sentPerSec: total / sendSeconds,
  senderSlipP99Ms: stats(slips).p99Ms,
  delivery: stats(latencies),
  ack: stats(ackLatencies),
  ackStatuses,
  lost,
  unexpected,
  streamErrors,
});
