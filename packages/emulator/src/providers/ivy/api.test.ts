/**
 * @module
 * The emulated Ivy API over real HTTP: authentication, validation, sessions, orders,
 * idempotency.
 */
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator.js';
import { API_KEY, reference, sharedHarness, waitFor } from '../../test-support/harness.js';

const h = sharedHarness();

const validBody = () => ({
  price: { total: 19.99, currency: 'EUR' },
  referenceId: reference(),
  successCallbackUrl: 'https://shop.example/ok',
  errorCallbackUrl: 'https://shop.example/ko',
});

describe('authentication', () => {
  it('answers 401 Ivy-style without a key', async () => {
    const response = await fetch(`${h.emulator.url}/ivy/api/service/checkout/session/create`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(validBody()),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      category: 'invalid_request_error',
      code: 'UNAUTHENTICATED',
      message: expect.any(String),
    });
  });

  it('answers 401 with a wrong key and creates nothing', async () => {
    const body = validBody();
    const response = await h.ivy('checkout/session/create', body, { 'X-Ivy-Api-Key': 'nope' });
    expect(response.status).toBe(401);
    const text = await response.text();
    expect(text).not.toContain(API_KEY);
    const orders = (await (await h.control('GET', 'orders')).json()) as { reference: string }[];
    expect(orders.some((o) => o.reference === body.referenceId)).toBe(false);
  });
});

describe('checkout/session/create', () => {
  it('creates an open session with a redirect to the hosted page', async () => {
    const body = { ...validBody(), metadata: { cart: 'c1' }, locale: 'de' };
    const response = await h.ivy('checkout/session/create', body);
    expect(response.status).toBe(200);
    const session = (await response.json()) as Record<string, unknown>;
    expect(session).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      referenceId: body.referenceId,
      status: 'open',
      price: { total: 19.99, currency: 'EUR' },
      successCallbackUrl: body.successCallbackUrl,
      errorCallbackUrl: body.errorCallbackUrl,
      metadata: { cart: 'c1' },
    });
    expect(session['redirectUrl']).toBe(
      `${h.emulator.url}/ivy/checkout?session=${String(session['id'])}`,
    );
    const created = session['created'] as number;
    expect(session['expiresAt']).toBe(created + 3600);
  });

  it.each([
    ['missing referenceId', { referenceId: undefined }, 'referenceId'],
    ['zero total', { price: { total: 0, currency: 'EUR' } }, 'price.total'],
    ['negative total', { price: { total: -5, currency: 'EUR' } }, 'price.total'],
    ['three decimals', { price: { total: 19.999, currency: 'EUR' } }, 'price.total'],
    ['float noise', { price: { total: 0.1 + 0.2, currency: 'EUR' } }, 'price.total'],
    ['string total', { price: { total: '19.99', currency: 'EUR' } }, 'price.total'],
    ['unsupported currency', { price: { total: 10, currency: 'USD' } }, 'price.currency'],
    ['bad callback URL', { successCallbackUrl: 'javascript:alert(1)' }, 'successCallbackUrl'],
    ['expiresAt too soon', { expiresAt: Math.floor(Date.now() / 1000) + 60 }, 'expiresAt'],
    ['expiresAt too late', { expiresAt: Math.floor(Date.now() / 1000) + 3 * 86400 }, 'expiresAt'],
    [
      'a mandate set-up without userNotificationEmail',
      { mandate: { setup: true, referenceId: 'm-2', accountHolderName: 'Ada' } },
      'mandate.userNotificationEmail',
    ],
  ])('rejects %s with 400 naming the field', async (_name, change, param) => {
    const body = { ...validBody(), ...change };
    const response = await h.ivy('checkout/session/create', body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 'VALIDATION',
      category: 'invalid_request_error',
      param,
      message: expect.any(String),
    });
  });

  it('rejects a body that is not JSON', async () => {
    const response = await h.ivy('checkout/session/create', '{nope');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'VALIDATION' });
  });

  it('accepts GBP and PLN and a valid expiresAt and mandate', async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 7200;
    const mandate = {
      setup: true,
      referenceId: 'm-1',
      userNotificationEmail: 'ada@example.com',
      accountHolderName: 'Ada',
    };
    const gbp = await h.createSession({ price: { total: 5, currency: 'GBP' }, expiresAt, mandate });
    expect(gbp.expiresAt).toBe(expiresAt);
    expect(gbp).toMatchObject({ mandate });
    const pln = await h.createSession({ price: { total: 123456.78, currency: 'PLN' } });
    const orders = (await (await h.control('GET', 'orders')).json()) as {
      id: string;
      amount: unknown;
    }[];
    expect(orders.find((o) => o.id === pln.id)?.amount).toEqual({
      value: 12345678,
      currency: 'PLN',
    });
  });

  it('answers 409 CONFLICT for a duplicate referenceId', async () => {
    const body = validBody();
    expect((await h.ivy('checkout/session/create', body)).status).toBe(200);
    const again = await h.ivy('checkout/session/create', body);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({
      code: 'CONFLICT',
      category: 'invalid_request_error',
    });
  });
});

describe('Idempotency-Key', () => {
  it('replays the stored response for the same key and body', async () => {
    const body = validBody();
    const first = await h.ivy('checkout/session/create', body, { 'Idempotency-Key': 'k-1' });
    const second = await h.ivy('checkout/session/create', body, { 'Idempotency-Key': 'k-1' });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(await second.text()).toBe(await first.text());
    expect(second.headers.get('Idempotent-Replayed')).toBe('true');
  });

  it('answers 409 idempotency_error for the same key with another body', async () => {
    await h.ivy('checkout/session/create', validBody(), { 'Idempotency-Key': 'k-2' });
    const other = await h.ivy('checkout/session/create', validBody(), { 'Idempotency-Key': 'k-2' });
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({ category: 'idempotency_error' });
  });
});

