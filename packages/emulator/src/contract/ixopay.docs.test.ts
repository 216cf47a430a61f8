/**
 * @module
 * The emulated IXOPAY against IXOPAY's own "Callbacks" guide: the debit request of its Step 1
 * (curl / Python / PHP / Java all send the same body) is accepted with Basic auth and no request
 * signature, and after the customer pays, the callback of its Step 2 arrives with the
 * documented fields, `Date` and an `X-Signature` made as the "Additional security" page says.
 */
import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shapeDifferences } from '../test-support/doc-shape.js';
import { startLoopback, waitFor, type Loopback } from '../test-support/harness.js';

const API_KEY = 'API_KEY';
const USERNAME = 'USERNAME';
const PASSWORD = 'PASSWORD';
const SHARED_SECRET = 'ixopay_docs_shared_secret';

/** Step 1's request body, verbatim (its `callbackUrl` is pointed at the local receiver). */
const DOCUMENTED_DEBIT = `{
"merchantTransactionId": "your-unique-identifier",
"description": "Purchase description shown on credit card statement.",
"amount": "9.99",
"currency": "EUR",
"successUrl": "https://shop.example.org/checkout/success",
"cancelUrl": "https://shop.example.org/checkout/cancelled",
"errorUrl": "https://shop.example.org/checkout/error",
"callbackUrl": "https://api.example.org/callback"
}`;

/** Step 2's callback body, verbatim. */
const DOCUMENTED_CALLBACK = {
  result: 'OK',
  uuid: 'd94c0d72f3a36e21f16e',
  merchantTransactionId: 'auto-d94c0d72f3a36e21f16e',
  purchaseId: '20241218-d94c0d72f3a36e21f16e',
  transactionType: 'DEBIT',
  paymentMethod: 'Creditcard',
  amount: '9.99',
  currency: 'EUR',
  returnData: {
    cardData: {
      type: 'visa',
      cardHolder: 'Alex Smith',
      expiryMonth: 12,
      expiryYear: 2029,
      binDigits: '41111111',
      firstSixDigits: '411111',
      lastFourDigits: '1111',
      fingerprint: '46f7adfeb0a123fb8fcbfasdf6171asd6b3dfas44834c',
      threeDSecure: 'OFF',
      binBrand: 'US',
      binBank: 'Global Trust Bank',
      binCountry: 'US',
    },
  },
};

/** The synchronous answer to a redirect debit (transaction response schema, fact sheet §3). */
const DOCUMENTED_REDIRECT_RESPONSE = {
  success: true,
  uuid: 'a1b2c3d4e5f6a7b8c9d0',
  purchaseId: '20250101-a1b2c3d4e5f6a7b8c9d0',
  returnType: 'REDIRECT',
  redirectUrl: 'https://sandbox.ixopay.com/redirect/a1b2c3d4e5f6a7b8c9d0/XYZ',
  paymentMethod: 'Creditcard',
};

/** "Additional security": Base64 HMAC-SHA512 over method, SHA-512 of the body, type, date, URI. */
function documentedSignature(
  method: string,
  body: Buffer,
  contentType: string,
  date: string,
  uri: string,
): string {
  const bodyHash = createHash('sha512').update(body).digest('hex');
  const message = [method, bodyHash, contentType, date, uri].join('\n');
  return createHmac('sha512', SHARED_SECRET).update(message).digest('base64');
}

describe('IXOPAY "Callbacks" guide', () => {
  let loopback: Loopback;
  beforeAll(async () => {
    loopback = await startLoopback(() => ({
      credentials: {
        ixopay: {
          apiKey: API_KEY,
          username: USERNAME,
          password: PASSWORD,
          sharedSecret: SHARED_SECRET,
          requireSignature: false,
        },
      },
    }));
  });
  afterAll(() => loopback.close());

  it('accepts the documented debit, redirects, and calls back as documented', async () => {
    const body = DOCUMENTED_DEBIT.replace(
      'https://api.example.org/callback',
      loopback.receiver.url,
    );
    // The emulator's `/ixopay` stands for the API base `https://gateway.ixopay.com/api/v3`.
    const response = await fetch(`${loopback.emulator.url}/ixopay/transaction/${API_KEY}/debit`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        Authorization: `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`,
      },
      body,
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as typeof DOCUMENTED_REDIRECT_RESPONSE;
    expect(shapeDifferences(DOCUMENTED_REDIRECT_RESPONSE, answer)).toEqual([]);
    expect(answer).toMatchObject({ success: true, returnType: 'REDIRECT' });
    expect(answer.uuid).toMatch(/^[0-9a-f]{20}$/);
    expect(answer.purchaseId).toMatch(new RegExp(`^\\d{8}-${answer.uuid}$`));

    const page = await fetch(answer.redirectUrl);
    expect(page.status).toBe(200);
    const pay = await fetch(`${answer.redirectUrl}/pay`, { method: 'POST', redirect: 'manual' });
    expect(pay.status).toBe(303);
    expect(pay.headers.get('location')).toBe('https://shop.example.org/checkout/success');

    const callback = await waitFor(
      () => loopback.receiver.received.find((r) => r.body.includes(answer.uuid)),
      'the callback',
    );
    const received = JSON.parse(callback.body) as typeof DOCUMENTED_CALLBACK;
    expect(shapeDifferences(DOCUMENTED_CALLBACK, received)).toEqual([]);
    expect(received).toMatchObject({
      result: 'OK',
      uuid: answer.uuid,
      merchantTransactionId: 'your-unique-identifier',
      purchaseId: answer.purchaseId,
      transactionType: 'DEBIT',
      paymentMethod: 'Creditcard',
      amount: '9.99',
      currency: 'EUR',
    });
    // The card data sits in `returnData.cardData`, nothing else beside it.
    expect(Object.keys(received.returnData)).toEqual(['cardData']);
    const card = received.returnData.cardData;
    expect(card.expiryMonth).toBeGreaterThanOrEqual(1);
    expect(card.expiryMonth).toBeLessThanOrEqual(12);
    expect(Number.isInteger(card.expiryYear)).toBe(true);
    expect(card.firstSixDigits).toBe(card.binDigits.slice(0, 6));
    expect(card.lastFourDigits).toMatch(/^\d{4}$/);

    const contentType = String(callback.headers['content-type']);
    expect(contentType).toMatch(/^application\/json/);
    const date = String(callback.headers['x-date'] ?? callback.headers['date']);
    expect(Number.isNaN(Date.parse(date))).toBe(false);
    const uri = new URL(loopback.receiver.url).pathname;
    expect(callback.headers['x-signature']).toBe(
      documentedSignature('POST', callback.raw, contentType, date, uri),
    );
  });
});
