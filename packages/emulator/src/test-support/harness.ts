/**
 * @module
 * Test harness: an emulator on loopback port 0 wired to a real webhook receiver (any provider),
 * and the Ivy harness on top of it with small helpers to call Ivy.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { startEmulator, type RunningEmulator, type StartEmulatorOptions } from '../start.js';
import { startReceiver, type Receiver } from './receiver.js';

export const API_KEY = 'ivy_test_key';
export const WEBHOOK_SECRET = 'ivy_test_webhook_secret';

/** A running emulator and the receiver its webhooks go to. */
export interface Loopback {
  emulator: RunningEmulator;
  receiver: Receiver;
  /** Closes both. */
  close(): Promise<void>;
}

/**
 * Starts a receiver answering `script`, then an emulator on 127.0.0.1 port 0 with a fast clock
 * (timeScale 0.001) and the options `configure` gives for that receiver.
 */
export async function startLoopback(
  configure: (receiver: Receiver) => StartEmulatorOptions,
  script: number[] = [],
): Promise<Loopback> {
  const receiver = await startReceiver(script);
  const emulator = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    timeScale: 0.001,
    ...configure(receiver),
  });
  return {
    emulator,
    receiver,
    async close() {
      await emulator.close();
      await receiver.close();
    },
  };
}

/** The Ivy emulator and its receiver, with helpers. */
export interface Harness extends Loopback {
  /** POSTs JSON to an Ivy service path such as `checkout/session/create`. */
  ivy(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Creates a checkout session and returns its JSON. */
  createSession(overrides?: Record<string, unknown>): Promise<IvySessionJson>;
  /** Calls the control API. */
  control(method: string, path: string, body?: unknown): Promise<Response>;
  /** Every webhook the receiver got, parsed. */
  events(): { id: string; type: string; payload: Record<string, unknown>; date: string }[];
}

/** The fields of an Ivy session the tests look at. */
export interface IvySessionJson {
  id: string;
  referenceId: string;
  status: string;
  redirectUrl: string;
  expiresAt: number;
  orderId?: string;
  price: { total: number; currency: string };
}

let counter = 0;

/** A fresh unique reference. */
export function reference(suffix = ''): string {
  counter += 1;
  return `shop-${process.pid}-${counter}${suffix}`;
}

/** Starts the emulator (Ivy configured, fast clock) and a receiver answering `script`. */
export async function startHarness(
  options: Partial<StartEmulatorOptions> = {},
  script: number[] = [],
): Promise<Harness> {
  const loopback = await startLoopback(
    (receiver) => ({
      credentials: { ivy: { apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET } },
      webhookUrls: { ivy: receiver.url },
      ...options,
    }),
    script,
  );
  const { emulator, receiver } = loopback;
  const ivy: Harness['ivy'] = (path, body, headers = {}) =>
    fetch(`${emulator.url}/ivy/api/service/${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Ivy-Api-Key': API_KEY, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return {
    ...loopback,
    ivy,
    async createSession(overrides = {}) {
      const response = await ivy('checkout/session/create', {
        price: { total: 19.99, currency: 'EUR' },
        referenceId: reference(),
        successCallbackUrl: 'http://127.0.0.1:8787/return/s1?x=1',
        errorCallbackUrl: 'http://127.0.0.1:8787/return/s1?error=1',
        ...overrides,
      });
      if (response.status !== 200) {
        throw new Error(`create failed: ${response.status} ${await response.text()}`);
      }
      return (await response.json()) as IvySessionJson;
    },
    control(method, path, body) {
      return fetch(`${emulator.url}/_emulator/${path}`, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    },
    events() {
      return receiver.received.map((r) => JSON.parse(r.body));
    },
  };
}

/**
 * One Ivy harness for the whole test file: started before its first test and closed after its
 * last. The object returned is filled in when the harness has started.
 */
export function sharedHarness(): Harness {
  const h = {} as Harness;
  beforeAll(async () => {
    Object.assign(h, await startHarness());
  });
  afterAll(async () => {
    await h.close();
  });
  return h;
}

/** Hex HMAC-SHA256, as a receiver computes it. */
export function hmacHex(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** Polls `check` until it returns a truthy value (or throws after many tries). */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what = 'condition',
): Promise<NonNullable<T>> {
  for (let i = 0; i < 500; i += 1) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** Resolves after `ms` real milliseconds (for "nothing else happens" checks). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
