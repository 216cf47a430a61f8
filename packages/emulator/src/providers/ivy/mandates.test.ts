/**
 * @module
 * "Ivy on File" in the emulator over real HTTP: mandate set-up inside the checkout (and its
 * `-fail-setup` trigger), mandate retrieve/lookup/revoke, and `charge/create` with the mandatory
 * body `idempotencyKey`, the `-fail` and `-dispute` triggers and Ivy's webhook order.
 */
import { describe, expect, it } from 'vitest';
import {
  WEBHOOK_SECRET,
  hmacHex,
  reference,
  sharedHarness,
  waitFor,
} from '../../test-support/harness.js';

const h = sharedHarness();

interface Mandate {
  id: string;
  referenceId: string;
  status: string;
  debtor: { account: { iban: string; accountHolderName: string } };
}

/**
 * A paid checkout (`referenceId` `<mandateRef>-checkout`) that set up a mandate under
 * `mandateRef`; resolves when set-up settled.
 */
async function setUp(mandateRef: string): Promise<Mandate | null> {
  const session = await h.createSession({
    referenceId: `${mandateRef}-checkout`,
    mandate: {
      setup: true,
      referenceId: mandateRef,
      userNotificationEmail: 'erika@example.com',
      accountHolderName: 'Erika Mustermann',
      additionalDisplayInformation: { cadence: 'MONTHLY', price: { amount: 9.9, currency: 'EUR' } },
    },
  });
  const page = await (await fetch(session.redirectUrl)).text();
  expect(page).toContain('Direct debit mandate');
  expect(page).toMatch(/€9\.90\s+monthly/);
  const pay = await fetch(`${h.emulator.url}/ivy/checkout/${session.id}/pay`, {
    method: 'POST',
    redirect: 'manual',
  });
  expect(pay.status).toBe(303);
  await waitFor(
    () =>
      h
        .events()
        .some(
          (e) =>
            ['mandate_setup_succeeded', 'mandate_setup_failed'].includes(e.type) &&
            e.payload['referenceId'] === mandateRef,
        ),
    'mandate settled',
  );
  const lookup = await h.ivy('mandate/lookup', { referenceId: mandateRef });
  return lookup.status === 200 ? ((await lookup.json()) as Mandate) : null;
}

function eventsOf(predicate: (payload: Record<string, unknown>) => boolean): string[] {
  return h
    .events()
    .filter((e) => predicate(e.payload))
    .map((e) => `${e.type}:${String(e.payload['status'] ?? '')}`);
}

/** The delivered mandate event of `type` for the mandate reference `ref`. */
function mandateEvent(type: string, ref: string) {
  return h.events().find((e) => e.type === type && e.payload['referenceId'] === ref);
}

describe('mandates in the checkout', () => {
  it('sets a mandate up on Pay: started, then succeeded with account and creditor', async () => {
    const ref = reference('-mandate');
    await setUp(ref);
    await waitFor(() => eventsOf((p) => p['referenceId'] === ref).length >= 2, 'two events');
    expect(eventsOf((p) => p['referenceId'] === ref)).toEqual([
      'mandate_setup_started:',
      'mandate_setup_succeeded:',
    ]);
    const mandate = (await (await h.ivy('mandate/lookup', { referenceId: ref })).json()) as Mandate;
    const creditor = {
      id: expect.any(String),
      name: 'Demo Shop',
      address: {
        street: expect.any(String),
        city: expect.any(String),
        postalCode: expect.any(String),
        country: 'DE',
      },
    };
    const signature = {
      ip: expect.any(String),
      token: expect.any(String),
      signedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    };
    // Ivy on File: started names the checkout in `reference` and carries no mandate id yet.
    expect(mandateEvent('mandate_setup_started', ref)?.payload).toEqual({
      referenceId: ref,
      reference: `${ref}-checkout`,
      signature,
      userNotificationEmail: 'erika@example.com',
      creditor,
    });
    // Succeeded: the id to charge and the mandate reference of the bank statement.
    expect(mandateEvent('mandate_setup_succeeded', ref)?.payload).toEqual({
      id: mandate.id,
      referenceId: ref,
      reference: expect.stringMatching(/^IVY-/),
      signature,
      creditor,
      debtor: {
        account: {
          iban: expect.any(String),
          accountHolderName: 'Erika Mustermann',
          bic: expect.any(String),
        },
      },
    });
    const delivery = h.receiver.received.find(
      (r) => r.body.includes('mandate_setup_succeeded') && r.body.includes(ref),
    );
    expect(delivery?.headers['x-ivy-signature']).toBe(
      hmacHex(WEBHOOK_SECRET, delivery?.body ?? ''),
    );
    expect(mandate.status).toBe('active');
    const retrieved = await h.ivy('mandate/retrieve', { id: mandate.id });
    expect(await retrieved.json()).toMatchObject({
      id: mandate.id,
      status: 'active',
      userNotificationEmail: 'erika@example.com',
      creditor,
    });
  });

  it('fails the set-up for a mandate reference ending in -fail-setup; the payment still goes through', async () => {
    const ref = reference('-fail-setup');
    const mandate = await setUp(ref);
    await waitFor(() => eventsOf((p) => p['referenceId'] === ref).length >= 2, 'two events');
    expect(eventsOf((p) => p['referenceId'] === ref)).toEqual([
      'mandate_setup_started:',
      'mandate_setup_failed:',
    ]);
    expect(mandateEvent('mandate_setup_failed', ref)?.payload).toEqual({
      error: { code: expect.any(String), message: expect.any(String) },
      referenceId: ref,
    });
    expect(mandate?.status).toBe('inactive');
    await waitFor(
      () => h.events().some((e) => e.type === 'order_updated' && e.payload['status'] === 'paid'),
      'payment paid',
    );
  });

  it('revokes on request, with a mandate_revoked webhook', async () => {
    const ref = reference('-mandate');
    const mandate = await setUp(ref);
    await waitFor(
      async () =>
        ((await (await h.ivy('mandate/lookup', { referenceId: ref })).json()) as Mandate).status ===
        'active',
    );
    const revoked = await h.ivy('mandate/revoke', { id: mandate?.id });
    expect(await revoked.json()).toMatchObject({
      status: 'inactive',
      revokedAt: expect.any(String),
    });
    await waitFor(() =>
      h.events().some((e) => e.type === 'mandate_revoked' && e.payload['id'] === mandate?.id),
    );
    expect((await h.ivy('mandate/retrieve', { id: 'nope' })).status).toBe(404);
  });
});

