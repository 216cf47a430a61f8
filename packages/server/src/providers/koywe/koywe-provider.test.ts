/**
 * @module
 * The Koywe adapter against the real emulator over loopback: methods and their fields, the
 * method cache, the sign-in token (cached, refreshed once on 401, never leaked), contacts and
 * orders, field errors before any provider call, duplicate `externalId`, failures as API
 * errors, status reads, and webhook parsing.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '@pay-checkout/emulator';
import type { OrderRecord, SessionRecord } from '../../domain/records.js';
import {
  apiError,
  setEmulatedOutcome,
  startTestEmulator,
  testOrder,
  testSession,
} from '../../test-support/provider-fixtures.js';
import { KOYWE_ORDER_STATUS, mapKoyweOrderStatus } from './koywe-status.js';
import { createKoyweProvider, paymentUrlOf, type KoyweProviderOptions } from './koywe-provider.js';

const CREDENTIALS = {
  apiKey: 'koywe_unit_key',
  secret: 'koywe_unit_secret',
  orgId: 'org_unit',
  merchantId: 'mer_unit',
  webhookSecret: 'koywe_unit_webhook_secret',
};
let emulator: RunningEmulator;
let apiUrl: string;

beforeAll(async () => {
  emulator = await startTestEmulator({
    timeScale: 0.001,
    settleDelayMs: 2000,
    credentials: { koywe: CREDENTIALS },
    webhookUrls: { koywe: 'http://127.0.0.1:9/unused' },
  });
  apiUrl = `${emulator.url}/koywe`;
});
afterAll(async () => {
  await emulator?.close();
});

let counter = 0;
function session(overrides: Partial<SessionRecord> = {}): SessionRecord {
  counter++;
  return testSession({
    id: `cs_unit_${counter}`,
    reference: `order-${process.pid}-${Date.now()}-${counter}`,
    amount: { value: 9_900_000, currency: 'COP' },
    country: 'CO',
    customer: { email: 'ana@example.com', name: 'Ana Demo' },
    ...overrides,
  });
}

function order(s: SessionRecord, method = 'koywe:PSE'): OrderRecord {
  return testOrder(s, { id: `ord_${s.id}`, provider: 'koywe', method });
}

/** A fetch that counts calls per path and can answer 401 to the next authorised call. */
function spyFetch() {
  const calls: string[] = [];
  let reject401 = 0;
  const fn: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    calls.push(`${init?.method ?? 'GET'} ${url.pathname.replace(/^\/koywe/, '')}`);
    const headers = new Headers(init?.headers);
    if (reject401 > 0 && headers.has('authorization')) {
      reject401--;
      return new Response('{"statusCode":401,"errorCode":"AUTH00002","message":"expired"}', {
        status: 401,
      });
    }
    return fetch(input, init);
  };
  return {
    fn,
    calls,
    rejectNext(n = 1) {
      reject401 = n;
    },
  };
}

function provider(overrides: Partial<KoyweProviderOptions> = {}) {
  return createKoyweProvider({ apiUrl, ...CREDENTIALS, retryBaseMs: 1, ...overrides });
}

const PSE_FIELDS = { documentType: 'CC', documentNumber: '1020304050', bank: 'BANCOLOMBIA' };

async function create(
  p: ReturnType<typeof provider>,
  s = session(),
  method = 'koywe:PSE',
  fields: Record<string, string> = PSE_FIELDS,
) {
  return p.createOrder({
    session: s,
    order: order(s, method),
    method: { id: method, provider: 'koywe', name: method, flow: 'redirect' },
    fields,
    returnUrl: `http://127.0.0.1:8787/return/${s.id}`,
    webhookUrl: 'http://127.0.0.1:8787/webhooks/koywe',
  });
}

async function settle(id: string, status: string) {
  expect((await setEmulatedOutcome(emulator, 'koywe', id, status)).status).toBe(200);
}

