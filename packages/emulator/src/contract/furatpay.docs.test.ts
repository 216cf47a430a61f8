/**
 * @module
 * The emulated FuratPay against FuratPay's own "Payment flow" page and the fact sheet's wire
 * facts (FuratPay's own WooCommerce plugin): create an invoice and get the invoice object with
 * its `id`; list the linked payment services; request payment with `payment_service_id` and
 * `invoice_id`, answered per service (a redirect URL for ZainCash, a QR code for FIB, …); a
 * webhook when the invoice changes (event type `INVOICE_PAID` with the invoice data), signed
 * with `X-Timestamp` and `X-Signature`.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shapeDifferences } from '../test-support/doc-shape.js';
import { startLoopback, waitFor, type Loopback } from '../test-support/harness.js';

const API_KEY = 'furatpay_docs_key';
const WEBHOOK_SECRET = 'furatpay_docs_webhook_secret';

/** The invoice body the plugin sends (fact sheet §3.2), for WooCommerce order `number`. */
function pluginInvoice(number: number, total = 25000) {
  return {
    code: String(number),
    number,
    order_number: String(number),
    currency_id: 3,
    base_currency_id: 3,
    rate_id: -1,
    rate: 1,
    at: '2025-01-01 10:00:00',
    due_at: '2025-01-08 10:00:00',
    terms: 'due_on_recept',
    subject: `Order #${number}`,
    customer_notes: '',
    terms_and_conditions: '',
    notes: '',
    attachments: [],
    discount: 0,
    discount_type: 'percentage',
    subtotal: total,
    total,
    status: 'pending',
    remarks: '',
    items: [
      { item: 'T-shirt', description: 'Blue, size M', rate: total, quantity: 1, discount: 0 },
    ],
    meta_data: {},
    customer_id: `wc-customer-${number}`,
    customer: {
      display_name: 'Ahmed Ali',
      email: 'ahmed@example.com',
      phone_no: '+9647700000000',
      type: 'individual',
      details: {
        name: 'Ahmed Ali',
        firstname: 'Ahmed',
        lastname: 'Ali',
        email: 'ahmed@example.com',
      },
    },
  };
}

/** `GET /payment_service/linked/list` as the plugin reads it. */
const DOCUMENTED_SERVICES = {
  data: [{ id: 2, name: 'FastPay', logo: 'https://…', status: 'active' }],
};

/** The FIB answer to a pay request (fact sheet §3.3). */
const DOCUMENTED_FIB = {
  qrCode: 'data:image/png;base64,…',
  readableCode: 'XXXX-XXXX-XXXX',
  personalAppLink: 'https://…',
  businessAppLink: 'https://…',
  corporateAppLink: 'https://…',
  validUntil: '2025-01-01T10:15:00.000Z',
};

/** The other services' answers (fact sheet §3.3). */
const DOCUMENTED_ANSWERS: Record<string, unknown> = {
  ZainCash: { data: { redirect_uri: 'https://…' } },
  FastPay: { data: { redirect_uri: 'https://…', qrUrl: 'https://…' } },
  QiCard: { formUrl: 'https://…' },
};

/** The webhook envelope (fact sheet §4). */
const DOCUMENTED_WEBHOOK = {
  type: 'INVOICE_PAID',
  data: { id: 'inv_123', code: '42', order_number: '42', status: 'paid' },
};

