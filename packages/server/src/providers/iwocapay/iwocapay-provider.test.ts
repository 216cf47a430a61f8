/**
 * @module
 * The iwocaPay adapter on its own: markets and terms, exact amounts, what it sends per order,
 * status reads, webhook verification and parsing (signed webhooks, unsigned hints), and how
 * iwocaPay's failures (down, slow, refusing, wrong credentials) become API errors.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '@pay-checkout/emulator';
import type { OrderRecord, SessionRecord } from '../../domain/records.js';
import {
  apiError,
  startTestEmulator,
  testOrder,
  testSession,
} from '../../test-support/provider-fixtures.js';
import { createIwocaPayProvider, IWOCAPAY_METHOD } from './iwocapay-provider.js';
import { signIwocaPayBody } from './iwocapay-signature.js';
import { IWOCAPAY_ORDER_STATUS, mapIwocaPayStatus } from './iwocapay-status.js';

const SUPPLIER = '0b6f4c1e-8d2a-4f3b-9c5d-7e1a2b3c4d5e';
const TOKEN = 'iwocapay_unit_access_token';
let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator({
    timeScale: 0.01,
    credentials: { iwocapay: { supplierUuid: SUPPLIER, accessToken: TOKEN } },
  });
});
afterAll(async () => {
  await emulator?.close();
});

function session(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return testSession({ amount: { value: 1999, currency: 'GBP' }, country: 'GB', ...overrides });
}

function order(s: SessionRecord, providerOrderId: string | null = null): OrderRecord {
  return testOrder(s, { provider: 'iwocapay', method: IWOCAPAY_METHOD.id, providerOrderId });
}

interface Overrides {
  apiUrl?: string;
  supplierUuid?: string;
  accessToken?: string;
  timeoutMs?: number;
}

function provider(overrides: Overrides = {}) {
  return createIwocaPayProvider({
    apiUrl: overrides.apiUrl ?? `${emulator.url}/iwocapay`,
    supplierUuid: SUPPLIER,
    accessToken: TOKEN,
    retryBaseMs: 1,
    ...overrides,
  });
}

function create(
  p: ReturnType<typeof provider>,
  s = session(),
  fields: Record<string, string> = {},
) {
  return p.createOrder({
    session: s,
    order: order(s),
    method: IWOCAPAY_METHOD,
    fields,
    returnUrl: 'http://127.0.0.1:8787/return/cs_unit',
    webhookUrl: 'http://127.0.0.1:8787/webhooks/iwocapay',
  });
}

async function readBack(id: string): Promise<Record<string, unknown>> {
  const response = await fetch(
    `${emulator.url}/iwocapay/api/iwocapay/ecommerce/seller/${SUPPLIER}/order/${id}/`,
    { headers: { Authorization: `Bearer ${TOKEN}` } },
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: Record<string, unknown> }).data;
}

function outcome(id: string, status: string) {
  return fetch(`${emulator.url}/_emulator/orders/iwocapay/${id}/outcome`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ status }),
  });
}

/** A loopback server that counts requests and answers with `answer` (or never). */
async function fakeApi(
  answer: 'never' | number,
): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server: Server = createServer((_req, res) => {
    count++;
    if (answer === 'never') return;
    res.writeHead(answer, { 'Content-Type': 'application/json' }).end('{"errors":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('iwocaPay methods', () => {
  it('offers one method with pay-now / pay-later terms, for GBP in GB only', () => {
    const p = provider();
    const methods = p.methods(session());
    expect(methods).toHaveLength(1);
    expect(methods[0]).toMatchObject({ id: 'iwocapay:checkout', provider: 'iwocapay' });
    expect(methods[0]?.fields?.[0]).toMatchObject({
      name: 'terms',
      type: 'select',
      required: false,
      options: [
        { value: 'PAY_NOW', label: expect.any(String) },
        { value: 'PAY_LATER', label: expect.any(String) },
      ],
    });
    expect(p.methods(session({ amount: { value: 1999, currency: 'EUR' } }))).toEqual([]);
    expect(p.methods(session({ country: 'IE' }))).toEqual([]);
    expect(p.methods(session({ amount: { value: 0, currency: 'GBP' } }))).toEqual([]);
    expect(p.methods(session({ providers: ['ivy'] }))).toEqual([]);
    expect(p.methods(session({ providers: ['iwocapay'] }))).toHaveLength(1);
  });
});

describe('iwocaPay orders against the emulator', () => {
  it('creates an order with exact pounds, per-order redirect and webhook URLs, and reads it back', async () => {
    const p = provider();
    const s = session({ amount: { value: 1005, currency: 'GBP' } });
    const created = await create(p, s, { terms: 'PAY_NOW' });
    expect(created.status).toBe('pending');
    expect(created.action).toMatchObject({ type: 'redirect' });
    if (created.action.type !== 'redirect') throw new Error('expected a redirect');
    expect(created.action.url).toMatch(/\/iwocapay\/pay\/order\/[0-9a-f]+\/landing\/$/);

    const held = await readBack(created.providerOrderId);
    expect(held).toMatchObject({
      amount: 10.05,
      reference: `1-${s.reference}`,
      redirect_url: 'http://127.0.0.1:8787/return/cs_unit',
      allowed_payment_terms: ['PAY_NOW'],
      status: 'CREATED',
    });
    const listed = (await (
      await fetch(`${emulator.url}/_emulator/orders?provider=iwocapay`)
    ).json()) as { id: string; webhookUrl: string; amount: unknown }[];
    expect(listed.find((o) => o.id === created.providerOrderId)).toMatchObject({
      webhookUrl: 'http://127.0.0.1:8787/webhooks/iwocapay',
      amount: { value: 1005, currency: 'GBP' },
    });

    const o = order(s, created.providerOrderId);
    expect(await p.fetchStatus(o)).toEqual({
      status: 'pending',
      providerStatus: 'CREATED',
      amount: { value: 1005, currency: 'GBP' },
    });
    await outcome(created.providerOrderId, 'APPROVED');
    expect(await p.fetchStatus(o)).toMatchObject({ status: 'authorized' });
    await outcome(created.providerOrderId, 'SUCCESSFUL');
    expect(await p.fetchStatus(o)).toMatchObject({ status: 'paid', providerStatus: 'SUCCESSFUL' });
  });

  it('lets iwoca offer both terms when the customer chose none', async () => {
    const created = await create(provider());
    expect((await readBack(created.providerOrderId))['allowed_payment_terms']).toEqual([
      'PAY_LATER',
      'PAY_NOW',
    ]);
  });

  it('refuses unknown terms and other methods without calling iwocaPay', async () => {
    const p = provider({ apiUrl: 'http://127.0.0.1:9' });
    expect(await apiError(create(p, session(), { terms: 'PAY_NEVER' }))).toMatchObject({
      status: 400,
      code: 'invalid_request',
    });
    expect(
      await apiError(create(p, session({ amount: { value: 100, currency: 'EUR' } }))),
    ).toMatchObject({ status: 400, code: 'method_unavailable' });
  });

  it('knows nothing of an order without an id or with an unknown one', async () => {
    const p = provider();
    const s = session();
    expect(await p.fetchStatus(order(s))).toBeNull();
    expect(await p.fetchStatus(order(s, '9b2f1c3e-1111-4111-8111-111111111111'))).toBeNull();
    expect(await p.fetchStatus(order(s, '../../etc/passwd'))).toBeNull();
  });

  it('ignores an order id that answers with another reference', async () => {
    const p = provider();
    const created = await create(p);
    expect(await p.fetchStatus(order(session(), created.providerOrderId))).toBeNull();
  });

  it('maps a wrong access token to provider_error and never shows the token', async () => {
    const error = await apiError(create(provider({ accessToken: 'wrong_token_value' })));
    expect(error).toMatchObject({ status: 502, code: 'provider_error', retryable: false });
    expect(error.message).toMatch(/IWOCAPAY_ACCESS_TOKEN/);
    expect(JSON.stringify(error.toBody())).not.toContain('wrong_token_value');
  });

  it('maps another seller’s UUID to provider_error naming the variable', async () => {
    const error = await apiError(
      create(provider({ supplierUuid: '11111111-2222-4333-8444-555555555555' })),
    );
    expect(error).toMatchObject({ status: 502, code: 'provider_error' });
    expect(error.message).toMatch(/IWOCAPAY_SUPPLIER_UUID/);
  });

  it('maps an unreachable iwocaPay to a retryable provider_unavailable', async () => {
    const p = provider({ apiUrl: 'http://127.0.0.1:9' });
    expect(await apiError(create(p))).toMatchObject({
      status: 502,
      code: 'provider_unavailable',
      retryable: true,
    });
    expect(await apiError(p.fetchStatus(order(session(), SUPPLIER)))).toMatchObject({
      code: 'provider_unavailable',
    });
  });

  it('never repeats an ambiguous create (5xx) but retries reads', async () => {
    const api = await fakeApi(503);
    try {
      const p = provider({ apiUrl: api.url });
      expect(await apiError(create(p))).toMatchObject({
        code: 'provider_unavailable',
        retryable: true,
      });
      expect(api.count()).toBe(1);
      expect(await apiError(p.fetchStatus(order(session(), SUPPLIER)))).toMatchObject({
        code: 'provider_unavailable',
      });
      expect(api.count()).toBe(4);
    } finally {
      await api.close();
    }
  });

  it('turns a hanging iwocaPay into a retryable 502 instead of a hang', async () => {
    const api = await fakeApi('never');
    try {
      const error = await apiError(create(provider({ apiUrl: api.url, timeoutMs: 100 })));
      expect(error).toMatchObject({ status: 502, code: 'provider_unavailable', retryable: true });
      expect(error.message).toMatch(/timeout/);
    } finally {
      await api.close();
    }
  });
});

describe('iwocaPay webhooks', () => {
  const p = provider({ apiUrl: 'http://127.0.0.1:9' });
  const current = (status: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      data: {
        webhook_id: crypto.randomUUID(),
        event_type: 'ORDER_STATUS_CHANGED',
        order_id: '22222222-2222-4222-8222-222222222222',
        amount: 21.1,
        reference: '1-order-1',
        status,
        ...extra,
      },
    });
  const headers = (values: Record<string, string>) => new Headers(values);
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('parses status changes, deduplicating on order and status, confirming successes', () => {
    const first = p.parseWebhook(current('SUCCESSFUL'));
    expect(first).toEqual({
      dedupeKey: 'order:22222222-2222-4222-8222-222222222222:SUCCESSFUL',
      reference: '1-order-1',
      status: 'paid',
      providerStatus: 'SUCCESSFUL',
      amount: { value: 2110, currency: 'GBP' },
      confirmNeeded: true,
    });
    // A new delivery of the same change has a new webhook_id but the same key.
    expect(p.parseWebhook(current('SUCCESSFUL')).dedupeKey).toBe(first.dedupeKey);
    expect(p.parseWebhook(current('APPROVED'))).toMatchObject({
      status: 'authorized',
      confirmNeeded: false,
    });
    expect(p.parseWebhook(current('UNSUCCESSFUL'))).toMatchObject({ status: 'failed' });
    expect(p.parseWebhook(current('SOMETHING_NEW'))).toMatchObject({ status: null });
    expect(p.parseWebhook(current('APPROVED', { event_type: 'OTHER' }))).toMatchObject({
      status: null,
    });
  });

  it('verifies the signature header on the raw bytes', () => {
    const body = current('APPROVED');
    const good = signIwocaPayBody(TOKEN, body);
    expect(p.verifyWebhook(bytes(body), headers({ 'X-Iwocapay-Hmac-Sha256': good }))).toBe(true);
    expect(p.verifyWebhook(bytes(`${body} `), headers({ 'X-Iwocapay-Hmac-Sha256': good }))).toBe(
      false,
    );
    // No header: not a verified webhook, at most a hint (below).
    expect(p.verifyWebhook(bytes(body), headers({}))).toBe('unsigned');
    expect(p.verifyWebhook(bytes(body), headers({ 'X-Iwocapay-Hmac-Sha256': 'x' }))).toBe(false);
  });

  /** iwocaPay's documented unsigned webhook. */
  const documented = JSON.stringify({
    data: {
      order_id: 4711,
      pay_link_id: '33333333-3333-4333-8333-333333333333',
      amount: 21.0,
      reference: '1-order-1',
      status: 'SUCCESSFUL',
    },
  });

  it('takes an unsigned webhook that names an order as a hint, with no setting', () => {
    expect(p.verifyWebhook(bytes(documented), headers({}))).toBe('unsigned');
    // The signed shape sent without its header is no more than a hint either.
    expect(p.verifyWebhook(bytes(current('SUCCESSFUL')), headers({}))).toBe('unsigned');
    // A signature that does not verify is refused, whatever the body.
    expect(
      p.verifyWebhook(
        bytes(documented),
        headers({ 'X-Iwocapay-Hmac-Sha256': `${'A'.repeat(43)}=` }),
      ),
    ).toBe(false);
    expect(p.verifyWebhook(bytes(documented), headers({ 'X-Iwocapay-Hmac-Sha256': '' }))).toBe(
      false,
    );
    // Unsigned bodies that name no order are not iwocaPay webhooks at all.
    for (const body of [
      '{}',
      '{"data":{}}',
      'not json',
      '{"data":{"order_id":4711,"status":"SUCCESSFUL"}}',
      '{"data":{"reference":""}}',
      '{"data":{"reference":42}}',
    ]) {
      expect(p.verifyWebhook(bytes(body), headers({}))).toBe(false);
    }
    expect(p.verifyWebhook(new Uint8Array([0xff, 0xfe]), headers({}))).toBe(false);
  });

  it('reads nothing from a hint but the reference of the order', () => {
    expect(p.parseHint(documented)).toEqual({ reference: '1-order-1' });
    expect(p.parseHint(current('SUCCESSFUL'))).toEqual({ reference: '1-order-1' });
    expect(() => p.parseHint('{"data":{"order_id":1,"status":"SUCCESSFUL"}}')).toThrow();
    // The unsigned shape is never parsed as a fact.
    expect(() => p.parseWebhook(documented)).toThrow();
  });

  it('never learns an iwocaPay id from a hint, only from a signed webhook', async () => {
    const s = session();
    const created = await create(provider(), s);
    const body = JSON.stringify({
      data: {
        webhook_id: crypto.randomUUID(),
        event_type: 'ORDER_STATUS_CHANGED',
        order_id: created.providerOrderId,
        amount: 19.99,
        reference: `1-${s.reference}`,
        status: 'CREATED',
      },
    });
    // Another instance, whose create answer this order's record has not got.
    const local = provider();
    expect(local.verifyWebhook(bytes(body), headers({}))).toBe('unsigned');
    local.parseHint(body);
    expect(await local.fetchStatus(order(s))).toBeNull();
    local.parseWebhook(body);
    expect(await local.fetchStatus(order(s))).toMatchObject({ status: 'pending' });
  });

  it('throws on bodies that are not the signed shape', () => {
    for (const body of ['null', '{}', '{"data":[]}', '{"data":{"webhook_id":"w"}}']) {
      expect(() => p.parseWebhook(body)).toThrow();
    }
  });
});

describe('iwocaPay status mapping', () => {
  it('covers every iwocaPay status', () => {
    expect(IWOCAPAY_ORDER_STATUS).toEqual({
      CREATED: 'pending',
      PENDING: 'processing',
      APPROVED: 'authorized',
      SUCCESSFUL: 'paid',
      UNSUCCESSFUL: 'failed',
    });
    expect(mapIwocaPayStatus('successful')).toBeNull();
    expect(mapIwocaPayStatus('toString')).toBeNull();
  });
});
