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
import { CreateOrderResponseSchema } from '@pay-checkout/protocol';
import { sleep, type RunningProcess } from './test-support/binaries.js';
import { createSession, postOrder, setFaults } from './test-support/checkout-calls.js';
import { SHOP_ORIGIN } from './test-support/config.js';
import {
  createTestDatabase,
  describePostgres,
  type TestDatabase,
} from './test-support/postgres.js';
import {
  ivyServerEnv,
  serverEnv,
  startIvyEmulatorProcess,
  startServerProcess,
} from './test-support/server-process.js';

const CREATIONS = 20;
const PROVIDER_LATENCY_MS = 1_500;

let emulator: RunningProcess;

beforeAll(async () => {
  // Its own webhooks go nowhere: only the creations' answers matter here.
  emulator = await startIvyEmulatorProcess();
});
afterAll(async () => {
  await emulator?.stop();
});

function setLatency(latencyMs: number): Promise<void> {
  return setFaults(emulator.url, { latencyMs }, 'ivy');
}

function startServer(databaseUrl: string): Promise<RunningProcess> {
  return startServerProcess(
    'server',
    serverEnv(databaseUrl, {
      PAY_CHECKOUT_SHUTDOWN_TIMEOUT_MS: '10000',
      LOG_LEVEL: 'info',
      ...ivyServerEnv(emulator.url),
    }),
  );
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
  return postOrder(url, sessionId, key, { method: 'ivy:bank' });
}

function newSession(url: string, index: number) {
  return createSession(url, {
    reference: `drain-${index}-${Date.now().toString(36)}`,
    amount: { value: 2400, currency: 'EUR' },
    country: 'DE',
  });
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
