/**
 * @module
 * Provider breakers end to end, against the emulator over loopback with every request that
 * reaches it counted per provider: with Ivy failing every call, its breaker opens after a few
 * failed order attempts; from then on an attempt fails fast (502 `provider_unavailable`)
 * without reaching Ivy, `GET /methods` lists Ivy's method as unavailable (with when it is tried
 * again) while IXOPAY's stays available and takes payments, and `/metrics` shows the state.
 * Once Ivy recovers, one probe — a shopper's attempt — closes the breaker again. With Ivy
 * answering 429 with `Retry-After` (the emulator's `tooManyRequests` fault), it is called once,
 * then not again until `Retry-After` has passed — longer than the breaker's own pause — while
 * attempts fail fast.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createEmulator, type Emulator } from '@pay-checkout/emulator';
import { MethodsResponseSchema } from '@pay-checkout/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCheckoutServer, type StartedCheckoutServer } from './node.js';
import {
  IXOPAY_EMULATOR_CREDENTIALS,
  ixopayServerEnv,
} from './providers/ixopay/ixopay-test-credentials.js';
import { createSession, postOrder, setFaults } from './test-support/checkout-calls.js';
import {
  IVY_API_KEY,
  IVY_WEBHOOK_SECRET,
  SECRET_KEY,
  SHOP_ORIGIN,
  testConfig,
} from './test-support/config.js';

const FAILURES = 3;
/** Long enough that the open phase's requests never outlast it on a busy machine. */
const OPEN_MS = 2_000;

let emulator: Emulator;
let emulatorServer: ServerType;
let emulatorUrl: string;
let server: StartedCheckoutServer;
/** Requests that reached the emulator, by first path segment (`ivy`, `ixopay`, `_emulator`). */
const reached = new Map<string, number>();
const reachedIvy = () => reached.get('ivy') ?? 0;

beforeAll(async () => {
  emulator = createEmulator({
    timeScale: 0.0001,
    credentials: {
      ivy: { apiKey: IVY_API_KEY, webhookSecret: IVY_WEBHOOK_SECRET },
      ixopay: { ...IXOPAY_EMULATOR_CREDENTIALS },
    },
    webhookUrls: { ivy: 'http://127.0.0.1:9/unused', ixopay: 'http://127.0.0.1:9/unused' },
  });
  emulatorServer = await new Promise<ServerType>((resolve) => {
    const instance = serve(
      {
        fetch: (request: Request) => {
          const segment = new URL(request.url).pathname.split('/')[1] ?? '';
          reached.set(segment, (reached.get(segment) ?? 0) + 1);
          return emulator.fetch(request);
        },
        port: 0,
        hostname: '127.0.0.1',
      },
      () => resolve(instance),
    );
  });
  emulatorUrl = `http://127.0.0.1:${(emulatorServer.address() as AddressInfo).port}`;
  emulator.setPublicUrl(emulatorUrl);
  server = await startCheckoutServer(
    testConfig(
      {
        IVY_API_KEY,
        IVY_WEBHOOK_SECRET,
        IVY_API_URL: `${emulatorUrl}/ivy`,
        ...ixopayServerEnv(emulatorUrl),
        PAY_CHECKOUT_BREAKER_FAILURES: String(FAILURES),
        PAY_CHECKOUT_BREAKER_OPEN_MS: String(OPEN_MS),
      },
      { providerRetryBaseMs: 1 },
    ),
    { port: 0, host: '127.0.0.1' },
  );
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
  await new Promise<void>((resolve) => {
    if (!emulatorServer) return resolve();
    emulatorServer.close(() => resolve());
    if ('closeAllConnections' in emulatorServer) emulatorServer.closeAllConnections();
  });
});

async function newSession(): Promise<string> {
  return (await createSession(server.url)).id;
}

let attempts = 0;
/** One order attempt in `sessionId`, with a fresh Idempotency-Key. */
async function attempt(sessionId: string, method: string) {
  const response = await postOrder(server.url, sessionId, `attempt-${++attempts}`, { method });
  return {
    status: response.status,
    body: (await response.json()) as { error?: { code: string; retryable?: boolean } },
  };
}

async function methods(sessionId: string) {
  const response = await fetch(`${server.url}/v1/sessions/${sessionId}/methods`, {
    headers: { Origin: SHOP_ORIGIN },
  });
  expect(response.status).toBe(200);
  const { methods: list } = MethodsResponseSchema.parse(await response.json());
  return Object.fromEntries(list.map((m) => [m.id, m]));
}

