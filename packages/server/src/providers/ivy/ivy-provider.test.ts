/**
 * @module
 * The Ivy adapter on its own: markets, webhook parsing and status mapping, and how Ivy's
 * failures (down, refusing, wrong key) become API errors, against the real emulator.
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
import { IVY_ORDER_STATUS, mapIvyOrderStatus } from './ivy-status.js';
import { createIvyProvider } from './ivy-provider.js';

const KEY = 'ivy_unit_key';
const SECRET = 'ivy_unit_secret';
let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator({
    timeScale: 0.01,
    credentials: { ivy: { apiKey: KEY, webhookSecret: SECRET } },
    webhookUrls: { ivy: 'http://127.0.0.1:9/unused' },
  });
});
afterAll(async () => {
  await emulator?.close();
});

const session = testSession;

function order(s: SessionRecord): OrderRecord {
  return testOrder(s, { provider: 'ivy', method: 'ivy:bank' });
}

function provider(apiUrl = `${emulator.url}/ivy`, apiKey = KEY) {
  return createIvyProvider({ apiUrl, apiKey, webhookSecret: SECRET, retryBaseMs: 1 });
}

async function create(p: ReturnType<typeof provider>, s = session()) {
  return p.createOrder({
    session: s,
    order: order(s),
    method: p.methods(s)[0] ?? { id: 'ivy:bank', provider: 'ivy', name: 'x', flow: 'redirect' },
    fields: {},
    returnUrl: 'http://127.0.0.1:8787/return/cs_unit',
    webhookUrl: 'http://127.0.0.1:8787/webhooks/ivy',
  });
}

describe('Ivy methods', () => {
  it('offers pay by bank for EUR/GBP/PLN in Ivy markets only, honouring the restriction', () => {
    const p = provider();
    expect(p.methods(session()).map((m) => m.id)).toEqual(['ivy:bank']);
    expect(
      p.methods(session({ amount: { value: 500, currency: 'GBP' }, country: 'GB' })),
    ).toHaveLength(1);
    expect(
      p.methods(session({ amount: { value: 500, currency: 'PLN' }, country: 'PL' })),
    ).toHaveLength(1);
    expect(p.methods(session({ amount: { value: 500, currency: 'USD' } }))).toEqual([]);
    expect(p.methods(session({ country: 'US' }))).toEqual([]);
    expect(p.methods(session({ providers: ['koywe'] }))).toEqual([]);
  });
});

describe('Ivy orders against the emulator', () => {
  it('creates a checkout session and reads its status back', async () => {
    const p = provider();
    const s = session();
    const created = await create(p, s);
    expect(created.status).toBe('pending');
    expect(created.action).toMatchObject({ type: 'redirect' });
    const o = { ...order(s), providerOrderId: created.providerOrderId };
    expect(await p.fetchStatus(o)).toBeNull();
    await setEmulatedOutcome(emulator, 'ivy', created.providerOrderId, 'paid');
    expect(await p.fetchStatus(o)).toEqual({
      status: 'paid',
      providerStatus: 'paid',
      amount: { value: 1999, currency: 'EUR' },
    });
  });

  it('reports an expired Ivy session as expired', async () => {
    const p = provider();
    const s = session();
    const created = await create(p, s);
    await setEmulatedOutcome(emulator, 'ivy', created.providerOrderId, 'expired');
    expect(
      await p.fetchStatus({ ...order(s), providerOrderId: created.providerOrderId }),
    ).toMatchObject({
      status: 'expired',
    });
  });

  it('maps a wrong API key to provider_error and never shows the key', async () => {
    const error = await apiError(create(provider(undefined, 'ivy_wrong_key_value')));
    expect(error).toMatchObject({ status: 502, code: 'provider_error', retryable: false });
    expect(JSON.stringify(error.toBody())).not.toContain('ivy_wrong_key_value');
  });

  it('maps a duplicate reference to provider_error', async () => {
    const p = provider();
    const s = session();
    await create(p, s);
    expect(await apiError(create(p, s))).toMatchObject({ code: 'provider_error' });
  });

  it('maps an unreachable Ivy to a retryable provider_unavailable', async () => {
    const p = provider('http://127.0.0.1:9/ivy');
    expect(await apiError(create(p))).toMatchObject({
      status: 502,
      code: 'provider_unavailable',
      retryable: true,
    });
    expect(await apiError(p.fetchStatus(order(session())))).toMatchObject({
      code: 'provider_unavailable',
    });
  });
});

describe('Ivy webhooks', () => {
  const p = createIvyProvider({ apiUrl: 'http://127.0.0.1:9', apiKey: KEY, webhookSecret: SECRET });

  it('parses order events with status, amount and confirmation need', () => {
    const parsed = p.parseWebhook(
      JSON.stringify({
        id: 'evt-1',
        type: 'order_updated',
        payload: {
          id: 'o1',
          referenceId: '1-order-1',
          status: 'paid',
          price: { total: 19.99, currency: 'EUR' },
        },
        date: '2026-01-01T00:00:00.000Z',
      }),
    );
    expect(parsed).toEqual({
      dedupeKey: 'evt-1',
      reference: '1-order-1',
      status: 'paid',
      providerStatus: 'paid',
      amount: { value: 1999, currency: 'EUR' },
      confirmNeeded: true,
    });
    const processing = p.parseWebhook(
      '{"id":"e","type":"order_created","payload":{"referenceId":"r","status":"processing","price":{"total":1,"currency":"EUR"}}}',
    );
    expect(processing).toMatchObject({ status: 'processing', confirmNeeded: false });
  });

  it('maps session events and ignores the rest', () => {
    expect(
      p.parseWebhook(
        '{"id":"e","type":"checkout_session_expired","payload":{"referenceId":"1-r","status":"expired"}}',
      ),
    ).toMatchObject({ reference: '1-r', status: 'expired' });
    expect(
      p.parseWebhook(
        '{"id":"e","type":"checkout_session.expired","payload":{"referenceId":"1-r"}}',
      ),
    ).toMatchObject({ status: 'expired' });
    expect(
      p.parseWebhook(
        '{"id":"e","type":"checkout_session_completed","payload":{"referenceId":"1-r"}}',
      ),
    ).toMatchObject({ status: null });
    expect(p.parseWebhook('{"id":"e","type":"mandate_revoked","payload":{}}')).toMatchObject({
      status: null,
      reference: null,
    });
  });

  it('throws on bodies that are not Ivy events', () => {
    for (const body of [
      'null',
      '{}',
      '{"id":1,"type":"x","payload":{}}',
      '{"id":"e","type":"order_updated"}',
    ]) {
      expect(() => p.parseWebhook(body)).toThrow();
    }
  });
});

describe('Ivy status mapping', () => {
  it('covers every Ivy order status', () => {
    expect(IVY_ORDER_STATUS).toEqual({
      waiting_for_payment: 'pending',
      waiting_for_bank_confirmation: 'processing',
      processing: 'processing',
      finalizing: 'processing',
      paid: 'paid',
      failed: 'failed',
      refused: 'failed',
      canceled: 'cancelled',
      in_refund: 'paid',
      refund_failed: 'paid',
      partially_refunded: 'partially_refunded',
      refunded: 'refunded',
      in_dispute: 'disputed',
      disputed: 'disputed',
    });
    expect(mapIvyOrderStatus('cancelled')).toBeNull();
    expect(mapIvyOrderStatus('toString')).toBeNull();
  });
});
