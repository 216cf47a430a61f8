/**
 * @module
 * Where the IXOPAY card method is offered. IXOPAY itself is a gateway: what a merchant can take
 * depends on the card connectors configured behind the API key. We offer the card method for the
 * currencies and countries of a typical European card acquiring set-up (EU/EEA, UK, Switzerland
 * and the US).
 */

/** Currencies the card method is offered in (all with 2 decimals, within IXOPAY's 3). */
export const IXOPAY_CURRENCIES: ReadonlySet<string> = new Set([
  'EUR',
  'GBP',
  'USD',
  'CHF',
  'PLN',
  'SEK',
  'DKK',
  'NOK',
  'CZK',
  'HUF',
  'RON',
]);

/** Countries (ISO 3166-1 alpha-2) the card method is offered in. */
export const IXOPAY_COUNTRIES: ReadonlySet<string> = new Set([
  'AT',
  'BE',
  'BG',
  'CH',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GB',
  'GR',
  'HR',
  'HU',
  'IE',
  'IS',
  'IT',
  'LI',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'NO',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
  'US',
]);

/** IXOPAY's limit on `merchantTransactionId`. */
export const MAX_MERCHANT_TRANSACTION_ID = 50;

/**
 * Longest session reference we offer the method for: our transaction id is
 * `<attempt>-<reference>`, and this leaves room for attempt numbers up to 99 999.
 */
export const MAX_REFERENCE_LENGTH = MAX_MERCHANT_TRANSACTION_ID - 6;
