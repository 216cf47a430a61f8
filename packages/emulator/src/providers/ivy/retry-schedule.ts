/**
 * @module
 * Ivy's webhook retry schedule: +30 s, +22 s, +140 s, +541 s, +1426 s, +3200 s as documented,
 * then (undocumented, our assumption) growing ×2.2 per step up to the 15th retry.
 */

const DOCUMENTED_SECONDS = [30, 22, 140, 541, 1426, 3200];
const MAX_RETRIES = 15;
const GROWTH = 2.2;

function buildSchedule(): number[] {
  const seconds = [...DOCUMENTED_SECONDS];
  while (seconds.length < MAX_RETRIES) {
    seconds.push(Math.round((seconds[seconds.length - 1] ?? 1) * GROWTH));
  }
  return seconds.map((s) => s * 1000);
}

/** Delay before retry 1, 2, … 15, in provider milliseconds (before the time scale). */
export const IVY_RETRY_DELAYS_MS: readonly number[] = Object.freeze(buildSchedule());
