/**
 * @module
 * End to end against the real Ivy emulator over loopback: session → methods → idempotent order
 * → hosted page → return → webhooks → SSE, the failure path, duplicate storms, forged
 * signatures, out-of-order failures, untrusted returns and Last-Event-ID resume.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '@pay-checkout/emulator';
import { CreateOrderResponseSchema, MethodsResponseSchema } from '@pay-checkout/protocol';
import type { StartedCheckoutServer } from './node.js';
import type { CheckoutStack } from './test-support/checkout-stack.js';
import { signIvyBody } from './providers/ivy/ivy-signature.js';
import { methodLogo } from './providers/method-logos.js';
import { IVY_WEBHOOK_SECRET, SHOP_ORIGIN } from './test-support/config.js';
import { startIvyCheckoutStack } from './test-support/ivy-stack.js';
import { eventually } from './test-support/sse-client.js';

let stack: CheckoutStack;
let emulator: RunningEmulator;
let server: StartedCheckoutServer;

beforeAll(async () => {
  // Time scaled to 1 %: a bank step of 2 s provider time is 20 ms, webhook retries alike.
  stack = await startIvyCheckoutStack();
  ({ emulator, server } = stack);
});
afterAll(() => stack?.close());

function postOrder(sessionId: string, key: string) {
  return fetch(`${server.url}/v1/sessions/${sessionId}/orders`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key, Origin: SHOP_ORIGIN },
    body: JSON.stringify({ method: 'ivy:bank' }),
  });
}

async function startPayment(overrides: Record<string, unknown> = {}) {
  const session = await stack.createSession(overrides);
  const response = await postOrder(session.id, `key-${session.id}`);
  expect(response.status).toBe(201);
  const created = CreateOrderResponseSchema.parse(await response.json());
  if (created.action.type !== 'redirect') throw new Error('expected a redirect');
  const ivySessionId = new URL(created.action.url).searchParams.get('session') ?? '';
  return { session, orderId: created.order.id, action: created.action, ivySessionId };
}

/** Presses a button on the emulator's hosted page; returns where the browser is sent. */
async function press(ivySessionId: string, action: 'pay' | 'fail' | 'cancel') {
  const response = await fetch(`${emulator.url}/ivy/checkout/${ivySessionId}/${action}`, {
    method: 'POST',
    redirect: 'manual',
  });
  expect(response.status).toBe(303);
  return response.headers.get('location') ?? '';
}

function signedWebhook(body: string, signature = signIvyBody(IVY_WEBHOOK_SECRET, body)) {
  return fetch(`${server.url}/webhooks/ivy`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Ivy-Signature': signature },
    body,
  });
}