describe('Koywe methods', () => {
  it('lists Colombia’s methods with the fields the session lacks', async () => {
    const methods = await provider().methods(session());
    expect(methods.map((m) => m.id)).toEqual(['koywe:PSE', 'koywe:NEQUI']);
    const pse = methods[0];
    expect(pse?.flow).toBe('redirect');
    expect(pse?.fields?.map((f) => f.name)).toEqual(['documentType', 'documentNumber', 'bank']);
    expect(pse?.fields?.[0]?.options?.map((o) => o.value)).toEqual(['CC', 'CE', 'NIT', 'PP']);
    expect(pse?.fields?.[2]?.options?.[0]).toEqual({ value: 'BANCOLOMBIA', label: 'Bancolombia' });
    expect(methods[1]?.fields?.map((f) => f.name)).toEqual(['documentType', 'documentNumber']);
  });

  it('asks for the name when missing and not for a valid document the merchant sent', async () => {
    const methods = await provider().methods(
      session({ customer: { document: { type: 'CC', number: '1020304050' } } }),
    );
    expect(methods[0]?.fields?.map((f) => f.name)).toEqual(['fullName', 'bank']);
    const invalid = await provider().methods(
      session({ customer: { name: 'A', document: { type: 'CPF', number: '52998224725' } } }),
    );
    expect(invalid[0]?.fields?.map((f) => f.name)).toContain('documentNumber');
  });

  it('offers one Pix (the dynamic QR), SPEI in Mexico, Khipu in Chile, nothing elsewhere', async () => {
    const p = provider();
    const br = await p.methods(
      session({ country: 'BR', amount: { value: 12900, currency: 'BRL' } }),
    );
    expect(br.map((m) => [m.id, m.name])).toEqual([['koywe:PIX_DYNAMIC', 'Pix']]);
    const mx = await p.methods(
      session({ country: 'MX', amount: { value: 45000, currency: 'MXN' } }),
    );
    expect(mx.map((m) => m.id)).toContain('koywe:SPEI');
    const cl = await p.methods(
      session({ country: 'CL', amount: { value: 24000, currency: 'CLP' } }),
    );
    expect(cl.map((m) => m.id)).toEqual(['koywe:KHIPU']);
    expect(
      await p.methods(session({ country: 'DE', amount: { value: 1, currency: 'EUR' } })),
    ).toEqual([]);
    expect(await p.methods(session({ providers: ['ivy'] }))).toEqual([]);
  });

  it('caches a list per country and currency for a bounded time; signs in once', async () => {
    const spy = spyFetch();
    let now = Date.now();
    const p = provider({ fetch: spy.fn, now: () => new Date(now), methodsTtlMs: 60_000 });
    await Promise.all([p.methods(session()), p.methods(session()), p.methods(session())]);
    expect(spy.calls.filter((c) => c.startsWith('GET /payment-method'))).toHaveLength(1);
    expect(spy.calls.filter((c) => c === 'POST /auth/sign-in')).toHaveLength(1);
    now += 61_000;
    await p.methods(session());
    expect(spy.calls.filter((c) => c.startsWith('GET /payment-method'))).toHaveLength(2);
    expect(p.client.signIns).toBe(1);
  });

  it('fails listing as a retryable provider_unavailable when Koywe is down', async () => {
    const p = provider({ apiUrl: 'http://127.0.0.1:9/koywe' });
    expect(await apiError(p.methods(session()))).toMatchObject({
      status: 502,
      code: 'provider_unavailable',
      retryable: true,
    });
  });
});