async function metric(series: string): Promise<number | undefined> {
  const response = await fetch(`${server.url}/metrics`, {
    headers: { Authorization: `Bearer ${SECRET_KEY}` },
  });
  const line = (await response.text()).split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Ivy's faults on, or with `null` off. */
function faults(body: Record<string, unknown> | null) {
  return setFaults(emulatorUrl, body, 'ivy');
}

const ivyState = (state: string) =>
  metric(`pay_checkout_provider_breaker_state{provider="ivy",state="${state}"}`);

describe('a provider failing every call', () => {
  it('is paused, skipped by the shopper, and taken back through a probe', async () => {
    // Sessions first, so that the open phase is only the attempts.
    const session = await newSession();
    const sessions = await Promise.all(Array.from({ length: FAILURES + 12 }, newSession));
    expect((await methods(session))['ivy:bank']?.available).toBeUndefined();
    expect(await ivyState('closed')).toBe(1);

    await faults({ errorRate: 1 });
    // Failed attempts reach Ivy until the breaker opens.
    for (let i = 0; i < FAILURES; i++) {
      const failed = await attempt(sessions.pop() as string, 'ivy:bank');
      expect(failed.status, JSON.stringify(failed.body)).toBe(502);
      expect(failed.body.error).toMatchObject({ code: 'provider_unavailable', retryable: true });
    }
    const reachedWhenOpened = reachedIvy();
    expect(reachedWhenOpened).toBeGreaterThanOrEqual(FAILURES);
    expect(await ivyState('open')).toBe(1);

    // Open: attempts fail the same way, at once, and Ivy sees none of them.
    let lastFailed = '';
    for (let i = 0; i < 10; i++) {
      lastFailed = sessions.pop() as string;
      const failed = await attempt(lastFailed, 'ivy:bank');
      expect(failed.status).toBe(502);
      expect(failed.body.error).toMatchObject({ code: 'provider_unavailable', retryable: true });
    }
    expect(reachedIvy()).toBe(reachedWhenOpened);
    expect(
      await metric(
        'pay_checkout_provider_calls_rejected_total{provider="ivy",reason="circuit_open"}',
      ),
    ).toBe(10);

    // The shopper is shown Ivy as unavailable, with when it is tried again; IXOPAY is not.
    const listed = await methods(session);
    expect(listed['ivy:bank']).toMatchObject({
      available: false,
      unavailable: { reason: 'provider_unavailable' },
    });
    const retryAfter = Date.parse(listed['ivy:bank']?.unavailable?.retryAfter ?? '');
    expect(retryAfter).toBeGreaterThan(Date.now());
    expect(retryAfter).toBeLessThanOrEqual(Date.now() + OPEN_MS);
    expect(listed['ixopay:card']?.available).toBeUndefined();
    expect(listed['ixopay:card']?.unavailable).toBeUndefined();

    // Other providers are unaffected: IXOPAY takes the payment meanwhile — in the very session
    // whose Ivy attempt was just refused, since that attempt never reached Ivy and is over.
    const other = await attempt(lastFailed, 'ixopay:card');
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    expect(reached.get('ixopay')).toBeGreaterThanOrEqual(1);
    expect(
      await metric('pay_checkout_provider_breaker_state{provider="ixopay",state="closed"}'),
    ).toBe(1);

    // Ivy recovers; once the pause is over its method is offered again and one attempt — the
    // probe — reaches it and closes the breaker.
    await faults(null);
    await new Promise((resolve) => setTimeout(resolve, OPEN_MS + 100));
    expect((await methods(session))['ivy:bank']?.available).toBeUndefined();
    const recovered = await attempt(sessions.pop() as string, 'ivy:bank');
    expect(recovered.status).toBe(201);
    expect(reachedIvy()).toBe(reachedWhenOpened + 1);
    expect(await ivyState('closed')).toBe(1);
    expect(await ivyState('open')).toBe(0);
  });
});

describe('a provider that answers 429 with Retry-After', () => {
  it('is not called before Retry-After has passed, and fails fast meanwhile', async () => {
    const RETRY_AFTER_S = 3;
    const sessions = await Promise.all(Array.from({ length: 4 }, newSession));
    const session = await newSession();
    expect(await ivyState('closed')).toBe(1);

    await faults({ tooManyRequests: { retryAfterSeconds: RETRY_AFTER_S } });
    const reachedBefore = reachedIvy();
    const asked = Date.now();
    const limited = await attempt(sessions.pop() as string, 'ivy:bank');
    expect(limited.status, JSON.stringify(limited.body)).toBe(502);
    expect(limited.body.error).toMatchObject({ code: 'provider_unavailable', retryable: true });
    // One call: the client does not wait seconds inside a shopper's request, the guard holds.
    expect(reachedIvy()).toBe(reachedBefore + 1);
    expect(await ivyState('open')).toBe(1);

    // Ivy would answer now, but it asked for RETRY_AFTER_S: it is not called before then.
    await faults(null);
    const listed = await methods(session);
    expect(listed['ivy:bank']).toMatchObject({
      available: false,
      unavailable: { reason: 'provider_unavailable' },
    });
    const retryAfter = Date.parse(listed['ivy:bank']?.unavailable?.retryAfter ?? '');
    expect(retryAfter - asked).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000 - 1000);
    expect(retryAfter - asked).toBeLessThanOrEqual(RETRY_AFTER_S * 1000 + 1000);

    const started = Date.now();
    const fast = await attempt(sessions.pop() as string, 'ivy:bank');
    expect(fast.status).toBe(502);
    expect(fast.body.error).toMatchObject({ code: 'provider_unavailable', retryable: true });
    expect(Date.now() - started).toBeLessThan(1_000);
    // Still held once the breaker's own pause (OPEN_MS) is over: Retry-After is longer.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, asked + OPEN_MS + 200 - Date.now())),
    );
    expect(Date.now() - asked).toBeLessThan(RETRY_AFTER_S * 1000 - 300);
    const held = await attempt(sessions.pop() as string, 'ivy:bank');
    expect(held.status).toBe(502);
    expect(reachedIvy()).toBe(reachedBefore + 1);
    expect(
      await metric(
        'pay_checkout_provider_calls_rejected_total{provider="ivy",reason="retry_after"}',
      ),
    ).toBe(2);

    // Once Retry-After has passed, the next attempt reaches Ivy and closes the breaker.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, asked + RETRY_AFTER_S * 1000 + 200 - Date.now())),
    );
    const recovered = await attempt(sessions.pop() as string, 'ivy:bank');
    expect(recovered.status, JSON.stringify(recovered.body)).toBe(201);
    expect(reachedIvy()).toBe(reachedBefore + 2);
    expect(await ivyState('closed')).toBe(1);
  });
});
