/**
 * @module
 * The FuratPay emulator over loopback: linked services, invoices, pay requests per service (FIB
 * QR as a real PNG, redirects), the hosted and phone pages, signed webhooks with fresh
 * timestamps on every retry, sandbox triggers, QR expiry and the control API.
 */
import { inflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../start.js';
import { waitFor } from '../../test-support/harness.js';
import { startReceiver, type Receiver } from '../../test-support/receiver.js';
import { crc32 } from './png.js';
import { qrModules } from './qr.js';
import { signFuratPayWebhook } from './signature.js';
import { furatPayWebhookHeaders } from './state.js';

const KEY = 'furat_test_key';
const SECRET = 'furat_test_secret';

let emulator: RunningEmulator | undefined;
let receiver: Receiver | undefined;
let counter = 0;

afterEach(async () => {
  await emulator?.close();
  await receiver?.close();
  emulator = undefined;
  receiver = undefined;
});

async function start(
  options: { timeScale?: number; now?: () => number; script?: number[] } = {},
): Promise<{ emulator: RunningEmulator; receiver: Receiver }> {
  receiver = await startReceiver(options.script ?? []);
  emulator = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    timeScale: options.timeScale ?? 0.001,
    credentials: { furatpay: { apiKey: KEY, webhookSecret: SECRET } },
    webhookUrls: { furatpay: receiver.url },
    ...(options.now ? { now: options.now } : {}),
  });
  return { emulator, receiver };
}

