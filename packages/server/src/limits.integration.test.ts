/**
 * @module
 * Limits over real processes: two `pay-checkout-server` binaries on one database — a SQLite
 * file, then PostgreSQL — with the Ivy emulator as the provider, and requests sent from chosen
 * loopback addresses (the client socket bound to 127.0.0.x, which Linux routes to the
 * servers on 127.0.0.1), alternating between the two instances so that every limit has to
 * hold across them:
 *
 * - 500 payment attempts on one session with fresh keys: 10 orders at the provider, every
 *   other attempt 429 `too_many_attempts` with `Retry-After`.
 * - Attempts sent at once while the provider is slow: one is started, the others 409
 *   `attempt_in_progress` with `Retry-After`, and one order at the provider.
 * - Bursts of 500 webhooks with bad signatures, of 500 bad bearer keys and of 500 unknown
 *   session ids from one address: exactly the failure limit answered as usual across both
 *   instances, the rest 429 with `Retry-After` and the API's error body; another address is
 *   answered as usual meanwhile.
 * - Browser requests per address and per session: the limit holds across both instances
 *   within the margin of batched sharing; another address and another session are unaffected.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIvyWebhook } from '@pay-checkout/emulator';
import { ErrorBodySchema, SessionSchema } from '@pay-checkout/protocol';
import type { RunningProcess } from './test-support/binaries.js';
import { SECRET_KEY, SHOP_ORIGIN, sessionBody } from './test-support/config.js';
import { createTestDatabase, describePostgres } from './test-support/postgres.js';
import { mapLimit, sleep } from './test-support/processes.js';
import {
  ivyServerEnv,
  serverEnv,
  startIvyEmulatorProcess,
  startServerProcess,
} from './test-support/server-process.js';

const MAX_ATTEMPTS = 10;
const FAILURES = 20;
/** Above the 512 attempts of one address below, and above its 500 unknown session ids. */
const PER_ADDRESS = 600;
/** Above the 500 attempts of one session below, which the attempt limit refuses. */
const PER_SESSION = 600;
/** Long windows, so that a burst never straddles two (see {@link awayFromWindowEdge}). */
const WINDOW_SECONDS = 3600;
const SYNC_MS = 100;

/** An answer as the test looks at it. */
interface Answer {
  status: number;
  retryAfter: string | null;
  body: string;
}

const agents = new Map<string, http.Agent>();

/** The keep-alive agent whose sockets leave from `address` (127.0.0.x). */
function agentFrom(address: string): http.Agent {
  let agent = agents.get(address);
  if (!agent) {
    agent = new http.Agent({ keepAlive: true, maxSockets: 32, localAddress: address });
    agents.set(address, agent);
  }
  return agent;
}

