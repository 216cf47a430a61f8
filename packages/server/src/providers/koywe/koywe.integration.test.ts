/**
 * @module
 * Koywe end to end against the real emulator over loopback: session → methods with fields →
 * field errors → idempotent order → hosted page → return → webhooks (PAID → authorized,
 * COMPLETED → paid) → SSE; the Fail button; the 666 sandbox trigger; forged, replayed and
 * unconfirmed webhooks; both cancellation spellings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '@pay-checkout/emulator';
import { CreateOrderResponseSchema, MethodsResponseSchema } from '@pay-checkout/protocol';
import type { StartedCheckoutServer } from '../../node.js';
import { startCheckoutStack, type CheckoutStack } from '../../test-support/checkout-stack.js';
import { SHOP_ORIGIN } from '../../test-support/config.js';
import { eventually } from '../../test-support/sse-client.js';
import { signKoyweBody } from './koywe-signature.js';

const KOYWE = {
  apiKey: 'koywe_it_key',
  secret: 'koywe_it_secret',
  orgId: 'org_it',
  merchantId: 'mer_it',
  webhookSecret: 'koywe_it_webhook_secret',
};
const PSE_FIELDS = { documentType: 'CC', documentNumber: '1020304050', bank: 'BANCOLOMBIA' };

let stack: CheckoutStack;
let emulator: RunningEmulator;
let server: StartedCheckoutServer;

beforeAll(async () => {
  stack = await startCheckoutStack({
    emulator: {
      // Bank steps of 2 s provider time → 20 ms; webhook retries scaled alike.
      timeScale: 0.01,
      settleDelayMs: 2000,
      credentials: { koywe: KOYWE },
      webhookUrls: { koywe: 'http://127.0.0.1:9/unused' },
    },
    env: (url) => ({
      KOYWE_API_URL: `${url}/koywe`,
      KOYWE_API_KEY: KOYWE.apiKey,
      KOYWE_SECRET: KOYWE.secret,
      KOYWE_ORG_ID: KOYWE.orgId,
      KOYWE_MERCHANT_ID: KOYWE.merchantId,
      KOYWE_WEBHOOK_SECRET: KOYWE.webhookSecret,
    }),
    webhooksFor: ['koywe'],
  });
  ({ emulator, server } = stack);
});
afterAll(() => stack?.close());

function createSession(overrides: Record<string, unknown> = {}) {
  return stack.createSession({
    amount: { value: 9_900_000, currency: 'COP' },
    country: 'CO',
    customer: { email: 'ana@example.com', name: 'Ana Demo' },
    ...overrides,
  });
}

function postOrder(sessionId: string, key: string, body: unknown) {
  return fetch(`${server.url}/v1/sessions/${sessionId}/orders`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key, Origin: SHOP_ORIGIN },
    body: JSON.stringify(body),
  });
}

async function startPayment(overrides: Record<string, unknown> = {}, method = 'koywe:PSE') {
  const session = await createSession(overrides);
  const fields =
    method === 'koywe:PSE' ? PSE_FIELDS : { documentType: 'CC', documentNumber: '1020304050' };
  const response = await postOrder(session.id, `key-${session.id}`, { method, fields });
  expect(response.status).toBe(201);
  const created = CreateOrderResponseSchema.parse(await response.json());
  if (created.action.type !== 'redirect') throw new Error('expected a redirect');
  const koyweOrderId = new URL(created.action.url).pathname.split('/').at(-1) ?? '';
  return { session, orderId: created.order.id, url: created.action.url, koyweOrderId };
}

async function press(koyweOrderId: string, action: 'pay' | 'fail' | 'cancel') {
  const response = await fetch(`${emulator.url}/koywe/pay/${koyweOrderId}/${action}`, {
    method: 'POST',
    redirect: 'manual',
  });
  expect(response.status).toBe(303);
  return response.headers.get('location') ?? '';
}

function webhook(
  body: string,
  signature: string | null = signKoyweBody(KOYWE.webhookSecret, body),
) {
  return fetch(`${server.url}/webhooks/koywe`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(signature === null ? {} : { 'Koywe-Signature': signature }),
    },
    body,
  });
}

describe('Koywe end to end', () => {
  it('pays by PSE: fields → order → hosted page → return → PAID, COMPLETED → SSE paid', async () => {
    const session = await createSession();
    const methods = MethodsResponseSchema.parse(
      await (await fetch(`${server.url}/v1/sessions/${session.id}/methods`)).json(),
    );
    const pse = methods.methods.find((m) => m.id === 'koywe:PSE');
    expect(pse?.fields?.map((f) => [f.name, f.type, f.required])).toEqual([
      ['documentType', 'select', true],
      ['documentNumber', 'text', true],
      ['bank', 'select', true],
    ]);

    const missing = await postOrder(session.id, 'k-missing', { method: 'koywe:PSE' });
    expect(missing.status).toBe(400);
    const paths = (
      (await missing.json()) as { error: { details: { issues: { path: string }[] } } }
    ).error.details.issues.map((i) => i.path);
    expect(paths).toEqual(['fields.documentType', 'fields.documentNumber', 'fields.bank']);
    const badDocument = await postOrder(session.id, 'k-bad', {
      method: 'koywe:PSE',
      fields: { ...PSE_FIELDS, documentNumber: '12345' },
    });
    expect(badDocument.status).toBe(400);

    const stream = await stack.sse(session.id);
    const body = { method: 'koywe:PSE', fields: PSE_FIELDS };
    const first = await postOrder(session.id, 'k-1', body);
    expect(first.status).toBe(201);
    const firstText = await first.text();
    expect(await (await postOrder(session.id, 'k-1', body)).text()).toBe(firstText);
    const created = CreateOrderResponseSchema.parse(JSON.parse(firstText));
    expect(created.order).toMatchObject({
      status: 'pending',
      provider: 'koywe',
      method: 'koywe:PSE',
    });
    if (created.action.type !== 'redirect') throw new Error('expected a redirect');

    const page = await fetch(created.action.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const label of ['>Pay<', '>Fail<', '>Cancel<', 'Bancolombia', '99,000.00']) {
      expect(html).toContain(label);
    }
    const koyweOrderId = new URL(created.action.url).pathname.split('/').at(-1) ?? '';
    const callback = await press(koyweOrderId, 'pay');
    expect(callback.startsWith(`${server.url}/return/${session.id}`)).toBe(true);
    const back = await fetch(callback, { redirect: 'manual' });
    expect(back.headers.get('location')).toBe(
      `${SHOP_ORIGIN}/checkout/done?cart=7&pay_checkout_session=${session.id}`,
    );

    await stream.waitFor((m) => JSON.parse(m.data).status === 'paid');
    const statuses = stream.messages.map((m) => JSON.parse(m.data).status as string);
    expect(statuses[0]).toBe('created');
    expect(statuses).toContain('authorized');
    expect(statuses.indexOf('authorized')).toBeLessThan(statuses.indexOf('paid'));
    expect(await stack.orderStatus(created.order.id)).toBe('paid');
  });

  it('fails with the Fail button; a new key starts attempt 2 with a new externalId', async () => {
    const { session, orderId, koyweOrderId } = await startPayment();
    await press(koyweOrderId, 'fail');
    await eventually(async () => (await stack.orderStatus(orderId)) === 'failed');
    const retry = await postOrder(session.id, 'second-try', {
      method: 'koywe:NEQUI',
      fields: { documentType: 'CC', documentNumber: '1020304050' },
    });
    expect(retry.status).toBe(201);
    const emulated = (await (
      await fetch(`${emulator.url}/_emulator/orders?provider=koywe`)
    ).json()) as {
      reference: string;
    }[];
    expect(emulated.some((o) => o.reference === `2-${session.reference}`)).toBe(true);
  });

  it('fails an amount of 666 (sandbox trigger) after Pay', async () => {
    const { orderId, koyweOrderId } = await startPayment({
      amount: { value: 66_600, currency: 'COP' },
    });
    await press(koyweOrderId, 'pay');
    await eventually(async () => (await stack.orderStatus(orderId)) === 'failed');
  });

  it('completes Khipu without a visit (sandbox auto-complete)', async () => {
    const session = await createSession({
      country: 'CL',
      amount: { value: 24000, currency: 'CLP' },
      customer: { name: 'Ana', document: { type: 'RUT', number: '12.345.678-5' } },
    });
    const response = await postOrder(session.id, 'khipu', { method: 'koywe:KHIPU' });
    expect(response.status).toBe(201);
    const { order } = CreateOrderResponseSchema.parse(await response.json());
    await eventually(async () => (await stack.orderStatus(order.id)) === 'paid');
  });

  it('401s forged and malformed signatures and writes nothing', async () => {
    const { session } = await startPayment();
    const body = JSON.stringify({
      id: `evt_forged_${session.id}`,
      type: 'order.completed',
      data: { orderId: 'x', externalId: `1-${session.reference}`, status: 'COMPLETED' },
    });
    // What earlier tests stored is processed first, so that the count below is this test's own.
    await server.server.inbox.idle();
    const before = await server.server.ledger.countProviderEvents();
    const good = signKoyweBody(KOYWE.webhookSecret, body);
    for (const signature of [
      signKoyweBody('wrong_secret', body),
      'f'.repeat(64),
      good.slice(0, 63),
      `${good.slice(0, 63)}z`,
      '',
      Buffer.from(good, 'hex').toString('base64'),
      null,
    ]) {
      const response = await webhook(body, signature);
      expect(response.status).toBe(401);
    }
    expect((await webhook(body.replace('COMPLETED', 'COMPLETEE'), good)).status).toBe(401);
    await server.server.inbox.idle();
    expect(await server.server.ledger.countProviderEvents()).toBe(before);
  });

  it('does not apply a validly signed COMPLETED that Koywe does not confirm', async () => {
    const { session, orderId, koyweOrderId } = await startPayment();
    const body = JSON.stringify({
      id: `evt_replayed_${session.id}`,
      type: 'order.completed',
      data: { orderId: koyweOrderId, externalId: `1-${session.reference}`, status: 'COMPLETED' },
    });
    const response = await webhook(body);
    expect(response.status).toBe(200);
    expect(await stack.orderStatus(orderId)).toBe('pending');
  });

  it('applies one transition for the same confirmed event sent 20 times concurrently', async () => {
    const { session, orderId, koyweOrderId } = await startPayment();
    emulator.emulator.setWebhookUrl('koywe', 'http://127.0.0.1:9/blackhole');
    try {
      await fetch(`${emulator.url}/_emulator/orders/koywe/${koyweOrderId}/outcome`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ status: 'COMPLETED' }),
      });
    } finally {
      emulator.emulator.setWebhookUrl('koywe', `${server.url}/webhooks/koywe`);
    }
    const body = JSON.stringify({
      id: `evt_storm_${session.id}`,
      type: 'order.completed',
      data: {
        orderId: koyweOrderId,
        externalId: `1-${session.reference}`,
        status: 'COMPLETED',
        amountIn: 99000,
        originCurrencySymbol: 'COP',
      },
    });
    const responses = await Promise.all(Array.from({ length: 20 }, () => webhook(body)));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const fresh = await Promise.all(
      responses.map(async (r) => !((await r.json()) as { duplicate: boolean }).duplicate),
    );
    expect(fresh.filter(Boolean)).toHaveLength(1);
    expect(await stack.orderStatus(orderId)).toBe('paid');
    const events = await server.server.ledger.listSessionEvents(session.id, 0);
    expect(events.filter((e) => e.status === 'paid')).toHaveLength(1);
  });

  it('answers order.completed at once and reads the order from Koywe only after answering', async () => {
    const { session, orderId, koyweOrderId } = await startPayment();
    emulator.emulator.setWebhookUrl('koywe', 'http://127.0.0.1:9/blackhole');
    try {
      await fetch(`${emulator.url}/_emulator/orders/koywe/${koyweOrderId}/outcome`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ status: 'COMPLETED' }),
      });
    } finally {
      emulator.emulator.setWebhookUrl('koywe', `${server.url}/webhooks/koywe`);
    }
    // Koywe's API now answers 3 s late: the confirmation read must not hold the answer back.
    const faults = (body: object) =>
      fetch(`${emulator.url}/_emulator/faults`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ provider: 'koywe', ...body }),
      });
    expect((await faults({ latencyMs: 3_000 })).status).toBe(200);
    try {
      const body = JSON.stringify({
        id: `evt_slow_${session.id}`,
        type: 'order.completed',
        data: { orderId: koyweOrderId, externalId: `1-${session.reference}`, status: 'COMPLETED' },
      });
      const answer = await webhook(body);
      expect(answer.status).toBe(200);
      // Answered while the read is still on its way: nothing applied yet.
      const view = await fetch(`${server.url}/v1/orders/${orderId}`);
      expect(((await view.json()) as { status: string }).status).toBe('pending');
      expect(await stack.orderStatus(orderId)).toBe('paid');
    } finally {
      await fetch(`${emulator.url}/_emulator/faults`, { method: 'DELETE' });
    }
  });

  it('accepts both cancellation spellings', async () => {
    for (const type of ['order.cancelled', 'order.canceled']) {
      const { session, orderId } = await startPayment();
      const body = JSON.stringify({
        id: `evt_${type}_${session.id}`,
        type,
        data: { externalId: `1-${session.reference}`, status: 'CANCELLED' },
      });
      expect((await webhook(body)).status).toBe(200);
      expect(await stack.orderStatus(orderId)).toBe('cancelled');
    }
  });

  it('answers 404 to an event for an order it does not know (Koywe retries)', async () => {
    const body = JSON.stringify({
      id: 'evt_unknown',
      type: 'order.processing',
      data: { externalId: '1-nobody', status: 'PROCESSING' },
    });
    expect((await webhook(body)).status).toBe(404);
  });
});
