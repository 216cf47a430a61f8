/**
 * @module
 * iwocaPay end to end against its emulator over loopback, beyond the shared contract: the hosted
 * page with its terms choice and the `orderId` redirect, the sandbox decline, Cancel, and
 * unsigned webhooks (iwocaPay's documented shape), which only ever trigger a read-back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '@pay-checkout/emulator';
import { CreateOrderResponseSchema } from '@pay-checkout/protocol';
import type { StartedCheckoutServer } from '../../node.js';
import { startCheckoutStack, type CheckoutStack } from '../../test-support/checkout-stack.js';
import { SHOP_ORIGIN } from '../../test-support/config.js';
import { eventually } from '../../test-support/sse-client.js';

const SUPPLIER = '0b6f4c1e-8d2a-4f3b-9c5d-7e1a2b3c4d5e';
const TOKEN = 'iwocapay_integration_access_token';

let stack: CheckoutStack;
let emulator: RunningEmulator;
let server: StartedCheckoutServer;

beforeAll(async () => {
  stack = await startCheckoutStack({
    emulator: {
      timeScale: 0.01,
      settleDelayMs: 2000,
      credentials: { iwocapay: { supplierUuid: SUPPLIER, accessToken: TOKEN } },
    },
    env: (url) => ({
      IWOCAPAY_API_URL: `${url}/iwocapay`,
      IWOCAPAY_SUPPLIER_UUID: SUPPLIER,
      IWOCAPAY_ACCESS_TOKEN: TOKEN,
    }),
  });
  ({ emulator, server } = stack);
});
afterAll(() => stack?.close());

async function startPayment(
  reference?: string,
  fields?: Record<string, string>,
  on: CheckoutStack = stack,
) {
  const session = await on.createSession({
    amount: { value: 2100, currency: 'GBP' },
    country: 'GB',
    ...(reference ? { reference } : {}),
  });
  const response = await fetch(`${on.server.url}/v1/sessions/${session.id}/orders`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'Idempotency-Key': `k-${session.id}`,
      Origin: SHOP_ORIGIN,
    },
    body: JSON.stringify({ method: 'iwocapay:checkout', ...(fields ? { fields } : {}) }),
  });
  expect(response.status).toBe(201);
  const order = CreateOrderResponseSchema.parse(await response.json());
  if (order.action.type !== 'redirect') throw new Error('expected a redirect');
  const stored = await on.server.server.ledger.getOrder(order.order.id);
  return {
    session,
    orderId: order.order.id,
    pageUrl: order.action.url,
    iwocaId: stored?.providerOrderId ?? '',
    reference: stored?.providerReference ?? '',
  };
}

/** Submits the hosted page's form as a browser would; returns where it sends the buyer. */
async function press(pageUrl: string, action: 'pay' | 'fail' | 'cancel', term?: string) {
  const form = new URLSearchParams({ action, ...(term ? { term } : {}) });
  const response = await fetch(new URL('../complete/', pageUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
  expect(response.status).toBe(303);
  return response.headers.get('location') ?? '';
}

describe('iwocaPay through the hosted page', () => {
  it('pays later: page with terms → Pay → return with orderId → processing, authorized, paid', async () => {
    const { session, orderId, pageUrl, iwocaId } = await startPayment();
    const stream = await stack.sse(session.id);
    const page = await fetch(pageUrl);
    const markup = await page.text();
    expect(page.status).toBe(200);
    expect(markup).toContain('value="PAY_LATER"');
    expect(markup).toContain('value="PAY_NOW"');
    for (const name of ['Pay', 'Fail', 'Cancel']) expect(markup).toContain(`>${name}</button>`);

    const back = await press(pageUrl, 'pay', 'PAY_LATER');
    expect(back).toBe(`${server.url}/return/${session.id}?orderId=${iwocaId}`);
    const shop = await fetch(back, { redirect: 'manual' });
    expect(shop.status).toBe(303);
    expect(shop.headers.get('location')).toContain(`pay_checkout_session=${session.id}`);

    await stream.waitFor((m) => JSON.parse(m.data).status === 'paid');
    const seen = stream.messages.map((m) => JSON.parse(m.data).status);
    // Each event is confirmed by reading the order back from iwocaPay once it is processed, so
    // a step iwocaPay has already moved past by then is skipped: the steps come in order, once.
    const steps = ['pending', 'processing', 'authorized', 'paid'];
    expect(seen[0]).toBe('pending');
    expect(seen.at(-1)).toBe('paid');
    expect(seen).toEqual(steps.filter((step) => seen.includes(step)));
    expect(await stack.orderStatus(orderId)).toBe('paid');
  });

  it('sends the customer’s chosen terms, and refuses Pay with terms not on offer', async () => {
    const { pageUrl } = await startPayment(undefined, { terms: 'PAY_NOW' });
    const markup = await (await fetch(pageUrl)).text();
    expect(markup).toContain('value="PAY_NOW"');
    expect(markup).not.toContain('value="PAY_LATER"');
    const refused = await fetch(new URL('../complete/', pageUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'action=pay&term=PAY_LATER',
      redirect: 'manual',
    });
    expect(refused.status).toBe(400);
  });

  it('ends failed on the -decline sandbox trigger, and on Cancel', async () => {
    const declined = await startPayment(`order-${Date.now()}-decline`);
    await fetch(await press(declined.pageUrl, 'pay', 'PAY_LATER'), { redirect: 'manual' });
    await eventually(async () => (await stack.orderStatus(declined.orderId)) === 'failed');

    const cancelled = await startPayment();
    await fetch(await press(cancelled.pageUrl, 'cancel'), { redirect: 'manual' });
    expect(await stack.orderStatus(cancelled.orderId)).toBe('failed');
  });
});

describe('iwocaPay unsigned webhooks', () => {
  /** iwocaPay's documented unsigned webhook, claiming `claimed`. */
  function unsigned(reference: string, claimed: string, headers: Record<string, string> = {}) {
    return fetch(`${server.url}/webhooks/iwocapay`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({
        data: {
          order_id: 4711,
          pay_link_id: crypto.randomUUID(),
          amount: 21.0,
          reference,
          status: claimed,
        },
      }),
    });
  }

  function settle(iwocaId: string, status: string) {
    return fetch(`${emulator.url}/_emulator/orders/iwocapay/${iwocaId}/outcome`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status }),
    });
  }

  it('only triggers a read-back: the API’s status is applied, never the claimed one', async () => {
    const { orderId, iwocaId, reference } = await startPayment();
    // iwocaPay says APPROVED; the unsigned webhook claims SUCCESSFUL.
    await settle(iwocaId, 'APPROVED');
    // Its signed webhooks are dropped by nobody here, so wait for them, then claim more.
    await eventually(async () => (await stack.orderStatus(orderId)) === 'authorized');
    const claim = await unsigned(reference, 'SUCCESSFUL');
    expect(claim.status).toBe(200);
    expect(await stack.orderStatus(orderId)).toBe('authorized');

    await settle(iwocaId, 'SUCCESSFUL');
    await eventually(async () => (await stack.orderStatus(orderId)) === 'paid');
  });

  it('brings an order up to date when the signed webhooks never came', async () => {
    await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ provider: 'iwocapay', drop: true }),
    });
    try {
      const { orderId, iwocaId, reference } = await startPayment();
      await settle(iwocaId, 'UNSUCCESSFUL');
      expect(await stack.orderStatus(orderId)).toBe('pending');
      // Claims success; iwocaPay says UNSUCCESSFUL, and that is what is applied.
      expect((await unsigned(reference, 'SUCCESSFUL')).status).toBe(200);
      await server.server.inbox.idle();
      expect(await stack.orderStatus(orderId)).toBe('failed');
    } finally {
      await fetch(`${emulator.url}/_emulator/faults`, { method: 'DELETE' });
    }
  });

  it('takes the signed shape without its header as a hint too', async () => {
    await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ provider: 'iwocapay', drop: true }),
    });
    try {
      const { orderId, iwocaId, reference } = await startPayment();
      const body = (status: string) =>
        JSON.stringify({
          data: {
            webhook_id: crypto.randomUUID(),
            event_type: 'ORDER_STATUS_CHANGED',
            order_id: iwocaId,
            amount: 21.0,
            reference,
            status,
          },
        });
      const send = (status: string) =>
        fetch(`${server.url}/webhooks/iwocapay`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: body(status),
        });
      expect((await send('SUCCESSFUL')).status).toBe(200);
      await server.server.inbox.idle();
      expect(await stack.orderStatus(orderId)).toBe('pending');
      await settle(iwocaId, 'APPROVED');
      expect((await send('UNSUCCESSFUL')).status).toBe(200);
      await server.server.inbox.idle();
      expect(await stack.orderStatus(orderId)).toBe('authorized');
    } finally {
      await fetch(`${emulator.url}/_emulator/faults`, { method: 'DELETE' });
    }
  });

  it('answers 404 for an order it does not know (yet), and changes nothing', async () => {
    const before = await server.server.ledger.countProviderEvents();
    const response = await unsigned(`1-unknown-${Date.now()}`, 'SUCCESSFUL');
    expect(response.status).toBe(404);
    expect(await server.server.ledger.countProviderEvents()).toBe(before);
  });

  it('answers 401 to a signature that does not verify, whatever the shape, and writes nothing', async () => {
    const { orderId, iwocaId, reference } = await startPayment();
    await settle(iwocaId, 'APPROVED');
    await eventually(async () => (await stack.orderStatus(orderId)) === 'authorized');
    const before = await server.server.ledger.countProviderEvents();
    const forged = await unsigned(reference, 'SUCCESSFUL', {
      'X-Iwocapay-Hmac-Sha256': `${'A'.repeat(43)}=`,
    });
    expect(forged.status).toBe(401);
    const malformed = await unsigned(reference, 'SUCCESSFUL', { 'X-Iwocapay-Hmac-Sha256': '' });
    expect(malformed.status).toBe(401);
    expect(await server.server.ledger.countProviderEvents()).toBe(before);
    expect(await stack.orderStatus(orderId)).toBe('authorized');
  });

  it('answers 401 to an unsigned body that names no order', async () => {
    const response = await fetch(`${server.url}/webhooks/iwocapay`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: { order_id: 4711, status: 'SUCCESSFUL' } }),
    });
    expect(response.status).toBe(401);
  });
});