/** One HTTP request from `from` (a loopback address). */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; from: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: options.method ?? 'GET',
        headers: {
          ...options.headers,
          ...(options.body !== undefined
            ? { 'Content-Length': String(Buffer.byteLength(options.body)) }
            : {}),
        },
        agent: agentFrom(options.from),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const retryAfter = response.headers['retry-after'];
          resolve({
            status: response.statusCode ?? 0,
            retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** `status code`, plus `+retry-after` when the answer says (in whole seconds) when to return. */
function outcome(answer: Answer): string {
  if (answer.status < 400) return String(answer.status);
  const code = ErrorBodySchema.parse(JSON.parse(answer.body)).error.code;
  const wait = answer.retryAfter !== null && /^[1-9]\d*$/.test(answer.retryAfter);
  return `${answer.status} ${code}${wait ? ' +retry-after' : ''}`;
}

function tally(outcomes: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  return counts;
}

/** Waits for the next window when fewer than `needMs` are left of this one. */
async function awayFromWindowEdge(needMs = 30_000): Promise<void> {
  const windowMs = WINDOW_SECONDS * 1000;
  const left = windowMs - (Date.now() % windowMs);
  if (left < needMs) await sleep(left + 50);
}

interface Engine {
  name: string;
  databaseUrl: string;
  cleanup(): Promise<void>;
}

function runLimits(openEngine: () => Promise<Engine>): void {
  let engine: Engine;
  let emulator: RunningProcess;
  let servers: RunningProcess[] = [];
  /** The instance for the i-th request: the two in turn. */
  const at = (i: number) => (servers[i % 2] as RunningProcess).url;

  beforeAll(async () => {
    engine = await openEngine();
    emulator = await startIvyEmulatorProcess();
    const env = serverEnv(engine.databaseUrl, {
      ...ivyServerEnv(emulator.url),
      PAY_CHECKOUT_RECONCILE_SCALE: '100',
      PAY_CHECKOUT_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      PAY_CHECKOUT_RATE_WINDOW_SECONDS: String(WINDOW_SECONDS),
      PAY_CHECKOUT_RATE_LIMIT_ADDRESS: String(PER_ADDRESS),
      PAY_CHECKOUT_RATE_LIMIT_SESSION: String(PER_SESSION),
      PAY_CHECKOUT_RATE_LIMIT_FAILURES: String(FAILURES),
      PAY_CHECKOUT_RATE_SYNC_MS: String(SYNC_MS),
    });
    // The first migrates; the second finds the schema current.
    const first = await startServerProcess(`${engine.name}-a`, env);
    const second = await startServerProcess(`${engine.name}-b`, env);
    servers = [first, second];
  }, 60_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await emulator?.stop();
    await engine?.cleanup();
    for (const agent of agents.values()) agent.destroy();
    agents.clear();
  });

  /** A new session, created on either instance (from 127.0.0.1). */
  async function createSession(i = 0): Promise<{ id: string; reference: string }> {
    const answer = await send(`${at(i)}/v1/sessions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(sessionBody()),
      from: '127.0.0.1',
    });
    expect(answer.status, answer.body).toBe(201);
    return SessionSchema.parse(JSON.parse(answer.body));
  }

  function startOrder(i: number, sessionId: string, from: string): Promise<Answer> {
    return send(`${at(i)}/v1/sessions/${sessionId}/orders`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Idempotency-Key': `attempt-${randomBytes(8).toString('hex')}`,
        Origin: SHOP_ORIGIN,
      },
      body: JSON.stringify({ method: 'ivy:bank' }),
      from,
    });
  }

  /** Orders Ivy holds for the session of `reference` (ours are `<attempt>-<reference>`). */
  async function ordersAtIvy(reference: string): Promise<number> {
    const response = await fetch(`${emulator.url}/_emulator/orders?provider=ivy`);
    const orders = (await response.json()) as { reference: string }[];
    return orders.filter((order) => order.reference.endsWith(`-${reference}`)).length;
  }

  it('lets one session make 10 attempts at the provider out of 500 with fresh keys', async () => {
    const session = await createSession();
    const outcomes: string[] = [];
    for (let i = 0; i < 500; i++)
      outcomes.push(outcome(await startOrder(i, session.id, '127.0.0.3')));
    expect(tally(outcomes)).toEqual({
      '201': MAX_ATTEMPTS,
      '429 too_many_attempts +retry-after': 500 - MAX_ATTEMPTS,
    });
    expect(await ordersAtIvy(session.reference)).toBe(MAX_ATTEMPTS);
  }, 120_000);

  it('runs one attempt of a session at a time, whichever instance is asked', async () => {
    const session = await createSession(1);
    // Ivy answers slowly: the first attempt is still being started while the others arrive.
    const faults = await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ provider: 'ivy', latencyMs: 1_500 }),
    });
    expect(faults.status).toBe(200);
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 12 }, async (_, i) =>
          outcome(await startOrder(i, session.id, '127.0.0.3')),
        ),
      );
      expect(tally(outcomes)).toEqual({ '201': 1, '409 attempt_in_progress +retry-after': 11 });
    } finally {
      await fetch(`${emulator.url}/_emulator/faults`, { method: 'DELETE' });
    }
    expect(await ordersAtIvy(session.reference)).toBe(1);
  }, 60_000);

  /** 500 requests from 127.0.0.2 at both instances, 16 at a time: their outcomes. */
  function burst(request: (i: number) => Promise<Answer>): Promise<Record<string, number>> {
    return mapLimit(
      Array.from({ length: 500 }, (_, i) => i),
      16,
      async (i) => outcome(await request(i)),
    ).then(tally);
  }

  it('answers a burst of bad webhook signatures with 429s; another address is unaffected', async () => {
    await awayFromWindowEdge();
    const body = JSON.stringify({ id: 'evt_forged', type: 'order_updated', payload: {} });
    const webhook = (i: number, from: string) =>
      send(`${at(i)}/webhooks/ivy`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Ivy-Signature': signIvyWebhook('not-the-secret', body),
        },
        body,
        from,
      });
    expect(await burst((i) => webhook(i, '127.0.0.2'))).toEqual({
      '401 invalid_signature': FAILURES,
      '429 rate_limited +retry-after': 500 - FAILURES,
    });
    expect(outcome(await webhook(0, '127.0.0.1'))).toBe('401 invalid_signature');
    expect(outcome(await webhook(1, '127.0.0.1'))).toBe('401 invalid_signature');
  }, 60_000);

  it('answers a burst of bad bearer keys with 429s; another address is unaffected', async () => {
    await awayFromWindowEdge();
    const read = (i: number, key: string, from: string) =>
      send(`${at(i)}/v1/sessions/cs_unknown`, {
        headers: { Authorization: `Bearer ${key}` },
        from,
      });
    expect(await burst((i) => read(i, `sk_guess_${i}_0123456789`, '127.0.0.2'))).toEqual({
      '401 unauthorized': FAILURES,
      '429 rate_limited +retry-after': 500 - FAILURES,
    });
    expect(outcome(await read(0, 'sk_guess_0123456789', '127.0.0.1'))).toBe('401 unauthorized');
    // The right key is never refused for the failures of others at the same address.
    expect(outcome(await read(1, SECRET_KEY, '127.0.0.2'))).toBe('404 not_found');
  }, 60_000);

  it('answers a burst of unknown session ids with 429s; another address is unaffected', async () => {
    await awayFromWindowEdge();
    const session = await createSession();
    const methods = (i: number, id: string, from: string) =>
      send(`${at(i)}/v1/sessions/${id}/methods`, { headers: { Origin: SHOP_ORIGIN }, from });
    expect(await burst((i) => methods(i, `cs_guess_${i}`, '127.0.0.4'))).toEqual({
      '404 not_found': FAILURES,
      '429 rate_limited +retry-after': 500 - FAILURES,
    });
    expect(outcome(await methods(0, 'cs_guess', '127.0.0.1'))).toBe('404 not_found');
    expect(outcome(await methods(1, session.id, '127.0.0.4'))).toBe('200');
  }, 60_000);

  it('holds the per-address and per-session limits across both instances', async () => {
    await awayFromWindowEdge();
    const one = await createSession();
    const two = await createSession(1);
    const methods = (i: number, id: string, from: string) =>
      send(`${at(i)}/v1/sessions/${id}/methods`, { headers: { Origin: SHOP_ORIGIN }, from });

    // One session asked from many addresses: its own limit.
    const bySession = tally(
      await mapLimit(
        Array.from({ length: 1.5 * PER_SESSION }, (_, i) => i),
        4,
        async (i) => outcome(await methods(i, one.id, `127.0.1.${(i % 50) + 1}`)),
      ),
    );
    const sessionPassed = bySession['200'] ?? 0;
    expect(sessionPassed).toBeGreaterThanOrEqual(PER_SESSION);
    // Each instance counts a tenth of the limit, or one sync's worth, before it learns the
    // other's count: the margin of batched sharing.
    expect(sessionPassed).toBeLessThanOrEqual(PER_SESSION * 1.25);
    expect(bySession['429 rate_limited +retry-after']).toBe(1.5 * PER_SESSION - sessionPassed);
    expect(outcome(await methods(0, two.id, '127.0.2.1'))).toBe('200');

    // One address asking about several sessions: the address's limit.
    const sessions = [two, ...(await Promise.all([createSession(), createSession(1)]))];
    const byAddress = tally(
      await mapLimit(
        Array.from({ length: 1.5 * PER_ADDRESS }, (_, i) => i),
        4,
        async (i) => outcome(await methods(i, (sessions[i % 3] as { id: string }).id, '127.0.0.5')),
      ),
    );
    const addressPassed = byAddress['200'] ?? 0;
    expect(addressPassed).toBeGreaterThanOrEqual(PER_ADDRESS);
    expect(addressPassed).toBeLessThanOrEqual(PER_ADDRESS * 1.25);
    expect(outcome(await methods(1, (sessions[2] as { id: string }).id, '127.0.0.6'))).toBe('200');
  }, 120_000);
}

describe('limits over two instances on one SQLite file', () => {
  runLimits(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pay-checkout-limits-'));
    return {
      name: 'sqlite',
      databaseUrl: `sqlite:${join(dir, 'checkout.db')}`,
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  });
});

describePostgres('limits over two instances on one PostgreSQL database', () => {
  runLimits(async () => {
    const database = await createTestDatabase('limits');
    return { name: 'postgres', databaseUrl: database.url, cleanup: () => database.drop() };
  });
});
