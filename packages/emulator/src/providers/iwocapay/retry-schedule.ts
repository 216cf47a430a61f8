/**
 * @module
 * iwocaPay's webhook retries. iwoca documents none; we assume any 2xx is delivered and
 * otherwise retry after 1 min, 5 min and 30 min, then give up.
 */

/** Delay before retry 1, 2, 3, in provider milliseconds (before the time scale). */
export const IWOCAPAY_RETRY_DELAYS_MS: readonly number[] = Object.freeze([
  60_000, 300_000, 1_800_000,
]);
