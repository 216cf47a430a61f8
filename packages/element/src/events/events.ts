/**
 * @module
 * Every event `<pay-checkout>` fires, as one typed map (name → detail), and the value its
 * `result` promise settles with.
 */
import type { OrderStatus } from '@pay-checkout/protocol/status';
import type { PayFailureDetail } from './pay-failure.js';
import type { PayReadyDetail } from './pay-ready.js';
import type { PayStatusDetail } from './pay-status.js';
import type { PaySuccessDetail } from './pay-success.js';

export type { PayFailureDetail, PayFailureEvent } from './pay-failure.js';
export type { PayReadyDetail, PayReadyEvent } from './pay-ready.js';
export type { PayStatusDetail, PayStatusEvent } from './pay-status.js';
export type { PaySuccessDetail, PaySuccessEvent } from './pay-success.js';

/** Event name → `detail` type of every event the element fires (all bubble and are composed). */
export interface PayCheckoutEventDetails {
  'pay-ready': PayReadyDetail;
  'pay-status': PayStatusDetail;
  'pay-success': PaySuccessDetail;
  'pay-failure': PayFailureDetail;
}

/** How a session ended, as `el.result` reports it. */
export interface PayResult {
  /** `paid` (or a later status of a paid order), or `expired` when the session ran out. */
  status: OrderStatus;
  /** The order that settled it, when known. */
  orderId: string | null;
  sessionId: string;
}
