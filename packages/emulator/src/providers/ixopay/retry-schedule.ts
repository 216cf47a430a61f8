/**
 * @module
 * IXOPAY's callback retry schedule after a failed delivery: 1 min, 5 min, 15 min, 1 h, 2 h,
 * 3 h, 12 h, then once every 24 h for 7 days (docs/providers/ixopay.md).
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Delay before retry 1, 2, … 14, in provider milliseconds (before the time scale). */
export const IXOPAY_RETRY_DELAYS_MS: readonly number[] = Object.freeze([
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  12 * HOUR,
  ...Array.from({ length: 7 }, () => 24 * HOUR),
]);
