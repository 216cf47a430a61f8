/**
 * @module
 * Where iwocaPay is offered: UK businesses paying in pounds, with pay-now and pay-later terms.
 */

/** The one currency iwocaPay takes. */
export const IWOCAPAY_CURRENCY = 'GBP';

/** The one country iwocaPay serves. */
export const IWOCAPAY_COUNTRY = 'GB';

/** iwocaPay's payment terms, as its API spells them. */
export const IWOCAPAY_TERMS = ['PAY_NOW', 'PAY_LATER'] as const;
export type IwocaPayTerm = (typeof IWOCAPAY_TERMS)[number];
