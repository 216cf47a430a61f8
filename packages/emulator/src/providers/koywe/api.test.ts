/**
 * @module
 * The emulated Koywe over loopback: sign-in and tokens, payment methods, contacts with document
 * validation, PAYIN orders (validation, 409 on a repeated externalId, reads), the hosted page
 * (buttons, test QR), signed webhooks with time-scaled retries, and the sandbox triggers.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../start.js';
import { startLoopback, waitFor, type Loopback } from '../../test-support/harness.js';
import type { Receiver } from '../../test-support/receiver.js';
import { KOYWE_RETRY_DELAYS_MS } from './retry-schedule.js';

const CREDENTIALS = {
  apiKey: 'koywe_emu_key',
  secret: 'koywe_emu_secret',
  orgId: 'org_emu',
  merchantId: 'mer_emu',
  webhookSecret: 'koywe_emu_webhook_secret',
};
const MERCHANT = `/organizations/${CREDENTIALS.orgId}/merchants/${CREDENTIALS.merchantId}`;

let loopback: Loopback;
let emulator: RunningEmulator;
let receiver: Receiver;
let token: string;

beforeAll(async () => {
  loopback = await startLoopback((r) => ({
    settleDelayMs: 2000,
    credentials: { koywe: { ...CREDENTIALS, cancelSpelling: 'canceled' } },
    webhookUrls: { koywe: r.url },
  }));
  ({ emulator, receiver } = loopback);
  token = await signIn();
});
afterAll(() => loopback?.close());

async function signIn(apiKey = CREDENTIALS.apiKey, secret = CREDENTIALS.secret) {
  const response = await api('POST', '/auth/sign-in', { apiKey, secret }, null);
  if (response.status !== 200) throw new Error(`sign-in ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

function api(method: string, path: string, body?: unknown, bearer: string | null = token) {
  return fetch(`${emulator.url}/koywe${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

let counter = 0;
async function contact(overrides: Record<string, unknown> = {}) {
  const response = await api('POST', `${MERCHANT}/contacts`, {
    fullName: 'Ana Demo',
    countrySymbol: 'CO',
    documentType: 'CC',
    documentNumber: '1020304050',
    businessType: 'PERSON',
    ...overrides,
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function createOrder(overrides: Record<string, unknown> = {}) {
  counter++;
  const contactId = await contact();
  const response = await api('POST', `${MERCHANT}/orders`, {
    type: 'PAYIN',
    originCurrencySymbol: 'COP',
    destinationCurrencySymbol: 'COP',
    amountIn: 50000,
    externalId: `shop-${process.pid}-${counter}`,
    contactId,
    paymentMethods: [{ method: 'PSE', extra: { bankAccount: { name: 'BANCOLOMBIA' } } }],
    successUrl: 'https://shop.example/ok',
    failedUrl: 'https://shop.example/ko',
    ...overrides,
  });
  return response;
}

async function order(overrides: Record<string, unknown> = {}) {
  const response = await createOrder(overrides);
  expect(response.status).toBe(201);
  return (await response.json()) as {
    id: string;
    externalId: string;
    status: string;
    paymentUrl: string;
    providedAction: string;
  };
}

function eventsOf(orderId: string) {
  return receiver.received
    .map((r) => ({
      r,
      event: JSON.parse(r.body) as { type: string; data: { orderId: string; status: string } },
    }))
    .filter(({ event }) => event.data.orderId === orderId);
}

describe('Koywe emulator: auth', () => {
  it('signs in with the right credentials only, in Koywe’s error shape', async () => {
    const wrong = await api(
      'POST',
      '/auth/sign-in',
      { apiKey: 'x', secret: CREDENTIALS.secret },
      null,
    );
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({
      statusCode: 401,
      errorCode: 'AUTH00001',
      path: '/koywe/auth/sign-in',
    });
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      exp: number;
      iat: number;
    };
    expect(claims.exp - claims.iat).toBe(3600);
  });

  it('requires a valid bearer token on every other call', async () => {
    expect((await api('GET', '/payment-method', undefined, null)).status).toBe(401);
    expect((await api('GET', '/payment-method', undefined, `${token}x`)).status).toBe(401);
    expect((await api('GET', '/payment-method', undefined, 'a.b.c')).status).toBe(401);
  });
});

describe('Koywe emulator: methods and contacts', () => {
  it('lists methods per country and currency', async () => {
    const co = (await (
      await api('GET', '/payment-method?countrySymbol=CO&currencySymbol=COP')
    ).json()) as {
      method: string;
      extra?: { banks: unknown[] };
    }[];
    expect(co.map((m) => m.method)).toEqual(['PSE', 'NEQUI']);
    // Plain bank codes, as in Koywe's example list.
    expect(co[0]?.extra?.banks).toEqual([
      'BANCOLOMBIA',
      'DAVIVIENDA',
      'BOGOTA',
      'BBVA_COLOMBIA',
      'NEQUI',
    ]);
    const br = (await (
      await api('GET', '/payment-method?countrySymbol=BR&currencySymbol=BRL')
    ).json()) as {
      method: string;
    }[];
    expect(br.map((m) => m.method)).toEqual(['PIX_STATIC', 'PIX_DYNAMIC']);
    expect(
      await (await api('GET', '/payment-method?countrySymbol=CO&currencySymbol=EUR')).json(),
    ).toEqual([]);
  });

  it('validates documents (DC00010) and reuses a contact for the same document', async () => {
    const bad = await api('POST', `${MERCHANT}/contacts`, {
      fullName: 'A',
      countrySymbol: 'BR',
      documentType: 'CPF',
      documentNumber: '11111111111',
      businessType: 'PERSON',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errorCode: 'DC00010' });
    expect(await contact()).toBe(await contact());
  });

  it('refuses writes for another organisation (MC00015) and reads it as empty', async () => {
    const response = await api(
      'POST',
      `/organizations/org_x/merchants/${CREDENTIALS.merchantId}/contacts`,
      {},
    );
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ errorCode: 'MC00015' });
    const list = await api(
      'GET',
      `/organizations/org_x/merchants/${CREDENTIALS.merchantId}/orders?externalId=x`,
    );
    expect(await list.json()).toEqual([]);
  });
});

describe('Koywe emulator: orders', () => {
  it('creates a PAYIN with paymentUrl and providedAction, readable by id and externalId', async () => {
    const created = await order();
    expect(created.status).toBe('PENDING');
    expect(created.paymentUrl).toBe(`${emulator.url}/koywe/pay/${created.id}`);
    expect(created.providedAction).toBe(created.paymentUrl);
    expect(
      (await (await api('GET', `${MERCHANT}/orders/${created.id}`)).json()) as object,
    ).toMatchObject({
      id: created.id,
      amountIn: 50000,
    });
    const byExternal = (await (
      await api('GET', `${MERCHANT}/orders?externalId=${created.externalId}`)
    ).json()) as { id: string }[];
    expect(byExternal.map((o) => o.id)).toEqual([created.id]);
    expect((await api('GET', `${MERCHANT}/orders/ord_nope`)).status).toBe(404);
  });

  it('answers 409 to a repeated externalId', async () => {
    const created = await order();
    const again = await createOrder({ externalId: created.externalId });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ statusCode: 409, errorCode: 'OR00009' });
  });

  it.each([
    [
      'two methods',
      {
        paymentMethods: [
          { method: 'PSE', extra: { bankAccount: { name: 'BANCOLOMBIA' } } },
          { method: 'NEQUI' },
        ],
      },
      'OR00004',
    ],
    ['no method', { paymentMethods: [] }, 'OR00004'],
    ['two amounts', { amountOut: 5 }, 'OR00002'],
    ['too many decimals', { amountIn: 10.005 }, 'OR00002'],
    ['a foreign method', { paymentMethods: [{ method: 'PIX_DYNAMIC' }] }, 'OR00005'],
    ['PSE without bank', { paymentMethods: [{ method: 'PSE' }] }, 'BAA00008'],
    [
      'PSE with an unknown bank',
      { paymentMethods: [{ method: 'PSE', extra: { bankAccount: { name: 'NOPE' } } }] },
      'OR00006',
    ],
    ['PAYOUT', { type: 'PAYOUT' }, 'OR00001'],
    ['a bad URL', { successUrl: 'javascript:alert(1)' }, 'BAA00008'],
  ])('refuses %s', async (_name, overrides, code) => {
    const response = await createOrder(overrides);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errorCode: code });
  });

  it('accepts the object form of PSE’s extra', async () => {
    const created = await order({
      paymentMethods: [{ method: 'PSE', extra: { bankAccount: { name: 'DAVIVIENDA' } } }],
    });
    expect(created.status).toBe('PENDING');
  });

  it.each([
    ['a bare bank string', 'BANCOLOMBIA'],
    ['a bank list', ['BANCOLOMBIA']],
    ['a bankAccount without a name', { bankAccount: {} }],
    ['a numeric bank name', { bankAccount: { name: 7 } }],
  ])('refuses PSE’s extra as %s with Koywe’s validation error', async (_name, extra) => {
    const response = await createOrder({ paymentMethods: [{ method: 'PSE', extra }] });
    expect(response.status).toBe(400);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      statusCode: 400,
      timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      path: expect.stringMatching(/\/orders$/),
      errorCode: 'BAA00008',
      message: expect.stringContaining('paymentMethods.0.extra'),
    });
  });
});

describe('Koywe emulator: hosted page, life cycle and webhooks', () => {
  it('shows Pay, Fail, Cancel; Pay runs PROCESSING → PAID → COMPLETED with signed events', async () => {
    const created = await order();
    const page = await fetch(created.paymentUrl);
    const html = await page.text();
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    for (const label of ['>Pay<', '>Fail<', '>Cancel<']) expect(html).toContain(label);
    expect(html).not.toContain('Test QR code');
    expect(html).toContain('PSE · Bancolombia');

    const pay = await fetch(`${emulator.url}/koywe/pay/${created.id}/pay`, {
      method: 'POST',
      redirect: 'manual',
    });
    expect(pay.status).toBe(303);
    expect(pay.headers.get('location')).toBe(
      `https://shop.example/ok?orderId=${created.id}&externalId=${created.externalId}`,
    );
    await waitFor(() => eventsOf(created.id).some(({ event }) => event.type === 'order.completed'));
    const events = eventsOf(created.id);
    expect(events.map(({ event }) => event.type)).toEqual([
      'order.created',
      'order.processing',
      'order.paid',
      'order.completed',
    ]);
    for (const { r } of events) {
      const expected = createHmac('sha256', CREDENTIALS.webhookSecret).update(r.raw).digest('hex');
      expect(r.headers['koywe-signature']).toBe(expected);
    }
    const again = await fetch(`${emulator.url}/koywe/pay/${created.id}/fail`, {
      method: 'POST',
      redirect: 'manual',
    });
    expect(again.status).toBe(409);
  });

  it('fails an amountIn of 666 after Pay', async () => {
    const created = await order({ amountIn: 666 });
    await fetch(`${emulator.url}/koywe/pay/${created.id}/pay`, {
      method: 'POST',
      redirect: 'manual',
    });
    await waitFor(() => eventsOf(created.id).some(({ event }) => event.type === 'order.failed'));
    expect(eventsOf(created.id).map(({ event }) => event.type)).toEqual([
      'order.created',
      'order.processing',
      'order.failed',
    ]);
  });

  it('cancels with the configured spelling and sends the customer to failedUrl', async () => {
    const created = await order();
    const cancel = await fetch(`${emulator.url}/koywe/pay/${created.id}/cancel`, {
      method: 'POST',
      redirect: 'manual',
    });
    expect(cancel.headers.get('location')).toMatch(/^https:\/\/shop\.example\/ko\?/);
    await waitFor(() => eventsOf(created.id).some(({ event }) => event.type === 'order.canceled'));
  });

  it('shows a test QR for Nequi and completes Khipu without a visit', async () => {
    const nequi = await order({ paymentMethods: [{ method: 'NEQUI' }] });
    expect(await (await fetch(nequi.paymentUrl)).text()).toContain('Test QR code');
    const cl = await contact({
      countrySymbol: 'CL',
      documentType: 'RUT',
      documentNumber: '12.345.678-5',
    });
    const khipu = await order({
      originCurrencySymbol: 'CLP',
      destinationCurrencySymbol: 'CLP',
      amountIn: 24000,
      contactId: cl,
      paymentMethods: [{ method: 'KHIPU' }],
    });
    await waitFor(() => eventsOf(khipu.id).some(({ event }) => event.type === 'order.completed'));
  });

  it('retries a refused webhook on Koywe’s schedule, scaled by the time scale', async () => {
    receiver.script.push(500, 503);
    const created = await order();
    await waitFor(async () => {
      const log = (await (
        await fetch(`${emulator.url}/_emulator/webhooks?provider=koywe`)
      ).json()) as {
        body: string;
        delivered: boolean;
        attempts: { status?: number }[];
      }[];
      const mine = log.find((d) => d.body.includes(created.id));
      return mine?.delivered ? mine : null;
    }).then((delivery) => {
      expect(delivery.attempts.map((a) => a.status)).toEqual([500, 503, 200]);
    });
    expect(KOYWE_RETRY_DELAYS_MS).toEqual([30_000, 120_000, 600_000, 3_600_000, 21_600_000]);
  });

  it('settles through the control API in Koywe’s own words', async () => {
    const created = await order();
    const response = await fetch(`${emulator.url}/_emulator/orders/koywe/${created.id}/outcome`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'COMPLETED' }),
    });
    expect(await response.json()).toMatchObject({
      status: 'COMPLETED',
      reference: created.externalId,
    });
    const bad = await fetch(`${emulator.url}/_emulator/orders/koywe/${created.id}/outcome`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'DELIVERED' }),
    });
    expect(bad.status).toBe(400);
  });
});
