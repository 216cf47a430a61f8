/**
 * @module
 * A provider's `Retry-After` through the whole server: an adapter built on the provider HTTP
 * client (as every real one is) is answered 429 with `Retry-After: 60`; the attempt fails with
 * 502 `provider_unavailable`, the provider is not called again, its method is listed as
 * unavailable until then, and a second attempt fails fast — while an adapter given to the server
 * without any HTTP client of its own is unaffected.
 */
import { MethodsResponseSchema } from '@pay-checkout/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createCheckoutServer, type CheckoutServer } from '../app.js';
import { providerErrors, ProviderHttp } from '../providers/http/provider-http.js';
import type { Provider } from '../providers/provider.js';
import { createFakeProvider } from '../test-support/fake-provider.js';
import { SECRET_KEY, SHOP_ORIGIN, sessionBody, testConfig } from '../test-support/config.js';

const BASE = 'http://checkout.test';
const RETRY_AFTER_S = 60;

/** An IXOPAY-like adapter whose API always answers 429 with a Retry-After; counts the calls. */
function rateLimitedProvider() {
  const seen = { calls: 0 };
  const http = new ProviderHttp({
    apiUrl: 'https://api.ixopay.example',
    retryBaseMs: 1,
    fetch: (async () => {
      seen.calls++;
      return new Response('{"message":"slow down"}', {
        status: 429,
        headers: { 'Retry-After': String(RETRY_AFTER_S) },
      });
    }) as typeof fetch,
  });
  const errors = providerErrors('IXOPAY');
  const provider = {
    ...createFakeProvider(),
    id: 'ixopay',
    methods: () => [
      { id: 'ixopay:card', provider: 'ixopay', name: 'Card', flow: 'redirect', kind: 'card' },
    ],
    async createOrder() {
      const { outcome } = await http.call('POST', '/transaction', { repeat: 'unprocessed' });
      if (outcome.kind !== 'ok') throw errors.of(outcome as never);
      throw new Error('not reached');
    },
  } as Provider;
  return { provider, seen };
}

let server: CheckoutServer | undefined;
afterEach(async () => {
  await server?.close();
});

function call(path: string, init: RequestInit = {}) {
  return server!.fetch(new Request(`${BASE}${path}`, init));
}

async function newSession(): Promise<string> {
  const response = await call('/v1/sessions', {
    method: 'POST',
    headers: { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(sessionBody()),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function attempt(sessionId: string, method: string, key: string) {
  const response = await call(`/v1/sessions/${sessionId}/orders`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key, Origin: SHOP_ORIGIN },
    body: JSON.stringify({ method }),
  });
  return { status: response.status, body: (await response.json()) as { error?: unknown } };
}

describe('a provider that answers 429 with Retry-After', () => {
  it('is not called again before then, and its method is listed as unavailable until then', async () => {
    const limited = rateLimitedProvider();
    server = createCheckoutServer(
      testConfig({}, { adapters: [createFakeProvider(), limited.provider] }),
    );
    const first = await newSession();
    const before = Date.now();
    const failed = await attempt(first, 'ixopay:card', 'k1');
    expect(failed.status).toBe(502);
    expect(failed.body.error).toMatchObject({ code: 'provider_unavailable', retryable: true });
    // The client does not wait a minute inside the call: one call, then the guard holds.
    expect(limited.seen.calls).toBe(1);

    const response = await call(`/v1/sessions/${await newSession()}/methods`, {
      headers: { Origin: SHOP_ORIGIN },
    });
    const { methods } = MethodsResponseSchema.parse(await response.json());
    const card = methods.find((m) => m.id === 'ixopay:card');
    expect(card).toMatchObject({
      available: false,
      unavailable: { reason: 'provider_unavailable' },
    });
    const until = Date.parse(card?.unavailable?.retryAfter ?? '');
    expect(until - before).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000 - 1000);
    expect(until - before).toBeLessThanOrEqual(RETRY_AFTER_S * 1000 + 5000);
    // The provider without an HTTP client of its own is offered as before.
    expect(methods.find((m) => m.id === 'ivy:bank')?.available).toBeUndefined();

    const again = await attempt(await newSession(), 'ixopay:card', 'k2');
    expect(again.status).toBe(502);
    expect(limited.seen.calls).toBe(1);
    const other = await attempt(await newSession(), 'ivy:bank', 'k3');
    expect(other.status).toBe(201);

    const metrics = await (
      await call('/metrics', { headers: { Authorization: `Bearer ${SECRET_KEY}` } })
    ).text();
    expect(metrics).toContain(
      'pay_checkout_provider_calls_rejected_total{provider="ixopay",reason="retry_after"} 1',
    );
    expect(metrics).toContain(
      'pay_checkout_provider_breaker_state{provider="ixopay",state="open"} 1',
    );
  });
});
