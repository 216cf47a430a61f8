/**
 * @packageDocumentation
 * `@pay-checkout/element` — the `<pay-checkout>` class, its event and translation types.
 *
 * Importing this entry registers nothing and touches no browser global, so it is safe to import
 * during server-side rendering; import `@pay-checkout/element/define` (or load the script-tag
 * build) to define the `<pay-checkout>` tag.
 */
export { PayCheckout, type PayCheckoutPhase } from './pay-checkout/pay-checkout.js';
export type * from './events/events.js';
export { CheckoutError, type CheckoutErrorCode } from './internal/checkout-error.js';
export { registerTranslation } from './internal/localize.js';
export { en, type MandateCadence, type Translation } from './translations/en.js';
