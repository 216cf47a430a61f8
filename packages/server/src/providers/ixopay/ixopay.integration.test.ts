/**
 * @module
 * IXOPAY end to end against the real emulator over loopback: hosted page Pay and Fail through
 * our return route, every returnType through `POST /v1/sessions/:id/orders`, callbacks answered
 * with exactly `200 OK` text, forged callbacks refused, and old callbacks taken: a success only
 * once the Status API confirms it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator, WebhookDelivery } from '@pay-checkout/emulator';
import { CreateOrderResponseSchema } from '@pay-checkout/protocol';
import type { StartedCheckoutServer } from '../../node.js';
import { startCheckoutStack, type CheckoutStack } from '../../test-support/checkout-stack.js';
import { SHOP_ORIGIN } from '../../test-support/config.js';
import { eventually } from '../../test-support/sse-client.js';
import { IXOPAY_CONTENT_TYPE, signIxopay } from './ixopay-signature.js';
import {
  IXOPAY_EMULATOR_CREDENTIALS,
  IXOPAY_SHARED_SECRET,
  ixopayServerEnv,
} from './ixopay-test-credentials.js';

let stack: CheckoutStack;
let emulator: RunningEmulator;
let server: StartedCheckoutServer;

beforeAll(async () => {
  stack = await startCheckoutStack({
    emulator: {
      timeScale: 0.0001,
      settleDelayMs: 2000,
      credentials: { ixopay: { ...IXOPAY_EMULATOR_CREDENTIALS } },
    },
    env: ixopayServerEnv,
  });
  ({ emulator, server } = stack);
});
afterAll(() => stack?.close());

function postOrder(sessionId: string) {
  return fetch(`${server.url}/v1/sessions/${sessionId}/orders`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'Idempotency-Key': `key-${sessionId}`,
      Origin: SHOP_ORIGIN,
    },
    body: JSON.stringify({ method: 'ixopay:card' }),
  });
}

async function start(overrides: Record<string, unknown> = {}) {
  const session = await stack.createSession(overrides);
  const response = await postOrder(session.id);
  expect(response.status).toBe(201);
  return { session, created: CreateOrderResponseSchema.parse(await response.json()) };
}

async function deliveriesAbout(reference: string): Promise<WebhookDelivery[]> {
  const all = (await (
    await fetch(`${emulator.url}/_emulator/webhooks?provider=ixopay`)
  ).json()) as WebhookDelivery[];
  return all.filter((d) => d.body.includes(`"merchantTransactionId":"${reference}"`));
}

/** An RFC 7231 date two hours before now. */
const TWO_HOURS_AGO = () => new Date(Date.now() - 2 * 3_600_000).toUTCString();

/** A callback as IXOPAY would send it, signed with `secret` at `date`. */
function callback(body: string, date = new Date().toUTCString(), secret = IXOPAY_SHARED_SECRET) {
  return fetch(`${server.url}/webhooks/ixopay`, {
    method: 'POST',
    headers: {
      'Content-Type': IXOPAY_CONTENT_TYPE,
      Date: date,
      'X-Signature': signIxopay(secret, {
        method: 'POST',
        body,
        contentType: IXOPAY_CONTENT_TYPE,
        date,
        requestUri: '/webhooks/ixopay',
      }),
    },
    body,
  });
}

