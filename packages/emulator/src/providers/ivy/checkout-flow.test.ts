/**
 * @module
 * Whole Ivy payments over real HTTP: session → hosted page → button → 303 with query → bank
 * step → signed webhooks received by a real local server.
 */
import { describe, expect, it } from 'vitest';
import {
  WEBHOOK_SECRET,
  hmacHex,
  sharedHarness,
  waitFor,
  type IvySessionJson,
} from '../../test-support/harness.js';

const h = sharedHarness();

function eventsFor(session: IvySessionJson) {
  return h
    .events()
    .filter(
      (e) => e.payload['referenceId'] === session.referenceId || e.payload['id'] === session.id,
    );
}

async function press(session: IvySessionJson, action: string): Promise<Response> {
  return fetch(`${h.emulator.url}/ivy/checkout/${session.id}/${action}`, {
    method: 'POST',
    redirect: 'manual',
  });
}

describe('hosted checkout page', () => {
  it('shows merchant, amount, reference and three real form buttons', async () => {
    const session = await h.createSession({ price: { total: 1234.5, currency: 'EUR' } });
    const response = await fetch(session.redirectUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const page = await response.text();
    expect(page).toContain('Demo Shop');
    expect(page).toContain('€1,234.50');
    expect(page).toContain(session.referenceId);
    for (const [action, label] of [
      ['pay', 'Pay'],
      ['fail', 'Fail'],
      ['cancel', 'Cancel'],
    ]) {
      expect(page).toMatch(
        new RegExp(
          `<form method="post" action="checkout/${session.id}/${action}">\\s*<button type="submit"[^>]*>${label}</button>\\s*</form>`,
        ),
      );
    }
    expect(page).not.toMatch(/<(script|link|img)\b/);
  });

  it('escapes what the merchant sent', async () => {
    const session = await h.createSession({ displayId: '<script>x</script>' });
    const page = await (await fetch(session.redirectUrl)).text();
    expect(page).not.toContain('<script>x');
    expect(page).toContain('&lt;script&gt;x');
  });

  it('answers 404 for an unknown session', async () => {
    const response = await fetch(`${h.emulator.url}/ivy/checkout?session=nope`);
    expect(response.status).toBe(404);
  });
});

describe('Pay', () => {
  it('redirects 303 to the success URL, then settles paid with signed webhooks', async () => {
    const session = await h.createSession();
    const response = await press(session, 'pay');
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe('http://127.0.0.1:8787/return/s1');
    expect(location.searchParams.get('x')).toBe('1');
    expect(location.searchParams.get('session')).toBe(session.id);
    expect(location.searchParams.get('referenceId')).toBe(session.referenceId);

    const events = await waitFor(() => {
      const list = eventsFor(session);
      return list.length >= 3 ? list : undefined;
    }, 'three webhooks');
    expect(events.map((e) => [e.type, e.payload['status']])).toEqual([
      ['order_created', 'processing'],
      ['checkout_session_completed', 'closed'],
      ['order_updated', 'paid'],
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
    const orderId = events[0]?.payload['id'];
    expect(events[2]?.payload).toMatchObject({ id: orderId, referenceId: session.referenceId });
    expect(events[1]?.payload).toMatchObject({ orderId, referenceId: session.referenceId });

    for (const delivery of h.receiver.received.filter((r) => r.body.includes(session.id))) {
      expect(delivery.headers['content-type']).toBe('application/json');
      // The signature covers exactly the bytes that arrived, and they are compact JSON.
      expect(delivery.headers['x-ivy-signature']).toBe(hmacHex(WEBHOOK_SECRET, delivery.raw));
      expect(delivery.body).toBe(JSON.stringify(JSON.parse(delivery.body)));
      expect(Object.keys(JSON.parse(delivery.body))).toEqual(['id', 'type', 'payload', 'date']);
    }

    const details = await h.ivy('checkout/session/details', { id: session.id });
    expect(await details.json()).toMatchObject({ status: 'closed', orderId });
    const order = await h.ivy('order/details', { id: orderId });
    expect(await order.json()).toMatchObject({ status: 'paid' });
  });

  it('ends in failed after the bank step when the reference ends in -fail', async () => {
    const session = await h.createSession({ referenceId: `shop-${Date.now()}-fail` });
    const page = await (await fetch(session.redirectUrl)).text();
    expect(page).toContain('-fail');
    expect((await press(session, 'pay')).status).toBe(303);
    const events = await waitFor(() => {
      const list = eventsFor(session);
      return list.length >= 3 ? list : undefined;
    });
    expect(events.map((e) => [e.type, e.payload['status']])).toEqual([
      ['order_created', 'processing'],
      ['checkout_session_completed', 'closed'],
      ['order_updated', 'failed'],
    ]);
  });

  it('shows a closed page afterwards and refuses a second press', async () => {
    const session = await h.createSession();
    await press(session, 'pay');
    const page = await fetch(session.redirectUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('This checkout is closed');
    const again = await press(session, 'fail');
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('This checkout is closed');
  });
});

describe('Fail and Cancel', () => {
  it.each([
    ['fail', 'failed'],
    ['cancel', 'canceled'],
  ])('%s → order %s, 303 to the error URL, one order_created', async (action, status) => {
    const session = await h.createSession();
    const response = await press(session, action);
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('1');
    expect(location.searchParams.get('session')).toBe(session.id);
    expect(location.searchParams.get('referenceId')).toBe(session.referenceId);
    const [event] = await waitFor(() => {
      const list = eventsFor(session);
      return list.length >= 1 ? list : undefined;
    });
    expect(event).toMatchObject({ type: 'order_created', payload: { status } });
    const details = await h.ivy('checkout/session/details', { id: session.id });
    expect(await details.json()).toMatchObject({ status: 'closed' });
    const orders = (await (await h.control('GET', 'orders')).json()) as {
      id: string;
      status: string;
    }[];
    expect(orders.find((o) => o.id === session.id)?.status).toBe(status);
  });
});
