/**
 * @module
 * Where FuratPay is offered: Iraq, in the currencies FuratPay knows by id (3 = IQD, 1 = USD).
 */

/** FuratPay's currency id of each ISO 4217 code we offer. */
export const FURATPAY_CURRENCY_IDS: Readonly<Record<string, number>> = Object.freeze({
  IQD: 3,
  USD: 1,
});

/** The ISO 4217 code of a FuratPay currency id, or undefined. */
export function furatPayCurrency(id: unknown): string | undefined {
  return Object.entries(FURATPAY_CURRENCY_IDS).find(([, value]) => value === id)?.[0];
}

/** Countries where FuratPay's services (FIB, ZainCash, FastPay, QiCard…) serve customers. */
export const FURATPAY_COUNTRIES: ReadonlySet<string> = new Set(['IQ']);
