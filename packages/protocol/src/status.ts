/**
 * @module
 * The unified order status machine (README: principles) as pure functions.
 *
 * Every provider's vocabulary is mapped onto {@link OrderStatus}; every incoming status — from a
 * webhook, a poll or a return — goes through {@link transition}, which decides whether it moves
 * the order. Forward only; `paid` is never undone by a late failure; duplicates change nothing;
 * a negative terminal turns into `paid` only when the provider's API confirmed it (late success).
 */

/** Every status an order can have, in rank order. */
export const ORDER_STATUSES = [
  'created',
  'pending',
  'processing',
  'authorized',
  'paid',
  'failed',
  'expired',
  'cancelled',
  'partially_refunded',
  'disputed',
  'refunded',
  'charged_back',
] as const;

export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Rank of each status: a higher rank is further along. Negative terminals share rank 50. */
export const STATUS_RANK: Readonly<Record<OrderStatus, number>> = Object.freeze({
  created: 0,
  pending: 10,
  processing: 20,
  authorized: 30,
  paid: 40,
  failed: 50,
  expired: 50,
  cancelled: 50,
  partially_refunded: 60,
  disputed: 65,
  refunded: 70,
  charged_back: 80,
});

/** The legal moves; anything else is recorded by the caller but not applied. */
const LEGAL: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = Object.freeze({
  created: ['pending', 'processing', 'authorized', 'paid', 'failed', 'expired', 'cancelled'],
  pending: ['processing', 'authorized', 'paid', 'failed', 'expired', 'cancelled'],
  processing: ['authorized', 'paid', 'failed', 'expired', 'cancelled'],
  authorized: ['paid', 'cancelled', 'failed', 'expired'],
  paid: ['partially_refunded', 'refunded', 'disputed'],
  partially_refunded: ['refunded', 'disputed'],
  disputed: ['paid', 'charged_back', 'partially_refunded', 'refunded'],
  failed: [],
  expired: [],
  cancelled: [],
  refunded: [],
  charged_back: [],
});

const NEGATIVE: ReadonlySet<OrderStatus> = new Set(['failed', 'expired', 'cancelled']);
const PAID_FAMILY: ReadonlySet<OrderStatus> = new Set([
  'paid',
  'partially_refunded',
  'disputed',
  'refunded',
  'charged_back',
]);

/** Why an incoming status was noteworthy (operators are alerted on these). */
export type TransitionAnomaly =
  /** A pre-payment or negative status arrived after the order was paid. */
  | 'after_payment'
  /** Success arrived for a failed/expired/cancelled order and the provider confirmed it. */
  | 'late_success'
  /** Success arrived for a failed/expired/cancelled order without provider confirmation. */
  | 'unconfirmed_late_success'
  /** Any other move the machine does not allow. */
  | 'illegal';

export interface TransitionResult {
  /** The status the order has after this event (unchanged when not applied). */
  status: OrderStatus;
  /** Whether the order moved. */
  applied: boolean;
  /** Set when the event deserves an operator's eyes; `null` for normal and stale events. */
  anomaly: TransitionAnomaly | null;
}

export interface TransitionOptions {
  /**
   * The provider's own API (not only a webhook) confirmed this status. Required for the late
   * success rule: a failed, expired or cancelled order only becomes `paid` when confirmed.
   */
  confirmed?: boolean;
}

/**
 * Decides what an incoming status does to an order in status `current`.
 *
 * @example
 * transition('pending', 'paid')              // { status: 'paid', applied: true, anomaly: null }
 * transition('paid', 'failed')               // { status: 'paid', applied: false, anomaly: 'after_payment' }
 * transition('paid', 'paid')                 // { status: 'paid', applied: false, anomaly: null }
 * transition('expired', 'paid', { confirmed: true }) // { status: 'paid', applied: true, anomaly: 'late_success' }
 */
export function transition(
  current: OrderStatus,
  incoming: OrderStatus,
  options: TransitionOptions = {},
): TransitionResult {
  if (current === incoming) return { status: current, applied: false, anomaly: null };
  if (LEGAL[current].includes(incoming)) return { status: incoming, applied: true, anomaly: null };
  if (NEGATIVE.has(current) && incoming === 'paid') {
    return options.confirmed
      ? { status: 'paid', applied: true, anomaly: 'late_success' }
      : { status: current, applied: false, anomaly: 'unconfirmed_late_success' };
  }
  if (PAID_FAMILY.has(current) && !PAID_FAMILY.has(incoming)) {
    // A pre-payment status after payment is merely stale; a negative one contradicts the money.
    return {
      status: current,
      applied: false,
      anomaly: NEGATIVE.has(incoming) ? 'after_payment' : null,
    };
  }
  if (STATUS_RANK[incoming] < STATUS_RANK[current] && !NEGATIVE.has(current)) {
    return { status: current, applied: false, anomaly: null };
  }
  if (NEGATIVE.has(current) && !PAID_FAMILY.has(incoming)) {
    return { status: current, applied: false, anomaly: null };
  }
  return { status: current, applied: false, anomaly: 'illegal' };
}

/** True for `paid` and the statuses that can only follow a payment. */
export function isPaidFamily(status: OrderStatus): boolean {
  return PAID_FAMILY.has(status);
}

/** True for `failed`, `expired` and `cancelled`. */
export function isNegative(status: OrderStatus): boolean {
  return NEGATIVE.has(status);
}

/** True once the customer-facing outcome is settled: paid (or later) or a negative terminal. */
export function isSettled(status: OrderStatus): boolean {
  return PAID_FAMILY.has(status) || NEGATIVE.has(status);
}

/** True for a known status string. */
export function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === 'string' && (ORDER_STATUSES as readonly string[]).includes(value);
}