describe('Koywe token', () => {
  it('reuses the token across calls and renews it shortly before expiry', async () => {
    const spy = spyFetch();
    let now = Date.now();
    const p = provider({ fetch: spy.fn, now: () => new Date(now) });
    await create(p);
    await create(p);
    expect(p.client.signIns).toBe(1);
    now += 59.5 * 60 * 1000; // within the last minute of the emulator’s one-hour token
    await p.methods(session({ country: 'BR', amount: { value: 100, currency: 'BRL' } }));
    expect(p.client.signIns).toBe(2);
  });

  it('signs in again once on a 401, then succeeds', async () => {
    const spy = spyFetch();
    const p = provider({ fetch: spy.fn });
    await p.methods(session());
    spy.rejectNext(1);
    const created = await create(p);
    expect(created.status).toBe('pending');
    expect(p.client.signIns).toBe(2);
  });

  it('gives up after the second 401 without looping', async () => {
    const spy = spyFetch();
    const p = provider({ fetch: spy.fn });
    spy.rejectNext(10);
    const error = await apiError(
      p.methods(session({ country: 'MX', amount: { value: 1, currency: 'MXN' } })),
    );
    expect(error).toMatchObject({ status: 502, code: 'provider_error', retryable: false });
    expect(p.client.signIns).toBe(2);
  });

  it('maps wrong credentials to provider_error and never shows the secret', async () => {
    const p = provider({ secret: 'koywe_wrong_secret_value' });
    const error = await apiError(create(p));
    expect(error).toMatchObject({ status: 502, code: 'provider_error' });
    expect(JSON.stringify(error.toBody())).not.toContain('koywe_wrong_secret_value');
    expect(error.message).not.toMatch(/eyJ/);
  });
});

