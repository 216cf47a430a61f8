/**
 * @module
 * The emulated Ivy against Ivy's own "Ivy on File" page: the checkout-create bodies with a
 * mandate (the recommended configuration and the `-fail-setup` simulation), the charge-create
 * bodies (plain, `-fail`, `-dispute`), and the documented webhook events with their payloads,
 * signed as the page's handlers check: hex HMAC-SHA256 of `JSON.stringify(body)` in
 * `X-Ivy-Signature`. The page's examples carry comments, a `"...": "..."` placeholder and (in the
 * charge curl) missing commas; the bodies below are those examples as valid JSON.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { shapeDifferences } from '../test-support/doc-shape.js';
import {
  API_KEY,
  WEBHOOK_SECRET,
  reference,
  sharedHarness,
  waitFor,
} from '../test-support/harness.js';

const h = sharedHarness();

/** "Recommended Configuration" of a checkout that sets up a mandate. */
function recommendedCheckout(checkoutRef: string, mandateRef: string) {
  return {
    price: { totalNet: 100, vat: 19, total: 119, currency: 'EUR' },
    referenceId: checkoutRef,
    successCallbackUrl: 'https://my-website.com/success',
    errorCallbackUrl: 'https://my-website.com/try-again',
    mandate: {
      setup: true,
      referenceId: mandateRef,
      userNotificationEmail: 'the-email-address-of-your-user-to-send-notifications-to',
      accountHolderName: 'the-account-holder-name',
      additionalDisplayInformation: {
        cadence: 'MONTHLY',
        price: { amount: 9.99, currency: 'EUR' },
      },
    },
  };
}

/** The checkout session as the fact sheet's example shows it (§2). */
const DOCUMENTED_SESSION = {
  id: '64d1e370c23b4b4c00cac352',
  referenceId: 'shop-42',
  status: 'open',
  price: { total: 119, currency: 'EUR' },
  expiresAt: 1735693200,
  redirectUrl: 'https://checkout.getivy.de?session=64d1e370c23b4b4c00cac352',
  successCallbackUrl: 'https://shop.example/ok',
  errorCallbackUrl: 'https://shop.example/ko',
};

const SIGNATURE = {
  ip: '127.0.0.1',
  token: 'uniqueToken_ab12cd34',
  signedAt: '2024-07-24T16:38:37.240Z',
};
const CREDITOR = {
  id: 'ABC1289113189389',
  name: 'Creditor Name',
  address: { street: 'Example Street', city: 'Example City', postalCode: '12345', country: 'DE' },
};

/** The page's `mandate_setup_started` example. */
const DOCUMENTED_STARTED = {
  id: 'c8878bf1-ea3c-47da-aff2-4f624399b3d0',
  type: 'mandate_setup_started',
  payload: {
    referenceId: 'my-unique-mandate-reference-id',
    reference: 'my-unique-checkout-reference-id',
    signature: SIGNATURE,
    userNotificationEmail: '[email protected]',
    creditor: CREDITOR,
  },
  date: '2024-07-24T16:38:48.621Z',
};

/** The page's `mandate_setup_succeeded` example. */
const DOCUMENTED_SUCCEEDED = {
  id: '',
  type: 'mandate_setup_succeeded',
  payload: {
    id: '',
    referenceId: '',
    reference: '',
    signature: { ip: '', token: '', signedAt: '' },
    creditor: { address: { street: '', city: '', postalCode: '', country: '' }, id: '', name: '' },
    debtor: { account: { iban: '', accountHolderName: '', bic: '' } },
  },
  date: 'datetime',
};

/** The page's `mandate_setup_failed` example. */
const DOCUMENTED_FAILED = {
  id: '',
  type: 'mandate_setup_failed',
  payload: { error: { code: '', message: '' }, referenceId: '' },
  date: 'datetime',
};

/** The page's `mandate_revoked` example. */
const DOCUMENTED_REVOKED = {
  id: '',
  type: 'mandate_revoked',
  payload: { id: '', referenceId: '', revokedAt: '' },
  date: 'datetime',
};

