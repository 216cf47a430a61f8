/**
 * @module
 * Graceful shutdown of the real binary, on SQLite and on PostgreSQL: `pay-checkout-server`
 * with the emulator binary as Ivy answering every API call 1.5 s late, 20 order creations in
 * flight (20 sessions, each with a browser's SSE stream open), then SIGTERM. Every creation gets
 * its complete answer (0 socket errors, 0 5xx), requests arriving while it drains get a clean
 * 503 with `Retry-After`, the streams end with a reconnect hint, the process exits 0, and its
 * log never says the store was closed under a request. After a restart on the same database
 * every Idempotency-Key answers the same order, and the provider holds one order per key.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateOrderResponseSchema, SessionSchema } from '@pay-checkout/protocol';
import {
  EMULATOR_BIN,
  SERVER_BIN,
  sleep,
  startProcess,
  type RunningProcess,
} from './test-support/binaries.js';
import {
  IVY_API_KEY,
  IVY_WEBHOOK_SECRET,
  SECRET_KEY,
  SHOP_ORIGIN,
  sessionBody,
} from './test-support/config.js';
import {
  createTestDatabase,
  describePostgres,
  type TestDatabase,
} from './test-support/postgres.js';

const CREATIONS = 20;
const PROVIDER_LATENCY_MS = 1_500;

let emulator: RunningProcess;

beforeAll(async () => {
  emulator = await startProcess({
    name: 'emulator',
    bin: EMULATOR_BIN,
    readyPath: '/_emulator/healthz',
    env: {
      EMULATOR_PORT: '0',
      EMULATOR_HOST: '127.0.0.1',
      IVY_API_KEY,
      IVY_WEBHOOK_SECRET,
      // Its own webhooks go nowhere: only the creations' answers matter here.
      IVY_WEBHOOK_URL: 'http://127.0.0.1:9/webhooks/ivy',
    },
  });
});
afterAll(async () => {
  await emulator?.stop();
});

async function setLatency(latencyMs: number): Promise<void> {
  const response = await fetch(`${emulator.url}/_emulator/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ provider: 'ivy', latencyMs }),
  });
  expect(response.status).toBe(200);
}

function startServer(databaseUrl: string): Promise<RunningProcess> {
  return startProcess({
    name: 'server',
    bin: SERVER_BIN,
    readyPath: '/readyz',
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      PAY_CHECKOUT_SECRET_KEY: SECRET_KEY,
      PAY_CHECKOUT_ALLOWED_ORIGINS: SHOP_ORIGIN,
      PAY_CHECKOUT_SHUTDOWN_TIMEOUT_MS: '10000',
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'info',
      IVY_API_KEY,
      IVY_WEBHOOK_SECRET,
      IVY_API_URL: `${emulator.url}/ivy`,
    },
  });
}

/** What a request came to: a status, or the socket error that ended it. */
type Outcome = { status: number; body: string } | { error: string };

async function attempt(request: Promise<Response>): Promise<Outcome> {
  try {
    const response = await request;
    return { status: response.status, body: await response.text() };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { error: cause?.code ?? String(error) };
  }
}

function createOrder(url: string, sessionId: string, key: string): Promise<Response> {
  return fetch(`${url}/v1/sessions/${sessionId}/orders`, {
    method: 'POST',
    headers: { Origin: SHOP_ORIGIN, 'Content-Type': 'application/json', 'Idempotency-Key': key },
    body: JSON.stringify({ method: 'ivy:bank' }),
  });
}

async function newSession(url: string, index: number) {
  const response = await fetch(`${url}/v1/sessions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(
      sessionBody({
        reference: `drain-${index}-${Date.now().toString(36)}`,
        amount: { value: 2400, currency: 'EUR' },
        country: 'DE',
      }),
    ),
  });
  expect(response.status).toBe(201);
  return SessionSchema.parse(await response.json());
}

/** Reads an SSE body to its end and answers everything it carried. */
async function readToEnd(response: Response): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return text;
    text += decoder.decode(value, { stream: true });
  }
}

async function drainBattery(databaseUrl: string): Promise<void> {
  await setLatency(0);
  const first = await startServer(databaseUrl);
  const sessions = await Promise.all(
    Array.from({ length: CREATIONS }, (_, index) => newSession(first.url, index)),
  );
  const streams = await Promise.all(
    sessions.map(async (session) => {
      const response = await fetch(`${first.url}/v1/sessions/${session.id}/events`, {
        headers: { Origin: SHOP_ORIGIN, Accept: 'text/event-stream' },
      });
      expect(response.status).toBe(200);
      return { text: readToEnd(response) };
    }),
  );

  await setLatency(PROVIDER_LATENCY_MS);
  const keys = sessions.map((session) => `drain-${session.id}`);
  const inFlight = sessions.map((session, index) =>
    attempt(createOrder(first.url, session.id, keys[index] ?? '')),
  );
  // Every creation is waiting on Ivy when the signal comes.
  await sleep(PROVIDER_LATENCY_MS / 3);
  const exit = first.stop('SIGTERM', 20_000);
  await sleep(100);
  const late = await attempt(createOrder(first.url, sessions[0]?.id ?? '', 'drain-late'));
  const ready = await attempt(fetch(`${first.url}/readyz`));

  const outcomes = await Promise.all(inFlight);
  const socketErrors = outcomes.filter((outcome) => 'error' in outcome);
  const statuses = outcomes.flatMap((outcome) => ('status' in outcome ? [outcome.status] : []));
  expect(socketErrors).toEqual([]);
  expect(statuses).toEqual(Array.from({ length: CREATIONS }, () => 201));
  const orderIds = outcomes.map((outcome) =>
    'body' in outcome ? CreateOrderResponseSchema.parse(JSON.parse(outcome.body)).order.id : '',
  );
  // Arriving while it drains: refused cleanly, or (once the listener is closed) not connected.
  for (const answer of [late, ready]) {
    if ('status' in answer) expect(answer.status).toBe(503);
    else expect(answer.error).toBe('ECONNREFUSED');
  }
  expect(await exit).toEqual({ code: 0, signal: null });
  for (const stream of streams) expect(await stream.text).toContain('retry: 1000');
  expect(first.output()).not.toMatch(/store is closed/i);

  await setLatency(0);
  const second = await startServer(databaseUrl);
  try {
    const replays = await Promise.all(
      sessions.map((session, index) => createOrder(second.url, session.id, keys[index] ?? '')),
    );
    expect(replays.map((response) => response.status)).toEqual(
      Array.from({ length: CREATIONS }, () => 201),
    );
    const replayed = await Promise.all(
      replays.map(async (response) => {
        expect(response.headers.get('Idempotent-Replayed')).toBe('true');
        return CreateOrderResponseSchema.parse(await response.json()).order.id;
      }),
    );
    expect(replayed).toEqual(orderIds);
    // One provider order per key: none was created twice, none was left behind.
    const held = (await (await fetch(`${emulator.url}/_emulator/orders?provider=ivy`)).json()) as {
      reference: string;
    }[];
    for (const session of sessions) {
      expect(held.filter((o) => o.reference === `1-${session.reference}`)).toHaveLength(1);
    }
  } finally {
    await second.stop();
  }
}

describe('SIGTERM on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pay-checkout-drain-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers every order creation in flight, then exits 0', async () => {
    await drainBattery(`sqlite:${join(dir, 'checkout.db')}`);
  }, 60_000);
});

describePostgres('SIGTERM on PostgreSQL', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('drain');
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('answers every order creation in flight, then exits 0', async () => {
    await drainBattery(database.url);
  }, 60_000);
});
