/**
 * @module
 * Unsigned webhooks are hints, stored in the inbox coalesced per order: with the iwocaPay
 * adapter against its emulator, a flood of hints for one order is acknowledged at once and costs
 * reads strictly one at a time, two at most, and the last read is what is applied; a read that
 * fails is tried again from the stored hint, on another instance too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '@pay-checkout/emulator';
import { CreateOrderResponseSchema, OrderViewSchema, SessionSchema } from '@pay-checkout/protocol';
import { createCheckoutServer, type CheckoutServer } from '../app.js';
import { createIwocaPayProvider } from '../providers/iwocapay/iwocapay-provider.js';
import type { Provider } from '../providers/provider.js';
import { SECRET_KEY, SHOP_ORIGIN, sessionBody, testConfig } from '../test-support/config.js';
import { setEmulatedOutcome, startTestEmulator } from '../test-support/provider-fixtures.js';
import { eventually } from '../test-support/sse-client.js';

/** A promise and the function that settles it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

const SUPPLIER = '0b6f4c1e-8d2a-4f3b-9c5d-7e1a2b3c4d5e';
const TOKEN = 'iwocapay_hint_access_token';
const BASE = 'http://checkout.test';
let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator({
    timeScale: 0.01,
    credentials: { iwocapay: { supplierUuid: SUPPLIER, accessToken: TOKEN } },
  });
});
afterAll(async () => {
  await emulator?.close();
});

/** The iwocaPay adapter whose status reads are counted, and held at `hold` after reading. */
function countedIwocaPay() {
  const adapter = createIwocaPayProvider({
    apiUrl: `${emulator.url}/iwocapay`,
    supplierUuid: SUPPLIER,
    accessToken: TOKEN,
    retryBaseMs: 1,
  });
  const reads = { total: 0, inFlight: 0, most: 0, hold: null as Promise<void> | null };
  const provider: Provider = {
    ...adapter,
    async fetchStatus(order) {
      reads.total++;
      reads.inFlight++;
      reads.most = Math.max(reads.most, reads.inFlight);
      try {
        const truth = await adapter.fetchStatus(order);
        if (reads.hold) await reads.hold;
        return truth;
      } finally {
        reads.inFlight--;
      }
    },
  };
  return { provider, reads };
}

