/**
 * @module
 * The fact sheet's IXOPAY signature vectors, and callback verification: any signed date is
 * accepted (its age only decides whether a success needs confirming), `X-Date` precedence, byte
 * fidelity, malformed signatures, the legacy MD5 variant.
 */
import { describe, expect, it } from 'vitest';
import { isCallbackDateOff, signIxopay, verifyIxopayCallback } from './ixopay-signature.js';

const CONTENT_TYPE = 'application/json; charset=utf-8';
const VECTOR_BODY =
  '{"result":"OK","uuid":"abc123","merchantTransactionId":"shop-42","transactionType":"DEBIT","amount":"9.99","currency":"EUR"}';
const VECTOR_DATE = 'Wed, 01 Jan 2025 00:00:00 GMT';
const VECTOR_SIGNATURE =
  'LgNJEI8ngBYb1qujGev7whzdcWhFEHrDFgvXWgzFA1bWPdnaZuByplfMXbpiOuYoKMLFnBQjgJpgSQYimhL0Iw==';

function headers(values: Record<string, string>) {
  const map = new Headers(values);
  return { get: (name: string) => map.get(name) };
}

function verify(
  overrides: {
    body?: string;
    headers?: Record<string, string>;
    md5?: boolean;
  } = {},
) {
  return verifyIxopayCallback({
    secret: 'ixo_test_secret',
    rawBody: new TextEncoder().encode(overrides.body ?? VECTOR_BODY),
    headers: headers(
      overrides.headers ?? {
        'Content-Type': CONTENT_TYPE,
        Date: VECTOR_DATE,
        'X-Signature': VECTOR_SIGNATURE,
      },
    ),
    requestUri: '/callback',
    allowMd5: overrides.md5 ?? false,
  });
}

describe('IXOPAY signature vectors', () => {
  it('matches the documented request vector', () => {
    expect(
      signIxopay('', {
        method: 'POST',
        body: '',
        contentType: CONTENT_TYPE,
        date: 'Tue, 28 Apr 2026 15:23:40 GMT',
        requestUri: '/api/v3/transaction/YOUR-API-KEY-HERE/debit',
      }),
    ).toBe(
      '4ICq+hfHFA81dAJHcXoP2/Pb+nkp9GljLe2S+REN0vMBhbQYNQUHIw/YxUTEIWS5Uu5WgdDEc7keMtqS0mpnAA==',
    );
  });

  it('matches our callback vector', () => {
    expect(
      signIxopay('ixo_test_secret', {
        method: 'POST',
        body: VECTOR_BODY,
        contentType: CONTENT_TYPE,
        date: VECTOR_DATE,
        requestUri: '/callback',
      }),
    ).toBe(VECTOR_SIGNATURE);
    expect(verify()).toBe(true);
  });
});

describe('callback verification', () => {
  const base = Date.parse(VECTOR_DATE);

  it('accepts a signed callback however old its date, and tells when the date is off', () => {
    // The vector is dated 2025; it verifies today all the same.
    expect(verify()).toBe(true);
    const at = (ms: number) => new Date(base + ms);
    const dated = headers({ Date: VECTOR_DATE });
    expect(isCallbackDateOff(dated, at(299_000))).toBe(false);
    expect(isCallbackDateOff(dated, at(-299_000))).toBe(false);
    expect(isCallbackDateOff(dated, at(301_000))).toBe(true);
    expect(isCallbackDateOff(dated, at(-301_000))).toBe(true);
    expect(isCallbackDateOff(dated, at(2 * 3_600_000))).toBe(true);
    expect(isCallbackDateOff(dated, at(60_000), 30_000)).toBe(true);
    // X-Date is the signed one when both are sent.
    const both = headers({ 'X-Date': VECTOR_DATE, Date: 'Thu, 02 Jan 2025 00:00:00 GMT' });
    expect(isCallbackDateOff(both, at(0))).toBe(false);
    // A missing or unreadable date cannot vouch for anything.
    expect(isCallbackDateOff(headers({}), at(0))).toBe(true);
    expect(isCallbackDateOff(headers({ Date: 'not a date' }), at(0))).toBe(true);
  });

  it('prefers X-Date over Date', () => {
    const signed = {
      'Content-Type': CONTENT_TYPE,
      'X-Date': VECTOR_DATE,
      Date: 'Thu, 02 Jan 2025 00:00:00 GMT',
      'X-Signature': VECTOR_SIGNATURE,
    };
    expect(verify({ headers: signed })).toBe(true);
  });

  it('rejects changed bytes, a changed content type and malformed signatures', () => {
    expect(verify({ body: VECTOR_BODY.replace('9.99', '9.98') })).toBe(false);
    expect(verify({ body: `${VECTOR_BODY} ` })).toBe(false);
    for (const signature of [
      '',
      'abc',
      `${VECTOR_SIGNATURE}=`,
      VECTOR_SIGNATURE.replace('L', '-'),
    ]) {
      expect(
        verify({
          headers: { 'Content-Type': CONTENT_TYPE, Date: VECTOR_DATE, 'X-Signature': signature },
        }),
      ).toBe(false);
    }
    expect(
      verify({
        headers: {
          'Content-Type': 'application/json',
          Date: VECTOR_DATE,
          'X-Signature': VECTOR_SIGNATURE,
        },
      }),
    ).toBe(false);
    expect(
      verify({ headers: { 'Content-Type': CONTENT_TYPE, 'X-Signature': VECTOR_SIGNATURE } }),
    ).toBe(false);
    expect(
      verify({
        headers: {
          'Content-Type': CONTENT_TYPE,
          Date: 'not a date',
          'X-Signature': VECTOR_SIGNATURE,
        },
      }),
    ).toBe(false);
  });

  it('accepts the legacy MD5 body hash only when configured', () => {
    const md5 = signIxopay(
      'ixo_test_secret',
      {
        method: 'POST',
        body: VECTOR_BODY,
        contentType: CONTENT_TYPE,
        date: VECTOR_DATE,
        requestUri: '/callback',
      },
      'md5',
    );
    const h = { 'Content-Type': CONTENT_TYPE, Date: VECTOR_DATE, 'X-Signature': md5 };
    expect(verify({ headers: h })).toBe(false);
    expect(verify({ headers: h, md5: true })).toBe(true);
  });
});