/** What the page's order handlers read from `order_created` / `order_updated`. */
const DOCUMENTED_ORDER_EVENT = {
  id: '',
  type: 'order_created',
  payload: { status: 'processing' },
  date: 'datetime',
};

/** "Prerequisites - Set up a subaccount": the request body, verbatim. */
const DOCUMENTED_SUBACCOUNT_REQUEST = `{
"legalName": "Example Subaccount GmbH",
"mcc": "4188",
"websiteUrl": "https://www.example-subaccount.com"
}`;

/** The page's answer to it (its trailing comma dropped). */
const DOCUMENTED_SUBACCOUNT = {
  id: '80947008-afec-43fc-a691-e2eb0069653f',
  legalName: 'Example Subaccount GmbH',
  ownerId: '6567433072e99800ed899ddf',
  mcc: '4188',
  status: 'active',
  updatedAt: '2024-07-24T17:40:26.404Z',
  createdAt: '2024-07-24T17:40:26.404Z',
};

interface Event {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  date: string;
}

/** Every delivered webhook, parsed, with a check of its signature. */
function events(): Event[] {
  return h.receiver.received.map((r) => {
    const event = JSON.parse(r.body) as Event;
    // The page's Node and PHP handlers sign the re-serialised body, its Python one the raw body.
    const expected = createHmac('sha256', WEBHOOK_SECRET)
      .update(JSON.stringify(event))
      .digest('hex');
    expect(r.headers['x-ivy-signature']).toBe(expected);
    expect(r.body).toBe(JSON.stringify(event));
    return event;
  });
}

function eventOf(type: string, match: (payload: Record<string, unknown>) => boolean) {
  return events().find((e) => e.type === type && match(e.payload));
}

/** Creates the checkout, presses Pay on the hosted page and waits for the mandate's outcome. */
async function checkOutWithMandate(body: ReturnType<typeof recommendedCheckout>) {
  const created = await h.ivy('checkout/session/create', body);
  expect(created.status).toBe(200);
  const session = (await created.json()) as typeof DOCUMENTED_SESSION;
  const pay = await fetch(`${h.emulator.url}/ivy/checkout/${session.id}/pay`, {
    method: 'POST',
    redirect: 'manual',
  });
  expect(pay.status).toBe(303);
  const ref = body.mandate.referenceId;
  await waitFor(
    () =>
      eventOf('mandate_setup_succeeded', (p) => p['referenceId'] === ref) ??
      eventOf('mandate_setup_failed', (p) => p['referenceId'] === ref),
    'the mandate outcome',
  );
  return session;
}

/** A mandate set up through the recommended configuration; resolves with its id. */
async function mandateId(): Promise<string> {
  const ref = reference('-mandate');
  await checkOutWithMandate(recommendedCheckout(reference(), ref));
  const succeeded = eventOf('mandate_setup_succeeded', (p) => p['referenceId'] === ref);
  return String(succeeded?.payload['id']);
}

