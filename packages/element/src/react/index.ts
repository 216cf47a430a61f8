/**
 * @module
 * `@pay-checkout/element/react`: `<PayCheckout>` for React, made with `@lit/react`, with typed
 * event props (`onPayReady`, `onPayStatus`, `onPaySuccess`, `onPayFailure`).
 *
 * Importing it registers `<pay-checkout>` in the browser (and nothing on the server), so
 * server-side rendering frameworks can import it in shared code.
 *
 * @example
 * ```tsx
 * import { PayCheckout } from '@pay-checkout/element/react';
 *
 * <PayCheckout session={id} server="https://pay.example.com"
 *   onPaySuccess={(event) => showThanks(event.detail.orderId)} />
 * ```
 */
import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
import { TAG_NAME } from '../define.js';
import type {
  PayFailureEvent,
  PayReadyEvent,
  PayStatusEvent,
  PaySuccessEvent,
} from '../events/events.js';
import { PayCheckout as PayCheckoutElement } from '../pay-checkout/pay-checkout.js';

/** The `<pay-checkout>` element as a React component. */
export const PayCheckout = createComponent({
  tagName: TAG_NAME,
  elementClass: PayCheckoutElement,
  react: React,
  events: {
    onPayReady: 'pay-ready' as EventName<PayReadyEvent>,
    onPayStatus: 'pay-status' as EventName<PayStatusEvent>,
    onPaySuccess: 'pay-success' as EventName<PaySuccessEvent>,
    onPayFailure: 'pay-failure' as EventName<PayFailureEvent>,
  },
  displayName: 'PayCheckout',
});

export type { PayCheckoutElement };
