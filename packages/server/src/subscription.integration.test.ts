/**
 * @module
 * A whole subscription offline, against the real Ivy emulator over loopback: mandate set-up
 * during checkout → mandate active → three charges (one `-fail`, one `-dispute`) → mandate
 * revoked → a further charge refused. Every step must reach a local merchant endpoint exactly
 * once, signed the Standard Webhooks way and verifiable with `@pay-checkout/server/webhooks`.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '@pay-checkout/emulator';
import {
  CreateOrderResponseSchema,
  MethodsResponseSchema,
  SessionSchema,
} from '@pay-checkout/protocol';
import type { StartedCheckoutServer } from './node.js';
import { SECRET_KEY, SHOP_ORIGIN, sessionBody } from './test-support/config.js';
import { startIvyStack, type IvyStack } from './test-support/ivy-stack.js';
import type { TestMerchant } from './test-support/merchant-endpoint.js';
import { eventually } from './test-support/sse-client.js';
import type { WebhookMandate, WebhookOrder } from './webhooks.js';

const MERCHANT_SECRET = `whsec_${randomBytes(32).toString('base64')}`;

let stack: IvyStack;
let emulator: RunningEmulator;
let server: StartedCheckoutServer;
let merchant: TestMerchant;

beforeAll(async () => {
  // One bank step is 2 s of provider time → 20 ms; SEPA settlement and disputes are multiples.
  stack = await startIvyStack({
    merchantSecret: MERCHANT_SECRET,
    extras: { outboxPollMs: 50, merchantWebhookRetry: { baseMs: 20, maxMs: 200 } },
  });
  ({ emulator, server, merchant } = stack);
});

afterAll(() => stack?.close());

const bearer = { Authorization: `Bearer ${SECRET_KEY}` };

async function charge(key: string, body: Record<string, unknown>) {
  const response = await fetch(`${server.url}/v1/charges`, {
    method: 'POST',
    headers: { ...bearer, 'Content-Type': 'application/json', 'Idempotency-Key': key },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

async function mandate(id: string): Promise<WebhookMandate> {
  const response = await fetch(`${server.url}/v1/mandates/${id}`, { headers: bearer });
  expect(response.status).toBe(200);
  return (await response.json()) as WebhookMandate;
}

async function emulatedCharges(): Promise<{ reference: string }[]> {
  const all = (await (await fetch(`${emulator.url}/_emulator/orders?provider=ivy`)).json()) as {
    reference: string;
    id: string;
    orderId?: string;
  }[];
  return all.filter((o) => o.reference.includes('-m'));
}

/** `type:subject:status` of every verified notification, in arrival order. */
function steps(): string[] {
  return merchant.received.flatMap((r) => {
    if (!r.event) return [];
    return r.event.type === 'order.updated'
      ? [`order:${r.event.data.order.reference}:${r.event.data.order.status}`]
      : [`mandate:${r.event.data.mandate.reference}:${r.event.data.mandate.status}`];
  });
}