describe('Ivy on File: mandate set-up inside a checkout', () => {
  it('accepts the recommended configuration and answers a checkout session', async () => {
    const checkoutRef = reference();
    const created = await h.ivy(
      'checkout/session/create',
      recommendedCheckout(checkoutRef, reference('-mandate')),
    );
    expect(created.status).toBe(200);
    const session = (await created.json()) as typeof DOCUMENTED_SESSION;
    expect(shapeDifferences(DOCUMENTED_SESSION, session)).toEqual([]);
    expect(session).toMatchObject({
      referenceId: checkoutRef,
      status: 'open',
      price: { total: 119, currency: 'EUR' },
      successCallbackUrl: 'https://my-website.com/success',
      errorCallbackUrl: 'https://my-website.com/try-again',
    });
    const page = await fetch(session.redirectUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/€9\.99\s+monthly/);
  });

  it('sends mandate_setup_started and mandate_setup_succeeded as documented', async () => {
    const checkoutRef = reference();
    const mandateRef = reference('-mandate');
    await checkOutWithMandate(recommendedCheckout(checkoutRef, mandateRef));
    const started = eventOf('mandate_setup_started', (p) => p['referenceId'] === mandateRef);
    expect(shapeDifferences(DOCUMENTED_STARTED, started)).toEqual([]);
    expect(started?.payload).toMatchObject({
      referenceId: mandateRef,
      reference: checkoutRef,
      userNotificationEmail: 'the-email-address-of-your-user-to-send-notifications-to',
    });
    const succeeded = eventOf('mandate_setup_succeeded', (p) => p['referenceId'] === mandateRef);
    expect(shapeDifferences(DOCUMENTED_SUCCEEDED, succeeded)).toEqual([]);
    expect(succeeded?.payload).toMatchObject({
      debtor: { account: { accountHolderName: 'the-account-holder-name' } },
    });
    expect(String(succeeded?.payload['id'])).not.toBe('');
    for (const event of [started, succeeded]) expect(Date.parse(String(event?.date))).not.toBeNaN();
  });

  it('fails the set-up of a mandate referenceId ending in -fail-setup', async () => {
    const mandateRef = reference('-fail-setup');
    const body = recommendedCheckout(reference(), mandateRef);
    const { additionalDisplayInformation: _display, ...mandate } = body.mandate;
    await checkOutWithMandate({ ...body, mandate } as ReturnType<typeof recommendedCheckout>);
    const failed = eventOf('mandate_setup_failed', (p) => p['referenceId'] === mandateRef);
    expect(shapeDifferences(DOCUMENTED_FAILED, failed)).toEqual([]);
    expect(eventOf('mandate_setup_succeeded', (p) => p['referenceId'] === mandateRef)).toBe(
      undefined,
    );
  });
});

describe('Ivy on File: charges', () => {
  /** The charge-create curl body, with its commas. */
  function documentedCharge(mandate: string, referenceId: string, total = 100.23) {
    return {
      mandateId: mandate,
      price: { total, currency: 'EUR' },
      idempotencyKey: `key-${referenceId}`,
      referenceId,
    };
  }

  async function orderEvents(referenceId: string): Promise<string[]> {
    return events()
      .filter(
        (e) =>
          (e.type === 'order_created' || e.type === 'order_updated') &&
          e.payload['referenceId'] === referenceId,
      )
      .map((e) => `${e.type}:${String(e.payload['status'])}`);
  }

  it('charges a mandate: order processing, order_created, then paid', async () => {
    const mandate = await mandateId();
    const referenceId = reference();
    const response = await h.ivy('charge/create', documentedCharge(mandate, referenceId));
    expect(response.status).toBe(200);
    const charge = (await response.json()) as { id: string; mandateId: string; orderId: string };
    expect(charge).toMatchObject({ id: expect.any(String), mandateId: mandate });
    const order = await h.ivy('order/details', { id: charge.orderId });
    expect(order.status).toBe(200);
    // Created as `processing` (its order_created says so); the fast clock may have settled it.
    const details = (await order.json()) as { referenceId: string; status: string };
    expect(details.referenceId).toBe(referenceId);
    expect(['processing', 'paid']).toContain(details.status);
    await waitFor(async () => (await orderEvents(referenceId)).length >= 2, 'paid');
    expect(await orderEvents(referenceId)).toEqual([
      'order_created:processing',
      'order_updated:paid',
    ]);
    const created = eventOf('order_created', (p) => p['referenceId'] === referenceId);
    expect(shapeDifferences(DOCUMENTED_ORDER_EVENT, created)).toEqual([]);
  });

  it('fails a charge whose referenceId ends in -fail', async () => {
    const mandate = await mandateId();
    const referenceId = reference('-fail');
    const response = await h.ivy('charge/create', documentedCharge(mandate, referenceId, 1));
    expect(response.status).toBe(200);
    await waitFor(async () => (await orderEvents(referenceId)).length >= 2, 'failed');
    expect(await orderEvents(referenceId)).toEqual([
      'order_created:processing',
      'order_updated:failed',
    ]);
  });

  it('disputes a charge ending in -dispute and revokes its mandate', async () => {
    const mandate = await mandateId();
    const referenceId = reference('-dispute');
    const response = await h.ivy('charge/create', documentedCharge(mandate, referenceId, 1));
    expect(response.status).toBe(200);
    const revoked = await waitFor(
      () => eventOf('mandate_revoked', (p) => p['id'] === mandate),
      'mandate_revoked',
    );
    expect(shapeDifferences(DOCUMENTED_REVOKED, revoked)).toEqual([]);
    expect(Date.parse(String(revoked.payload['revokedAt']))).not.toBeNaN();
    await waitFor(async () => (await orderEvents(referenceId)).length >= 3, 'disputed');
    expect(await orderEvents(referenceId)).toEqual([
      'order_created:processing',
      'order_updated:paid',
      'order_updated:disputed',
    ]);
    const again = await h.ivy('charge/create', documentedCharge(mandate, reference(), 1));
    expect(again.ok).toBe(false);
  });
});

