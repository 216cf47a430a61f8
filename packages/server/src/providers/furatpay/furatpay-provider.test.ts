/**
 * @module
 * The FuratPay adapter on its own against the real emulator: methods from the linked services
 * (cached, bounded life), invoice + pay request per service, exact IQD amounts, status reads,
 * webhook parsing, and how FuratPay's failures become API errors.
 */
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
import { methodLogo } from '../method-logos.js';
import { invoiceNumber } from './furatpay-invoice.js';
import { createFuratPayProvider } from './furatpay-provider.js';
import { mapFuratPayInvoiceStatus } from './furatpay-status.js';

const KEY = 'furat_unit_key';
const SECRET = 'furat_unit_secret';
let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator({
    timeScale: 0.01,
    credentials: { furatpay: { apiKey: KEY, webhookSecret: SECRET } },
    webhookUrls: { furatpay: 'http://127.0.0.1:9/unused' },
  });
});
afterAll(async () => {
  await emulator?.close();
});

function session(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return testSession({ amount: { value: 25_000, currency: 'IQD' }, country: 'IQ', ...overrides });
}

function order(s: SessionRecord, method = 'furatpay:fib'): OrderRecord {
  return testOrder(s, { provider: 'furatpay', method });
}

function provider(apiUrl = `${emulator.url}/furatpay`, apiKey = KEY) {
  return createFuratPayProvider({ apiUrl, apiKey, webhookSecret: SECRET, retryBaseMs: 1 });
}

async function create(p: ReturnType<typeof provider>, methodId: string, s = session()) {
  const method = (await p.methods(s)).find((m) => m.id === methodId);
  if (!method) throw new Error(`no method ${methodId}`);
  return p.createOrder({
    session: s,
    order: order(s, methodId),
    method,
    fields: {},
    returnUrl: 'http://127.0.0.1:8787/return/cs_unit',
    webhookUrl: 'http://127.0.0.1:8787/webhooks/furatpay',
  });
}

async function emulated(id: string) {
  const list = (await (
    await fetch(`${emulator.url}/_emulator/orders?provider=furatpay`)
  ).json()) as {
    id: string;
    amount: { value: number; currency: string };
    reference: string;
    phoneUrl?: string;
    payUrl?: string;
  }[];
  return list.find((o) => o.id === id);
}

describe('FuratPay methods', () => {
  it('offers every active linked service in Iraq for IQD and USD, honouring the restriction', async () => {
    const p = provider();
    // FuratPay's own logo URLs (on its host) are not passed on; known services get our mark.
    expect(await p.methods(session())).toEqual([
      {
        id: 'furatpay:zaincash',
        provider: 'furatpay',
        name: 'ZainCash',
        flow: 'redirect',
        kind: 'wallet',
        logo: methodLogo('furatpay:zaincash'),
      },
      {
        id: 'furatpay:fastpay',
        provider: 'furatpay',
        name: 'FastPay',
        flow: 'qr',
        kind: 'qr',
        logo: methodLogo('furatpay:fastpay'),
      },
      {
        id: 'furatpay:qicard',
        provider: 'furatpay',
        name: 'QiCard',
        flow: 'redirect',
        kind: 'card',
      },
      {
        id: 'furatpay:fib',
        provider: 'furatpay',
        name: 'FIB',
        flow: 'qr',
        kind: 'qr',
        logo: methodLogo('furatpay:fib'),
      },
    ]);
    expect(await p.methods(session({ amount: { value: 500, currency: 'USD' } }))).toHaveLength(4);
    expect(await p.methods(session({ amount: { value: 500, currency: 'EUR' } }))).toEqual([]);
    expect(await p.methods(session({ country: 'DE' }))).toEqual([]);
    expect(await p.methods(session({ providers: ['ivy'] }))).toEqual([]);
  });

  it('caches the service list for a bounded time and shares one request', async () => {
    let clock = Date.now();
    let calls = 0;
    const original = globalThis.fetch;
    globalThis.fetch = ((...args: Parameters<typeof fetch>) => {
      const [input] = args;
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes('/payment_service/linked/list')) calls += 1;
      return original(...args);
    }) as typeof fetch;
    try {
      const p = createFuratPayProvider({
        apiUrl: `${emulator.url}/furatpay`,
        apiKey: KEY,
        webhookSecret: SECRET,
        now: () => new Date(clock),
        servicesTtlMs: 60_000,
      });
      await Promise.all([p.methods(session()), p.methods(session()), p.methods(session())]);
      expect(calls).toBe(1);
      clock += 59_000;
      await p.methods(session());
      expect(calls).toBe(1);
      clock += 2_000;
      await p.methods(session());
      expect(calls).toBe(2);
    } finally {
      globalThis.fetch = original;
    }
  });

  it('fails the listing (so the server leaves FuratPay out) when the API refuses the key', async () => {
    const error = await apiError(provider(undefined, 'furat_wrong_key_value').methods(session()));
    expect(error).toMatchObject({ status: 502, code: 'provider_error' });
    expect(JSON.stringify(error.toBody())).not.toContain('furat_wrong_key_value');
  });
});

