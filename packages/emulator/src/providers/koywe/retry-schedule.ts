/**
 * @module
 * The emulated Koywe's webhook retries. Koywe documents retries but not their schedule; ours is
 * an assumption: 30 s, 2 min, 10 min, 1 h, 6 h after the previous attempt, then stop.
 */

/** Delay before retry 1, 2, … 5, in provider milliseconds (before the time scale). */
export const KOYWE_RETRY_DELAYS_MS: readonly number[] = Object.freeze(
  [30, 120, 600, 3600, 21_600].map((s) => s * 1000),
);
