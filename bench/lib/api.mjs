/**
 * @module
 * Set-up through the server's public API (never measured): checkout sessions, and one Ivy
 * order per session, created against the emulator exactly as a merchant and a browser would.
 */
import { ORIGIN, SECRET_KEY } from './processes.mjs';

async function expectStatus(response, status, what) {
  if (response.status !== status) {
    throw new Error(
      `${what}: expected ${status}, got ${response.status}: ${await response.text()}`,
    );
  }
  return response.json();
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight. */
export async function pool(count, concurrency, task) {
  const results = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      for (let i = next++; i < count; i = next++) results[i] = await task(i);
    }),
  );
  return results;
}

export function createSession(url, reference) {
  return fetch(`${url}/v1/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      amount: { value: 1999, currency: 'EUR' },
      reference,
      country: 'DE',
      returnUrl: `${ORIGIN}/done`,
    }),
  }).then((response) => expectStatus(response, 201, 'POST /v1/sessions'));
}

export function createIvyOrder(url, sessionId, key) {
  return fetch(`${url}/v1/sessions/${sessionId}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key, origin: ORIGIN },
    body: JSON.stringify({ method: 'ivy:bank' }),
  }).then((response) => expectStatus(response, 201, 'POST /v1/sessions/:id/orders'));
}

/**
 * `count` sessions with one pending Ivy order each. Returns, per checkout, the session id, the
 * order id and the reference Ivy knows the order by (`<attempt>-<merchant reference>`).
 */
export async function createCheckouts(url, { count, prefix, concurrency = 16 }) {
  return pool(count, concurrency, async (i) => {
    const reference = `${prefix}-${i}`;
    const session = await createSession(url, reference);
    const { order } = await createIvyOrder(url, session.id, `${prefix}-key-${i}`);
    return { sessionId: session.id, orderId: order.id, providerReference: `1-${reference}` };
  });
}

/** `count` sessions without orders (for streams that only need to exist). */
export async function createSessions(url, { count, prefix, concurrency = 16 }) {
  return pool(count, concurrency, async (i) => (await createSession(url, `${prefix}-${i}`)).id);
}

/**
 * The server's counters from `GET /metrics`, keyed by series (`name{labels}`). `/metrics` takes
 * the metrics key as a bearer; the bench servers have none set, so it is their secret key.
 */
export async function scrapeMetrics(url, key = SECRET_KEY) {
  const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${key}` } });
  if (response.status !== 200) {
    throw new Error(`GET /metrics: expected 200, got ${response.status}: ${await response.text()}`);
  }
  const text = await response.text();
  const series = {};
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    series[line.slice(0, at)] = Number(line.slice(at + 1));
  }
  return series;
}

/** Webhook outcomes counted between two scrapes: `{ applied: n, duplicate: n, … }`. */
export function webhookOutcomes(before, after) {
  const outcomes = {};
  for (const [key, value] of Object.entries(after)) {
    const match = key.match(/^pay_checkout_webhooks_total\{.*outcome="([^"]+)".*\}$/);
    if (!match) continue;
    const delta = value - (before[key] ?? 0);
    if (delta) outcomes[match[1]] = (outcomes[match[1]] ?? 0) + delta;
  }
  return outcomes;
}