describe('charge/create', () => {
  async function activeMandate(): Promise<Mandate> {
    const ref = reference('-mandate');
    await setUp(ref);
    return waitFor(async () => {
      const m = (await (await h.ivy('mandate/lookup', { referenceId: ref })).json()) as Mandate;
      return m.status === 'active' ? m : null;
    }, 'active mandate');
  }

  const chargeBody = (mandateId: string, referenceId: string, key: string) => ({
    mandateId,
    price: { total: 9.9, currency: 'EUR' },
    referenceId,
    idempotencyKey: key,
  });

  it('needs idempotencyKey in the body; same key and body replay, another body is a 409', async () => {
    const mandate = await activeMandate();
    const ref = reference('-c');
    const missing = await h.ivy('charge/create', {
      mandateId: mandate.id,
      price: { total: 9.9, currency: 'EUR' },
      referenceId: ref,
    });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ code: 'VALIDATION', param: 'idempotencyKey' });
    const first = await h.ivy('charge/create', chargeBody(mandate.id, ref, 'k-1'));
    expect(first.status).toBe(200);
    const charge = (await first.json()) as { id: string; orderId: string; mandateId: string };
    expect(charge.mandateId).toBe(mandate.id);
    const replay = await h.ivy('charge/create', {
      idempotencyKey: 'k-1',
      referenceId: ref,
      price: { currency: 'EUR', total: 9.9 },
      mandateId: mandate.id,
    });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(charge);
    const other = await h.ivy('charge/create', {
      ...chargeBody(mandate.id, ref, 'k-1'),
      price: { total: 9.91, currency: 'EUR' },
    });
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({ category: 'idempotency_error' });
    const orders = (await (await h.control('GET', 'orders?provider=ivy')).json()) as {
      reference: string;
    }[];
    expect(orders.filter((o) => o.reference === ref)).toHaveLength(1);
    const sameRef = await h.ivy('charge/create', chargeBody(mandate.id, ref, 'k-2'));
    expect(sameRef.status).toBe(409);
    expect((await h.ivy('charge/create', chargeBody('nope', reference('-c'), 'k-3'))).status).toBe(
      404,
    );
  });

  it('settles paid, fails -fail, and disputes -dispute then revokes the mandate, in Ivy order', async () => {
    const mandate = await activeMandate();
    const paid = reference('-c');
    const failing = reference('-fail');
    const disputed = reference('-dispute');
    const orderIds: Record<string, string> = {};
    for (const [ref, key] of [
      [paid, 'p'],
      [failing, 'f'],
      [disputed, 'd'],
    ] as const) {
      const response = await h.ivy('charge/create', chargeBody(mandate.id, ref, `${ref}-${key}`));
      expect(response.status).toBe(200);
      orderIds[ref] = ((await response.json()) as { orderId: string }).orderId;
    }
    await waitFor(
      () => h.events().some((e) => e.type === 'mandate_revoked' && e.payload['id'] === mandate.id),
      'revoked',
    );
    const of = (ref: string) =>
      eventsOf((p) => p['referenceId'] === ref && p['id'] === orderIds[ref]);
    // Order and mandate events travel on separate delivery chains.
    await waitFor(
      () => of(disputed).length === 3 && of(failing).length === 2 && of(paid).length === 2,
      'settled',
    );
    expect(of(paid)).toEqual(['order_created:processing', 'order_updated:paid']);
    expect(of(failing)).toEqual(['order_created:processing', 'order_updated:failed']);
    expect(of(disputed)).toEqual([
      'order_created:processing',
      'order_updated:paid',
      'order_updated:disputed',
    ]);
    const details = await h.ivy('order/details', { id: disputed });
    expect(await details.json()).toMatchObject({ status: 'disputed', mandateId: mandate.id });
    const after = await h.ivy('charge/create', chargeBody(mandate.id, reference('-c'), 'late'));
    expect(after.status).toBe(409);
    const outcome = await h.control('POST', `orders/ivy/${orderIds[paid]}/outcome`, {
      status: 'refunded',
    });
    expect(outcome.status).toBe(200);
  });
});
