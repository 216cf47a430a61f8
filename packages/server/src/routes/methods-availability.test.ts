/**
 * @module
 * A provider's `Retry-After` through the whole server: an adapter built on the provider HTTP
 * client (as every real one is) is answered 429 with `Retry-After: 60`; the attempt fails with
 * 502 `provider_unavailable`, the provider is not called again, its method is listed as
 * unavailable until then, and a second attempt fails fast — while an adapter given to the server
 * without any HTTP client of its own is unaffected.
 *
 * Providers whose methods come from a call to them (Koywe, FuratPay) against the emulator: once
 * failing calls open their breakers, their methods are still listed for the markets listed
 * before — as unavailable, with the reason, and without the values filled in from the customer
 * of the session they were first listed for.
 */
import { startEmulator, type RunningEmulator } from '@pay-checkout/emulator';
import { MethodsResponseSchema, type Method } from '@pay-checkout/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createCheckoutServer, type CheckoutServer } from '../app.js';
import { createFuratPayProvider } from '../providers/furatpay/furatpay-provider.js';
import { createKoyweProvider } from '../providers/koywe/koywe-provider.js';
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
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await server?.close();
  await emulator?.close();
  server = undefined;
  emulator = undefined;
});

function call(path: string, init: RequestInit = {}) {
  return server!.fetch(new Request(`${BASE}${path}`, init));
}

async function newSession(overrides: Record<string, unknown> = {}): Promise<string> {
  const response = await call('/v1/sessions', {
    method: 'POST',
    headers: { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(sessionBody(overrides)),
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

const KOYWE = {
  apiKey: 'koywe_key',
  secret: 'koywe_secret',
  orgId: 'org_1',
  merchantId: 'mer_1',
  webhookSecret: 'koywe_webhook_secret',
};
const FURATPAY = { apiKey: 'furatpay_key', webhookSecret: 'furatpay_webhook_secret' };
const COLOMBIA = {
  amount: { value: 9_900_000, currency: 'COP' },
  country: 'CO',
  customer: { email: 'ana@example.com', name: 'Ana Demo', document: { type: 'CC', number: '12' } },
};
const IRAQ = { amount: { value: 32_000_000, currency: 'IQD' }, country: 'IQ' };

async function listed(sessionId: string): Promise<Method[]> {
  const response = await call(`/v1/sessions/${sessionId}/methods`, {
    headers: { Origin: SHOP_ORIGIN },
  });
  expect(response.status).toBe(200);
  return MethodsResponseSchema.parse(await response.json()).methods;
}

async function fault(body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${emulator!.url}/_emulator/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

describe('providers whose methods come from a call to them', () => {
  it('list their methods as unavailable while their breaker is open', async () => {
    emulator = await startEmulator({
      port: 0,
      host: '127.0.0.1',
      credentials: { koywe: KOYWE, furatpay: FURATPAY },
      webhookUrls: { koywe: 'http://127.0.0.1:9/unused', furatpay: 'http://127.0.0.1:9/unused' },
    });
    // Nothing cached by the adapters themselves: every listing asks the provider.
    const koywe = createKoyweProvider({
      ...KOYWE,
      apiUrl: `${emulator.url}/koywe`,
      retryBaseMs: 1,
      methodsTtlMs: 0,
    });
    const furatpay = createFuratPayProvider({
      ...FURATPAY,
      apiUrl: `${emulator.url}/furatpay`,
      retryBaseMs: 1,
      servicesTtlMs: 0,
    });
    server = createCheckoutServer(
      testConfig(
        { PAY_CHECKOUT_BREAKER_FAILURES: '1', PAY_CHECKOUT_BREAKER_OPEN_MS: '60000' },
        { adapters: [koywe as Provider, furatpay as Provider] },
      ),
    );

    const colombia = await listed(await newSession(COLOMBIA));
    const iraq = await listed(await newSession(IRAQ));
    const koyweIds = colombia.filter((m) => m.provider === 'koywe').map((m) => m.id);
    const furatIds = iraq.filter((m) => m.provider === 'furatpay').map((m) => m.id);
    expect(koyweIds).toContain('koywe:PSE');
    expect(furatIds).toContain('furatpay:fib');
    // The session's own (invalid) document number comes back for the customer to correct.
    const pse = colombia.find((m) => m.id === 'koywe:PSE');
    expect(pse?.fields?.find((f) => f.name === 'documentNumber')?.value).toBe('12');
    for (const method of [...colombia, ...iraq]) expect(method.available).toBeUndefined();

    await fault({ provider: 'koywe', errorRate: 1 });
    await fault({ provider: 'furatpay', errorRate: 1 });
    // The failed listing opens each breaker; this and every later answer keep the methods.
    for (let round = 0; round < 2; round++) {
      const again = await listed(await newSession(COLOMBIA));
      const koyweNow = again.filter((m) => m.provider === 'koywe');
      expect(koyweNow.map((m) => m.id)).toEqual(koyweIds);
      for (const method of koyweNow) {
        expect(method).toMatchObject({
          available: false,
          unavailable: { reason: 'provider_unavailable' },
        });
        for (const field of method.fields ?? []) expect(field.value).toBeUndefined();
      }
      const furatNow = (await listed(await newSession(IRAQ))).filter(
        (m) => m.provider === 'furatpay',
      );
      expect(furatNow.map((m) => m.id)).toEqual(furatIds);
      for (const method of furatNow) {
        expect(method).toMatchObject({
          available: false,
          unavailable: { reason: 'provider_unavailable' },
        });
        expect(Date.parse(method.unavailable?.retryAfter ?? '')).toBeGreaterThan(Date.now());
      }
    }
    // A market never listed has nothing to show.
    const brazil = await listed(
      await newSession({ amount: { value: 10_000, currency: 'BRL' }, country: 'BR' }),
    );
    expect(brazil.filter((m) => m.provider === 'koywe')).toEqual([]);
  });
});