describe('unsigned webhooks at the route', () => {
  let server: CheckoutServer;
  let reads: ReturnType<typeof countedIwocaPay>['reads'];

  beforeAll(() => {
    const counted = countedIwocaPay();
    reads = counted.reads;
    // Signed webhooks of the emulator go nowhere: only hints reach this server.
    server = createCheckoutServer(
      testConfig(
        { PAY_CHECKOUT_PUBLIC_URL: 'http://127.0.0.1:9' },
        { adapters: [counted.provider] },
      ),
    );
  });
  afterAll(async () => {
    await server?.close();
  });

  const request = (path: string, init: RequestInit = {}) =>
    server.fetch(new Request(`${BASE}${path}`, init));

  async function startPayment() {
    const created = await request('/v1/sessions', {
      method: 'POST',
      headers: { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(
        sessionBody({ amount: { value: 2100, currency: 'GBP' }, country: 'GB' }),
      ),
    });
    expect(created.status).toBe(201);
    const session = SessionSchema.parse(await created.json());
    const started = await request(`/v1/sessions/${session.id}/orders`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Idempotency-Key': `k-${session.id}`,
        Origin: SHOP_ORIGIN,
      },
      body: JSON.stringify({ method: 'iwocapay:checkout' }),
    });
    expect(started.status).toBe(201);
    const { order } = CreateOrderResponseSchema.parse(await started.json());
    const stored = await server.ledger.getOrder(order.id);
    return {
      orderId: order.id,
      iwocaId: stored?.providerOrderId ?? '',
      reference: stored?.providerReference ?? '',
    };
  }

  const hint = (reference: string, claimed = 'SUCCESSFUL') =>
    request('/webhooks/iwocapay', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
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

  const statusOf = async (orderId: string) =>
    OrderViewSchema.parse(await (await request(`/v1/orders/${orderId}`)).json()).status;

  it('acknowledges a flood of hints at once and reads the order back one at a time, twice at most', async () => {
    const { orderId, iwocaId, reference } = await startPayment();
    expect(await statusOf(orderId)).toBe('pending');
    await setEmulatedOutcome(emulator, 'iwocapay', iwocaId, 'APPROVED');

    const held = gate();
    reads.hold = held.promise;
    reads.total = 0;
    reads.most = 0;
    try {
      const N = 25;
      expect((await hint(reference)).status).toBe(200);
      await eventually(async () => reads.total === 1);
      // The rest arrive while the first read is held at the provider: each answered at once.
      const statuses = await Promise.all(
        Array.from({ length: N - 1 }, async () => (await hint(reference)).status),
      );
      expect(statuses).toEqual(Array.from({ length: N - 1 }, () => 200));
      await tick();
      expect(reads.total).toBe(1);
      // The first read saw APPROVED and is still in flight; iwocaPay moves on meanwhile.
      await setEmulatedOutcome(emulator, 'iwocapay', iwocaId, 'SUCCESSFUL');
      held.open();
      await eventually(async () => (await statusOf(orderId)) === 'paid');
      await server.inbox.idle();
      expect(reads.most).toBe(1);
      expect(reads.total).toBe(2);
      expect(await server.store.inbox.countPending()).toBe(0);
    } finally {
      reads.hold = null;
    }

    // A later hint reads again, once.
    reads.total = 0;
    expect((await hint(reference, 'UNSUCCESSFUL')).status).toBe(200);
    await eventually(async () => reads.total === 1);
    await server.inbox.idle();
    expect(reads.total).toBe(1);
    expect(await statusOf(orderId)).toBe('paid');
  });

  it('applies nothing from the hint itself when iwocaPay has nothing new', async () => {
    const { orderId, reference } = await startPayment();
    reads.total = 0;
    expect((await hint(reference, 'SUCCESSFUL')).status).toBe(200);
    await eventually(async () => reads.total === 1);
    await server.inbox.idle();
    expect(await statusOf(orderId)).toBe('pending');
    expect(await server.ledger.countProviderEvents()).toBe(0);
  });

  it('answers 404 to a hint naming no order of ours, and keeps nothing', async () => {
    const before = await server.store.inbox.countPending();
    expect((await hint('1-no-such-reference')).status).toBe(404);
    expect(await server.store.inbox.countPending()).toBe(before);
  });

  it('keeps a hint whose read fails and reads it again later, on another instance too', async () => {
    const { orderId, iwocaId, reference } = await startPayment();
    const broken = createCheckoutServer(
      testConfig(
        { PAY_CHECKOUT_PUBLIC_URL: 'http://127.0.0.1:9' },
        {
          adapters: [
            createIwocaPayProvider({
              apiUrl: 'http://127.0.0.1:9',
              supplierUuid: SUPPLIER,
              accessToken: TOKEN,
              retryBaseMs: 1,
            }),
          ],
          store: server.store,
          inbox: { retryBaseMs: 200, pollMs: 50 },
        },
      ),
    );
    try {
      await setEmulatedOutcome(emulator, 'iwocapay', iwocaId, 'SUCCESSFUL');
      const answers = await Promise.all(
        [1, 2, 3].map(() =>
          broken.fetch(
            new Request(`${BASE}/webhooks/iwocapay`, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify({ data: { reference, status: 'SUCCESSFUL' } }),
            }),
          ),
        ),
      );
      // Acknowledged, and kept as one event: the provider need not send them again.
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      await broken.inbox.idle();
      expect(await statusOf(orderId)).toBe('pending');
      expect(await server.store.inbox.countPending()).toBe(1);
    } finally {
      await broken.close();
    }
    // The instance that can reach iwocaPay takes the stored hint on its next look.
    await eventually(async () => (await statusOf(orderId)) === 'paid');
    await eventually(async () => (await server.store.inbox.countPending()) === 0);
  });
});
