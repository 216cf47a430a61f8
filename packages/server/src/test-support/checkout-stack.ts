/**
 * @module
 * The set-up the integration tests share: the provider emulator and the checkout server on free
 * loopback ports, wired to each other, plus the merchant's and the browser's usual calls
 * (create a session, read an order's status, follow a session's events).
 */
import {
  startEmulator,
  type RunningEmulator,
  type StartEmulatorOptions,
} from '@pay-checkout/emulator';
import { OrderViewSchema, SessionSchema, type Session } from '@pay-checkout/protocol';
import { expect } from 'vitest';
import type { CheckoutServerConfig } from '../config.js';
import { startCheckoutServer, type StartedCheckoutServer } from '../node.js';
import { SECRET_KEY, sessionBody, testConfig } from './config.js';
import { openSse, type SseConnection } from './sse-client.js';

type ProviderId = Parameters<RunningEmulator['emulator']['setWebhookUrl']>[0];

/** Options of {@link startCheckoutStack}. */
export interface CheckoutStackOptions {
  /** The emulator's options (it listens on a free port of 127.0.0.1). */
  emulator: StartEmulatorOptions;
  /** The server's environment, given the emulator's URL. */
  env: (emulatorUrl: string) => Record<string, string | undefined>;
  /** Programmatic config on top of the environment. */
  extras?: Partial<CheckoutServerConfig>;
  /** Providers whose emulated webhooks go to this server's `/webhooks/<provider>`. */
  webhooksFor?: readonly ProviderId[];
}

/** A running emulator and checkout server. */
export interface CheckoutStack {
  emulator: RunningEmulator;
  server: StartedCheckoutServer;
  /** Creates a session from {@link sessionBody} with `overrides`; expects a 201. */
  createSession(overrides?: Record<string, unknown>): Promise<Session>;
  /** The status of an order, as the browser reads it. */
  orderStatus(orderId: string): Promise<string>;
  /** Follows a session's events; the stream is closed with the stack. */
  sse(sessionId: string, headers?: Record<string, string>): Promise<SseConnection>;
  /** Closes the streams, the server and the emulator. */
  close(): Promise<void>;
}

/** Starts the emulator, then the server configured against it. */
export async function startCheckoutStack(options: CheckoutStackOptions): Promise<CheckoutStack> {
  const emulator = await startEmulator({ port: 0, host: '127.0.0.1', ...options.emulator });
  let server: StartedCheckoutServer;
  try {
    server = await startCheckoutServer(testConfig(options.env(emulator.url), options.extras), {
      port: 0,
      host: '127.0.0.1',
    });
  } catch (error) {
    await emulator.close();
    throw error;
  }
  for (const provider of options.webhooksFor ?? []) {
    emulator.emulator.setWebhookUrl(provider, `${server.url}/webhooks/${provider}`);
  }
  const streams: SseConnection[] = [];
  return {
    emulator,
    server,
    async createSession(overrides = {}) {
      const response = await fetch(`${server.url}/v1/sessions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(sessionBody(overrides)),
      });
      expect(response.status).toBe(201);
      return SessionSchema.parse(await response.json());
    },
    async orderStatus(orderId) {
      // Webhooks are answered once stored: what this instance took in is processed first.
      await server.server.inbox.idle();
      const response = await fetch(`${server.url}/v1/orders/${orderId}`);
      return OrderViewSchema.parse(await response.json()).status;
    },
    async sse(sessionId, headers = {}) {
      const stream = await openSse(`${server.url}/v1/sessions/${sessionId}/events`, headers);
      streams.push(stream);
      return stream;
    },
    async close() {
      for (const stream of streams) stream.close();
      await server.close();
      await emulator.close();
    },
  };
}
