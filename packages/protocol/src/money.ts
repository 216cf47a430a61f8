/**
 * @module
 * Exact money arithmetic: minor units ⇄ decimal strings, with ISO 4217 exponents.
 *
 * Amounts travel as `{ value, currency }` with `value` an integer in minor units. Nothing here
 * multiplies or divides floats: conversions work on the digits of the number as a string, so
 * `19.99 EUR` is always `1999` and `1.250 IQD` is always `1250`.
 *
 * No zod, no DOM, no Node: the element imports this file on its own.
 */
import { ISO_4217_EXPONENTS } from './currencies.js';

export { ISO_4217_EXPONENTS };

/** An amount of money: an integer count of the currency's minor units. */
export interface Money {
  /** Integer in minor units (cents for EUR, pesos for CLP, fils for IQD). */
  value: number;
  /** ISO 4217 alphabetic code, upper case. */
  currency: string;
}

/** Thrown when an amount cannot be represented exactly in its currency. */
export class MoneyError extends Error {
  override name = 'MoneyError';
}

/** True when `code` is an active ISO 4217 currency that has a minor unit. */
export function isCurrency(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(ISO_4217_EXPONENTS, code);
}

/** The ISO 4217 minor-unit exponent of `currency` (EUR 2, CLP 0, IQD 3). */
export function minorUnitExponent(currency: string): number {
  const exponent = ISO_4217_EXPONENTS[currency];
  if (exponent === undefined) throw new MoneyError(`Unknown currency "${currency}"`);
  return exponent;
}

/**
 * Formats minor units as a plain decimal string with exactly the currency's decimals:
 * `{ value: 1999, currency: 'EUR' }` → `"19.99"`, `{ value: 50000, currency: 'CLP' }` → `"50000"`,
 * `{ value: 25000, currency: 'IQD' }` → `"25.000"`.
 */
export function toDecimalString(money: Money): string {
  const exponent = minorUnitExponent(money.currency);
  if (!Number.isSafeInteger(money.value)) {
    throw new MoneyError(`Amount ${money.value} is not a safe integer of minor units`);
  }
  const negative = money.value < 0;
  const digits = String(Math.abs(money.value)).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${negative ? '-' : ''}${whole}${exponent > 0 ? `.${fraction}` : ''}`;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal string in major units into minor units, exactly.
 * Rejects anything that is not a plain decimal (no exponents, no separators, no spaces) and
 * any digits beyond the currency's exponent that are not zeros: `"10.5"` CLP is an error,
 * `"10.50"` EUR is 1050, `"10.500"` EUR is 1050.
 */
export function parseDecimal(input: string, currency: string): Money {
  const exponent = minorUnitExponent(currency);
  const match = DECIMAL.exec(input);
  if (!match) throw new MoneyError(`"${input}" is not a decimal amount`);
  const [, sign, whole = '', rawFraction = ''] = match;
  const fraction = rawFraction.replace(/0+$/, '');
  if (fraction.length > exponent) {
    throw new MoneyError(`"${input}" has more decimals than ${currency} allows (${exponent})`);
  }
  const value = Number(`${whole}${fraction.padEnd(exponent, '0')}`);
  if (!Number.isSafeInteger(value)) throw new MoneyError(`"${input}" is too large`);
  return { value: sign && value !== 0 ? -value : value, currency };
}

/**
 * Converts to a JSON number in major units (for providers whose APIs take numbers), proving the
 * result is exact: the number must print back as the same decimal, or this throws.
 */
export function toMajorNumber(money: Money): number {
  const decimal = toDecimalString(money);
  const number = Number(decimal);
  if (canonical(String(number)) !== canonical(decimal)) {
    throw new MoneyError(`${decimal} ${money.currency} cannot be written exactly as a number`);
  }
  return number;
}

/** Converts a provider's major-unit number back into minor units, exactly (see {@link parseDecimal}). */
export function fromMajorNumber(amount: number, currency: string): Money {
  if (!Number.isFinite(amount)) throw new MoneyError(`${amount} is not a finite amount`);
  const text = String(amount);
  if (/e/i.test(text)) throw new MoneyError(`${text} is out of range for an amount`);
  return parseDecimal(text, currency);
}

function canonical(decimal: string): string {
  return decimal.includes('.') ? decimal.replace(/\.?0+$/, '') : decimal;
}

/** True when two amounts are the same value in the same currency. */
export function sameMoney(a: Money, b: Money): boolean {
  return a.value === b.value && a.currency === b.currency;
}

/**
 * Formats an amount for people in `locale` (best with a region: `es-CO`). Minor units that are
 * not zero are always shown, with the currency's ISO 4217 decimals (COP 2, IQD 3), whatever the
 * locale data of the runtime believes; a whole amount drops its zero decimals where the region's
 * own format does (`$ 99.000` in `es-CO`, `€24.00` stays in `en`).
 */
export function formatMoney(money: Money, locale?: string): string {
  const exponent = minorUnitExponent(money.currency);
  const currency = { style: 'currency', currency: money.currency } as const;
  let regional: Intl.NumberFormat;
  try {
    regional = new Intl.NumberFormat(locale, currency);
  } catch {
    locale = 'en';
    regional = new Intl.NumberFormat(locale, currency);
  }
  const whole = money.value % 10 ** exponent === 0;
  const usual = regional.resolvedOptions().minimumFractionDigits ?? exponent;
  const digits = whole ? Math.min(usual, exponent) : exponent;
  const format = new Intl.NumberFormat(locale, {
    ...currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  // Intl takes a string in "decimal" form exactly (ES2023 Intl.NumberFormat v3); the cast covers
  // older lib typings. A decimal string keeps amounts beyond 2^53 / 10^exponent exact.
  return format.format(toDecimalString(money) as unknown as number);
}
