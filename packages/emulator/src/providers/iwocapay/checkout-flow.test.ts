/**
 * @module
 * The emulated iwocaPay checkout: hosted page with the terms choice, Pay/Fail/Cancel, the
 * sandbox triggers, signed webhooks to the order's own `webhook_url` (none without one), the
 * retry schedule × timeScale, and the control API's outcomes.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../start.js';
import type { Receiver } from '../../test-support/receiver.js';
import { startLoopback, waitFor, type Loopback } from '../../test-support/harness.js';
import { IWOCAPAY_RETRY_DELAYS_MS } from './retry-schedule.js';

const SUPPLIER = '0b6f4c1e-8d2a-4f3b-9c5d-7e1a2b3c4d5e';
const TOKEN = 'test-access-token';
let loopback: Loopback;
let emulator: RunningEmulator;
let receiver: Receiver;

beforeAll(async () => {
  loopback = await startLoopback(() => ({
    settleDelayMs: 2000,
    credentials: {
      iwocapay: {
        supplierUuid: SUPPLIER,
        accessToken: TOKEN,
        redirectUrl: 'https://shop.example/iwoca-default',
      },
    },
  }));
  ({ emulator, receiver } = loopback);
});
afterAll(() => loopback?.close());

let counter = 0;
async function create(data: Record<string, unknown> = {}) {
  counter++;
  const response = await fetch(
    `${emulator.url}/iwocapay/api/lending/edge/ecommerce/seller/${SUPPLIER}/order/`,
    {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        data: {
          amount: 21.1,
          reference: `INV-${counter}`,
          redirect_url: 'https://shop.example/return/s1?x=1',
          webhook_url: receiver.url,
          ...data,
        },
      }),
    },
  );
  expect(response.status).toBe(201);
  return ((await response.json()) as { data: { id: string; order_url: string } }).data;
}

function press(orderUrl: string, action: string, term?: string) {
  return fetch(new URL('../complete/', orderUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ action, ...(term ? { term } : {}) }).toString(),
    redirect: 'manual',
  });
}

function received(orderId: string) {
  return receiver.received
    .map((r) => ({ r, body: JSON.parse(r.body) as { data: Record<string, unknown> } }))
    .filter((x) => x.body.data['order_id'] === orderId);
}

describe('iwocaPay hosted page', () => {
  it('shows the seller, amount, terms and the three buttons', async () => {
    const order = await create();
    const page = await fetch(order.order_url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const markup = await page.text();
    expect(markup).toContain('£21.10');
    expect(markup).toContain('Demo Shop');
    expect(markup).toMatch(/name="term" value="PAY_LATER"/);
    expect(markup).toMatch(/name="term" value="PAY_NOW"/);
    for (const label of ['Pay', 'Fail', 'Cancel']) expect(markup).toContain(`>${label}</button>`);
    expect((await fetch(order.order_url.replace(/[0-9a-f]{32}/, '0'.repeat(32)))).status).toBe(404);
  });

  it('Pay: PENDING and APPROVED at once, SUCCESSFUL after settlement, each signed; redirect with orderId', async () => {
    const order = await create();
    const response = await press(order.order_url, 'pay', 'PAY_NOW');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(
      `https://shop.example/return/s1?x=1&orderId=${order.id}`,
    );
    const events = await waitFor(() => {
      const list = received(order.id);
      return list.length === 3 ? list : null;
    });
    expect(events.map((e) => e.body.data['status'])).toEqual(['PENDING', 'APPROVED', 'SUCCESSFUL']);
    for (const { r, body } of events) {
      expect(body.data).toMatchObject({
        event_type: 'ORDER_STATUS_CHANGED',
        amount: 21.1,
        reference: expect.stringMatching(/^INV-/),
      });
      const expected = createHmac('sha256', TOKEN).update(r.raw).digest('base64');
      expect(r.headers['x-iwocapay-hmac-sha256']).toBe(expected);
    }
    expect(new Set(events.map((e) => e.body.data['webhook_id'])).size).toBe(3);
    // The page is now finished; pressing again is a conflict.
    expect((await press(order.order_url, 'pay', 'PAY_NOW')).status).toBe(409);
  });

  it('Fail ends UNSUCCESSFUL after PENDING; Cancel ends UNSUCCESSFUL at once', async () => {
    const failed = await create();
    expect((await press(failed.order_url, 'fail')).status).toBe(303);
    const cancelled = await create();
    expect((await press(cancelled.order_url, 'cancel')).status).toBe(303);
    await waitFor(() => received(failed.id).length === 2 && received(cancelled.id).length === 1);
    expect(received(failed.id).map((e) => e.body.data['status'])).toEqual([
      'PENDING',
      'UNSUCCESSFUL',
    ]);
    expect(received(cancelled.id).map((e) => e.body.data['status'])).toEqual(['UNSUCCESSFUL']);
  });

  it('honours the -decline and -pending sandbox triggers', async () => {
    const declined = await create({ reference: 'INV-x-decline' });
    const pending = await create({ reference: 'INV-x-pending' });
    await press(declined.order_url, 'pay', 'PAY_LATER');
    await press(pending.order_url, 'pay', 'PAY_LATER');
    await waitFor(() => received(declined.id).length === 2);
    expect(received(declined.id).map((e) => e.body.data['status'])).toEqual([
      'PENDING',
      'UNSUCCESSFUL',
    ]);
    expect(received(pending.id).map((e) => e.body.data['status'])).toEqual(['PENDING']);
  });

  it('falls back to the seller’s redirect URL and sends no webhook without a webhook_url', async () => {
    const order = await create({ redirect_url: undefined, webhook_url: undefined });
    const response = await press(order.order_url, 'cancel');
    expect(response.headers.get('location')).toBe(
      `https://shop.example/iwoca-default?orderId=${order.id}`,
    );
    const log = (await (
      await fetch(`${emulator.url}/_emulator/webhooks?provider=iwocapay`)
    ).json()) as { body: string }[];
    expect(log.some((d) => d.body.includes(order.id))).toBe(false);
  });
});

describe('iwocaPay control API and retries', () => {
  it('walks the chain on a SUCCESSFUL outcome and refuses to change a terminal order', async () => {
    const order = await create();
    const settle = (status: string) =>
      fetch(`${emulator.url}/_emulator/orders/iwocapay/${order.id}/outcome`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ status }),
      });
    expect((await settle('CREATED')).status).toBe(400);
    const done = await settle('SUCCESSFUL');
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({
      provider: 'iwocapay',
      id: order.id,
      status: 'SUCCESSFUL',
      amount: { value: 2110, currency: 'GBP' },
      webhookUrl: receiver.url,
    });
    await waitFor(() => received(order.id).length === 3);
    expect(received(order.id).map((e) => e.body.data['status'])).toEqual([
      'PENDING',
      'APPROVED',
      'SUCCESSFUL',
    ]);
    expect((await settle('UNSUCCESSFUL')).status).toBe(409);
  });

  it('retries a refused delivery after 1, 5 and 30 minutes (scaled), then gives up', async () => {
    expect(IWOCAPAY_RETRY_DELAYS_MS).toEqual([60_000, 300_000, 1_800_000]);
    const order = await create();
    receiver.script.push(500, 500, 500, 500);
    await fetch(`${emulator.url}/_emulator/orders/iwocapay/${order.id}/outcome`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'PENDING' }),
    });
    const delivery = await waitFor(async () => {
      const log = (await (
        await fetch(`${emulator.url}/_emulator/webhooks?provider=iwocapay`)
      ).json()) as { body: string; exhausted: boolean; attempts: { status?: number }[] }[];
      return log.find((d) => d.body.includes(order.id) && d.exhausted);
    });
    expect(delivery.attempts.map((a) => a.status)).toEqual([500, 500, 500, 500]);
  });
});