describe('session details, expire and order details', () => {
  it('returns a session and 404 for an unknown one', async () => {
    const session = await h.createSession();
    const details = await h.ivy('checkout/session/details', { id: session.id });
    expect(details.status).toBe(200);
    expect(await details.json()).toMatchObject({ id: session.id, status: 'open' });
    const missing = await h.ivy('checkout/session/details', { id: 'nope' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('expires a session and sends checkout_session_expired', async () => {
    const session = await h.createSession();
    const response = await h.ivy('checkout/session/expire', { id: session.id });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: session.id, status: 'expired' });
    const event = await waitFor(() =>
      h
        .events()
        .find((e) => e.type === 'checkout_session_expired' && e.payload['id'] === session.id),
    );
    expect(event.payload).toMatchObject({ referenceId: session.referenceId, status: 'expired' });
  });

  it("finds orders by `id`, given as Ivy's order id or the referenceId, 404 when none", async () => {
    const session = await h.createSession();
    expect((await h.ivy('order/details', { id: session.referenceId })).status).toBe(404);
    const outcome = await h.control('POST', `orders/ivy/${session.id}/outcome`, {
      status: 'paid',
    });
    const { orderId } = (await outcome.json()) as { orderId: string };
    const byRef = await h.ivy('order/details', { id: session.referenceId });
    expect(byRef.status).toBe(200);
    const order = (await byRef.json()) as Record<string, unknown>;
    expect(order).toMatchObject({
      id: orderId,
      referenceId: session.referenceId,
      status: 'paid',
      price: { total: 19.99, currency: 'EUR' },
      paymentMode: 'settlement',
      checkoutSessionId: session.id,
      shopName: expect.any(String),
      displayId: expect.any(String),
    });
    expect(Date.parse(order['updatedAt'] as string)).not.toBeNaN();
    const byId = await h.ivy('order/details', { id: orderId });
    expect(await byId.json()).toEqual(order);
    expect((await h.ivy('order/details', { id: 'nope' })).status).toBe(404);
    expect((await h.ivy('order/details', {})).status).toBe(400);
    // Ivy reads only `id`: a body naming the order by `referenceId` alone is refused.
    const byOldField = await h.ivy('order/details', { referenceId: session.referenceId });
    expect(byOldField.status).toBe(400);
    expect(await byOldField.json()).toMatchObject({ code: 'VALIDATION', param: 'id' });
  });
});

describe('subaccount/create', () => {
  it('answers the subaccount, one id each, owned by the merchant', async () => {
    const body = { legalName: 'Shop Two GmbH', mcc: '5732', websiteUrl: 'https://two.example' };
    const first = await h.ivy('subaccount/create', body);
    const second = await h.ivy('subaccount/create', { legalName: 'Offline Shop', mcc: '5411' });
    expect([first.status, second.status]).toEqual([200, 200]);
    const a = (await first.json()) as Record<string, unknown>;
    const b = (await second.json()) as Record<string, unknown>;
    expect(a).toEqual({
      id: expect.any(String),
      legalName: 'Shop Two GmbH',
      ownerId: expect.stringMatching(/^[0-9a-f]{24}$/),
      mcc: '5732',
      status: 'active',
      updatedAt: a['createdAt'],
      createdAt: expect.any(String),
    });
    expect(b['id']).not.toBe(a['id']);
    expect(b['ownerId']).toBe(a['ownerId']);
  });

  it.each([
    ['no legalName', { mcc: '4188' }, 'legalName', 'legalName is required'],
    ['a blank legalName', { legalName: '  ', mcc: '4188' }, 'legalName', 'must not be empty'],
    ['a three-digit mcc', { legalName: 'A', mcc: '418' }, 'mcc', 'four-digit Merchant Category'],
    ['a numeric mcc', { legalName: 'A', mcc: 4188 }, 'mcc', 'mcc must be a string of four'],
    [
      'a websiteUrl that is not http(s)',
      { legalName: 'A', mcc: '4188', websiteUrl: 'ftp://x' },
      'websiteUrl',
      'absolute http(s) URL',
    ],
  ])('refuses %s with a VALIDATION error naming the field', async (_case, body, param, text) => {
    const response = await h.ivy('subaccount/create', body);
    expect(response.status).toBe(400);
    const error = (await response.json()) as Record<string, unknown>;
    expect(error).toMatchObject({ category: 'invalid_request_error', code: 'VALIDATION', param });
    expect(String(error['message'])).toContain(text);
  });
});

describe('unknown endpoints', () => {
  it('answers Ivy’s JSON 404 for a path or method it does not serve', async () => {
    for (const request of [
      h.ivy('subaccount/delete', {}),
      fetch(`${h.emulator.url}/ivy/api/service/subaccount/create`, {
        headers: { 'X-Ivy-Api-Key': API_KEY },
      }),
    ]) {
      const response = await request;
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({
        category: 'invalid_request_error',
        code: 'NOT_FOUND',
      });
    }
  });
});

describe('a provider without credentials', () => {
  it('answers 503 with a clear message on its prefix', async () => {
    const emulator = createEmulator({ credentials: {} });
    const response = await emulator.fetch(
      new Request('http://emulator/ivy/api/service/checkout/session/create', { method: 'POST' }),
    );
    expect(response.status).toBe(503);
    expect(((await response.json()) as { message: string }).message).toMatch(/IVY_API_KEY/);
    const other = await emulator.fetch(new Request('http://emulator/koywe/anything'));
    expect(other.status).toBe(503);
    await emulator.close();
  });
});
