/**
 * @module
 * Registers `<pay-checkout>` unless the page already has it (two bundles on one page must not
 * throw on the second definition). Where there is no custom element registry (server-side
 * rendering in Node) it registers nothing and does not fail.
 */
import { PayCheckout } from './pay-checkout/pay-checkout.js';

export * from './index.js';

/** The tag name the element is registered under. */
export const TAG_NAME = 'pay-checkout';

const registry = globalThis.customElements as CustomElementRegistry | undefined;
if (registry && !registry.get(TAG_NAME)) registry.define(TAG_NAME, PayCheckout);