describe('Ivy on File: a charge with a subaccount', () => {
  /** The page's `subaccount/create` curl, sent as it is (the raw body, its headers). */
  function createSubaccount(body: string): Promise<Response> {
    return fetch(`${h.emulator.url}/ivy/api/service/subaccount/create`, {
      method: 'POST',
      headers: {
        'X-Ivy-Api-Key': API_KEY,
        accept: 'application/json',
        'content-type': 'application/json',
      },
      body,
    });
  }

  /** The page's "charge with subaccount id" body. */
  function subaccountCharge(mandate: string, subaccountId: string, referenceId: string) {
    return {
      price: { currency: 'EUR', total: 10.95 },
      subaccountId,
      mandateId: mandate,
      referenceId,
      idempotencyKey: `key-${referenceId}`,
    };
  }

  it('creates the documented subaccount and answers as documented', async () => {
    const response = await createSubaccount(DOCUMENTED_SUBACCOUNT_REQUEST);
    expect(response.status).toBe(200);
    const subaccount = (await response.json()) as typeof DOCUMENTED_SUBACCOUNT;
    expect(shapeDifferences(DOCUMENTED_SUBACCOUNT, subaccount)).toEqual([]);
    expect(subaccount).toMatchObject({
      legalName: 'Example Subaccount GmbH',
      mcc: '4188',
      status: 'active',
    });
    expect(subaccount.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(subaccount.ownerId).toMatch(/^[0-9a-f]{24}$/);
    expect(Date.parse(subaccount.createdAt)).not.toBeNaN();
    expect(subaccount.updatedAt).toBe(subaccount.createdAt);

    const bad = await createSubaccount('{"mcc": "4188"}');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      category: 'invalid_request_error',
      code: 'VALIDATION',
      param: 'legalName',
      message: expect.stringContaining('legalName') as unknown,
    });
  });

  it('charges a mandate with the subaccount id and refuses an unknown one', async () => {
    const created = await createSubaccount(DOCUMENTED_SUBACCOUNT_REQUEST);
    const { id: subaccountId } = (await created.json()) as typeof DOCUMENTED_SUBACCOUNT;
    const mandate = await mandateId();
    const referenceId = reference();
    const response = await h.ivy(
      'charge/create',
      subaccountCharge(mandate, subaccountId, referenceId),
    );
    expect(response.status).toBe(200);
    const charge = (await response.json()) as { id: string; mandateId: string; orderId: string };
    expect(charge).toMatchObject({ id: expect.any(String), mandateId: mandate, subaccountId });
    const order = await h.ivy('order/details', { id: charge.orderId });
    expect(await order.json()).toMatchObject({ referenceId, subaccountId });

    const unknown = await h.ivy(
      'charge/create',
      subaccountCharge(mandate, '7cfa96d2-85de-40ae-b167-079fefee7d5b', reference()),
    );
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      message: 'Subaccount not found.',
      category: 'invalid_request_error',
      code: 'NOT_FOUND',
      param: 'subaccountId',
    });
  });
});
