/**
 * @module
 * The provider clients on top of the shared HTTP, with an injected fetch: which calls each one
 * repeats, IXOPAY's signing and temporary error codes, Koywe's token renewal on 401, and what a
 * 409 after a repeat means for Ivy and FuratPay.
 */
import { describe, expect, it } from 'vitest';
import { FuratPayClient } from '../furatpay/furatpay-client.js';
import { IvyClient } from '../ivy/ivy-client.js';
import { IwocaPayClient } from '../iwocapay/iwocapay-client.js';
import { IxopayClient } from '../ixopay/ixopay-client.js';
import { IXOPAY_CONTENT_TYPE, signIxopay } from '../ixopay/ixopay-signature.js';
import { KoyweClient } from '../koywe/koywe-client.js';

interface Seen {
  method: string;
  path: string;
  headers: Headers;
  body: string | undefined;
}

/** A fetch that records each request and answers from `answer`. */
function fakeFetch(answer: (call: number, seen: Seen) => Response | Error) {
  const seen: Seen[] = [];
  const fn = async (input: string | URL | Request, init: RequestInit = {}) => {
    const request: Seen = {
      method: init.method ?? 'GET',
      path: new URL(String(input)).pathname,
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? init.body : undefined,
    };
    seen.push(request);
    const result = answer(seen.length, request);
    if (result instanceof Error) throw result;
    return result;
  };
  return { seen, fn: fn as typeof fetch };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers });

const API = 'https://provider.example/api';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('IXOPAY client', () => {
  const SECRET = 'shared-secret';
  const DEBIT = {
    merchantTransactionId: 'mt-1',
    amount: '10.00',
    currency: 'EUR',
    successUrl: 'https://shop.example/ok',
    cancelUrl: 'https://shop.example/cancel',
    errorUrl: 'https://shop.example/error',
    callbackUrl: 'https://shop.example/cb',
  };
  const ACCEPTED = { success: true, uuid: 'u-1', returnType: 'REDIRECT', redirectUrl: 'https://x' };

  function client(fetcher: typeof fetch) {
    let second = 0;
    return new IxopayClient({
      apiUrl: `${API}/`,
      apiKey: 'key',
      username: 'user',
      password: 'pass',
      sharedSecret: SECRET,
      retryBaseMs: 1,
      fetch: fetcher,
      now: () => new Date(Date.UTC(2026, 0, 1, 12, 0, second++)),
    });
  }

  it('signs every attempt anew, over the bytes it sends', async () => {
    const spy = fakeFetch((call) => (call === 1 ? json(503, {}) : json(200, ACCEPTED)));
    const { answer, attempt } = await client(spy.fn).debit(DEBIT);
    expect(answer.uuid).toBe('u-1');
    expect(attempt).toBe(2);
    const dates = spy.seen.map((s) => s.headers.get('date'));
    expect(new Set(dates).size).toBe(2);
    for (const seen of spy.seen) {
      expect(seen.body).toBe(JSON.stringify(DEBIT));
      expect(seen.headers.get('content-type')).toBe(IXOPAY_CONTENT_TYPE);
      expect(seen.headers.get('authorization')).toBe(
        `Basic ${Buffer.from('user:pass').toString('base64')}`,
      );
      expect(seen.headers.get('x-signature')).toBe(
        signIxopay(SECRET, {
          method: 'POST',
          body: seen.body ?? '',
          contentType: IXOPAY_CONTENT_TYPE,
          date: seen.headers.get('date') ?? '',
          requestUri: '/api/transaction/key/debit',
        }),
      );
    }
  });

  it('signs a status read with an empty body and sends none', async () => {
    const spy = fakeFetch(() => json(200, { success: true, transactionStatus: 'SUCCESS' }));
    expect(await client(spy.fn).statusByMerchantTransactionId('mt 1')).toMatchObject({
      transactionStatus: 'SUCCESS',
    });
    const [seen] = spy.seen as [Seen];
    expect(seen.method).toBe('GET');
    expect(seen.body).toBeUndefined();
    expect(seen.headers.get('x-signature')).toBe(
      signIxopay(SECRET, {
        method: 'GET',
        body: '',
        contentType: IXOPAY_CONTENT_TYPE,
        date: seen.headers.get('date') ?? '',
        requestUri: '/api/status/key/getByMerchantTransactionId/mt%201',
      }),
    );
  });

  it('repeats an answer with an error code IXOPAY calls temporary, and a 2xx that is no answer', async () => {
    const busy = { success: false, errorCode: 1009, errorMessage: 'busy' };
    const answers = [json(200, busy), json(200, {}), json(200, ACCEPTED)];
    const spy = fakeFetch((call) => answers[call - 1] ?? json(500, {}));
    const { answer, attempt } = await client(spy.fn).debit(DEBIT);
    expect(answer.success).toBe(true);
    expect(attempt).toBe(3);
  });

  it('gives the last temporary answer once the attempts are spent', async () => {
    const busy = { success: false, errorCode: 3001, errorMessage: 'timeout' };
    const spy = fakeFetch(() => json(200, busy));
    const { answer, attempt } = await client(spy.fn).debit(DEBIT);
    expect(answer).toMatchObject({ success: false, errorCode: 3001 });
    expect(attempt).toBe(3);
    const status = await rejection(client(spy.fn).statusByMerchantTransactionId('mt-1'));
    expect(status).toMatchObject({ code: 'provider_unavailable', retryable: true });
    expect(spy.seen).toHaveLength(6);
  });

  it('does not repeat a definitive refusal or a missing transaction', async () => {
    const spy = fakeFetch((_, seen) =>
      seen.method === 'GET'
        ? json(200, { success: false, errorCode: 8001, errorMessage: 'not found' })
        : json(400, { success: false, errorCode: 1002, errorMessage: 'invalid' }),
    );
    expect((await client(spy.fn).debit(DEBIT)).answer.errorCode).toBe(1002);
    expect(await client(spy.fn).statusByMerchantTransactionId('mt-1')).toBeNull();
    expect(spy.seen).toHaveLength(2);
  });
});

