import { describe, expect, it } from 'vitest';
import {
  CreateOrderRequestSchema,
  CreateSessionRequestSchema,
  IdempotencyKeySchema,
  MethodFieldSchema,
  MethodSchema,
  fieldIssues,
} from './index.js';

const valid = {
  amount: { value: 1999, currency: 'EUR' },
  reference: 'order-1001',
  country: 'DE',
  returnUrl: 'https://shop.example/thanks',
};

describe('CreateSessionRequestSchema', () => {
  it('accepts a minimal session', () => {
    expect(CreateSessionRequestSchema.parse(valid)).toEqual(valid);
  });

  it('lists every invalid field', () => {
    const result = CreateSessionRequestSchema.safeParse({
      amount: { value: 19.99, currency: 'EURO' },
      reference: '',
      country: 'de',
      returnUrl: 'javascript:alert(1)',
    });
    expect(result.success).toBe(false);
    const paths = fieldIssues(result.error!).map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'amount.value',
        'amount.currency',
        'reference',
        'country',
        'returnUrl',
      ]),
    );
  });

  it('rejects zero amounts, unknown currencies and unknown fields (card data included)', () => {
    expect(
      CreateSessionRequestSchema.safeParse({ ...valid, amount: { value: 0, currency: 'EUR' } })
        .success,
    ).toBe(false);
    expect(
      CreateSessionRequestSchema.safeParse({ ...valid, amount: { value: 1, currency: 'XXX' } })
        .success,
    ).toBe(false);
    expect(
      CreateSessionRequestSchema.safeParse({ ...valid, cardNumber: '4242424242424242' }).success,
    ).toBe(false);
  });
});

describe('CreateOrderRequestSchema', () => {
  it('accepts a method and optional fields', () => {
    expect(CreateOrderRequestSchema.parse({ method: 'ivy:bank' })).toEqual({ method: 'ivy:bank' });
    expect(
      CreateOrderRequestSchema.parse({ method: 'koywe:PSE', fields: { bank: '1007' } }).fields,
    ).toEqual({ bank: '1007' });
  });

  it('refuses an amount from the browser', () => {
    const result = CreateOrderRequestSchema.safeParse({
      method: 'ivy:bank',
      amount: { value: 1, currency: 'EUR' },
    });
    expect(result.success).toBe(false);
  });
});

describe('IdempotencyKeySchema', () => {
  it('accepts UUIDs and refuses blanks and control characters', () => {
    expect(IdempotencyKeySchema.safeParse('0b9d3c4e-7d0e-4a8b-9d55-2f1f0c7d9a10').success).toBe(
      true,
    );
    for (const bad of ['', ' ', 'a b', 'x\r\ny', 'x'.repeat(256)]) {
      expect(IdempotencyKeySchema.safeParse(bad).success).toBe(false);
    }
  });
});

describe('MethodSchema', () => {
  const method = { id: 'ivy:bank', provider: 'ivy', name: 'Pay by bank', flow: 'redirect' };

  it('accepts a kind, a data: logo and the mandate flag, and keeps older shapes valid', () => {
    const full = {
      ...method,
      kind: 'bank',
      logo: 'data:image/svg+xml,%3Csvg%20xmlns%3D%22http%3A%2F%2Fwww.w3.org%2F2000%2Fsvg%22%2F%3E',
      mandate: true,
    };
    expect(MethodSchema.parse(full)).toEqual(full);
    expect(MethodSchema.parse(method)).toEqual(method);
  });

  it('refuses an unknown kind and a non-boolean mandate flag', () => {
    expect(MethodSchema.safeParse({ ...method, kind: 'crypto' }).success).toBe(false);
    expect(MethodSchema.safeParse({ ...method, mandate: 'yes' }).success).toBe(false);
  });
});

describe('MethodFieldSchema', () => {
  const field = { name: 'fullName', label: 'Full name', type: 'text', required: true };

  it('accepts autocomplete tokens and a prefill', () => {
    for (const autocomplete of ['name', 'email', 'tel', 'off', 'billing postal-code']) {
      expect(MethodFieldSchema.parse({ ...field, autocomplete }).autocomplete).toBe(autocomplete);
    }
    expect(MethodFieldSchema.parse({ ...field, value: 'Ana Gómez' }).value).toBe('Ana Gómez');
  });

  it('refuses autocomplete values that are not tokens and prefills over 256 characters', () => {
    for (const autocomplete of ['', 'Name', 'name ', '"><script>', 'a'.repeat(65)]) {
      expect(MethodFieldSchema.safeParse({ ...field, autocomplete }).success).toBe(false);
    }
    expect(MethodFieldSchema.safeParse({ ...field, value: 'x'.repeat(257) }).success).toBe(false);
  });
});
