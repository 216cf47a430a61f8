/**
 * @module
 * The IXOPAY adapter on its own against the real emulator: markets, every returnType, 3004
 * recovery through getByMerchantTransactionId, status mapping, callback parsing, and how
 * IXOPAY's failures (down, refusing, wrong credentials or secret) become API errors.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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
import { createIxopayProvider, IXOPAY_CARD_METHOD } from './ixopay-provider.js';
import { IXOPAY_CONTENT_TYPE, signIxopay } from './ixopay-signature.js';
import { mapIxopayCallbackResult, mapIxopayTransactionStatus } from './ixopay-status.js';
import {
  IXOPAY_API_KEY,
  IXOPAY_EMULATOR_CREDENTIALS,
  IXOPAY_PASSWORD,
  IXOPAY_SHARED_SECRET,
  IXOPAY_USERNAME,
} from './ixopay-test-credentials.js';

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator({
    timeScale: 0.0001,
    // PENDING debits settle after 5 s of real time: long enough to look at them pending.
    settleDelayMs: 50_000_000,
    credentials: { ixopay: { ...IXOPAY_EMULATOR_CREDENTIALS } },
  });
});
afterEach(async () => {
  await fetch(`${emulator.url}/_emulator/faults`, { method: 'DELETE' });
});
afterAll(async () => {
  await emulator?.close();
});

const session = testSession;

function order(s: SessionRecord): OrderRecord {
  return testOrder(s, { provider: 'ixopay', method: 'ixopay:card' });
}

function provider(overrides: Partial<Parameters<typeof createIxopayProvider>[0]> = {}) {
  return createIxopayProvider({
    apiUrl: `${emulator.url}/ixopay`,
    apiKey: IXOPAY_API_KEY,
    username: IXOPAY_USERNAME,
    password: IXOPAY_PASSWORD,
    sharedSecret: IXOPAY_SHARED_SECRET,
    retryBaseMs: 1,
    ...overrides,
  });
}

const RETURN_URL = 'http://127.0.0.1:8787/return/cs_unit';

function create(p: ReturnType<typeof provider>, s = session(), o = order(s)) {
  return p.createOrder({
    session: s,
    order: o,
    method: { ...IXOPAY_CARD_METHOD },
    fields: {},
    returnUrl: RETURN_URL,
    webhookUrl: 'http://127.0.0.1:9/webhooks/ixopay',
  });
}

async function outcome(uuid: string, status: string) {
  expect((await setEmulatedOutcome(emulator, 'ixopay', uuid, status)).status).toBe(200);
}

describe('IXOPAY methods', () => {
  it('offers the card method in its markets only, honouring restrictions and reference length', () => {
    const p = provider();
    expect(p.methods(session())).toEqual([
      {
        id: 'ixopay:card',
        provider: 'ixopay',
        name: 'Pay by card',
        flow: 'redirect',
        kind: 'card',
        logo: methodLogo('ixopay:card'),
      },
    ]);
    expect(
      p.methods(session({ amount: { value: 500, currency: 'GBP' }, country: 'GB' })),
    ).toHaveLength(1);
    expect(p.methods(session({ amount: { value: 500, currency: 'COP' }, country: 'CO' }))).toEqual(
      [],
    );
    expect(p.methods(session({ country: 'BR' }))).toEqual([]);
    expect(p.methods(session({ providers: ['ivy'] }))).toEqual([]);
    expect(p.methods(session({ reference: 'x'.repeat(45) }))).toEqual([]);
    expect(p.methods(session({ reference: 'x'.repeat(44) }))).toHaveLength(1);
  });
});

describe('IXOPAY debits against the emulator', () => {
  it('REDIRECT: pending with the hosted page; status read back by merchantTransactionId', async () => {
    const p = provider();
    const s = session();
    const created = await create(p, s);
    expect(created.status).toBe('pending');
    expect(created.action.type).toBe('redirect');
    if (created.action.type !== 'redirect') return;
    expect(created.action.url).toContain(
      `${emulator.url}/ixopay/redirect/${created.providerOrderId}/`,
    );
    const listed = (await (
      await fetch(`${emulator.url}/_emulator/orders?provider=ixopay`)
    ).json()) as {
      id: string;
      reference: string;
      amount: unknown;
    }[];
    expect(listed.find((o) => o.id === created.providerOrderId)).toMatchObject({
      reference: `1-${s.reference}`,
      amount: { value: 1999, currency: 'EUR' },
    });
    expect(await p.fetchStatus(order(s))).toEqual({
      status: 'pending',
      providerStatus: 'REDIRECT',
      amount: s.amount,
    });
    await outcome(created.providerOrderId, 'SUCCESS');
    expect(await p.fetchStatus(order(s))).toEqual({
      status: 'paid',
      providerStatus: 'SUCCESS',
      amount: s.amount,
    });
  });

  it('finds a debit whose creation outcome is unknown by its merchantTransactionId', async () => {
    const p = provider();
    const s = session();
    const created = await create(p, s);
    expect(await p.findOrderByReference?.(order(s))).toEqual({
      status: 'pending',
      providerStatus: 'REDIRECT',
      amount: s.amount,
      providerOrderId: created.providerOrderId,
    });
    // IXOPAY never saw this one: nothing to find.
    expect(await p.findOrderByReference?.(order(session()))).toBeNull();
  });

  it('sends exact decimal strings (IQD 3 decimals, HUF 2)', async () => {
    const p = provider();
    const s = session({ amount: { value: 123456, currency: 'HUF' }, country: 'HU' });
    await create(p, s);
    expect((await p.fetchStatus(order(s)))?.amount).toEqual({ value: 123456, currency: 'HUF' });
  });

  it('FINISHED is paid at once and sends the customer through our return route', async () => {
    const created = await create(provider(), session({ description: 'finished basket' }));
    expect(created.status).toBe('paid');
    expect(created.action).toEqual({ type: 'redirect', url: RETURN_URL });
  });

  it('PENDING is processing and waits for the callback', async () => {
    const created = await create(provider(), session({ description: 'pending basket' }));
    expect(created.status).toBe('processing');
    expect(created.action).toEqual({ type: 'redirect', url: RETURN_URL });
  });

  it('ERROR is a clear, final refusal (422 provider_error with the code)', async () => {
    const error = await apiError(
      create(provider(), session({ amount: { value: 666, currency: 'EUR' } })),
    );
    expect(error.status).toBe(422);
    expect(error.code).toBe('provider_error');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/declined.*2003/);
  });

  it('HTML is not offered: a definitive error that says so', async () => {
    const error = await apiError(create(provider(), session({ description: 'html basket' })));
    expect(error.code).toBe('provider_error');
    expect(error.message).toMatch(/returnType HTML.*does not offer/);
  });

  it('success:false (1002) is a definitive refusal; nothing was created', async () => {
    const s = session({ amount: { value: 404, currency: 'EUR' } });
    const error = await apiError(create(provider(), s));
    expect(error).toMatchObject({ status: 502, code: 'provider_error', retryable: false });
    expect(error.message).toMatch(/1002/);
    expect(await provider().fetchStatus(order(s))).toBeNull();
  });

  it('3004 on a repeated debit is read back with getByMerchantTransactionId', async () => {
    const p = provider();
    const finished = session({ description: 'finished basket' });
    await create(p, finished);
    expect(await create(p, finished)).toMatchObject({
      status: 'paid',
      action: { url: RETURN_URL },
    });

    const pending = session({ description: 'pending basket' });
    await create(p, pending);
    expect(await create(p, pending)).toMatchObject({ status: 'processing' });

    // A transaction still waiting for the customer gives no way back to its page.
    const redirect = session();
    await create(p, redirect);
    const error = await apiError(create(p, redirect));
    expect(error).toMatchObject({ code: 'provider_unavailable', retryable: true });

    // The same transaction id for another amount is refused.
    const other = { ...order(finished), amount: { value: 2000, currency: 'EUR' } };
    const clash = await apiError(create(p, finished, other));
    expect(clash).toMatchObject({ code: 'provider_error', retryable: false });
  });

  it('wrong credentials, a wrong secret and a wrong URL are definitive, named errors', async () => {
    const user = await apiError(create(provider({ password: 'wrong' })));
    expect(user).toMatchObject({ code: 'provider_error', retryable: false });
    expect(user.message).toContain('IXOPAY_PASSWORD');
    expect(user.message).not.toContain('wrong');
    const secret = await apiError(create(provider({ sharedSecret: 'wrong' })));
    expect(secret.message).toContain('IXOPAY_SHARED_SECRET');
    const url = await apiError(create(provider({ apiUrl: `${emulator.url}/ixopay/nope` })));
    expect(url.code).toBe('provider_error');
  });

  it('IXOPAY down or failing becomes a retryable 502, never a hang', async () => {
    const down = await apiError(create(provider({ apiUrl: 'http://127.0.0.1:9/ixopay' })));
    expect(down).toMatchObject({ status: 502, code: 'provider_unavailable', retryable: true });
    await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ provider: 'ixopay', errorRate: 1 }),
    });
    const failing = await apiError(create(provider()));
    expect(failing).toMatchObject({ status: 502, code: 'provider_unavailable', retryable: true });
    await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ provider: 'ixopay', errorRate: 0, latencyMs: 500 }),
    });
    const slow = await apiError(create(provider({ timeoutMs: 50 })));
    expect(slow).toMatchObject({ code: 'provider_unavailable', retryable: true });
    expect(slow.message).toContain('timeout');
  });
});

describe('IXOPAY callbacks and statuses', () => {
  it('maps callback results and transaction statuses', () => {
    expect(mapIxopayCallbackResult('OK', undefined)).toBe('paid');
    expect(mapIxopayCallbackResult('PENDING', undefined)).toBe('processing');
    expect(mapIxopayCallbackResult('ERROR', 2003)).toBe('failed');
    expect(mapIxopayCallbackResult('ERROR', 2002)).toBe('cancelled');
    expect(mapIxopayCallbackResult('ERROR', 2005)).toBe('expired');
    expect(mapIxopayCallbackResult('INVALID_REQUEST', 1002)).toBe('failed');
    expect(mapIxopayCallbackResult('SOMETHING', undefined)).toBeNull();
    expect(mapIxopayTransactionStatus('SUCCESS', undefined)).toBe('paid');
    expect(mapIxopayTransactionStatus('REDIRECT', undefined)).toBe('pending');
    expect(mapIxopayTransactionStatus('PENDING', undefined)).toBe('processing');
    expect(mapIxopayTransactionStatus('CANCELLED', undefined)).toBe('cancelled');
    expect(mapIxopayTransactionStatus('ERROR', 2003)).toBe('failed');
  });

  const fresh = () => new Headers({ Date: new Date().toUTCString() });
  const hoursAgo = (hours: number) =>
    new Headers({ Date: new Date(Date.now() - hours * 3_600_000).toUTCString() });

  it('parses DEBIT callbacks with exact amounts; other types are recorded only', () => {
    const p = provider();
    const ok = p.parseWebhook(
      '{"result":"OK","uuid":"u1","merchantTransactionId":"1-shop-42","transactionType":"DEBIT","amount":"1.250","currency":"IQD"}',
      fresh(),
    );
    expect(ok).toMatchObject({
      reference: '1-shop-42',
      status: 'paid',
      amount: { value: 1250, currency: 'IQD' },
      confirmNeeded: false,
      providerStatus: 'DEBIT:OK',
    });
    expect(ok.dedupeKey).toMatch(/^ixopay:[0-9a-f]{64}$/);
    const cancelled = p.parseWebhook(
      '{"result":"ERROR","uuid":"u1","merchantTransactionId":"1-shop-42","transactionType":"DEBIT","amount":"9.99","currency":"EUR","code":2002}',
    );
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.confirmNeeded).toBe(false);
    const refund = p.parseWebhook(
      '{"result":"OK","uuid":"u2","merchantTransactionId":"refund-1","transactionType":"REFUND","amount":"9.99","currency":"EUR"}',
    );
    expect(refund).toMatchObject({ reference: null, status: null });
    const chargeback = p.parseWebhook(
      '{"result":"OK","uuid":"u3","merchantTransactionId":"cb","transactionType":"CHARGEBACK","chargebackData":{"originalMerchantTransactionId":"1-shop-42"}}',
    );
    expect(chargeback).toMatchObject({ reference: '1-shop-42', status: 'disputed' });
    const unreadable = p.parseWebhook(
      '{"result":"OK","merchantTransactionId":"1-shop-42","transactionType":"DEBIT","amount":"9.999","currency":"EUR"}',
      fresh(),
    );
    expect(unreadable).toMatchObject({ status: 'paid', confirmNeeded: true });
    expect(unreadable.amount).toBeUndefined();
    expect(() => p.parseWebhook('{"uuid":"x"}')).toThrow();
  });

  it('confirms a success whose date is more than five minutes off; failures apply as they are', () => {
    const p = provider();
    const ok =
      '{"result":"OK","uuid":"u1","merchantTransactionId":"1-shop-42","transactionType":"DEBIT","amount":"9.99","currency":"EUR"}';
    expect(p.parseWebhook(ok, fresh()).confirmNeeded).toBe(false);
    expect(p.parseWebhook(ok, hoursAgo(2))).toMatchObject({ status: 'paid', confirmNeeded: true });
    expect(p.parseWebhook(ok, hoursAgo(-1)).confirmNeeded).toBe(true);
    // The signed date is X-Date when there is one.
    const xDate = new Headers({
      'X-Date': new Date(Date.now() - 3_600_000).toUTCString(),
      Date: new Date().toUTCString(),
    });
    expect(p.parseWebhook(ok, xDate).confirmNeeded).toBe(true);
    // Without the headers its age is unknown: confirmed too.
    expect(p.parseWebhook(ok).confirmNeeded).toBe(true);
    const error =
      '{"result":"ERROR","uuid":"u1","merchantTransactionId":"1-shop-42","transactionType":"DEBIT","amount":"9.99","currency":"EUR","code":2003}';
    expect(p.parseWebhook(error, hoursAgo(2))).toMatchObject({
      status: 'failed',
      confirmNeeded: false,
    });
    const reversal =
      '{"result":"OK","uuid":"u4","merchantTransactionId":"cbr","transactionType":"CHARGEBACK-REVERSAL","chargebackReversalData":{"originalMerchantTransactionId":"1-shop-42"}}';
    expect(p.parseWebhook(reversal, hoursAgo(2))).toMatchObject({
      status: 'paid',
      confirmNeeded: true,
    });
    expect(p.parseWebhook(reversal, fresh()).confirmNeeded).toBeUndefined();
    const chargeback =
      '{"result":"OK","uuid":"u3","merchantTransactionId":"cb","transactionType":"CHARGEBACK","chargebackData":{"originalMerchantTransactionId":"1-shop-42"}}';
    expect(p.parseWebhook(chargeback, hoursAgo(2))).toMatchObject({ status: 'disputed' });
    expect(p.parseWebhook(chargeback, hoursAgo(2)).confirmNeeded).toBeUndefined();
  });

  it('verifies a callback signed two hours ago, and never one with a bad signature', () => {
    const p = provider();
    const body =
      '{"result":"OK","uuid":"u1","merchantTransactionId":"1-shop-42","transactionType":"DEBIT","amount":"9.99","currency":"EUR"}';
    const date = new Date(Date.now() - 2 * 3_600_000).toUTCString();
    const sign = (secret: string) =>
      signIxopay(secret, {
        method: 'POST',
        body,
        contentType: IXOPAY_CONTENT_TYPE,
        date,
        requestUri: '/webhooks/ixopay',
      });
    const h = (signature: string) =>
      new Headers({ 'Content-Type': IXOPAY_CONTENT_TYPE, Date: date, 'X-Signature': signature });
    const raw = new TextEncoder().encode(body);
    expect(p.verifyWebhook(raw, h(sign(IXOPAY_SHARED_SECRET)))).toBe(true);
    expect(p.verifyWebhook(raw, h(sign('not-the-secret')))).toBe(false);
  });

  it('acknowledges with a plain OK', () => {
    expect(provider().acknowledge?.()).toEqual({
      status: 200,
      body: 'OK',
      contentType: 'text/plain',
    });
  });
});
