/**
 * @module
 * Junk in, clear errors out: random bodies, content types and headers on every writing route
 * answer 4xx, never 5xx, and a forged webhook never writes.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckoutServer, type CheckoutServer } from './app.js';
import { createIvyProvider } from './providers/ivy/ivy-provider.js';
import {
  IVY_API_KEY,
  IVY_WEBHOOK_SECRET,
  SECRET_KEY,
  SHOP_ORIGIN,
  sessionBody,
  testConfig,
} from './test-support/config.js';

let server: CheckoutServer;
let sessionId: string;

beforeAll(async () => {
  server = createCheckoutServer(
    testConfig(
      {},
      {
        // Ivy's real adapter for signature checks; its API is never reached by these requests.
        adapters: [
          createIvyProvider({
            apiUrl: 'http://127.0.0.1:9',
            apiKey: IVY_API_KEY,
            webhookSecret: IVY_WEBHOOK_SECRET,
          }),
        ],
      },
    ),
  );
  const response = await server.fetch(
    new Request('http://checkout.test/v1/sessions', {
      method: 'POST',
      headers: { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(sessionBody()),
    }),
  );
  sessionId = ((await response.json()) as { id: string }).id;
});
afterAll(async () => {
  await server.close();
});

const body = fc.oneof(
  fc.string(),
  fc.json(),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.record({ method: fc.string(), fields: fc.anything() }).map((v) => JSON.stringify(v)),
  fc
    .record({ amount: fc.anything(), reference: fc.anything(), country: fc.string() })
    .map((v) => JSON.stringify(v)),
  fc.constantFrom('{'.repeat(5000), '[]'.repeat(5000), '\uD800', '{"a":1,"a":2}', '1e999'),
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  '',
);

describe('robustness', () => {
  it('never answers 5xx to random input on any writing route', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('sessions', 'orders', 'webhook'),
        body,
        contentType,
        fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
        async (route, payload, type, header) => {
          const headers: Record<string, string> = {};
          if (type) headers['Content-Type'] = type;
          let path = '/v1/sessions';
          if (route === 'sessions') headers.Authorization = `Bearer ${SECRET_KEY}`;
          if (route === 'orders') {
            path = `/v1/sessions/${sessionId}/orders`;
            headers.Origin = SHOP_ORIGIN;
            if (header !== undefined && /^[\x20-\x7e]*$/.test(header)) {
              headers['Idempotency-Key'] = header;
            }
          }
          if (route === 'webhook') {
            path = '/webhooks/ivy';
            if (header !== undefined && /^[\x20-\x7e]*$/.test(header)) {
              headers['X-Ivy-Signature'] = header;
            }
          }
          const response = await server.fetch(
            new Request(`http://checkout.test${path}`, { method: 'POST', headers, body: payload }),
          );
          expect([400, 401, 403, 404, 409, 413, 415, 422]).toContain(response.status);
          const parsed = (await response.json()) as { error?: { code?: string } };
          expect(typeof parsed.error?.code).toBe('string');
        },
      ),
      { numRuns: 300 },
    );
    expect(await server.ledger.countProviderEvents()).toBe(0);
  });
});
