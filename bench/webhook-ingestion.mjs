#!/usr/bin/env node
/**
 * @module
 * `pnpm bench`: how fast the server takes in provider webhooks, measured against the cheapest
 * route of the same server in the same run.
 *
 * Real work end to end, over loopback HTTP: Ivy orders are created through the public API
 * against the emulator, then signed `order_updated` webhooks are posted to `/webhooks/ivy`. Each
 * one is verified on its raw bytes, deduplicated, pushed through the status machine in one
 * SQLite transaction (WAL, file database) and appended to the session's event log. A second
 * round re-sends the same events (the deduplication path). The baseline is `GET /healthz`
 * through the same middleware stack. Results are printed as requests per second, latency
 * percentiles and ratios to the baseline; nothing is asserted.
 *
 * Options (environment): BENCH_ORDERS (default 400), BENCH_CONCURRENCY (default 16).
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@pay-checkout/emulator';
import { loadConfig } from '@pay-checkout/server';
import { startCheckoutServer } from '@pay-checkout/server/node';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SECRET_KEY = 'bench_secret_key_0123456789';
const IVY = { apiKey: 'ivy_bench_key', webhookSecret: 'ivy_bench_webhook_secret' };
const ORIGIN = 'http://127.0.0.1:5173';

const dir = mkdtempSync(join(tmpdir(), 'pay-checkout-bench-'));
const emulator = await startEmulator({ port: 0, credentials: { ivy: IVY }, webhookUrls: {} });
const server = await startCheckoutServer(
  loadConfig({
    PAY_CHECKOUT_SECRET_KEY: SECRET_KEY,
    PAY_CHECKOUT_ALLOWED_ORIGINS: ORIGIN,
    DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`,
    LOG_LEVEL: 'silent',
    IVY_API_URL: `${emulator.url}/ivy`,
    IVY_API_KEY: IVY.apiKey,
    IVY_WEBHOOK_SECRET: IVY.webhookSecret,
  }),
  { port: 0, host: '127.0.0.1' },
);
// The emulator's own webhooks would race the benchmark's: send them nowhere.
emulator.emulator.setWebhookUrl('ivy', 'http://127.0.0.1:9/discard');

/** Runs `count` tasks with at most CONCURRENCY in flight; returns wall time and latencies. */
async function run(count, task) {
  const latencies = new Array(count);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, count) }, async () => {
      for (let i = next++; i < count; i = next++) {
        const t0 = performance.now();
        await task(i);
        latencies[i] = performance.now() - t0;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(count - 1, Math.floor((p / 100) * count))];
  return { rps: count / seconds, p50: pct(50), p99: pct(99) };
}

async function expectStatus(response, status) {
  if (response.status !== status) {
    throw new Error(`expected ${status}, got ${response.status}: ${await response.text()}`);
  }
  return response;
}

// Set-up (not measured): one session and one Ivy order per webhook.
const references = [];
await run(ORDERS, async (i) => {
  const session = await (
    await expectStatus(
      await fetch(`${server.url}/v1/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          amount: { value: 1999, currency: 'EUR' },
          reference: `bench-${i}`,
          country: 'DE',
          returnUrl: `${ORIGIN}/done`,
        }),
      }),
      201,
    )
  ).json();
  await expectStatus(
    await fetch(`${server.url}/v1/sessions/${session.id}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `k-${i}`, origin: ORIGIN },
      body: JSON.stringify({ method: 'ivy:bank' }),
    }),
    201,
  );
  references[i] = `1-bench-${i}`;
});

const bodies = references.map((referenceId, i) =>
  JSON.stringify({
    id: `evt-bench-${i}`,
    type: 'order_updated',
    payload: { id: `ivy-order-${i}`, referenceId, status: 'processing' },
    date: new Date().toISOString(),
  }),
);
const post = (body) =>
  fetch(`${server.url}/webhooks/ivy`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-ivy-signature': createHmac('sha256', IVY.webhookSecret).update(body).digest('hex'),
    },
    body,
  }).then((response) => expectStatus(response, 200));

const baseline = await run(ORDERS, async () => {
  await (await expectStatus(await fetch(`${server.url}/healthz`), 200)).arrayBuffer();
});
const ingest = await run(ORDERS, async (i) => (await post(bodies[i])).arrayBuffer());
const duplicate = await run(ORDERS, async (i) => (await post(bodies[i])).arrayBuffer());

const row = (name, r) =>
  `${name.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${r.p50.toFixed(2).padStart(6)} ms   p99 ${r.p99
    .toFixed(2)
    .padStart(6)} ms   ${(r.rps / baseline.rps).toFixed(2)}× baseline`;
console.log(
  `\nWebhook ingestion, ${ORDERS} orders, concurrency ${CONCURRENCY}, SQLite (WAL, file)`,
);
console.log(row('GET /healthz (baseline)', baseline));
console.log(row('new webhook: verify+apply+log', ingest));
console.log(row('duplicate webhook: verify+dedupe', duplicate));

await server.close();
await emulator.close();
rmSync(dir, { recursive: true, force: true });
