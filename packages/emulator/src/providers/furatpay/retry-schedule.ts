/**
 * @module
 * FuratPay's webhook retry schedule. Not documented; our assumption: +1 min, +5 min, +30 min,
 * +2 h after a failed attempt (any 2xx counts as delivered).
 */

/** Delay before retry 1, 2, 3, 4, in provider milliseconds (before the time scale). */
export const FURATPAY_RETRY_DELAYS_MS: readonly number[] = Object.freeze([
  60_000,
  5 * 60_000,
  30 * 60_000,
  2 * 60 * 60_000,
]);