describe('FuratPay "Payment flow"', () => {
  let loopback: Loopback;
  let number = 1000 + (process.pid % 1000) * 100;

  beforeAll(async () => {
    loopback = await startLoopback((receiver) => ({
      credentials: { furatpay: { apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET } },
      webhookUrls: { furatpay: receiver.url },
    }));
  });
  afterAll(() => loopback.close());

  function api(path: string, body?: unknown): Promise<Response> {
    return fetch(`${loopback.emulator.url}/furatpay${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'x-api-key': API_KEY, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  async function createInvoice(total?: number): Promise<{ id: string; code: string }> {
    number += 1;
    const response = await api('/invoice', pluginInvoice(number, total));
    expect([200, 201]).toContain(response.status);
    return (await response.json()) as { id: string; code: string };
  }

  async function services(): Promise<{ id: number; name: string; status: string }[]> {
    const response = await api(
      '/payment_service/linked/list?limit=10&offset=0&status=production,testing',
    );
    expect(response.status).toBe(200);
    return ((await response.json()) as { data: { id: number; name: string; status: string }[] })
      .data;
  }

  it('1. creates an invoice from the plugin body and answers the invoice object', async () => {
    number += 1;
    const response = await api('/invoice', pluginInvoice(number));
    expect([200, 201]).toContain(response.status);
    const invoice = (await response.json()) as Record<string, unknown>;
    expect(typeof invoice['id']).toBe('string');
    expect(invoice).toMatchObject({
      code: String(number),
      number,
      order_number: String(number),
      currency_id: 3,
      total: 25000,
      status: 'pending',
    });
    const read = await api(`/invoice/${String(invoice['id'])}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id: invoice['id'], status: 'pending' });
  });

  it('lists the linked payment services with id, name, logo and status', async () => {
    const response = await api(
      '/payment_service/linked/list?limit=10&offset=0&status=production,testing',
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as typeof DOCUMENTED_SERVICES;
    expect(shapeDifferences(DOCUMENTED_SERVICES, body)).toEqual([]);
    for (const service of body.data) {
      const logo = await fetch(service.logo);
      expect(logo.status, service.name).toBe(200);
      expect(logo.headers.get('content-type')).toBe('image/svg+xml');
      expect(await logo.text()).toContain(`aria-label="${service.name}"`);
    }
    expect(body.data.map((s) => s.name)).toEqual(
      expect.arrayContaining(['ZainCash', 'FastPay', 'QiCard', 'FIB']),
    );
    expect(body.data.find((s) => s.name === 'FastPay')?.id).toBe(2);
    expect(body.data.find((s) => s.name === 'QiCard')?.id).toBe(3);
  });

  it('2. answers a pay request for FIB with the QR code, readable code and app links', async () => {
    const fib = (await services()).find((s) => s.name === 'FIB');
    const invoice = await createInvoice();
    const response = await api('/public/invoice/pay', {
      payment_service_id: fib?.id,
      invoice_id: invoice.id,
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as typeof DOCUMENTED_FIB;
    expect(shapeDifferences(DOCUMENTED_FIB, answer)).toEqual([]);
    expect(answer.qrCode).toMatch(/^data:image\/png;base64,/);
    expect(Date.parse(answer.validUntil)).toBeGreaterThan(Date.now());
  });

  it.each(Object.keys(DOCUMENTED_ANSWERS))(
    '2. answers a pay request for %s with its redirect',
    async (name) => {
      const service = (await services()).find((s) => s.name === name);
      const invoice = await createInvoice();
      const response = await api('/public/invoice/pay', {
        payment_service_id: service?.id,
        invoice_id: invoice.id,
      });
      expect(response.status).toBe(200);
      const answer = (await response.json()) as Record<string, unknown>;
      expect(shapeDifferences(DOCUMENTED_ANSWERS[name], answer)).toEqual([]);
    },
  );

  it('3–4. after a ZainCash payment the invoice is paid and INVOICE_PAID is sent, signed', async () => {
    const zain = (await services()).find((s) => s.name === 'ZainCash');
    const invoice = await createInvoice();
    const paid = await api('/public/invoice/pay', {
      payment_service_id: zain?.id,
      invoice_id: invoice.id,
    });
    const { data } = (await paid.json()) as { data: { redirect_uri: string } };
    const page = await fetch(data.redirect_uri);
    expect(page.status).toBe(200);
    const pay = await fetch(`${data.redirect_uri}/pay`, { method: 'POST', redirect: 'manual' });
    expect(pay.status).toBe(303);

    const webhook = await waitFor(
      () =>
        loopback.receiver.received.find((r) => {
          const body = JSON.parse(r.body) as typeof DOCUMENTED_WEBHOOK;
          return body.type === 'INVOICE_PAID' && body.data.id === invoice.id;
        }),
      'INVOICE_PAID',
    );
    const body = JSON.parse(webhook.body) as typeof DOCUMENTED_WEBHOOK;
    expect(shapeDifferences(DOCUMENTED_WEBHOOK, body)).toEqual([]);
    expect(body.data).toMatchObject({ code: invoice.code, order_number: invoice.code });
    expect(body.data.status.toLowerCase()).toBe('paid');

    const timestamp = String(webhook.headers['x-timestamp']);
    expect(Math.abs(Date.now() / 1000 - Number(timestamp))).toBeLessThanOrEqual(300);
    const message = `${body.data.id}${body.data.code}${body.data.order_number}${timestamp}`;
    expect(webhook.headers['x-signature']).toBe(
      createHmac('sha256', WEBHOOK_SECRET).update(message).digest('hex'),
    );

    const read = await api(`/invoice/${invoice.id}`);
    const status = ((await read.json()) as { status: string }).status;
    expect(['paid', 'completed']).toContain(status.toLowerCase());
  });
});