describe('Ivy end to end', () => {
  it('pays: methods → idempotent order → hosted page → return → webhook → SSE paid', async () => {
    const session = await stack.createSession({ reference: `order-${Date.now()}` });
    const methods = MethodsResponseSchema.parse(
      await (await fetch(`${server.url}/v1/sessions/${session.id}/methods`)).json(),
    );
    expect(methods.methods).toEqual([
      {
        id: 'ivy:bank',
        provider: 'ivy',
        name: 'Pay by bank',
        flow: 'redirect',
        kind: 'bank',
        logo: methodLogo('ivy:bank'),
        mandate: true,
      },
    ]);

    const stream = await stack.sse(session.id);
    const first = await postOrder(session.id, 'checkout-1');
    const firstText = await first.text();
    const again = await postOrder(session.id, 'checkout-1');
    expect(await again.text()).toBe(firstText);
    const created = CreateOrderResponseSchema.parse(JSON.parse(firstText));
    expect(created.order.status).toBe('pending');
    const emulated = (await (
      await fetch(`${emulator.url}/_emulator/orders?provider=ivy`)
    ).json()) as {
      reference: string;
      amount: { value: number; currency: string };
    }[];
    const ours = emulated.filter((o) => o.reference === `1-${session.reference}`);
    expect(ours).toHaveLength(1);
    expect(ours[0]?.amount).toEqual({ value: 1999, currency: 'EUR' });

    if (created.action.type !== 'redirect') throw new Error('expected a redirect');
    const page = await fetch(created.action.url);
    expect(page.status).toBe(200);
    const ivySessionId = new URL(created.action.url).searchParams.get('session') ?? '';
    const callback = await press(ivySessionId, 'pay');
    expect(callback.startsWith(`${server.url}/return/${session.id}`)).toBe(true);

    const back = await fetch(callback, { redirect: 'manual' });
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(
      `${SHOP_ORIGIN}/checkout/done?cart=7&pay_checkout_session=${session.id}`,
    );

    const paid = await stream.waitFor((m) => JSON.parse(m.data).status === 'paid');
    expect(JSON.parse(paid.data).orderId).toBe(created.order.id);
    expect(await stack.orderStatus(created.order.id)).toBe('paid');
    const statuses = stream.messages.map((m) => JSON.parse(m.data).status);
    expect(statuses[0]).toBe('created');
    expect(statuses.at(-1)).toBe('paid');
    const ids = stream.messages.map((m) => Number(m.id));
    expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
  });

  it('fails: the Fail button ends in failed on SSE; a retry with a new key starts attempt 2', async () => {
    const { session, orderId, ivySessionId } = await startPayment();
    const stream = await stack.sse(session.id);
    await press(ivySessionId, 'fail');
    await stream.waitFor((m) => JSON.parse(m.data).status === 'failed');
    expect(await stack.orderStatus(orderId)).toBe('failed');
    const retry = await postOrder(session.id, 'second-try');
    expect(retry.status).toBe(201);
    const emulated = (await (await fetch(`${emulator.url}/_emulator/orders`)).json()) as {
      reference: string;
    }[];
    expect(emulated.some((o) => o.reference === `2-${session.reference}`)).toBe(true);
  });

  it('keeps the -fail sandbox trigger working through the attempt prefix', async () => {
    const { session, orderId, ivySessionId } = await startPayment({
      reference: `order-${Date.now()}-fail`,
    });
    await press(ivySessionId, 'pay');
    await eventually(async () => (await stack.orderStatus(orderId)) === 'failed');
    expect(session.reference.endsWith('-fail')).toBe(true);
  });

  it('applies one transition for the same webhook sent 20 times concurrently', async () => {
    const { session, orderId, ivySessionId } = await startPayment();
    const outcome = await fetch(`${emulator.url}/_emulator/orders/ivy/${ivySessionId}/outcome`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'paid' }),
    });
    expect(outcome.status).toBe(200);
    const { orderId: ivyOrderId } = (await outcome.json()) as { orderId: string };
    await eventually(async () => (await stack.orderStatus(orderId)) === 'paid');
    const before = await server.server.ledger.listSessionEvents(session.id, 0);

    const body = JSON.stringify({
      id: `evt-storm-${session.id}`,
      type: 'order_updated',
      payload: {
        id: ivyOrderId,
        referenceId: `1-${session.reference}`,
        status: 'paid',
        price: { total: 19.99, currency: 'EUR' },
      },
      date: new Date().toISOString(),
    });
    const responses = await Promise.all(Array.from({ length: 20 }, () => signedWebhook(body)));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const duplicates = await Promise.all(
      responses.map(async (r) => ((await r.json()) as { duplicate: boolean }).duplicate),
    );
    expect(duplicates.filter((d) => !d)).toHaveLength(1);
    expect(
      server.server.metrics.value('pay_checkout_webhooks_total', {
        provider: 'ivy',
        outcome: 'duplicate',
      }),
    ).toBeGreaterThanOrEqual(19);
    await server.server.inbox.idle();
    expect(await server.server.ledger.listSessionEvents(session.id, 0)).toEqual(before);
  });

  it('401s forged and malformed signatures and writes nothing', async () => {
    const { session } = await startPayment();
    const body = JSON.stringify({
      id: `evt-forged-${session.id}`,
      type: 'order_updated',
      payload: {
        id: 'x',
        referenceId: `1-${session.reference}`,
        status: 'paid',
        price: { total: 19.99, currency: 'EUR' },
      },
      date: new Date().toISOString(),
    });
    const before = await server.server.ledger.countProviderEvents();
    const good = signIvyBody(IVY_WEBHOOK_SECRET, body);
    const bad = [
      signIvyBody('wrong_secret', body),
      'f'.repeat(64),
      good.slice(0, 63),
      good.slice(0, 62),
      `${good.slice(0, 63)}z`,
      '',
      Buffer.from(good, 'hex').toString('base64'),
    ];
    for (const signature of bad) {
      const response = await signedWebhook(body, signature);
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'invalid_signature',
      );
    }
    const missing = await fetch(`${server.url}/webhooks/ivy`, { method: 'POST', body });
    expect(missing.status).toBe(401);
    const flipped = await signedWebhook(body.replace('"paid"', '"pai d"'), good);
    expect(flipped.status).toBe(401);
    expect(await server.server.ledger.countProviderEvents()).toBe(before);
    expect(await server.server.ledger.listSessionEvents(session.id, 0)).toHaveLength(1);
  });

  it('stays paid when a failure arrives after payment', async () => {
    const { orderId, ivySessionId } = await startPayment();
    await press(ivySessionId, 'pay');
    await eventually(async () => (await stack.orderStatus(orderId)) === 'paid');
    const outcome = await fetch(`${emulator.url}/_emulator/orders/ivy/${ivySessionId}/outcome`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'failed' }),
    });
    expect(outcome.status).toBe(200);
    // Wait until our server acknowledged Ivy's order_updated(failed) for this order.
    await eventually(async () => {
      const log = (await (
        await fetch(`${emulator.url}/_emulator/webhooks?provider=ivy`)
      ).json()) as { type: string; body: string; delivered: boolean }[];
      return log.some((d) => {
        const event = JSON.parse(d.body) as {
          payload: { checkoutSessionId?: string; status?: string };
        };
        return (
          d.type === 'order_updated' &&
          d.delivered &&
          event.payload.checkoutSessionId === ivySessionId &&
          event.payload.status === 'failed'
        );
      });
    });
    expect(await stack.orderStatus(orderId)).toBe('paid');
  });

  it('trusts the provider, not the query, on return', async () => {
    const { session, orderId } = await startPayment();
    const forged = await fetch(
      `${server.url}/return/${session.id}?status=paid&session=x&referenceId=1-${session.reference}`,
      { redirect: 'manual' },
    );
    expect(forged.status).toBe(303);
    expect(await stack.orderStatus(orderId)).toBe('pending');
  });

  it('applies the real status on return even before any webhook arrives', async () => {
    emulator.emulator.setWebhookUrl('ivy', 'http://127.0.0.1:9/blackhole');
    try {
      const { session, orderId, ivySessionId } = await startPayment();
      const callback = await press(ivySessionId, 'cancel');
      const back = await fetch(callback, { redirect: 'manual' });
      expect(back.status).toBe(303);
      expect(await stack.orderStatus(orderId)).toBe('cancelled');
      expect((await server.server.ledger.getSession(session.id))?.status).toBe('cancelled');
    } finally {
      emulator.emulator.setWebhookUrl('ivy', `${server.url}/webhooks/ivy`);
    }
  });

  it('resumes with Last-Event-ID with no gap and no repeat', async () => {
    const { session, ivySessionId } = await startPayment();
    const first = await stack.sse(session.id);
    const snapshot = await first.waitFor(() => true);
    expect(snapshot.id).toBe('1');
    first.close();
    await press(ivySessionId, 'pay');
    const resumed = await stack.sse(session.id, { 'Last-Event-ID': snapshot.id ?? '' });
    await resumed.waitFor((m) => JSON.parse(m.data).status === 'paid');
    const ids = resumed.messages.map((m) => Number(m.id));
    expect(ids[0]).toBe(2);
    expect(ids).toEqual(ids.map((_, i) => 2 + i));
    const all = await server.server.ledger.listSessionEvents(session.id, 1);
    expect(all.map((e) => e.seq)).toEqual(ids);
  });
});