describe('a subscription with an Ivy mandate, offline', () => {
  it('sets up, charges, fails, disputes, revokes and refuses; the merchant hears each step once', async () => {
    const started = performance.now();
    const ref = `sub-${Date.now()}`;
    const mandateRef = `${ref}-mandate`;

    // 1. Checkout that also sets up the mandate.
    const created = await fetch(`${server.url}/v1/sessions`, {
      method: 'POST',
      headers: { ...bearer, 'Content-Type': 'application/json' },
      body: JSON.stringify(
        sessionBody({
          reference: ref,
          amount: { value: 990, currency: 'EUR' },
          mandate: {
            setup: true,
            referenceId: mandateRef,
            userNotificationEmail: 'erika@example.com',
            accountHolderName: 'Erika Mustermann',
            cadence: 'MONTHLY',
          },
        }),
      ),
    });
    expect(created.status).toBe(201);
    const session = SessionSchema.parse(await created.json());
    const methods = MethodsResponseSchema.parse(
      await (await fetch(`${server.url}/v1/sessions/${session.id}/methods`)).json(),
    );
    expect(methods.session.mandate).toEqual({ cadence: 'MONTHLY' });

    const ordered = await fetch(`${server.url}/v1/sessions/${session.id}/orders`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'k1', Origin: SHOP_ORIGIN },
      body: JSON.stringify({ method: 'ivy:bank' }),
    });
    expect(ordered.status).toBe(201);
    const order = CreateOrderResponseSchema.parse(await ordered.json());
    if (order.action.type !== 'redirect') throw new Error('expected a redirect');
    const ivySession = new URL(order.action.url).searchParams.get('session') ?? '';
    const page = await (await fetch(order.action.url)).text();
    expect(page).toContain('Direct debit mandate');
    expect(page).toContain('monthly');
    const paid = await fetch(`${emulator.url}/ivy/checkout/${ivySession}/pay`, {
      method: 'POST',
      redirect: 'manual',
    });
    expect(paid.status).toBe(303);

    // 2. Mandate active, with masked account data.
    const active = await eventually(async () => {
      const response = await fetch(`${server.url}/v1/mandates?reference=${mandateRef}`, {
        headers: bearer,
      });
      const { mandates } = (await response.json()) as { mandates: WebhookMandate[] };
      return mandates[0]?.status === 'active' ? mandates[0] : null;
    });
    expect(active).toMatchObject({
      provider: 'ivy',
      reference: mandateRef,
      sessionId: session.id,
      cadence: 'MONTHLY',
      debtor: { accountHolderName: 'Erika Mustermann', iban: 'DE89 **** 3000' },
      creditor: { name: 'Demo Shop' },
    });
    expect(active.providerMandateId).toMatch(/^[0-9a-f]{24}$/);
    expect(JSON.stringify(active)).not.toContain('DE89370400440532013000');
    await eventually(async () => (await stack.orderStatus(order.order.id)) === 'paid');

    // 3. Three charges: one paid, one `-fail`, one `-dispute`.
    const amount = { value: 990, currency: 'EUR' };
    const first = await charge('charge-1', {
      mandateId: active.id,
      amount,
      reference: `${ref}-m1`,
    });
    expect(first.status).toBe(201);
    const again = await charge('charge-1', {
      mandateId: active.id,
      amount,
      reference: `${ref}-m1`,
    });
    expect(again).toEqual(first);
    const other = await charge('charge-1', {
      mandateId: active.id,
      amount: { value: 991, currency: 'EUR' },
      reference: `${ref}-m1`,
    });
    expect(other.status).toBe(422);
    const second = await charge('charge-2', {
      mandateId: active.id,
      amount,
      reference: `${ref}-m2-fail`,
    });
    const third = await charge('charge-3', {
      mandateId: active.id,
      amount,
      reference: `${ref}-m3-dispute`,
    });
    expect([second.status, third.status]).toEqual([201, 201]);
    const [o1, o2, o3] = [first, second, third].map((r) => JSON.parse(r.text) as WebhookOrder);
    expect(o1).toMatchObject({
      status: 'processing',
      mandateId: active.id,
      reference: `${ref}-m1`,
    });

    await eventually(async () => (await stack.orderStatus(o1!.id)) === 'paid');
    await eventually(async () => (await stack.orderStatus(o2!.id)) === 'failed');
    await eventually(async () => (await stack.orderStatus(o3!.id)) === 'disputed');

    // 4. The dispute revoked the mandate; a further charge is refused before Ivy is asked.
    const revoked = await eventually(async () => {
      const current = await mandate(active.id);
      return current.status === 'revoked' ? current : null;
    });
    expect(revoked.revokedAt).not.toBeNull();
    const chargesAtIvy = (await emulatedCharges()).length;
    expect(chargesAtIvy).toBe(3);
    const refused = await charge('charge-4', {
      mandateId: active.id,
      amount,
      reference: `${ref}-m4`,
    });
    expect(refused.status).toBe(409);
    expect(JSON.parse(refused.text)).toMatchObject({ error: { code: 'conflict' } });
    const unknown = await charge('charge-5', {
      mandateId: 'mdt_nope',
      amount,
      reference: `${ref}-m5`,
    });
    expect(unknown.status).toBe(404);
    expect((await emulatedCharges()).length).toBe(3);

    // 5. Every step reached the merchant exactly once, signed and verifiable.
    const expected = [
      `order:${ref}:pending`,
      `order:${ref}:processing`,
      `order:${ref}:paid`,
      `mandate:${mandateRef}:pending`,
      `mandate:${mandateRef}:active`,
      `order:${ref}-m1:processing`,
      `order:${ref}-m1:paid`,
      `order:${ref}-m2-fail:processing`,
      `order:${ref}-m2-fail:failed`,
      `order:${ref}-m3-dispute:processing`,
      `order:${ref}-m3-dispute:paid`,
      `order:${ref}-m3-dispute:disputed`,
      `mandate:${mandateRef}:revoked`,
    ];
    await eventually(() => steps().length >= expected.length);
    // Late webhooks (Ivy's own mandate_revoked, duplicates) must not add anything.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([...steps()].sort()).toEqual([...expected].sort());
    expect(merchant.received.every((r) => r.failure === null && r.status === 200)).toBe(true);
    const ids = merchant.received.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const received of merchant.received) {
      expect(received.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(received.headers['webhook-timestamp']).toMatch(/^\d+$/);
    }
    // Every Ivy webhook — including Ivy's own mandate_revoked after the dispute — was accepted.
    const deliveries = (await (await fetch(`${emulator.url}/_emulator/webhooks`)).json()) as {
      type: string;
      delivered: boolean;
      attempts: { status?: number }[];
    }[];
    const types = deliveries.map((d) => d.type);
    for (const type of [
      'mandate_setup_started',
      'mandate_setup_succeeded',
      'mandate_revoked',
      'order_created',
      'order_updated',
    ]) {
      expect(types).toContain(type);
    }
    expect(deliveries.every((d) => d.delivered && d.attempts.at(-1)?.status === 200)).toBe(true);
    // Per subject, notifications arrive in the order of the changes.
    const m3 = steps().filter((s) => s.startsWith(`order:${ref}-m3-dispute:`));
    expect(m3).toEqual([
      `order:${ref}-m3-dispute:processing`,
      `order:${ref}-m3-dispute:paid`,
      `order:${ref}-m3-dispute:disputed`,
    ]);
    console.info(
      `[measured] subscription: ${merchant.received.length} notifications, ` +
        `${Math.round(performance.now() - started)} ms end to end`,
    );
  });
});
