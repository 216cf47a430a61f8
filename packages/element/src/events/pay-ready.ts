/**
 * @module
 * `pay-ready`: the payment methods are on screen and can be chosen.
 */
import type { Method, PublicSession } from '@pay-checkout/protocol';

export interface PayReadyDetail {
  /** The session as the server describes it to the browser. */
  session: PublicSession;
  /** The methods shown, in display order. */
  methods: Method[];
}

/**
 * Fired once the session is on screen: its methods, or (back from the provider) the status of the
 * payment. Again after "Try another method".
 */
export type PayReadyEvent = CustomEvent<PayReadyDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pay-ready': PayReadyEvent;
  }
}
