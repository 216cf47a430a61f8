/**
 * @module
 * Registers `<pay-checkout>` unless the page already has it (two bundles on one page must not
 * throw on the second definition).
 */
import { PayCheckout } from './pay-checkout/pay-checkout.js';

export * from './index.js';

/** The tag name the element is registered under. */
export const TAG_NAME = 'pay-checkout';

if (!customElements.get(TAG_NAME)) customElements.define(TAG_NAME, PayCheckout);