describe('Koywe orders', () => {
  it('creates a contact and a PAYIN order with the exact amount; reads the status back', async () => {
    const p = provider();
    const s = session();
    const created = await create(p, s);
    expect(created).toMatchObject({ status: 'pending', action: { type: 'redirect' } });
    if (created.action.type !== 'redirect') throw new Error('expected a redirect');
    expect(created.action.url).toBe(`${emulator.url}/koywe/pay/${created.providerOrderId}`);
    const emulated = (await (
      await fetch(`${emulator.url}/_emulator/orders?provider=koywe`)
    ).json()) as {
      id: string;
      reference: string;
      amount: unknown;
    }[];
    expect(emulated.find((o) => o.id === created.providerOrderId)).toMatchObject({
      reference: `1-${s.reference}`,
      amount: { value: 9_900_000, currency: 'COP' },
    });

    const o = { ...order(s), providerOrderId: created.providerOrderId };
    expect(await p.fetchStatus(o)).toEqual({
      status: 'pending',
      providerStatus: 'PENDING',
      amount: { value: 9_900_000, currency: 'COP' },
    });
    await settle(created.providerOrderId, 'PAID');
    expect(await p.fetchStatus(o)).toMatchObject({ status: 'authorized', providerStatus: 'PAID' });
    await settle(created.providerOrderId, 'COMPLETED');
    expect(await p.fetchStatus(o)).toMatchObject({ status: 'paid', providerStatus: 'COMPLETED' });
    // Without Koywe's id (a lost create answer) the order is found by our externalId.
    expect(await p.fetchStatus(order(s))).toMatchObject({ status: 'paid' });
    expect(await p.fetchStatus(order(session()))).toBeNull();
  });

  it('names the PSE bank as { bankAccount: { name } } and sends no extra for other methods', async () => {
    const sent: unknown[] = [];
    const capture: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      if (init?.method === 'POST' && url.pathname.endsWith('/orders')) {
        sent.push(JSON.parse(String(init.body)));
      }
      return fetch(input, init);
    };
    const p = provider({ fetch: capture });
    await create(p, session(), 'koywe:PSE', { ...PSE_FIELDS, bank: ' DAVIVIENDA ' });
    await create(p, session(), 'koywe:NEQUI', { documentType: 'CC', documentNumber: '1020304050' });
    expect(sent.map((body) => (body as { paymentMethods: unknown }).paymentMethods)).toEqual([
      [{ method: 'PSE', extra: { bankAccount: { name: 'DAVIVIENDA' } } }],
      [{ method: 'NEQUI' }],
    ]);
  });

  it('converts amounts exactly for CLP (0 decimals) and COP cents', async () => {
    const p = provider();
    const cl = session({ country: 'CL', amount: { value: 24000, currency: 'CLP' } });
    const created = await create(p, cl, 'koywe:KHIPU', {
      documentType: 'RUT',
      documentNumber: '12.345.678-5',
    });
    const status = await p.fetchStatus({
      ...order(cl, 'koywe:KHIPU'),
      providerOrderId: created.providerOrderId,
    });
    expect(status?.amount).toEqual({ value: 24000, currency: 'CLP' });
    const cop = session({ amount: { value: 1_999_99, currency: 'COP' } });
    const copOrder = await create(p, cop);
    const read = await p.fetchStatus({ ...order(cop), providerOrderId: copOrder.providerOrderId });
    expect(read?.amount).toEqual({ value: 199_999, currency: 'COP' });
  });

  it('returns the existing order for a repeated externalId instead of failing', async () => {
    const p = provider();
    const s = session();
    const first = await create(p, s);
    const again = await create(p, s);
    expect(again.providerOrderId).toBe(first.providerOrderId);
  });

  it('refuses bad fields with a 400 listing them, before any call to Koywe', async () => {
    const spy = spyFetch();
    const p = provider({ fetch: spy.fn });
    const error = await apiError(
      create(p, session({ customer: {} }), 'koywe:PSE', {
        documentType: 'CC',
        documentNumber: '12',
      }),
    );
    expect(error).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(error.details).toEqual({
      issues: [
        { path: 'fields.fullName', message: 'is required' },
        { path: 'fields.documentNumber', message: 'is not a valid CC number' },
        { path: 'fields.bank', message: 'is required' },
      ],
    });
    const wrongType = await apiError(
      create(p, session(), 'koywe:NEQUI', { documentType: 'CPF', documentNumber: '52998224725' }),
    );
    expect(wrongType.details).toEqual({
      issues: [{ path: 'fields.documentType', message: 'must be one of CC, CE, NIT, PP in CO' }],
    });
    expect(spy.calls).toEqual([]);
  });

  it('uses the document from the session when the customer entered none', async () => {
    const p = provider();
    const s = session({
      customer: { name: 'Ana', document: { type: 'CC', number: '1020304050' } },
    });
    expect((await create(p, s, 'koywe:NEQUI', {})).status).toBe('pending');
  });

  it('maps a wrong organisation (MC00015) and an unknown bank to provider_error', async () => {
    const wrongOrg = await apiError(create(provider({ orgId: 'org_other' })));
    expect(wrongOrg).toMatchObject({ code: 'provider_error', retryable: false });
    expect(wrongOrg.message).toContain('MC00015');
    const bank = await apiError(
      create(provider(), session(), 'koywe:PSE', { ...PSE_FIELDS, bank: 'NOPE' }),
    );
    expect(bank).toMatchObject({ code: 'provider_error' });
  });

  it('maps an unreachable Koywe to a retryable provider_unavailable', async () => {
    const p = provider({ apiUrl: 'http://127.0.0.1:9/koywe' });
    expect(await apiError(create(p))).toMatchObject({
      code: 'provider_unavailable',
      retryable: true,
    });
    expect(await apiError(p.fetchStatus(order(session())))).toMatchObject({
      code: 'provider_unavailable',
    });
  });

  it('retries 5xx and succeeds once Koywe recovers', async () => {
    let failures = 2;
    const flaky: typeof fetch = async (input, init) => {
      if (String(input).includes('/orders') && init?.method === 'POST' && failures-- > 0) {
        return new Response('{"statusCode":503}', { status: 503 });
      }
      return fetch(input, init);
    };
    expect((await create(provider({ fetch: flaky }))).status).toBe('pending');
  });

  it('reads the payment URL from paymentUrl or providedAction', () => {
    const base = { id: 'ord_1', status: 'PENDING' };
    expect(paymentUrlOf({ ...base, paymentUrl: 'https://pay.example/1' })).toBe(
      'https://pay.example/1',
    );
    expect(paymentUrlOf({ ...base, providedAction: 'https://pay.example/2' })).toBe(
      'https://pay.example/2',
    );
    expect(paymentUrlOf({ ...base, providedAction: { url: 'https://pay.example/3' } })).toBe(
      'https://pay.example/3',
    );
    expect(paymentUrlOf({ ...base, paymentUrl: 'javascript:alert(1)' })).toBeNull();
    expect(paymentUrlOf(base)).toBeNull();
  });
});

