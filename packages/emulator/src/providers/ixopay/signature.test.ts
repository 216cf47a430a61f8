/**
 * @module
 * The fact sheet's signature test vectors (docs/providers/ixopay.md).
 */
import { describe, expect, it } from 'vitest';
import { signIxopay, verifyIxopay } from './signature.js';

const CONTENT_TYPE = 'application/json; charset=utf-8';

describe('IXOPAY signature', () => {
  it('matches the documented vector (empty secret, empty body)', () => {
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

  it('matches our callback vector and verifies it', () => {
    const input = {
      method: 'POST',
      body: '{"result":"OK","uuid":"abc123","merchantTransactionId":"shop-42","transactionType":"DEBIT","amount":"9.99","currency":"EUR"}',
      contentType: CONTENT_TYPE,
      date: 'Wed, 01 Jan 2025 00:00:00 GMT',
      requestUri: '/callback',
    };
    const expected =
      'LgNJEI8ngBYb1qujGev7whzdcWhFEHrDFgvXWgzFA1bWPdnaZuByplfMXbpiOuYoKMLFnBQjgJpgSQYimhL0Iw==';
    expect(signIxopay('ixo_test_secret', input)).toBe(expected);
    expect(verifyIxopay('ixo_test_secret', input, expected)).toBe(true);
    expect(verifyIxopay('other', input, expected)).toBe(false);
    expect(verifyIxopay('ixo_test_secret', input, 'short')).toBe(false);
    expect(verifyIxopay('ixo_test_secret', input, null)).toBe(false);
  });
});
