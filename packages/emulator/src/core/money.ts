/**
 * @module
 * Amounts as the emulated providers write them: Ivy, iwocaPay, Koywe and FuratPay send JSON
 * numbers in major units (`19.99`), IXOPAY a decimal string (`"19.99"`). The emulator keeps an
 * amount as an integer of the currency's minor units and refuses any amount its currency cannot
 * carry exactly (`19.999` EUR, `10.5` CLP), as the providers do.
 *
 * Everything here works on the digits of the amount's decimal text, never on float arithmetic.
 */

/** An amount: an integer of minor units (cents, fils) and its ISO 4217 code. */
export interface Money {
  value: number;
  currency: string;
}

/** Thrown when an amount is not exact in its currency, or the currency is unknown. */
export class AmountError extends Error {
  override name = 'AmountError';
}

/** ISO 4217 codes whose minor unit is not the hundredth. */
// prettier-ignore
const MINOR_DIGITS_EXCEPTIONS: Readonly<Record<string, number>> = {
  // No minor unit.
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0,
  UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  // Thousandths.
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  // Ten-thousandths.
  CLF: 4, UYW: 4,
};

/** ISO 4217 codes with hundredths that the emulated providers' markets use. */
const HUNDREDTHS = new Set(
  (
    'AED ARS AUD BGN BOB BRL CAD CHF CNY COP CRC CZK DKK DOP EGP EUR GBP GTQ HKD HNL HUF IDR ' +
    'ILS INR MAD MXN MYR NGN NOK NZD PAB PEN PHP PKR PLN QAR RON RSD SAR SEK SGD THB TRY TWD ' +
    'UAH USD UYU ZAR'
  ).split(' '),
);

/** How many digits the minor unit of `currency` has; throws for a code we do not know. */
export function minorDigits(currency: string): number {
  const exception = MINOR_DIGITS_EXCEPTIONS[currency];
  if (exception !== undefined) return exception;
  if (HUNDREDTHS.has(currency)) return 2;
  throw new AmountError(`${currency} is not a currency accepted here`);
}

/** True when `currency` is an ISO 4217 code the emulator knows. */
export function isKnownCurrency(currency: string): boolean {
  return currency in MINOR_DIGITS_EXCEPTIONS || HUNDREDTHS.has(currency);
}

/** A plain decimal in major units (`"19.99"`, `"50000"`) → minor units, exactly. */
export function amountFromDecimal(text: string, currency: string): Money {
  const digits = minorDigits(currency);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new AmountError(`${JSON.stringify(text)} is not a plain decimal amount`);
  const whole = match[1] ?? '';
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) {
    throw new AmountError(`${text} ${currency} has more than ${digits} decimal places`);
  }
  const value = Number(whole + fraction.padEnd(digits, '0'));
  if (!Number.isSafeInteger(value)) throw new AmountError(`${text} ${currency} is too large`);
  return { value, currency };
}

/** A JSON number in major units (`19.99`) → minor units, exactly; negatives are refused. */
export function amountFromNumber(amount: number, currency: string): Money {
  if (!Number.isFinite(amount) || amount < 0) {
    throw new AmountError(`${amount} is not an amount`);
  }
  const text = String(amount);
  if (/e/i.test(text)) throw new AmountError(`${text} is out of range for an amount`);
  return amountFromDecimal(text, currency);
}

/** An amount for people, with exactly its currency's decimals (IQD 3, CLP 0). */
export function formatAmount(money: Money, locale = 'en'): string {
  const digits = minorDigits(money.currency);
  const options = {
    style: 'currency',
    currency: money.currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  } as const;
  let format: Intl.NumberFormat;
  try {
    format = new Intl.NumberFormat(locale, options);
  } catch {
    format = new Intl.NumberFormat('en', options);
  }
  return format.format(money.value / 10 ** digits);
}
