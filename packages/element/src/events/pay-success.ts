/**
 * @module
 * `pay-success`: the server confirmed the payment.
 */

export interface PaySuccessDetail {
  /** The paid order, when known. */
  orderId: string | null;
  /** The checkout session. */
  sessionId: string;
}

/** Fired once per order when the payment is confirmed as paid, even across reloads of the page. */
export type PaySuccessEvent = CustomEvent<PaySuccessDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pay-success': PaySuccessEvent;
  }
}