describe('Koywe client', () => {
  function client(fetcher: typeof fetch) {
    return new KoyweClient({
      apiUrl: API,
      apiKey: 'k',
      secret: 's',
      orgId: 'org',
      merchantId: 'mer',
      retryBaseMs: 1,
      fetch: fetcher,
    });
  }

  it('answers a 401 by signing in again once and repeating the request with the new token', async () => {
    let signIns = 0;
    const spy = fakeFetch((_, seen) => {
      if (seen.path.endsWith('/auth/sign-in')) return json(200, { token: `t${++signIns}` });
      return seen.headers.get('authorization') === 'Bearer t1'
        ? json(401, { statusCode: 401, message: 'expired' })
        : json(200, [{ method: 'PSE' }]);
    });
    const koywe = client(spy.fn);
    expect(await koywe.paymentMethods('CO', 'COP')).toEqual([{ method: 'PSE' }]);
    expect(spy.seen.map((s) => `${s.path} ${s.headers.get('authorization') ?? '-'}`)).toEqual([
      '/api/auth/sign-in -',
      '/api/payment-method Bearer t1',
      '/api/auth/sign-in -',
      '/api/payment-method Bearer t2',
    ]);
    expect(koywe.signIns).toBe(2);
  });

  it('repeats a sign-in that failed for now, but not a refused one', async () => {
    const flaky = fakeFetch((call, seen) => {
      if (seen.path.endsWith('/auth/sign-in'))
        return call === 1 ? json(503, {}) : json(200, { token: 't' });
      return json(200, []);
    });
    await client(flaky.fn).paymentMethods('CO', 'COP');
    expect(flaky.seen.map((s) => s.path)).toEqual([
      '/api/auth/sign-in',
      '/api/auth/sign-in',
      '/api/payment-method',
    ]);
    const refused = fakeFetch(() => json(401, { message: 'bad key' }));
    const koywe = client(refused.fn);
    expect(await rejection(koywe.paymentMethods('CO', 'COP'))).toMatchObject({
      failure: { kind: 'unauthorized' },
    });
    expect(refused.seen).toHaveLength(1);
  });
});

