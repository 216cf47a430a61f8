import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ISO_4217_EXPONENTS,
  MoneyError,
  formatMoney,
  fromMajorNumber,
  isCurrency,
  minorUnitExponent,
  parseDecimal,
  toDecimalString,
  toMajorNumber,
} from './money.js';

describe('ISO 4217 exponents', () => {
  it.each([
    ['EUR', 2],
    ['GBP', 2],
    ['COP', 2],
    ['BRL', 2],
    ['MXN', 2],
    ['CLP', 0],
    ['IQD', 3],
    ['PEN', 2],
    ['ARS', 2],
    ['JPY', 0],
    ['KWD', 3],
    ['BHD', 3],
    ['JOD', 3],
    ['OMR', 3],
    ['TND', 3],
    ['LYD', 3],
    ['CLF', 4],
    ['UYW', 4],
    ['PLN', 2],
  ])('%s has %i decimals', (code, exponent) => {
    expect(minorUnitExponent(code)).toBe(exponent);
  });

  it('comes from our own table, not from Intl (which says COP 0 and IQD 0)', () => {
    expect(minorUnitExponent('COP')).toBe(2);
    expect(minorUnitExponent('IQD')).toBe(3);
  });

  it('rejects unknown and non-monetary codes', () => {
    for (const code of ['XXX', 'XAU', 'XDR', 'eur', 'EURO', '', 'HRK']) {
      expect(isCurrency(code)).toBe(false);
      expect(() => minorUnitExponent(code)).toThrow(MoneyError);
    }
  });

  it('holds only three-letter codes with exponents 0 to 4', () => {
    for (const [code, exponent] of Object.entries(ISO_4217_EXPONENTS)) {
      expect(code).toMatch(/^[A-Z]{3}$/);
      expect([0, 2, 3, 4]).toContain(exponent);
    }
    expect(Object.keys(ISO_4217_EXPONENTS).length).toBeGreaterThan(150);
  });
});

describe('toDecimalString', () => {
  it.each([
    [1999, 'EUR', '19.99'],
    [5, 'EUR', '0.05'],
    [0, 'EUR', '0.00'],
    [50000, 'CLP', '50000'],
    [25000, 'IQD', '25.000'],
    [1250, 'IQD', '1.250'],
    [100050, 'COP', '1000.50'],
    [12345, 'CLF', '1.2345'],
    [-1999, 'EUR', '-19.99'],
  ])('%i %s → %s', (value, currency, expected) => {
    expect(toDecimalString({ value, currency })).toBe(expected);
  });

  it('refuses non-integers', () => {
    expect(() => toDecimalString({ value: 19.99, currency: 'EUR' })).toThrow(MoneyError);
  });
});

describe('parseDecimal', () => {
  it.each([
    ['19.99', 'EUR', 1999],
    ['1.250', 'IQD', 1250],
    ['1500', 'CLP', 1500],
    ['1000.50', 'COP', 100050],
    ['10.500', 'EUR', 1050],
    ['0.1', 'EUR', 10],
    ['1500.000', 'CLP', 1500],
  ])('%s %s → %i', (input, currency, value) => {
    expect(parseDecimal(input, currency)).toEqual({ value, currency });
  });

  it.each([
    ['10.5', 'CLP'],
    ['19.999', 'EUR'],
    ['1.2345', 'IQD'],
    ['1e3', 'EUR'],
    ['1,50', 'EUR'],
    [' 1.50', 'EUR'],
    ['.5', 'EUR'],
    ['1.', 'EUR'],
    ['', 'EUR'],
    ['NaN', 'EUR'],
    ['99999999999999999999', 'EUR'],
  ])('rejects %j in %s', (input, currency) => {
    expect(() => parseDecimal(input, currency)).toThrow(MoneyError);
  });

  it('does not suffer from float arithmetic (19.99 * 100 = 1998.9999999999998)', () => {
    expect(parseDecimal('19.99', 'EUR').value).toBe(1999);
    expect(parseDecimal('1.005', 'KWD').value).toBe(1005);
  });
});

describe('major-unit numbers', () => {
  it('round-trips exactly through JSON numbers', () => {
    expect(toMajorNumber({ value: 1999, currency: 'EUR' })).toBe(19.99);
    expect(toMajorNumber({ value: 50000, currency: 'CLP' })).toBe(50000);
    expect(toMajorNumber({ value: 25000, currency: 'IQD' })).toBe(25);
    expect(fromMajorNumber(19.99, 'EUR')).toEqual({ value: 1999, currency: 'EUR' });
    expect(fromMajorNumber(1.25, 'IQD')).toEqual({ value: 1250, currency: 'IQD' });
  });

  it('rejects numbers that do not fit the currency', () => {
    expect(() => fromMajorNumber(10.5, 'CLP')).toThrow(MoneyError);
    expect(() => fromMajorNumber(1e21, 'EUR')).toThrow(MoneyError);
    expect(() => fromMajorNumber(Number.NaN, 'EUR')).toThrow(MoneyError);
    expect(() => fromMajorNumber(0.001, 'EUR')).toThrow(MoneyError);
  });

  const currencies = ['EUR', 'GBP', 'COP', 'BRL', 'MXN', 'CLP', 'IQD', 'PEN', 'ARS'];
  it('round-trips 10,000 random amounts × 9 currencies with 0 mismatches', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000_000 }),
        fc.constantFrom(...currencies),
        (value, currency) => {
          const money = { value, currency };
          expect(parseDecimal(toDecimalString(money), currency)).toEqual(money);
          expect(fromMajorNumber(toMajorNumber(money), currency)).toEqual(money);
        },
      ),
      { numRuns: 10_000 },
    );
  });
});

describe('formatMoney', () => {
  // Intl separates the code from the number with a no-break space.
  const plain = (money: { value: number; currency: string }, locale?: string) =>
    formatMoney(money, locale).replace(/\u00a0/g, ' ');

  it('always shows minor units that are not zero, with the ISO decimals', () => {
    expect(plain({ value: 1999, currency: 'EUR' }, 'en')).toBe('€19.99');
    expect(plain({ value: 50000, currency: 'CLP' }, 'en')).toBe('CLP 50,000');
    expect(plain({ value: 25001, currency: 'IQD' }, 'en')).toBe('IQD 25.001');
    expect(plain({ value: 100050, currency: 'COP' }, 'en')).toBe('COP 1,000.50');
    expect(plain({ value: 9900050, currency: 'COP' }, 'es-CO')).toBe('$ 99.000,50');
  });

  it('drops zero decimals of a whole amount where the region does, and only there', () => {
    expect(plain({ value: 9900000, currency: 'COP' }, 'es-CO')).toBe('$ 99.000');
    expect(plain({ value: 25000, currency: 'IQD' }, 'en')).toBe('IQD 25');
    expect(plain({ value: 45000, currency: 'MXN' }, 'es-MX')).toBe('$450.00');
    expect(plain({ value: 2400, currency: 'EUR' }, 'en')).toBe('€24.00');
  });

  it('falls back to English for a locale it cannot use', () => {
    expect(plain({ value: 1999, currency: 'EUR' }, 'not a locale!')).toBe('€19.99');
  });
});