function api(path: string, init: { method?: string; body?: unknown; key?: string | null } = {}) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (init.key !== null) headers['x-api-key'] = init.key ?? KEY;
  return fetch(`${emulator?.url}/furatpay${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

function invoiceBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  const reference = `1-shop-${process.pid}-${counter}`;
  return {
    code: reference,
    number: 1000 + counter,
    order_number: reference,
    currency_id: 3,
    total: 25,
    subtotal: 25,
    status: 'pending',
    customer_id: 'pc-test-customer',
    items: [{ item: 'Tea', description: 'x', rate: 25, quantity: 1, discount: 0 }],
    ...overrides,
  };
}

async function createInvoice(overrides: Record<string, unknown> = {}) {
  const response = await api('/invoice', { body: invoiceBody(overrides) });
  expect(response.status).toBe(201);
  return (await response.json()) as {
    id: string;
    code: string;
    order_number: string;
    status: string;
  };
}

async function pay(invoiceId: string, serviceId: number, extra: Record<string, unknown> = {}) {
  const response = await api('/public/invoice/pay', {
    body: { payment_service_id: serviceId, invoice_id: invoiceId, ...extra },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown> & {
    data?: Record<string, string>;
  };
}

/** Reads back a PNG written by our writer (greyscale, filter 0) as rows of dark booleans. */
function decodePng(dataUrl: string): { width: number; dark: (x: number, y: number) => boolean } {
  const png = Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64');
  expect(png.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
  let offset = 8;
  let width = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    expect(png.readUInt32BE(offset + 8 + length)).toBe(
      crc32(png.subarray(offset + 4, offset + 8 + length)),
    );
    if (type === 'IHDR') width = data.readUInt32BE(0);
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const pixels = inflateSync(Buffer.concat(idat));
  return { width, dark: (x, y) => pixels[y * (width + 1) + 1 + x] === 0 };
}

describe('FuratPay emulator API', () => {
  it('rejects a missing or wrong x-api-key with 401 and a message', async () => {
    await start();
    for (const key of [null, 'wrong']) {
      const response = await api('/payment_service/linked/list', { key });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ message: expect.any(String) });
    }
  });

  it('lists the linked services with the plugin fields', async () => {
    await start();
    const response = await api(
      '/payment_service/linked/list?limit=10&offset=0&status=production,testing',
    );
    const body = (await response.json()) as {
      data: { id: number; name: string; status: string }[];
    };
    expect(body.data.map((s) => [s.id, s.name, s.status])).toEqual([
      [1, 'ZainCash', 'active'],
      [2, 'FastPay', 'active'],
      [3, 'QiCard', 'active'],
      [4, 'FIB', 'active'],
      [5, 'PayTabs', 'inactive'],
    ]);
  });

  it('creates invoices, refuses a duplicate code (409) and invalid fields (422), reads them back', async () => {
    await start();
    const body = invoiceBody();
    const created = await api('/invoice', { body });
    expect(created.status).toBe(201);
    const invoice = (await created.json()) as { id: string; status: string; total: number };
    expect(invoice).toMatchObject({ status: 'pending', total: 25 });
    expect((await api('/invoice', { body })).status).toBe(409);
    const invalid = await api('/invoice', {
      body: invoiceBody({ number: '12', total: 1.0001, customer_id: '' }),
    });
    expect(invalid.status).toBe(422);
    const message = ((await invalid.json()) as { message: string }).message;
    expect(message).toMatch(/number/);
    expect(message).toMatch(/customer_id/);
    expect((await api(`/invoice/${invoice.id}`)).status).toBe(200);
    expect((await api('/invoice/nope')).status).toBe(404);
  });

  it('accepts IQD with three decimals and refuses a fourth', async () => {
    await start();
    expect((await api('/invoice', { body: invoiceBody({ total: 1.25 }) })).status).toBe(201);
    expect((await api('/invoice', { body: invoiceBody({ total: 1.2505 }) })).status).toBe(422);
  });
});

describe('FuratPay FIB QR', () => {
  it('answers with a real QR PNG of the phone page, a readable code, three app links and validUntil', async () => {
    const { emulator } = await start();
    const invoice = await createInvoice();
    const answer = await pay(invoice.id, 4);
    expect(answer).toMatchObject({
      qrCode: expect.stringMatching(/^data:image\/png;base64,/),
      readableCode: expect.stringMatching(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/),
      personalAppLink: expect.stringContaining('?app=personal'),
      businessAppLink: expect.stringContaining('?app=business'),
      corporateAppLink: expect.stringContaining('?app=corporate'),
    });
    expect(Date.parse(String(answer['validUntil']))).toBeGreaterThan(Date.now());

    const orders = (await (
      await fetch(`${emulator.url}/_emulator/orders?provider=furatpay`)
    ).json()) as {
      id: string;
      phoneUrl?: string;
    }[];
    const phoneUrl = orders.find((o) => o.id === invoice.id)?.phoneUrl ?? '';
    expect(phoneUrl).toMatch(/\/furatpay\/fib\//);

    // The image is the QR of the phone page, module for module.
    const modules = qrModules(phoneUrl);
    const image = decodePng(String(answer['qrCode']));
    const scale = image.width / modules.length;
    expect(Number.isInteger(scale)).toBe(true);
    modules.forEach((row, y) =>
      row.forEach((dark, x) => expect(image.dark(x * scale, y * scale)).toBe(dark)),
    );
  });

  it('"Scan and pay" on the phone page pays the invoice and sends a signed INVOICE_PAID', async () => {
    const { emulator, receiver } = await start();
    const invoice = await createInvoice();
    await pay(invoice.id, 4);
    const [order] = (await (
      await fetch(`${emulator.url}/_emulator/orders?provider=furatpay`)
    ).json()) as {
      phoneUrl: string;
    }[];
    const phone = await fetch(order?.phoneUrl ?? '');
    const page = await phone.text();
    expect(page).toContain('Scan and pay');
    expect(page).toContain('data:image/png;base64,');
    const pressed = await fetch(`${order?.phoneUrl}/pay`, { method: 'POST', redirect: 'manual' });
    expect(pressed.status).toBe(303);
    expect(await (await fetch(order?.phoneUrl ?? '')).text()).toContain('Payment complete');

    const hook = await waitFor(() => receiver.received[0], 'the webhook');
    const event = JSON.parse(hook.body) as { type: string; data: Record<string, string> };
    expect(event.type).toBe('INVOICE_PAID');
    expect(event.data).toMatchObject({ id: invoice.id, status: 'paid', payment_service_id: 4 });
    const timestamp = String(hook.headers['x-timestamp']);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(hook.headers['x-signature']).toBe(
      signFuratPayWebhook(SECRET, event.data as never, timestamp),
    );
    expect((await api(`/invoice/${invoice.id}`)).status).toBe(200);
    expect(
      ((await (await api(`/invoice/${invoice.id}`)).json()) as { status: string }).status,
    ).toBe('paid');
    // A paid invoice takes no further pay request.
    expect(
      (
        await api('/public/invoice/pay', {
          body: { payment_service_id: 4, invoice_id: invoice.id },
        })
      ).status,
    ).toBe(409);
  });

  it('expires the QR after 15 provider minutes and the invoice with it', async () => {
    const { receiver } = await start({ timeScale: 0.00005 });
    const invoice = await createInvoice();
    await pay(invoice.id, 4);
    const hook = await waitFor(() => receiver.received[0], 'the expiry webhook');
    expect(JSON.parse(hook.body)).toMatchObject({
      type: 'INVOICE_UPDATED',
      data: { id: invoice.id, status: 'expired' },
    });
  });

  it('declines a total ending in .66 (sandbox trigger)', async () => {
    const { receiver } = await start();
    const invoice = await createInvoice({ total: 10.66 });
    const answer = await pay(invoice.id, 1);
    const page = String(answer.data?.['redirect_uri']);
    expect(await (await fetch(page)).text()).toContain('will be declined');
    await fetch(`${page}/pay`, { method: 'POST', redirect: 'manual' });
    const hook = await waitFor(() => receiver.received[0], 'the webhook');
    expect(JSON.parse(hook.body)).toMatchObject({
      type: 'INVOICE_UPDATED',
      data: { status: 'failed' },
    });
  });
});

describe('FuratPay redirect services', () => {
  it('answers each service in its own shape', async () => {
    await start();
    const zain = await pay((await createInvoice()).id, 1);
    expect(zain.data?.['redirect_uri']).toMatch(/\/furatpay\/pay\//);
    const fast = await pay((await createInvoice()).id, 2);
    expect(fast.data).toMatchObject({
      redirect_uri: expect.stringMatching(/\/furatpay\/pay\//),
      qrUrl: expect.stringMatching(/^data:image\/png;base64,/),
      qrText: expect.stringMatching(/\/furatpay\/pay\//),
    });
    const qi = await pay((await createInvoice()).id, 3);
    expect(qi['formUrl']).toMatch(/\/furatpay\/pay\//);
    const inactive = await api('/public/invoice/pay', {
      body: { payment_service_id: 5, invoice_id: (await createInvoice()).id },
    });
    expect(inactive.status).toBe(422);
  });

  it('Pay, Fail and Cancel send the customer to the redirect URL and settle the invoice', async () => {
    await start();
    for (const [action, status] of [
      ['pay', 'paid'],
      ['fail', 'failed'],
      ['cancel', 'canceled'],
    ] as const) {
      const invoice = await createInvoice();
      const answer = await pay(invoice.id, 1, {
        redirect_url: 'http://127.0.0.1:8787/return/cs_1',
      });
      const page = String(answer.data?.['redirect_uri']);
      const html = await (await fetch(page)).text();
      for (const label of ['Pay', 'Fail', 'Cancel']) expect(html).toContain(`>${label}</button>`);
      const pressed = await fetch(`${page}/${action}`, { method: 'POST', redirect: 'manual' });
      expect(pressed.status).toBe(303);
      expect(pressed.headers.get('location')).toBe('http://127.0.0.1:8787/return/cs_1');
      const read = (await (await api(`/invoice/${invoice.id}`)).json()) as { status: string };
      expect(read.status).toBe(status);
      // The page is closed now.
      expect((await fetch(`${page}/pay`, { method: 'POST', redirect: 'manual' })).status).toBe(409);
    }
  });
});

describe('FuratPay webhooks and control API', () => {
  it('re-signs every retry with a fresh timestamp and follows the retry schedule', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const { emulator, receiver } = await start({ now: () => clock, script: [500, 503] });
    const invoice = await createInvoice();
    clock += 1000;
    const outcome = await fetch(`${emulator.url}/_emulator/orders/furatpay/${invoice.id}/outcome`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'paid' }),
    });
    expect(outcome.status).toBe(200);
    await waitFor(() => receiver.received.length >= 1, 'first attempt');
    clock += 10 * 60_000;
    await waitFor(() => receiver.received.length >= 3, 'two retries');
    const [first, , third] = receiver.received;
    expect(first?.body).toBe(third?.body);
    expect(Number(third?.headers['x-timestamp']) - Number(first?.headers['x-timestamp'])).toBe(600);
    const data = JSON.parse(third?.body ?? '{}').data;
    expect(third?.headers['x-signature']).toBe(
      signFuratPayWebhook(SECRET, data, String(third?.headers['x-timestamp'])),
    );
    const log = (await (
      await fetch(`${emulator.url}/_emulator/webhooks?provider=furatpay`)
    ).json()) as {
      delivered: boolean;
      attempts: unknown[];
    }[];
    expect(log[0]).toMatchObject({ delivered: true });
    expect(log[0]?.attempts).toHaveLength(3);
  });

  it('signs with a wrong key under the badSignature fault', async () => {
    const { emulator, receiver } = await start();
    await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ provider: 'furatpay', badSignature: true }),
    });
    const invoice = await createInvoice();
    await fetch(`${emulator.url}/_emulator/orders/furatpay/${invoice.id}/outcome`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'failed' }),
    });
    const hook = await waitFor(() => receiver.received[0], 'the webhook');
    const data = JSON.parse(hook.body).data;
    expect(hook.headers['x-signature']).not.toBe(
      signFuratPayWebhook(SECRET, data, String(hook.headers['x-timestamp'])),
    );
  });

  it('refuses an unknown outcome status and an unknown invoice', async () => {
    const { emulator } = await start();
    const invoice = await createInvoice();
    const post = (id: string, status: string) =>
      fetch(`${emulator.url}/_emulator/orders/furatpay/${id}/outcome`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ status }),
      });
    expect((await post(invoice.id, 'SUCCESSFUL')).status).toBe(400);
    expect((await post('nope', 'paid')).status).toBe(404);
  });

  it('signs the timestamp of each attempt', () => {
    const now = 1_735_689_600_000;
    const headers = (at: number) =>
      furatPayWebhookHeaders(at, (t) =>
        signFuratPayWebhook(SECRET, { id: 'inv_123', code: '42', order_number: '42' }, t),
      );
    expect(headers(now)).toEqual({
      'Content-Type': 'application/json',
      'X-Timestamp': '1735689600',
      'X-Signature': '28cd4249f032b66a42b4bb5bf5424e4e1935039cded1b0df7a3dfe13d6f8fb7d',
    });
    expect(headers(now + 5000)['X-Timestamp']).toBe('1735689605');
  });
});
