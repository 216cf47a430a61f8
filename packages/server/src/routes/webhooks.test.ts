/**
 * @module
 * Unsigned webhooks are hints, coalesced per order: the {@link Coalescer} on its own, then the
 * route with the iwocaPay adapter against its emulator, where a flood of hints for one order
 * costs reads strictly one at a time, two at most, and the last read is what is applied.
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
import { Coalescer } from './webhooks.js';

/** A promise and the function that settles it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('Coalescer', () => {
  it('runs one task at a time per key and at most one more for a burst', async () => {
    const coalescer = new Coalescer<number>();
    const first = gate();
    let runs = 0;
    let inFlight = 0;
    let most = 0;
    const task = async () => {
      runs++;
      const run = runs;
      inFlight++;
      most = Math.max(most, inFlight);
      if (run === 1) await first.promise;
      await tick();
      inFlight--;
      return run;
    };
    const results = Array.from({ length: 10 }, () => coalescer.run('a', task));
    await tick();
    expect(runs).toBe(1);
    first.open();
    expect(await Promise.all(results)).toEqual([1, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
    expect(runs).toBe(2);
    expect(most).toBe(1);
    expect(coalescer.size).toBe(0);
    // Quiet again: the next call starts a run of its own.
    expect(await coalescer.run('a', task)).toBe(3);
  });

  it('keeps keys apart, and a failed run fails only the calls that joined it', async () => {
    const coalescer = new Coalescer<string>();
    const failing = gate();
    let calls = 0;
    const a = coalescer.run('a', async () => {
      calls++;
      await failing.promise;
      throw new Error('down');
    });
    const queued = coalescer.run('a', async () => {
      calls++;
      return 'a again';
    });
    const b = coalescer.run('b', async () => {
      calls++;
      return 'b';
    });
    expect(await b).toBe('b');
    failing.open();
    await expect(a).rejects.toThrow('down');
    expect(await queued).toBe('a again');
    expect(calls).toBe(3);
    expect(coalescer.size).toBe(0);
  });
});

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

  it('reads the order back for a flood of hints strictly one at a time, twice at most', async () => {
    const { orderId, iwocaId, reference } = await startPayment();
    expect(await statusOf(orderId)).toBe('pending');
    await setEmulatedOutcome(emulator, 'iwocapay', iwocaId, 'APPROVED');

    // Count the hints that have found their order, to know when all of them are waiting.
    const find = server.ledger.findOrderByProviderReference;
    let found = 0;
    server.ledger.findOrderByProviderReference = async (...args) => {
      const order = await find(...args);
      found++;
      return order;
    };
    const held = gate();
    reads.hold = held.promise;
    reads.total = 0;
    reads.most = 0;
    try {
      const N = 25;
      const answers = Array.from({ length: N }, () => hint(reference));
      await eventually(async () => found === N);
      await tick();
      // The first read saw APPROVED and is still in flight; iwocaPay moves on meanwhile.
      expect(reads.total).toBe(1);
      await setEmulatedOutcome(emulator, 'iwocapay', iwocaId, 'SUCCESSFUL');
      held.open();
      const statuses = await Promise.all(answers.map(async (a) => (await a).status));
      expect(statuses).toEqual(Array.from({ length: N }, () => 200));
      expect(reads.most).toBe(1);
      expect(reads.total).toBe(2);
      // The read queued behind the first one saw what iwocaPay said after every hint arrived.
      expect(await statusOf(orderId)).toBe('paid');
    } finally {
      server.ledger.findOrderByProviderReference = find;
      reads.hold = null;
    }

    // Later hints read again, one read each when they come one by one.
    reads.total = 0;
    expect((await hint(reference, 'UNSUCCESSFUL')).status).toBe(200);
    expect(reads.total).toBe(1);
    expect(await statusOf(orderId)).toBe('paid');
  });

  it('applies nothing from the hint itself when iwocaPay has nothing new', async () => {
    const { orderId, reference } = await startPayment();
    reads.total = 0;
    expect((await hint(reference, 'SUCCESSFUL')).status).toBe(200);
    expect(reads.total).toBe(1);
    expect(await statusOf(orderId)).toBe('pending');
    expect(await server.ledger.countProviderEvents()).toBe(0);
  });

  it('answers 503 to every hint sharing a read that fails, so that iwocaPay sends them again', async () => {
    const { orderId, reference } = await startPayment();
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
        },
      ),
    );
    try {
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
      expect(answers.map((a) => a.status)).toEqual([503, 503, 503]);
      expect(await statusOf(orderId)).toBe('pending');
    } finally {
      await broken.close();
    }
  });
});