describe('IXOPAY end to end', () => {
  it('pays on the hosted page: 303 to our return route, callback answered 200 OK, paid', async () => {
    const { session, created } = await start();
    expect(created.order.status).toBe('pending');
    if (created.action.type !== 'redirect') throw new Error('expected a redirect');
    const pressed = await fetch(`${created.action.url}/pay`, {
      method: 'POST',
      redirect: 'manual',
    });
    expect(pressed.status).toBe(303);
    const back = pressed.headers.get('location') ?? '';
    expect(back).toBe(`${server.url}/return/${session.id}`);
    const returned = await fetch(back, { redirect: 'manual' });
    expect(returned.status).toBe(303);
    expect(returned.headers.get('location')).toContain(`pay_checkout_session=${session.id}`);
    expect(await stack.orderStatus(created.order.id)).toBe('paid');
    const delivered = await eventually(async () => {
      const list = await deliveriesAbout(`1-${session.reference}`);
      return list.length > 0 && list.every((d) => d.delivered) ? list : null;
    });
    expect(delivered[0]?.attempts.map((a) => a.status)).toEqual([200]);
  });

  it('fails on the hosted page: the order ends failed', async () => {
    const { created } = await start();
    if (created.action.type !== 'redirect') throw new Error('expected a redirect');
    await fetch(`${created.action.url}/fail`, { method: 'POST', redirect: 'manual' });
    await eventually(async () => (await stack.orderStatus(created.order.id)) === 'failed');
  });

  it('FINISHED: paid at once; PENDING: processing, then paid by callback', async () => {
    const finished = await start({ description: 'finished basket' });
    expect(finished.created.order.status).toBe('paid');
    expect(finished.created.action).toEqual({
      type: 'redirect',
      url: `${server.url}/return/${finished.session.id}`,
    });
    const pending = await start({ description: 'pending basket' });
    expect(pending.created.order.status).toBe('processing');
    await eventually(async () => (await stack.orderStatus(pending.created.order.id)) === 'paid');
  });

  it('ERROR: a clear 422 and the attempt ends failed, not dangling', async () => {
    const session = await stack.createSession({ amount: { value: 666, currency: 'EUR' } });
    const response = await postOrder(session.id);
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('provider_error');
    expect(body.error.message).toMatch(/declined/);
    const [order] = await server.server.ledger.listOrders(session.id);
    expect(order?.status).toBe('failed');
    // The same key answers the same refusal again, without a second debit.
    const again = await postOrder(session.id);
    expect(again.status).toBe(422);
  });

  it('HTML: refused with a message that says pay-checkout does not offer it', async () => {
    const session = await stack.createSession({ description: 'html basket' });
    const response = await postOrder(session.id);
    expect(response.status).toBe(502);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toContain('HTML');
  });

  it('acknowledges a valid callback with exactly 200 OK text, refuses forged ones, takes old failures', async () => {
    const { session, created } = await start();
    const reference = `1-${session.reference}`;
    const body = JSON.stringify({
      result: 'ERROR',
      uuid: 'feedfeedfeedfeedfeed',
      merchantTransactionId: reference,
      transactionType: 'DEBIT',
      amount: '19.99',
      currency: 'EUR',
      code: 2002,
      message: 'User cancelled',
    });
    const forged = await callback(body, undefined, 'not-the-secret');
    expect(forged.status).toBe(401);
    const forgedOld = await callback(body, TWO_HOURS_AGO(), 'not-the-secret');
    expect(forgedOld.status).toBe(401);
    expect(await stack.orderStatus(created.order.id)).toBe('pending');

    // A failure dated hours ago (a retry that kept its first date) applies as usual.
    const old = await callback(body, TWO_HOURS_AGO());
    expect(old.status).toBe(200);
    expect(old.headers.get('content-type')).toContain('text/plain');
    expect(await old.text()).toBe('OK');
    expect(await stack.orderStatus(created.order.id)).toBe('cancelled');
    const replay = await callback(body);
    expect(await replay.text()).toBe('OK');
  });

  it('takes a success dated two hours ago, and applies it only once the Status API confirms', async () => {
    await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ provider: 'ixopay', drop: true }),
    });
    try {
      const { session, created } = await start();
      const reference = `1-${session.reference}`;
      const held = (await (
        await fetch(`${emulator.url}/_emulator/orders?provider=ixopay`)
      ).json()) as { id: string; reference: string }[];
      const tx = held.find((o) => o.reference === reference);
      if (!tx) throw new Error('the emulator holds no such debit');
      const success = (purchaseId: string) =>
        JSON.stringify({
          result: 'OK',
          uuid: tx.id,
          merchantTransactionId: reference,
          purchaseId,
          transactionType: 'DEBIT',
          paymentMethod: 'Creditcard',
          amount: '19.99',
          currency: 'EUR',
        });

      // IXOPAY still waits for the customer: the old success is acknowledged, not applied.
      const early = await callback(success('20260101-a'), TWO_HOURS_AGO());
      expect(early.status).toBe(200);
      expect(await early.text()).toBe('OK');
      await server.server.inbox.idle();
      expect(await stack.orderStatus(created.order.id)).toBe('pending');

      // The customer pays; IXOPAY's own callback is lost, an old-dated one comes through.
      const settled = await fetch(`${emulator.url}/_emulator/orders/ixopay/${tx.id}/outcome`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ status: 'SUCCESS' }),
      });
      expect(settled.status).toBe(200);
      expect(await stack.orderStatus(created.order.id)).toBe('pending');
      const late = await callback(success('20260101-b'), TWO_HOURS_AGO());
      expect(late.status).toBe(200);
      expect(await late.text()).toBe('OK');
      await server.server.inbox.idle();
      expect(await stack.orderStatus(created.order.id)).toBe('paid');
    } finally {
      await fetch(`${emulator.url}/_emulator/faults`, { method: 'DELETE' });
    }
  });
});