describe('iwocaPay client', () => {
  const SUPPLIER = '3f1d2c4b-5a69-4788-9a0b-1c2d3e4f5a6b';
  const ORDER = {
    id: '0e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b',
    amount: 100,
    reference: 'r-1',
    status: 'CREATED',
  };
  const BODY = {
    amount: 100,
    reference: 'r-1',
    redirect_url: 'https://shop.example/back',
    webhook_url: 'https://shop.example/hook',
  };

  it('repeats a create only when iwocaPay surely did not take it (429), as Retry-After says', async () => {
    const spy = fakeFetch((call) =>
      call === 1 ? json(429, {}, { 'Retry-After': '0' }) : json(201, { data: ORDER }),
    );
    const iwocaPay = new IwocaPayClient({
      apiUrl: API,
      supplierUuid: SUPPLIER,
      accessToken: 'tok',
      retryBaseMs: 1,
      fetch: spy.fn,
    });
    expect((await iwocaPay.createOrder(BODY)).id).toBe(ORDER.id);
    expect(spy.seen).toHaveLength(2);
    expect(spy.seen[1]?.headers.get('authorization')).toBe('Bearer tok');
    expect(spy.seen[1]?.body).toBe(JSON.stringify({ data: BODY }));
  });
});

describe('a 409 after a repeat', () => {
  const SESSION = { id: 's-1', referenceId: 'r-1', status: 'open' };
  const IVY_BODY = {
    price: { total: 10, currency: 'EUR' },
    referenceId: 'r-1',
    successCallbackUrl: 'https://shop.example/ok',
    errorCallbackUrl: 'https://shop.example/error',
  };
  const conflict = () => json(409, { message: 'duplicate' });

  it('leaves an Ivy session unconfirmed (retryable), but a first 409 is a refusal', async () => {
    const ivy = (fetcher: typeof fetch) =>
      new IvyClient({ apiUrl: API, apiKey: 'key', retryBaseMs: 1, fetch: fetcher });
    const lost = fakeFetch((call) => (call === 1 ? new TypeError('fetch failed') : conflict()));
    expect(await rejection(ivy(lost.fn).createCheckoutSession(IVY_BODY))).toMatchObject({
      code: 'provider_unavailable',
      message: 'Ivy did not confirm the checkout session',
    });
    const first = fakeFetch(conflict);
    expect(await rejection(ivy(first.fn).createCheckoutSession(IVY_BODY))).toMatchObject({
      code: 'provider_error',
      message: 'Ivy refused the request: duplicate',
    });
    const ok = fakeFetch(() => json(200, SESSION));
    expect(await ivy(ok.fn).createCheckoutSession(IVY_BODY)).toMatchObject(SESSION);
    expect(ok.seen[0]?.headers.get('x-ivy-api-key')).toBe('key');
  });

  it('leaves a FuratPay invoice unconfirmed (retryable), but a first 409 is a refusal', async () => {
    const furatPay = (fetcher: typeof fetch) =>
      new FuratPayClient({ apiUrl: API, apiKey: 'key', retryBaseMs: 1, fetch: fetcher });
    const lost = fakeFetch((call) => (call === 1 ? json(504, {}) : conflict()));
    expect(await rejection(furatPay(lost.fn).createInvoice({ code: 'c-1' }))).toMatchObject({
      code: 'provider_unavailable',
      message: 'FuratPay did not confirm the invoice',
    });
    const first = fakeFetch(conflict);
    expect(await rejection(furatPay(first.fn).createInvoice({ code: 'c-1' }))).toMatchObject({
      code: 'provider_error',
    });
  });
});
