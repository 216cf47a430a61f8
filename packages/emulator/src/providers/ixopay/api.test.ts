/**
 * @module
 * The emulated IXOPAY over real HTTP: Basic auth, API key in the path and request signatures
 * checked; every sandbox trigger; duplicate merchantTransactionId (3004); the Status API; the
 * hosted page's buttons; signed callbacks and their retries on IXOPAY's schedule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../start.js';
import type { Receiver } from '../../test-support/receiver.js';
import { startLoopback, waitFor, type Loopback } from '../../test-support/harness.js';
import { signIxopay, verifyIxopay } from './signature.js';
import { IXOPAY_RETRY_DELAYS_MS } from './retry-schedule.js';

const CREDENTIALS = {
  apiKey: 'ixo-test-key',
  username: 'ixo-user',
  password: 'ixo-password',
  sharedSecret: 'ixo_test_secret',
};
const CONTENT_TYPE = 'application/json; charset=utf-8';

let loopback: Loopback;
let emulator: RunningEmulator;
let receiver: Receiver;
let counter = 0;

beforeAll(async () => {
  loopback = await startLoopback(() => ({
    timeScale: 0.0001,
    settleDelayMs: 1000,
    credentials: { ixopay: CREDENTIALS },
  }));
  ({ emulator, receiver } = loopback);
});
afterAll(() => loopback?.close());

function mtid(): string {
  counter += 1;
  return `1-shop-${process.pid}-${counter}`;
}

interface CallOptions {
  method?: string;
  body?: string;
  apiKey?: string;
  auth?: string;
  secret?: string;
  sign?: boolean;
}

async function call(path: string, options: CallOptions = {}): Promise<Response> {
  const method = options.method ?? 'POST';
  const body = options.body ?? '';
  const uri = `/ixopay/${path.replace('{key}', options.apiKey ?? CREDENTIALS.apiKey)}`;
  const date = new Date().toUTCString();
  const headers: Record<string, string> = {
    Authorization:
      options.auth ??
      `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64')}`,
    'Content-Type': CONTENT_TYPE,
    Date: date,
  };
  if (options.sign ?? true) {
    headers['X-Signature'] = signIxopay(options.secret ?? CREDENTIALS.sharedSecret, {
      method,
      body,
      contentType: CONTENT_TYPE,
      date,
      requestUri: uri,
    });
  }
  return fetch(`${emulator.url}${uri}`, {
    method,
    headers,
    ...(method === 'GET' ? {} : { body }),
  });
}

function debitBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    merchantTransactionId: mtid(),
    amount: '19.99',
    currency: 'EUR',
    description: 'Order 42',
    successUrl: 'http://127.0.0.1:8787/return/cs_1',
    cancelUrl: 'http://127.0.0.1:8787/return/cs_1',
    errorUrl: 'http://127.0.0.1:8787/return/cs_1',
    callbackUrl: `${receiver.url}?x=1`,
    ...overrides,
  };
}

async function debit(overrides: Record<string, unknown> = {}) {
  const body = debitBody(overrides);
  const response = await call('transaction/{key}/debit', { body: JSON.stringify(body) });
  return { body, response, json: (await response.json()) as Record<string, unknown> };
}

async function status(merchantTransactionId: string) {
  const response = await call(
    `status/{key}/getByMerchantTransactionId/${encodeURIComponent(merchantTransactionId)}`,
    { method: 'GET' },
  );
  return (await response.json()) as Record<string, unknown>;
}

function callbacksFor(id: string) {
  return receiver.received.filter((r) => r.body.includes(`"merchantTransactionId":"${id}"`));
}

describe('authentication and signing', () => {
  it('refuses wrong Basic credentials, a wrong API key and a bad or missing signature', async () => {
    const body = JSON.stringify(debitBody());
    const wrongUser = await call('transaction/{key}/debit', {
      body,
      auth: 'Basic d3Jvbmc6d3Jvbmc=',
    });
    expect(wrongUser.status).toBe(401);
    expect(await wrongUser.json()).toMatchObject({ success: false });
    expect((await call('transaction/{key}/debit', { body, apiKey: 'other' })).status).toBe(401);
    const badSig = await call('transaction/{key}/debit', { body, secret: 'wrong' });
    expect(badSig.status).toBe(401);
    expect(await badSig.json()).toMatchObject({ errors: [{ errorCode: 1004 }] });
    expect((await call('transaction/{key}/debit', { body, sign: false })).status).toBe(401);
  });

  it('accepts a correctly signed request', async () => {
    const { response, json } = await debit();
    expect(response.status).toBe(200);
    expect(json).toMatchObject({ success: true, returnType: 'REDIRECT' });
  });
});

describe('debit', () => {
  it('REDIRECT: hosted page with Pay/Fail/Cancel; Pay → 303 successUrl, OK callback, SUCCESS', async () => {
    const { body, json } = await debit();
    expect(json['uuid']).toMatch(/^[0-9a-f]{20}$/);
    expect(json['purchaseId']).toMatch(/^\d{8}-[0-9a-f]{20}$/);
    const page = await fetch(String(json['redirectUrl']));
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('€19.99');
    for (const label of ['Pay', 'Fail', 'Cancel']) expect(text).toContain(`>${label}</button>`);

    const pressed = await fetch(`${String(json['redirectUrl'])}/pay`, {
      method: 'POST',
      redirect: 'manual',
    });
    expect(pressed.status).toBe(303);
    expect(pressed.headers.get('location')).toBe(body['successUrl']);
    const id = String(body['merchantTransactionId']);
    const callback = await waitFor(() => callbacksFor(id)[0]);
    expect(JSON.parse(callback.body)).toMatchObject({
      result: 'OK',
      uuid: json['uuid'],
      transactionType: 'DEBIT',
      amount: '19.99',
      currency: 'EUR',
    });
    const headers = callback.headers;
    expect(headers['content-type']).toBe(CONTENT_TYPE);
    expect(
      verifyIxopay(
        CREDENTIALS.sharedSecret,
        {
          method: 'POST',
          body: callback.raw,
          contentType: CONTENT_TYPE,
          date: String(headers['date']),
          requestUri: `${new URL(receiver.url).pathname}?x=1`,
        },
        String(headers['x-signature']),
      ),
    ).toBe(true);
    expect(await status(id)).toMatchObject({ success: true, transactionStatus: 'SUCCESS' });
    // A second press changes nothing.
    const again = await fetch(`${String(json['redirectUrl'])}/fail`, { method: 'POST' });
    expect(again.status).toBe(409);
  });

  it('Fail → ERROR 2003 to errorUrl; Cancel → CANCELLED 2002', async () => {
    const failed = await debit();
    await fetch(`${String(failed.json['redirectUrl'])}/fail`, {
      method: 'POST',
      redirect: 'manual',
    });
    expect(await status(String(failed.body['merchantTransactionId']))).toMatchObject({
      transactionStatus: 'ERROR',
      errors: [{ errorCode: 2003 }],
    });
    const cancelled = await debit();
    await fetch(`${String(cancelled.json['redirectUrl'])}/cancel`, {
      method: 'POST',
      redirect: 'manual',
    });
    const id = String(cancelled.body['merchantTransactionId']);
    expect(await status(id)).toMatchObject({
      transactionStatus: 'CANCELLED',
      errors: [{ errorCode: 2002 }],
    });
    const callback = await waitFor(() => callbacksFor(id)[0]);
    expect(JSON.parse(callback.body)).toMatchObject({ result: 'ERROR', code: 2002 });
  });

  it('sandbox triggers: FINISHED, PENDING, ERROR (6.66), HTML, success:false (4.04)', async () => {
    const finished = await debit({ description: 'finished order' });
    // The card data as the "Callbacks" guide shows it: nested in `cardData`, numeric expiry.
    const cardReturnData = {
      cardData: expect.objectContaining({
        type: 'visa',
        expiryMonth: 12,
        expiryYear: 2030,
        firstSixDigits: '411111',
        lastFourDigits: '1111',
        threeDSecure: 'OFF',
        binCountry: 'US',
      }) as unknown,
    };
    expect(finished.json).toMatchObject({ success: true, returnType: 'FINISHED' });
    expect(finished.json['returnData']).toEqual(cardReturnData);
    const finishedStatus = await status(String(finished.body['merchantTransactionId']));
    expect(finishedStatus).toMatchObject({ transactionStatus: 'SUCCESS' });
    expect(finishedStatus['returnData']).toEqual(cardReturnData);

    const pending = await debit({ description: 'pending order' });
    expect(pending.json).toMatchObject({ success: true, returnType: 'PENDING' });
    const pendingId = String(pending.body['merchantTransactionId']);
    await waitFor(async () => (await status(pendingId))['transactionStatus'] === 'SUCCESS');

    const declined = await debit({ amount: '6.66' });
    expect(declined.json).toMatchObject({
      success: true,
      returnType: 'ERROR',
      errors: [{ errorCode: 2003 }],
    });

    const htmlAnswer = await debit({ description: 'html please' });
    expect(htmlAnswer.json).toMatchObject({ success: true, returnType: 'HTML' });
    expect(String(htmlAnswer.json['htmlContent'])).toContain('<form');

    const refused = await debit({ amount: '4.04' });
    expect(refused.json).toMatchObject({ success: false, errors: [{ errorCode: 1002 }] });
    expect(await status(String(refused.body['merchantTransactionId']))).toMatchObject({
      success: false,
      errors: [{ errorCode: 8001 }],
    });
  });

  it('refuses a reused merchantTransactionId with 3004 and invalid data with 1002', async () => {
    const first = await debit();
    const again = await call('transaction/{key}/debit', { body: JSON.stringify(first.body) });
    expect(await again.json()).toMatchObject({ success: false, errors: [{ errorCode: 3004 }] });
    const bad = await debit({ amount: '19.9999' });
    expect(bad.json).toMatchObject({ success: false, errors: [{ errorCode: 1002 }] });
    const clp = await debit({ amount: '10.5', currency: 'CLP' });
    expect(clp.json).toMatchObject({ success: false, errors: [{ errorCode: 1002 }] });
    const iqd = await debit({ amount: '25.000', currency: 'IQD' });
    expect(iqd.json).toMatchObject({ success: true });
  });
});

describe('callbacks', () => {
  it('retry on IXOPAY schedule, each attempt signed over its Date, until 200', async () => {
    expect(IXOPAY_RETRY_DELAYS_MS.slice(0, 7).map((ms) => ms / 60_000)).toEqual([
      1, 5, 15, 60, 120, 180, 720,
    ]);
    expect(IXOPAY_RETRY_DELAYS_MS).toHaveLength(14);
    receiver.script.push(500, 503);
    const { body } = await debit({ description: 'finished' });
    const id = String(body['merchantTransactionId']);
    await waitFor(() => callbacksFor(id).length >= 3);
    const log = (await (
      await fetch(`${emulator.url}/_emulator/webhooks?provider=ixopay`)
    ).json()) as { body: string; attempts: { status?: number }[]; delivered: boolean }[];
    const delivery = log.find((d) => d.body.includes(id));
    expect(delivery?.attempts.map((a) => a.status)).toEqual([500, 503, 200]);
    expect(delivery?.delivered).toBe(true);
    for (const received of callbacksFor(id)) {
      expect(
        verifyIxopay(
          CREDENTIALS.sharedSecret,
          {
            method: 'POST',
            body: received.raw,
            contentType: CONTENT_TYPE,
            date: String(received.headers['date']),
            requestUri: `${new URL(receiver.url).pathname}?x=1`,
          },
          String(received.headers['x-signature']),
        ),
      ).toBe(true);
    }
  });

  it('control API settles a debit and lists it', async () => {
    const { body, json } = await debit();
    const settled = await fetch(
      `${emulator.url}/_emulator/orders/ixopay/${String(json['uuid'])}/outcome`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ status: 'SUCCESS' }),
      },
    );
    expect(await settled.json()).toMatchObject({
      provider: 'ixopay',
      reference: body['merchantTransactionId'],
      amount: { value: 1999, currency: 'EUR' },
      status: 'SUCCESS',
    });
    const invalid = await fetch(
      `${emulator.url}/_emulator/orders/ixopay/${String(json['uuid'])}/outcome`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ status: 'ERROR' }),
      },
    );
    expect(invalid.status).toBe(409);
  });
});
