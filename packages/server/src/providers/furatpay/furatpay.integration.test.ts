/**
 * @module
 * FuratPay end to end against the real emulator over loopback: the FIB QR flow across
 * "devices" (checkout gets the QR, the phone page pays, SSE turns paid), a redirect service
 * through the return route, failures, the sandbox trigger, and webhooks that are stale, replayed
 * or lie about the invoice in their unsigned body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '@pay-checkout/emulator';
import {
  CreateOrderResponseSchema,
  MethodsResponseSchema,
  type CreateOrderResponse,
} from '@pay-checkout/protocol';
import type { StartedCheckoutServer } from '../../node.js';
import { startCheckoutStack, type CheckoutStack } from '../../test-support/checkout-stack.js';
import { SHOP_ORIGIN } from '../../test-support/config.js';
import { eventually } from '../../test-support/sse-client.js';
import { signFuratPay } from './furatpay-signature.js';

const API_KEY = 'furatpay_it_key';
const WEBHOOK_SECRET = 'furatpay_it_webhook_secret';

let stack: CheckoutStack;
let emulator: RunningEmulator;
let server: StartedCheckoutServer;

beforeAll(async () => {
  stack = await startCheckoutStack({
    emulator: {
      timeScale: 0.01,
      credentials: { furatpay: { apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET } },
      webhookUrls: { furatpay: 'http://127.0.0.1:9/unused' },
    },
    env: (url) => ({
      FURATPAY_API_URL: `${url}/furatpay`,
      FURATPAY_API_KEY: API_KEY,
      FURATPAY_WEBHOOK_SECRET: WEBHOOK_SECRET,
    }),
    webhooksFor: ['furatpay'],
  });
  ({ emulator, server } = stack);
});
afterAll(() => stack?.close());

function createSession(value = 32_000_000) {
  return stack.createSession({
    amount: { value, currency: 'IQD' },
    country: 'IQ',
    locale: 'ar-IQ',
  });
}

async function order(sessionId: string, method: string): Promise<CreateOrderResponse> {
  const response = await fetch(`${server.url}/v1/sessions/${sessionId}/orders`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'Idempotency-Key': `key-${sessionId}-${method}`,
      Origin: SHOP_ORIGIN,
    },
    body: JSON.stringify({ method }),
  });
  expect(response.status).toBe(201);
  return CreateOrderResponseSchema.parse(await response.json());
}

async function emulatorOrder(reference: string) {
  const list = (await (
    await fetch(`${emulator.url}/_emulator/orders?provider=furatpay`)
  ).json()) as {
    id: string;
    reference: string;
    phoneUrl?: string;
    payUrl?: string;
  }[];
  const found = list.find((o) => o.reference === reference);
  if (!found) throw new Error(`the emulator holds no invoice ${reference}`);
  return found;
}

function webhook(
  data: Record<string, unknown>,
  type: string,
  timestamp: number,
  secret = WEBHOOK_SECRET,
) {
  const body = JSON.stringify({ type, data });
  const fields = {
    id: String(data['id']),
    code: String(data['code']),
    order_number: String(data['order_number']),
  };
  return fetch(`${server.url}/webhooks/furatpay`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Timestamp': String(timestamp),
      'X-Signature': signFuratPay(secret, fields, String(timestamp)),
    },
    body,
  });
}

describe('FuratPay end to end', () => {
  it('lists the linked services as methods for an Iraqi session', async () => {
    const session = await createSession();
    const methods = MethodsResponseSchema.parse(
      await (await fetch(`${server.url}/v1/sessions/${session.id}/methods`)).json(),
    );
    expect(methods.methods.map((m) => [m.id, m.flow])).toEqual([
      ['furatpay:zaincash', 'redirect'],
      ['furatpay:fastpay', 'qr'],
      ['furatpay:qicard', 'redirect'],
      ['furatpay:fib', 'qr'],
    ]);
  });

  it('FIB across devices: the checkout gets the QR, the phone pays, SSE says paid', async () => {
    const session = await createSession();
    const stream = await stack.sse(session.id);
    const created = await order(session.id, 'furatpay:fib');
    expect(created.order.status).toBe('pending');
    if (created.action.type !== 'qr') throw new Error('expected a QR action');
    expect(created.action.image).toMatch(/^data:image\/png;base64,/);
    expect(created.action.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(created.action.deepLinks).toHaveLength(3);
    expect(Date.parse(created.action.expiresAt ?? '')).toBeGreaterThan(Date.now());

    // Another device: the phone opens its page and confirms.
    const held = await emulatorOrder(`1-${session.reference}`);
    const phone = await fetch(held.phoneUrl ?? '');
    expect(await phone.text()).toContain('Scan and pay');
    const pressed = await fetch(`${held.phoneUrl}/pay`, { method: 'POST', redirect: 'manual' });
    expect(pressed.status).toBe(303);

    const paid = await stream.waitFor((m) => JSON.parse(m.data).status === 'paid');
    expect(JSON.parse(paid.data).orderId).toBe(created.order.id);
    expect(await stack.orderStatus(created.order.id)).toBe('paid');
  });

  it('ZainCash: redirect → hosted Pay → our return route → the shop, paid', async () => {
    const session = await createSession();
    const created = await order(session.id, 'furatpay:zaincash');
    if (created.action.type !== 'redirect') throw new Error('expected a redirect');
    const page = await fetch(created.action.url);
    expect(await page.text()).toContain('>Pay</button>');
    const pressed = await fetch(`${created.action.url}/pay`, {
      method: 'POST',
      redirect: 'manual',
    });
    expect(pressed.headers.get('location')).toBe(`${server.url}/return/${session.id}`);
    const back = await fetch(pressed.headers.get('location') ?? '', { redirect: 'manual' });
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toContain(`pay_checkout_session=${session.id}`);
    await eventually(async () => (await stack.orderStatus(created.order.id)) === 'paid');
  });

  it('maps Fail, Cancel, QR expiry and the .66 sandbox trigger to their unified statuses', async () => {
    const cases: [
      string,
      (url: string, held: { id: string }) => Promise<unknown>,
      string,
      number?,
    ][] = [
      [
        'furatpay:qicard',
        (url) => fetch(`${url}/fail`, { method: 'POST', redirect: 'manual' }),
        'failed',
      ],
      [
        'furatpay:zaincash',
        (url) => fetch(`${url}/cancel`, { method: 'POST', redirect: 'manual' }),
        'cancelled',
      ],
      [
        'furatpay:fib',
        (_url, held) =>
          fetch(`${emulator.url}/_emulator/orders/furatpay/${held.id}/outcome`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ status: 'expired' }),
          }),
        'expired',
      ],
      [
        'furatpay:zaincash',
        (url) => fetch(`${url}/pay`, { method: 'POST', redirect: 'manual' }),
        'failed',
        10_660,
      ],
    ];
    for (const [method, act, expected, value] of cases) {
      const session = await createSession(value);
      const created = await order(session.id, method);
      const held = await emulatorOrder(`1-${session.reference}`);
      await act(held.payUrl ?? '', held);
      await eventually(async () => (await stack.orderStatus(created.order.id)) === expected);
    }
  });

  it('believes the fetched invoice, not the unsigned body; refuses stale timestamps; dedupes replays', async () => {
    const session = await createSession();
    const created = await order(session.id, 'furatpay:fib');
    const held = await emulatorOrder(`1-${session.reference}`);
    const data = {
      id: held.id,
      code: held.reference,
      order_number: held.reference,
      status: 'paid',
    };
    const now = Math.floor(Date.now() / 1000);

    // Validly signed, but the body lies: the invoice is still pending.
    const lie = await webhook(data, 'INVOICE_PAID', now);
    expect(lie.status).toBe(200);
    expect(await stack.orderStatus(created.order.id)).toBe('pending');

    expect((await webhook(data, 'INVOICE_PAID', now - 301)).status).toBe(401);
    expect((await webhook(data, 'INVOICE_PAID', now + 301)).status).toBe(401);
    expect((await webhook(data, 'INVOICE_PAID', now, 'wrong-secret')).status).toBe(401);

    // Now it really is paid; the same delivery sent again changes nothing more.
    await fetch(`${emulator.url}/_emulator/orders/furatpay/${held.id}/outcome`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'paid' }),
    });
    await eventually(async () => (await stack.orderStatus(created.order.id)) === 'paid');
    const events = await server.server.ledger.listSessionEvents(session.id, 0);
    const replay = await webhook({ ...data, status: 'failed' }, 'INVOICE_UPDATED', now);
    expect(replay.status).toBe(200);
    await server.server.inbox.idle();
    expect(await server.server.ledger.listSessionEvents(session.id, 0)).toEqual(events);
    expect(await stack.orderStatus(created.order.id)).toBe('paid');
  });
});
