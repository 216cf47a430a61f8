/**
 * @module
 * The emulated iwocaPay's `webhookFormat`: `unsigned` sends iwocaPay's documented unsigned shape
 * (`order_id`, `pay_link_id`, `amount`, `reference`, `status`) without a signature header;
 * `badSignature` still signs it with a wrong key; an unknown format is refused at start-up.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator.js';
import type { RunningEmulator } from '../../start.js';
import type { Receiver } from '../../test-support/receiver.js';
import { startLoopback, waitFor, type Loopback } from '../../test-support/harness.js';
import type { IwocaPayWebhookFormat } from './types.js';

const SUPPLIER = '0b6f4c1e-8d2a-4f3b-9c5d-7e1a2b3c4d5e';
const TOKEN = 'test-access-token';
let loopback: Loopback;
let emulator: RunningEmulator;
let receiver: Receiver;

beforeAll(async () => {
  loopback = await startLoopback(() => ({
    settleDelayMs: 2000,
    credentials: {
      iwocapay: { supplierUuid: SUPPLIER, accessToken: TOKEN, webhookFormat: 'unsigned' },
    },
  }));
  ({ emulator, receiver } = loopback);
});
afterAll(() => loopback?.close());

let counter = 0;
async function create(): Promise<{ id: string; reference: string }> {
  counter++;
  const reference = `INV-U-${counter}`;
  const response = await fetch(
    `${emulator.url}/iwocapay/api/lending/edge/ecommerce/seller/${SUPPLIER}/order/`,
    {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: { amount: 21.1, reference, webhook_url: receiver.url } }),
    },
  );
  expect(response.status).toBe(201);
  const { id } = ((await response.json()) as { data: { id: string } }).data;
  return { id, reference };
}

async function readBack(id: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${emulator.url}/iwocapay/api/lending/edge/ecommerce/order/${id}/`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  return ((await response.json()) as { data: Record<string, unknown> }).data;
}

function outcome(id: string, status: string) {
  return fetch(`${emulator.url}/_emulator/orders/iwocapay/${id}/outcome`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ status }),
  });
}

function received(reference: string) {
  return receiver.received
    .map((r) => ({ r, body: JSON.parse(r.body) as { data: Record<string, unknown> } }))
    .filter((x) => x.body.data['reference'] === reference);
}

describe('iwocaPay unsigned webhook format', () => {
  it('sends the documented unsigned shape, one per status change, with no signature', async () => {
    const order = await create();
    expect((await outcome(order.id, 'SUCCESSFUL')).status).toBe(200);
    const events = await waitFor(() => {
      const list = received(order.reference);
      return list.length === 3 ? list : null;
    });
    const held = await readBack(order.id);
    expect(events.map((e) => e.body.data['status'])).toEqual(['PENDING', 'APPROVED', 'SUCCESSFUL']);
    for (const { r, body } of events) {
      expect(Object.keys(body.data).sort()).toEqual(
        ['amount', 'order_id', 'pay_link_id', 'reference', 'status'].sort(),
      );
      expect(body.data).toMatchObject({
        amount: 21.1,
        reference: order.reference,
        pay_link_id: held['pay_link_id'],
      });
      expect(Number.isInteger(body.data['order_id'])).toBe(true);
      expect(r.headers['x-iwocapay-hmac-sha256']).toBeUndefined();
      expect(r.headers['content-type']).toBe('application/json');
    }
    expect(new Set(events.map((e) => e.body.data['order_id'])).size).toBe(1);
  });

  it('gives each order its own integer order_id', async () => {
    const first = await create();
    const second = await create();
    await outcome(first.id, 'PENDING');
    await outcome(second.id, 'PENDING');
    const [a, b] = await waitFor(() => {
      const x = received(first.reference)[0];
      const y = received(second.reference)[0];
      return x && y ? [x, y] : null;
    });
    expect(a?.body.data['order_id']).not.toBe(b?.body.data['order_id']);
  });

  it('signs it with a wrong key under the badSignature fault', async () => {
    await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ provider: 'iwocapay', badSignature: true }),
    });
    try {
      const order = await create();
      await outcome(order.id, 'PENDING');
      const [event] = await waitFor(() => {
        const list = received(order.reference);
        return list.length === 1 ? list : null;
      });
      const signature = event?.r.headers['x-iwocapay-hmac-sha256'];
      expect(signature).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(signature).not.toBe(createHmac('sha256', TOKEN).update(event!.r.raw).digest('base64'));
    } finally {
      await fetch(`${emulator.url}/_emulator/faults`, { method: 'DELETE' });
    }
  });
});

describe('iwocaPay webhookFormat option', () => {
  it('refuses a format iwocaPay does not document', () => {
    expect(() =>
      createEmulator({
        credentials: {
          iwocapay: {
            supplierUuid: SUPPLIER,
            accessToken: TOKEN,
            webhookFormat: 'legacy' as IwocaPayWebhookFormat,
          },
        },
      }),
    ).toThrow(/webhookFormat must be one of signed, unsigned/);
  });
});