describe('Koywe webhooks', () => {
  const p = createKoyweProvider({ apiUrl: 'http://127.0.0.1:9', ...CREDENTIALS });
  const event = (type: string, data: Record<string, unknown> = {}) =>
    JSON.stringify({ id: 'evt_1', type, data: { orderId: 'ord_1', externalId: '1-r', ...data } });

  it('maps order events and asks for confirmation of paid only', () => {
    expect(
      p.parseWebhook(event('order.completed', { amountIn: 99000, originCurrencySymbol: 'COP' })),
    ).toEqual({
      dedupeKey: 'evt_1',
      reference: '1-r',
      status: 'paid',
      providerStatus: 'COMPLETED',
      amount: { value: 9_900_000, currency: 'COP' },
      confirmNeeded: true,
    });
    expect(p.parseWebhook(event('order.paid'))).toMatchObject({
      status: 'authorized',
      confirmNeeded: false,
    });
    expect(p.parseWebhook(event('order.processing'))).toMatchObject({ status: 'processing' });
    expect(p.parseWebhook(event('order.created'))).toMatchObject({ status: 'pending' });
    expect(p.parseWebhook(event('order.failed'))).toMatchObject({ status: 'failed' });
    expect(p.parseWebhook(event('order.expired'))).toMatchObject({ status: 'expired' });
    expect(p.parseWebhook(event('order.refunded'))).toMatchObject({
      status: 'refunded',
      confirmNeeded: true,
    });
  });

  it('accepts both cancelled and canceled', () => {
    expect(p.parseWebhook(event('order.cancelled'))).toMatchObject({ status: 'cancelled' });
    expect(p.parseWebhook(event('order.canceled'))).toMatchObject({ status: 'cancelled' });
    expect(p.parseWebhook(event('order.updated', { status: 'CANCELED' }))).toMatchObject({
      status: 'cancelled',
    });
  });

  it('treats unknown and non-order events as no-ops', () => {
    expect(p.parseWebhook(event('order.approved'))).toMatchObject({ status: 'processing' });
    expect(p.parseWebhook(event('order.whatever'))).toMatchObject({ status: null });
    expect(
      p.parseWebhook('{"id":"e","type":"contact.created","data":{"id":"cnt_1"}}'),
    ).toMatchObject({
      status: null,
      reference: null,
    });
  });

  it('throws on bodies that are not Koywe events', () => {
    for (const body of ['null', '{}', '{"id":1,"type":"order.paid"}', '{"id":"e"}', '[]']) {
      expect(() => p.parseWebhook(body)).toThrow();
    }
  });

  it('verifies Koywe-Signature on the raw bytes', () => {
    const body = event('order.paid');
    const signature = createHmac('sha256', CREDENTIALS.webhookSecret).update(body).digest('hex');
    const headers = (value: string | null) => ({
      get: (n: string) => (n === 'koywe-signature' ? value : null),
    });
    expect(p.verifyWebhook(new TextEncoder().encode(body), headers(signature))).toBe(true);
    expect(p.verifyWebhook(new TextEncoder().encode(body), headers(null))).toBe(false);
  });
});

describe('Koywe status mapping', () => {
  it('covers every Koywe order status, fulfilling on COMPLETED only', () => {
    expect(KOYWE_ORDER_STATUS).toEqual({
      CREATED: 'pending',
      PENDING: 'pending',
      PROCESSING: 'processing',
      ON_HOLD: 'processing',
      APPROVED: 'processing',
      PAID: 'authorized',
      COMPLETED: 'paid',
      FAILED: 'failed',
      CANCELLED: 'cancelled',
      CANCELED: 'cancelled',
      EXPIRED: 'expired',
      REFUNDED: 'refunded',
    });
    expect(mapKoyweOrderStatus('completed')).toBe('paid');
    expect(mapKoyweOrderStatus('toString')).toBeNull();
    expect(mapKoyweOrderStatus('WAITING')).toBeNull();
  });
});