describe('iwocaPay sending its documented unsigned webhooks', () => {
  let unsignedStack: CheckoutStack;

  beforeAll(async () => {
    unsignedStack = await startCheckoutStack({
      emulator: {
        timeScale: 0.01,
        settleDelayMs: 2000,
        credentials: {
          iwocapay: { supplierUuid: SUPPLIER, accessToken: TOKEN, webhookFormat: 'unsigned' },
        },
      },
      env: (url) => ({
        IWOCAPAY_API_URL: `${url}/iwocapay`,
        IWOCAPAY_SUPPLIER_UUID: SUPPLIER,
        IWOCAPAY_ACCESS_TOKEN: TOKEN,
      }),
    });
  });
  afterAll(() => unsignedStack?.close());

  it('pays through the hosted page with no signed webhook and no return: read back on each hint', async () => {
    const { session, orderId, pageUrl } = await startPayment(undefined, undefined, unsignedStack);
    const stream = await unsignedStack.sse(session.id);
    // The buyer pays but never comes back to the return route.
    await press(pageUrl, 'pay', 'PAY_NOW');
    await stream.waitFor((m) => JSON.parse(m.data).status === 'paid');
    expect(await unsignedStack.orderStatus(orderId)).toBe('paid');

    // Each delivery is logged once its answer is in, which may be just after the order moved.
    const mine = await eventually(async () => {
      const log = (await (
        await fetch(`${unsignedStack.emulator.url}/_emulator/webhooks?provider=iwocapay`)
      ).json()) as { body: string; delivered: boolean; attempts: { status?: number }[] }[];
      const list = log.filter((d) => d.body.includes(`"reference":"1-${session.reference}"`));
      return list.length === 3 && list.every((d) => d.attempts.length > 0) ? list : null;
    });
    expect(mine.map((d) => JSON.parse(d.body).data.status)).toEqual([
      'PENDING',
      'APPROVED',
      'SUCCESSFUL',
    ]);
    for (const delivery of mine) {
      expect(JSON.parse(delivery.body).data).not.toHaveProperty('webhook_id');
      expect(delivery.attempts.map((a) => a.status)).toEqual([200]);
    }
    // Nothing of the unsigned bodies is kept as a provider event: only reads were applied.
    expect(await unsignedStack.server.server.ledger.countProviderEvents()).toBe(0);
  });
});
