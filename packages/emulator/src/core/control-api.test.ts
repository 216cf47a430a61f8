/**
 * @module
 * The control API over real HTTP: orders, outcomes, health.
 */
import { describe, expect, it } from 'vitest';
import { sharedHarness, waitFor } from '../test-support/harness.js';

const h = sharedHarness();

describe('GET /_emulator/orders', () => {
  it('lists one entry per Ivy checkout session', async () => {
    const session = await h.createSession({ price: { total: 42, currency: 'EUR' } });
    const response = await h.control('GET', 'orders');
    expect(response.status).toBe(200);
    const orders = (await response.json()) as Record<string, unknown>[];
    expect(orders.find((o) => o['id'] === session.id)).toEqual({
      provider: 'ivy',
      id: session.id,
      reference: session.referenceId,
      amount: { value: 4200, currency: 'EUR' },
      status: 'open',
      webhookUrl: h.receiver.url,
      createdAt: expect.any(String),
    });
  });

  it('follows setWebhookUrl', async () => {
    h.emulator.emulator.setWebhookUrl('ivy', 'http://127.0.0.1:1/elsewhere');
    const orders = (await (await h.control('GET', 'orders')).json()) as { webhookUrl: string }[];
    expect(orders.every((o) => o.webhookUrl === 'http://127.0.0.1:1/elsewhere')).toBe(true);
    h.emulator.emulator.setWebhookUrl('ivy', h.receiver.url);
  });
});

describe('POST /_emulator/orders/:provider/:id/outcome', () => {
  it('settles paid without a browser and sends the implied webhooks', async () => {
    const session = await h.createSession();
    const response = await h.control('POST', `orders/ivy/${session.id}/outcome`, {
      status: 'paid',
    });
    expect(response.status).toBe(200);
    const order = (await response.json()) as { status: string; orderId: string };
    expect(order).toMatchObject({ id: session.id, status: 'paid', orderId: expect.any(String) });
    const events = await waitFor(() => {
      const list = h.events().filter((e) => e.payload['referenceId'] === session.referenceId);
      return list.length >= 2 ? list : undefined;
    });
    expect(events.map((e) => [e.type, e.payload['status']])).toEqual([
      ['order_created', 'paid'],
      ['checkout_session_completed', 'closed'],
    ]);

    // Later changes address the Ivy order id too, and emit order_updated.
    const disputed = await h.control('POST', `orders/ivy/${order.orderId}/outcome`, {
      status: 'disputed',
    });
    expect(disputed.status).toBe(200);
    expect(await disputed.json()).toMatchObject({ id: session.id, status: 'disputed' });
    await waitFor(() =>
      h.events().find((e) => e.type === 'order_updated' && e.payload['status'] === 'disputed'),
    );
  });

  it('a failed outcome creates a failed order without completing the checkout', async () => {
    const session = await h.createSession();
    await h.control('POST', `orders/ivy/${session.id}/outcome`, { status: 'failed' });
    const events = await waitFor(() => {
      const list = h.events().filter((e) => e.payload['referenceId'] === session.referenceId);
      return list.length >= 1 ? list : undefined;
    });
    expect(events.map((e) => e.type)).toEqual(['order_created']);
  });

  it('expires an open session, and refuses to expire a closed one', async () => {
    const session = await h.createSession();
    const expired = await h.control('POST', `orders/ivy/${session.id}/outcome`, {
      status: 'expired',
    });
    expect(expired.status).toBe(200);
    expect(await expired.json()).toMatchObject({ status: 'expired' });
    await waitFor(() =>
      h
        .events()
        .find((e) => e.type === 'checkout_session_expired' && e.payload['id'] === session.id),
    );
    const late = await h.control('POST', `orders/ivy/${session.id}/outcome`, { status: 'paid' });
    expect(late.status).toBe(409);

    const closed = await h.createSession();
    await h.control('POST', `orders/ivy/${closed.id}/outcome`, { status: 'processing' });
    const refused = await h.control('POST', `orders/ivy/${closed.id}/outcome`, {
      status: 'expired',
    });
    expect(refused.status).toBe(409);
  });

  it('answers 404 for an unknown id or provider and 400 for a bad status', async () => {
    const session = await h.createSession();
    expect((await h.control('POST', 'orders/ivy/nope/outcome', { status: 'paid' })).status).toBe(
      404,
    );
    expect(
      (await h.control('POST', `orders/koywe/${session.id}/outcome`, { status: 'paid' })).status,
    ).toBe(404);
    const bad = await h.control('POST', `orders/ivy/${session.id}/outcome`, {
      status: 'cancelled',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: {
        code: 'invalid_request',
        details: { allowed: expect.arrayContaining(['canceled']) },
      },
    });
    const missing = await h.control('POST', `orders/ivy/${session.id}/outcome`, {});
    expect(missing.status).toBe(400);
    const notJson = await fetch(`${h.emulator.url}/_emulator/orders/ivy/${session.id}/outcome`, {
      method: 'POST',
      body: '{oops',
    });
    expect(notJson.status).toBe(400);
    const orders = (await (await h.control('GET', 'orders')).json()) as {
      id: string;
      status: string;
    }[];
    expect(orders.find((o) => o.id === session.id)?.status).toBe('open');
  });
});

describe('GET /_emulator/healthz', () => {
  it('answers ok with the served providers', async () => {
    const response = await h.control('GET', 'healthz');
    expect(await response.json()).toEqual({ status: 'ok', providers: ['ivy'] });
  });
});
