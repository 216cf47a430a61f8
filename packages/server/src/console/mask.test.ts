/**
 * @module
 * `mask()`: secrets, IBANs, document numbers, e-mail addresses, phone numbers and names never
 * get through — by field name at any depth, inside JSON and form bodies held as text, and
 * (e-mail addresses and IBANs) in free text — while everything else passes unchanged.
 */
import { describe, expect, it } from 'vitest';
import { REDACTED, initials, mask, maskAccount, maskEmail, maskPhone } from './mask.js';

const IBAN = 'DE89370400440532013000';

describe('mask', () => {
  it('masks each kind of personal data the way the console shows it', () => {
    expect(maskEmail('jane.doe@example.com')).toBe('j***@example.com');
    expect(maskAccount('DE89 3704 0044 0532 0130 00')).toBe('****3000');
    expect(maskPhone('+49 170 1234567')).toBe('***67');
    expect(initials('Jane van Doe')).toBe('J. V. D.');
  });

  it('masks by field name at any depth, whatever the casing', () => {
    const masked = mask({
      id: 'evt_1',
      amount: { value: 1999, currency: 'EUR' },
      payer: {
        fullName: 'Jane Doe',
        first_name: 'Jane',
        Email: 'jane@example.com',
        phoneNumber: '+49 170 1234567',
        documentNumber: '12345678Z',
        tax_id: 'X1234567',
        document: { type: 'DNI', number: '12345678Z' },
        bankAccount: { iban: IBAN, accountHolderName: 'Jane Doe' },
      },
      apiKey: 'sk_live_abc',
      'webhook-signature': 'v1,abc',
      accessToken: { nested: 'secret' },
      methods: [{ email: 'a@b.example' }],
    });
    expect(masked).toEqual({
      id: 'evt_1',
      amount: { value: 1999, currency: 'EUR' },
      payer: {
        fullName: 'J. D.',
        first_name: 'J.',
        Email: 'j***@example.com',
        phoneNumber: '***67',
        documentNumber: REDACTED,
        tax_id: REDACTED,
        document: { type: 'DNI', number: REDACTED },
        bankAccount: { iban: '****3000', accountHolderName: 'J. D.' },
      },
      apiKey: REDACTED,
      'webhook-signature': REDACTED,
      accessToken: REDACTED,
      methods: [{ email: 'a***@b.example' }],
    });
  });

  it('masks inside JSON held as text, and keeps it JSON', () => {
    const body = JSON.stringify({
      type: 'paid',
      customer: { email: 'jane@example.com' },
      iban: IBAN,
    });
    const masked = mask(body);
    expect(JSON.parse(masked)).toEqual({
      type: 'paid',
      customer: { email: 'j***@example.com' },
      iban: '****3000',
    });
  });

  it('masks form-encoded bodies field by field', () => {
    expect(mask('status=paid&email=jane%40example.com&documentNumber=123')).toBe(
      `status=paid&email=j***%40example.com&documentNumber=${encodeURIComponent(REDACTED)}`,
    );
  });

  it('finds e-mail addresses and IBANs in free text', () => {
    const text = `refund to ${IBAN} for jane.doe@example.com please`;
    const masked = mask(text);
    expect(masked).toBe('refund to ****3000 for j***@example.com please');
    expect(masked).not.toContain('370400');
  });

  it('leaves what is not personal alone, and does not touch its input', () => {
    const input = { status: 'paid', reference: 'order-42', at: '2026-01-01T00:00:00.000Z', n: 7 };
    expect(mask(input)).toEqual(input);
    const nested = { email: 'jane@example.com' };
    mask(nested);
    expect(nested.email).toBe('jane@example.com');
    expect(mask(null)).toBeNull();
    expect(mask(42)).toBe(42);
  });

  it('gives the same answer when masking what it masked', () => {
    const once = mask({
      phone: '+49 170 1234567',
      email: 'jane@example.com',
      iban: IBAN,
      name: 'Jane Doe',
    });
    expect(mask(once)).toEqual(once);
  });
});