describe('FuratPay orders against the emulator', () => {
  it('FIB: invoice with the exact IQD amount, then a QR action from the pay answer', async () => {
    const p = provider();
    const s = session({ amount: { value: 1_250, currency: 'IQD' } });
    const created = await create(p, 'furatpay:fib', s);
    expect(created.status).toBe('pending');
    expect(created.action).toMatchObject({
      type: 'qr',
      image: expect.stringMatching(/^data:image\/png;base64,/),
      code: expect.stringMatching(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/),
      deepLinks: [
        { label: 'FIB Personal', url: expect.any(String) },
        { label: 'FIB Business', url: expect.any(String) },
        { label: 'FIB Corporate', url: expect.any(String) },
      ],
      expiresAt: expect.any(String),
    });
    const held = await emulated(created.providerOrderId);
    expect(held).toMatchObject({
      amount: { value: 1_250, currency: 'IQD' },
      reference: `1-${s.reference}`,
    });
    expect(held?.phoneUrl).toMatch(/\/furatpay\/fib\//);
    const invoice = (await (
      await fetch(`${emulator.url}/furatpay/invoice/${created.providerOrderId}`, {
        headers: { 'x-api-key': KEY },
      })
    ).json()) as Record<string, unknown>;
    expect(invoice).toMatchObject({
      total: 1.25,
      currency_id: 3,
      code: `1-${s.reference}`,
      number: invoiceNumber(`1-${s.reference}`),
      order_number: `1-${s.reference}`,
    });
  });

  it('ZainCash and QiCard redirect to the hosted page; FastPay gives a QR with its text', async () => {
    const p = provider();
    expect((await create(p, 'furatpay:zaincash')).action).toMatchObject({
      type: 'redirect',
      url: expect.stringMatching(/\/furatpay\/pay\//),
    });
    expect((await create(p, 'furatpay:qicard')).action).toMatchObject({ type: 'redirect' });
    expect((await create(p, 'furatpay:fastpay')).action).toMatchObject({
      type: 'qr',
      image: expect.stringMatching(/^data:image\/png/),
      text: expect.stringMatching(/\/furatpay\/pay\//),
      deepLinks: [{ label: 'FastPay', url: expect.stringMatching(/\/furatpay\/pay\//) }],
    });
  });

  it('reads the invoice status and amount back', async () => {
    const p = provider();
    const s = session();
    const created = await create(p, 'furatpay:zaincash', s);
    const o = { ...order(s), providerOrderId: created.providerOrderId };
    expect(await p.fetchStatus(o)).toEqual({
      status: 'pending',
      providerStatus: 'pending',
      amount: { value: 25_000, currency: 'IQD' },
    });
    await setEmulatedOutcome(emulator, 'furatpay', created.providerOrderId, 'completed');
    expect(await p.fetchStatus(o)).toMatchObject({ status: 'paid', providerStatus: 'completed' });
    expect(await p.fetchStatus({ ...o, providerOrderId: 'unknown' })).toBeNull();
    expect(await p.fetchStatus({ ...o, providerOrderId: null })).toBeNull();
  });

  it('maps a duplicate invoice code to provider_error', async () => {
    const p = provider();
    const s = session();
    await create(p, 'furatpay:zaincash', s);
    expect(await apiError(create(p, 'furatpay:zaincash', s))).toMatchObject({
      code: 'provider_error',
      retryable: false,
    });
  });

  it('maps an unreachable FuratPay to a retryable provider_unavailable', async () => {
    const p = createFuratPayProvider({
      apiUrl: 'http://127.0.0.1:9/furatpay',
      apiKey: KEY,
      webhookSecret: SECRET,
      retryBaseMs: 1,
    });
    expect(await apiError(p.methods(session()))).toMatchObject({
      status: 502,
      code: 'provider_unavailable',
      retryable: true,
    });
  });

  it('retries 5xx answers and gives up with provider_unavailable', async () => {
    const p = provider();
    await p.methods(session());
    await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ provider: 'furatpay', errorRate: 1 }),
    });
    try {
      expect(await apiError(create(p, 'furatpay:fib'))).toMatchObject({
        code: 'provider_unavailable',
        retryable: true,
      });
    } finally {
      await fetch(`${emulator.url}/_emulator/faults`, { method: 'DELETE' });
    }
  });
});

describe('FuratPay webhooks and statuses', () => {
  it('parses an invoice event into a check of that invoice, never a trusted status', () => {
    const p = provider();
    const body = JSON.stringify({
      type: 'INVOICE_PAID',
      data: { id: 'inv_1', code: '1-ref', order_number: '1-ref', status: 'PAID' },
    });
    const parsed = p.parseWebhook(body);
    expect(parsed).toMatchObject({
      reference: '1-ref',
      status: 'paid',
      providerStatus: 'PAID',
      confirmNeeded: true,
    });
    expect(parsed.amount).toBeUndefined();
    expect(p.parseWebhook(body).dedupeKey).toBe(parsed.dedupeKey);
    expect(
      p.parseWebhook(
        JSON.stringify({ type: 'INVOICE_UPDATED', data: { id: 'inv_1', order_number: 7 } }),
      ),
    ).toMatchObject({ reference: '7', status: 'pending', confirmNeeded: true });
    expect(
      p.parseWebhook(
        JSON.stringify({ type: 'CUSTOMER_CREATED', data: { id: 'c', order_number: 'x' } }),
      ),
    ).toMatchObject({ status: null, reference: null });
    expect(() => p.parseWebhook('{"type":"INVOICE_PAID"}')).toThrow();
  });

  it('maps invoice statuses in any case, unknown words as pending', () => {
    expect(
      ['pending', 'PAID', 'Completed', 'failed', 'canceled', 'cancelled', 'EXPIRED', 'weird'].map(
        mapFuratPayInvoiceStatus,
      ),
    ).toEqual([
      'pending',
      'paid',
      'paid',
      'failed',
      'cancelled',
      'cancelled',
      'expired',
      'pending',
    ]);
  });
});
