/**
 * @module
 * The emulated iwocaPay API: iwoca's paths with trailing slashes, bearer-token checks (401),
 * seller scoping (403/404), validation errors listing every field, create/read/cancel shapes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../start.js';

const SUPPLIER = '0b6f4c1e-8d2a-4f3b-9c5d-7e1a2b3c4d5e';
const TOKEN = 'iwocapay_api_test_token';
const CREATE = `/iwocapay/api/lending/edge/ecommerce/seller/${SUPPLIER}/order/`;
let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    timeScale: 0.001,
    credentials: { iwocapay: { supplierUuid: SUPPLIER, accessToken: TOKEN } },
  });
});
afterAll(async () => {
  await emulator?.close();
});

function call(method: string, path: string, body?: unknown, token: string | null = TOKEN) {
  return fetch(`${emulator.url}${path}`, {
    method,
    headers: {
      ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function create(data: Record<string, unknown> = {}) {
  const response = await call('POST', CREATE, {
    data: { amount: 150.0, reference: 'INV-1', ...data },
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { data: Record<string, unknown> }).data;
}

describe('iwocaPay API authentication', () => {
  it('answers 401 without a token or with a wrong one', async () => {
    const missing = await call('POST', CREATE, { data: {} }, null);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({
      errors: [
        { code: 'not_authenticated', detail: 'Authentication credentials were not provided.' },
      ],
    });
    expect((await call('POST', CREATE, { data: {} }, 'wrong')).status).toBe(401);
    const basic = await fetch(`${emulator.url}${CREATE}`, {
      method: 'POST',
      headers: { Authorization: `Basic ${btoa(`x:${TOKEN}`)}` },
    });
    expect(basic.status).toBe(401);
  });

  it('answers 403 on another seller’s path and checks the connection on its own', async () => {
    const other = CREATE.replace(SUPPLIER, '11111111-2222-4333-8444-555555555555');
    expect((await call('POST', other, { data: { amount: 1, reference: 'r' } })).status).toBe(403);
    const check = await call(
      'GET',
      `/iwocapay/api/iwocapay/ecommerce/seller/${SUPPLIER}/connection_check/`,
    );
    expect(check.status).toBe(200);
  });
});

describe('iwocaPay create order', () => {
  it('answers 201 with the documented shape', async () => {
    const order = await create({ allowed_payment_terms: ['PAY_LATER'] });
    expect(order).toEqual({
      id: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
      amount: 150,
      reference: 'INV-1',
      order_url: expect.stringMatching(/\/iwocapay\/pay\/order\/[0-9a-f]{32}\/landing\/$/),
      status: 'CREATED',
      allowed_payment_terms: ['PAY_LATER'],
    });
  });

  it('accepts a repeated reference as a new order', async () => {
    const first = await create({ reference: 'INV-twice' });
    const second = await create({ reference: 'INV-twice' });
    expect(second['id']).not.toBe(first['id']);
  });

  it('lists every invalid field in iwoca’s error shape', async () => {
    const response = await call('POST', CREATE, {
      data: {
        amount: 10.005,
        reference: '',
        allowed_payment_terms: ['PAY_SOMETIME'],
        webhook_url: 'ftp://x',
      },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      errors: { code: string; detail: string; source: { pointer: string } }[];
    };
    expect(body.errors.map((e) => e.source.pointer).sort()).toEqual([
      '/data/allowed_payment_terms/0',
      '/data/amount',
      '/data/reference',
      '/data/webhook_url',
    ]);
    for (const bad of [
      'not json',
      '{"amount":1,"reference":"r"}',
      '{"data":{"amount":-1,"reference":"r"}}',
    ]) {
      expect((await call('POST', CREATE, bad)).status).toBe(400);
    }
  });

  it('refuses payment terms that are not a list with one clear error', async () => {
    const response = await call('POST', CREATE, {
      data: { amount: 150.0, reference: 'INV-1', allowed_payment_terms: 'PAY_LATER' },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [
        {
          code: 'invalid',
          detail: 'Expected a list of payment terms, e.g. ["PAY_LATER"].',
          source: { pointer: '/data/allowed_payment_terms' },
        },
      ],
    });
  });

  it('only knows iwoca’s paths, trailing slash included', async () => {
    expect((await call('POST', CREATE.replace(/\/$/, ''), { data: {} })).status).toBe(404);
  });
});

describe('iwocaPay read and cancel', () => {
  it('reads an order on the documented and on the seller-scoped path', async () => {
    const created = await create({ redirect_url: 'https://shop.example/back' });
    const id = String(created['id']);
    for (const path of [
      `/iwocapay/api/lending/edge/ecommerce/order/${id}/`,
      `/iwocapay/api/iwocapay/ecommerce/seller/${SUPPLIER}/order/${id}/`,
    ]) {
      const response = await call('GET', path);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { data: unknown }).data).toEqual({
        id,
        amount: 150,
        reference: 'INV-1',
        redirect_url: 'https://shop.example/back',
        pricing: { representative_interest: 0, promotions: [] },
        pay_link_id: expect.any(String),
        seller_name: 'Demo Shop',
        status: 'CREATED',
        allowed_payment_terms: ['PAY_LATER', 'PAY_NOW'],
      });
    }
    expect(
      (
        await call(
          'GET',
          '/iwocapay/api/lending/edge/ecommerce/order/00000000-0000-4000-8000-000000000000/',
        )
      ).status,
    ).toBe(404);
  });

  it('cancels an open order as UNSUCCESSFUL and refuses to cancel a terminal one', async () => {
    const id = String((await create())['id']);
    const path = `/iwocapay/api/iwocapay/ecommerce/seller/${SUPPLIER}/order/${id}/`;
    const cancelled = await call('DELETE', path);
    expect(cancelled.status).toBe(200);
    expect(((await cancelled.json()) as { data: { status: string } }).data.status).toBe(
      'UNSUCCESSFUL',
    );
    const again = await call('DELETE', path);
    expect(again.status).toBe(400);
    expect(JSON.stringify(await again.json())).toContain("Can't cancel order of terminal state");
  });

  it('answers with iwoca’s 500 when the errorRate fault fires, creating nothing', async () => {
    await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ provider: 'iwocapay', errorRate: 1 }),
    });
    try {
      const before = ((await (await fetch(`${emulator.url}/_emulator/orders`)).json()) as unknown[])
        .length;
      const response = await call('POST', CREATE, { data: { amount: 1, reference: 'r' } });
      expect(response.status).toBe(500);
      expect(((await response.json()) as { errors: unknown[] }).errors).toHaveLength(1);
      const after = ((await (await fetch(`${emulator.url}/_emulator/orders`)).json()) as unknown[])
        .length;
      expect(after).toBe(before);
    } finally {
      await fetch(`${emulator.url}/_emulator/faults`, { method: 'DELETE' });
    }
  });
});
