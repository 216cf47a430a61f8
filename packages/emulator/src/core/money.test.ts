/**
 * @module
 * The emulator's amounts: exact in each currency's minor unit, refused when they are not.
 */
import { describe, expect, it } from 'vitest';
import { AmountError, amountFromDecimal, amountFromNumber, formatAmount } from './money.js';

describe('amounts', () => {
  it('reads numbers and decimals exactly in minor units', () => {
    expect(amountFromNumber(19.99, 'EUR')).toEqual({ value: 1999, currency: 'EUR' });
    expect(amountFromNumber(0.3, 'EUR').value).toBe(30);
    expect(amountFromNumber(50000, 'CLP')).toEqual({ value: 50000, currency: 'CLP' });
    expect(amountFromNumber(25.125, 'IQD')).toEqual({ value: 25125, currency: 'IQD' });
    expect(amountFromDecimal('10.500', 'EUR').value).toBe(1050);
  });

  it.each([
    [() => amountFromNumber(19.999, 'EUR')],
    [() => amountFromNumber(10.5, 'CLP')],
    [() => amountFromNumber(-5, 'EUR')],
    [() => amountFromNumber(1e21, 'EUR')],
    [() => amountFromNumber(Number.NaN, 'EUR')],
    [() => amountFromDecimal('1,50', 'EUR')],
    [() => amountFromDecimal('1.5', 'XYZ')],
  ])('refuses what its currency cannot carry (%#)', (read) => {
    expect(read).toThrow(AmountError);
  });

  it('formats with exactly the currency’s decimals', () => {
    expect(formatAmount({ value: 25000, currency: 'IQD' })).toMatch(/25\.000/);
    expect(formatAmount({ value: 1999, currency: 'EUR' }, 'en-GB')).toBe('€19.99');
    expect(formatAmount({ value: 50000, currency: 'CLP' })).toMatch(/50,000$/);
  });
});
