/**
 * @module
 * The emulated Koywe against Koywe's own "Accepting Payments Integration Guide": the requests of
 * Steps 1–4 and 7 (sign-in, payment methods, contact, PAYIN order, order status) with the
 * guide's bodies, and the guide's documented responses and webhook handling (Step 6:
 * `Koywe-Signature` = hex HMAC-SHA256 of the raw body; `event.id`, `event.type`,
 * `event.data.orderId`, `event.data.externalId`).
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shapeDifferences } from '../test-support/doc-shape.js';
import { startLoopback, waitFor, type Loopback } from '../test-support/harness.js';

const CREDENTIALS = {
  apiKey: 'your_api_key',
  secret: 'your_secret',
  orgId: 'YOUR_ORG_ID',
  merchantId: 'YOUR_MERCHANT_ID',
  webhookSecret: 'koywe_docs_webhook_secret',
};
const MERCHANT = `/organizations/${CREDENTIALS.orgId}/merchants/${CREDENTIALS.merchantId}`;

/** Step 1's body, verbatim. */
const DOCUMENTED_SIGN_IN = `{ "apiKey": "your_api_key", "secret": "your_secret" }`;
/** Step 1's response. */
const DOCUMENTED_TOKEN = { token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' };

/** One entry of Step 2's payment-method list. */
interface DocumentedMethod {
  method: string;
  name: string;
  supportedCountries: string[];
  supportedCurrencies: string[];
  extra?: { banks: string[] };
}

/** Step 2's PSE bank list, verbatim: plain bank codes. */
const DOCUMENTED_PSE_BANKS = ['BANCOLOMBIA', 'DAVIVIENDA', 'BOGOTA'];

/** Step 2's example response, verbatim. */
const DOCUMENTED_METHODS: DocumentedMethod[] = [
  {
    method: 'PSE',
    name: 'PSE - Pagos Seguros en Línea',
    supportedCountries: ['CO'],
    supportedCurrencies: ['COP'],
    extra: { banks: DOCUMENTED_PSE_BANKS },
  },
  { method: 'NEQUI', name: 'Nequi', supportedCountries: ['CO'], supportedCurrencies: ['COP'] },
];

/** Step 3's curl body, verbatim. */
const DOCUMENTED_CONTACT = `{ "email": "customer@example.com", "phone": "+573001234567", "fullName": "Juan Pérez", "countrySymbol": "CO", "documentType": "CC", "documentNumber": "1234567890", "businessType": "PERSON" }`;

/** Step 4's curl body, verbatim (its `contactId` is replaced by the contact created first). */
const DOCUMENTED_ORDER = `{ "type": "PAYIN", "originCurrencySymbol": "COP", "destinationCurrencySymbol": "COP", "amountIn": 50000, "description": "Payment for Order #12345", "externalId": "order-12345-1699999999", "contactId": "cnt_abc123", "paymentMethods": [ { "method": "PSE", "extra": { "bankAccount": { "name": "BANCOLOMBIA" } } } ], "successUrl": "https://yoursite.com/payment/success", "failedUrl": "https://yoursite.com/payment/failed" }`;

/** Step 4's response. */
const DOCUMENTED_CREATED = {
  id: 'ord_abc123xyz',
  type: 'PAYIN',
  status: 'PENDING',
  amountIn: 50000,
  originCurrencySymbol: 'COP',
  destinationCurrencySymbol: 'COP',
  paymentUrl: 'https://checkout.koywe.com/pay/ord_abc123xyz',
  externalId: 'order-12345-1699999999',
  description: 'Payment for Order #12345',
  createdAt: '2025-11-13T10:00:00Z',
};

/** Step 7's response. */
const DOCUMENTED_COMPLETED = {
  id: 'ord_abc123xyz',
  type: 'PAYIN',
  status: 'COMPLETED',
  amountIn: 50000,
  originCurrencySymbol: 'COP',
  destinationCurrencySymbol: 'COP',
  externalId: 'order-12345',
  dates: {
    confirmationDate: '2025-11-13T10:00:00Z',
    paymentDate: '2025-11-13T10:05:00Z',
    deliveryDate: '2025-11-13T10:06:00Z',
  },
};

/** What Step 6's handler reads from an event. */
const DOCUMENTED_EVENT = {
  id: 'evt_1',
  type: 'order.paid',
  data: { orderId: 'ord_abc123xyz', externalId: 'order-12345' },
};

/** The order event types Step 6's handler switches on. */
const DOCUMENTED_EVENT_TYPES = [
  'order.created',
  'order.pending',
  'order.processing',
  'order.paid',
  'order.completed',
  'order.failed',
  'order.expired',
  'order.cancelled',
];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('Koywe "Accepting Payments Integration Guide"', () => {
  let loopback: Loopback;
  let token = '';
  let counter = 0;

  beforeAll(async () => {
    loopback = await startLoopback((receiver) => ({
      credentials: { koywe: CREDENTIALS },
      webhookUrls: { koywe: receiver.url },
    }));
    const signIn = await koywe('POST', '/auth/sign-in', DOCUMENTED_SIGN_IN);
    token = ((await signIn.json()) as typeof DOCUMENTED_TOKEN).token;
  });
  afterAll(() => loopback.close());

  function koywe(method: string, path: string, body?: string): Promise<Response> {
    return fetch(`${loopback.emulator.url}/koywe${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body }),
    });
  }

  /** Step 3 then Step 4: the documented order for a fresh contact and externalId. */
  async function createDocumentedOrder(
    change: (order: Record<string, unknown>) => void = () => {},
  ) {
    const contact = await koywe('POST', `${MERCHANT}/contacts`, DOCUMENTED_CONTACT);
    const { id: contactId } = (await contact.json()) as { id: string };
    counter += 1;
    const order = JSON.parse(DOCUMENTED_ORDER) as Record<string, unknown>;
    order['contactId'] = contactId;
    order['externalId'] = `order-12345-${process.pid}-${counter}`;
    change(order);
    return koywe('POST', `${MERCHANT}/orders`, JSON.stringify(order));
  }

  it('Step 1: signs in with the documented body and answers a token', async () => {
    const response = await koywe('POST', '/auth/sign-in', DOCUMENTED_SIGN_IN);
    expect(response.status).toBe(200);
    const body = (await response.json()) as typeof DOCUMENTED_TOKEN;
    expect(shapeDifferences(DOCUMENTED_TOKEN, body)).toEqual([]);
    expect(body.token.split('.')).toHaveLength(3);
  });

  it('Step 2: lists the Colombian methods in the documented shape', async () => {
    const response = await koywe('GET', '/payment-method?countrySymbol=CO&currencySymbol=COP');
    expect(response.status).toBe(200);
    const methods = (await response.json()) as typeof DOCUMENTED_METHODS;
    for (const documented of DOCUMENTED_METHODS) {
      const method = methods.find((m) => m.method === documented.method);
      expect(shapeDifferences(documented, method), documented.method).toEqual([]);
      expect(method?.supportedCountries).toContain('CO');
      expect(method?.supportedCurrencies).toContain('COP');
    }
    const pse = methods.find((m) => m.method === 'PSE');
    expect(pse?.name).toBe('PSE - Pagos Seguros en Línea');
    expect(pse?.extra?.banks).toEqual(expect.arrayContaining(DOCUMENTED_PSE_BANKS));
  });

  it('Step 4: takes each bank code Step 2 lists as the PSE bank of an order', async () => {
    const response = await koywe('GET', '/payment-method?countrySymbol=CO&currencySymbol=COP');
    const methods = (await response.json()) as typeof DOCUMENTED_METHODS;
    const banks = methods.find((m) => m.method === 'PSE')?.extra?.banks ?? [];
    expect(banks.length).toBeGreaterThan(0);
    for (const bank of banks) {
      const order = await createDocumentedOrder((o) => {
        o['paymentMethods'] = [{ method: 'PSE', extra: { bankAccount: { name: bank } } }];
      });
      expect(order.status, bank).toBe(201);
    }
  });

  it('Step 3: creates the documented contact', async () => {
    const response = await koywe('POST', `${MERCHANT}/contacts`, DOCUMENTED_CONTACT);
    expect(response.ok).toBe(true);
    const body = (await response.json()) as { id: string };
    expect(typeof body.id).toBe('string');
    expect(body.id.length).toBeGreaterThan(0);
  });

  it('Step 4: creates the documented PAYIN order and answers the documented fields', async () => {
    const response = await createDocumentedOrder();
    expect(response.ok).toBe(true);
    const order = (await response.json()) as typeof DOCUMENTED_CREATED;
    expect(shapeDifferences(DOCUMENTED_CREATED, order)).toEqual([]);
    expect(order).toMatchObject({
      type: 'PAYIN',
      status: 'PENDING',
      amountIn: 50000,
      originCurrencySymbol: 'COP',
      destinationCurrencySymbol: 'COP',
      description: 'Payment for Order #12345',
    });
    expect(order.createdAt).toMatch(ISO_DATE);
    const page = await fetch(order.paymentUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('Steps 6 and 7: a paid order sends signed events and reads back COMPLETED with dates', async () => {
    const created = (await (await createDocumentedOrder()).json()) as typeof DOCUMENTED_CREATED;
    const pay = await fetch(`${created.paymentUrl}/pay`, { method: 'POST', redirect: 'manual' });
    expect(pay.status).toBe(303);
    expect(pay.headers.get('location')).toMatch(/^https:\/\/yoursite\.com\/payment\/success/);

    const events = () =>
      loopback.receiver.received
        .map((r) => ({ r, event: JSON.parse(r.body) as typeof DOCUMENTED_EVENT }))
        .filter(({ event }) => event.data.orderId === created.id);
    await waitFor(
      () => events().some(({ event }) => event.type === 'order.completed'),
      'order.completed',
    );
    for (const { r, event } of events()) {
      expect(shapeDifferences(DOCUMENTED_EVENT, event)).toEqual([]);
      expect(DOCUMENTED_EVENT_TYPES).toContain(event.type);
      expect(event.data.externalId).toBe(created.externalId);
      expect(r.headers['koywe-signature']).toBe(
        createHmac('sha256', CREDENTIALS.webhookSecret).update(r.raw).digest('hex'),
      );
    }
    expect(new Set(events().map(({ event }) => event.id)).size).toBe(events().length);

    const response = await koywe('GET', `${MERCHANT}/orders/${created.id}`);
    expect(response.status).toBe(200);
    const order = (await response.json()) as typeof DOCUMENTED_COMPLETED;
    expect(shapeDifferences(DOCUMENTED_COMPLETED, order)).toEqual([]);
    expect(order).toMatchObject({ id: created.id, status: 'COMPLETED', amountIn: 50000 });
    for (const date of Object.values(order.dates)) expect(date).toMatch(ISO_DATE);
  });

  it('Testing: amount 666 fails the payment in the sandbox', async () => {
    const created = (await (
      await createDocumentedOrder((order) => {
        order['amountIn'] = 666;
      })
    ).json()) as typeof DOCUMENTED_CREATED;
    await fetch(`${created.paymentUrl}/pay`, { method: 'POST', redirect: 'manual' });
    const failed = await waitFor(async () => {
      const order = (await (await koywe('GET', `${MERCHANT}/orders/${created.id}`)).json()) as {
        status: string;
      };
      return order.status === 'FAILED' ? order : null;
    }, 'FAILED');
    expect(failed.status).toBe('FAILED');
  });
});
