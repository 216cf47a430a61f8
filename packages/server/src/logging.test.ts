/**
 * @module
 * What reaches the log: one line per request with method, path (no query), status, duration
 * and request id; never a secret, an API key, an e-mail address or a bearer token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '@pay-checkout/emulator';
import { createCheckoutServer, type CheckoutServer } from './app.js';
import { signIvyBody } from './providers/ivy/ivy-signature.js';
import {
  IVY_API_KEY,
  IVY_WEBHOOK_SECRET,
  SECRET_KEY,
  SHOP_ORIGIN,
  sessionBody,
  testConfig,
} from './test-support/config.js';

const lines: string[] = [];
let emulator: RunningEmulator;
let server: CheckoutServer;

beforeAll(async () => {
  emulator = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    credentials: { ivy: { apiKey: IVY_API_KEY, webhookSecret: IVY_WEBHOOK_SECRET } },
    webhookUrls: { ivy: 'http://127.0.0.1:9/unused' },
  });
  server = createCheckoutServer(
    testConfig(
      { IVY_API_KEY, IVY_WEBHOOK_SECRET, IVY_API_URL: `${emulator.url}/ivy`, LOG_LEVEL: 'trace' },
      { logDestination: { write: (line: string) => void lines.push(line) } },
    ),
  );
});
afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

describe('logging', () => {
  it('logs requests with their id and keeps secrets and personal data out', async () => {
    const email = 'jane.doe@example.org';
    const created = await server.fetch(
      new Request('http://checkout.test/v1/sessions?token=query-secret', {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${SECRET_KEY}`,
          'Content-Type': 'application/json',
          'X-Request-Id': 'req-log-1',
        },
        body: JSON.stringify(
          sessionBody({
            customer: { email, name: 'Jane Doe' },
            mandate: {
              setup: true,
              referenceId: 'mandate-1',
              userNotificationEmail: email,
              accountHolderName: 'Jane Doe',
            },
          }),
        ),
      }),
    );
    const session = (await created.json()) as { id: string };
    await server.fetch(
      new Request(`http://checkout.test/v1/sessions/${session.id}/orders`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Idempotency-Key': 'k',
          Origin: SHOP_ORIGIN,
        },
        body: JSON.stringify({ method: 'ivy:bank' }),
      }),
    );
    await server.fetch(
      new Request('http://checkout.test/v1/sessions', {
        method: 'POST',
        headers: {
          Authorization: 'Bearer wrong-but-secret-looking',
          'Content-Type': 'application/json',
        },
        body: '{}',
      }),
    );
    const body =
      '{"id":"e","type":"order_updated","payload":{"referenceId":"1-none","status":"paid"}}';
    await server.fetch(
      new Request('http://checkout.test/webhooks/ivy', {
        method: 'POST',
        headers: { 'X-Ivy-Signature': signIvyBody(IVY_WEBHOOK_SECRET, body) },
        body,
      }),
    );

    const text = lines.join('');
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const request = entries.find((e) => e.msg === 'request' && e.requestId === 'req-log-1');
    expect(request).toMatchObject({ method: 'POST', path: '/v1/sessions', status: 201 });
    expect(typeof request?.durationMs).toBe('number');
    for (const secret of [
      SECRET_KEY,
      IVY_API_KEY,
      IVY_WEBHOOK_SECRET,
      email,
      'query-secret',
      'wrong-but-secret-looking',
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
