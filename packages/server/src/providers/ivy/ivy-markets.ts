/**
 * @module
 * Where Ivy's pay-by-bank is offered. Ivy covers the EU/EEA and the UK through open banking;
 * we offer it for these countries (ISO 3166-1 alpha-2) and currencies only.
 */

/** Currencies Ivy accepts for checkout sessions. */
export const IVY_CURRENCIES: ReadonlySet<string> = new Set(['EUR', 'GBP', 'PLN']);

/** Countries where Ivy's bank coverage lets a customer pay by bank. */
export const IVY_COUNTRIES: ReadonlySet<string> = new Set([
  'AT',
  'BE',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GB',
  'IE',
  'IT',
  'LT',
  'LU',
  'LV',
  'NL',
  'NO',
  'PL',
  'PT',
  'SE',
]);
