/**
 * @module
 * `PAY_CHECKOUT_BREAKER_*`: the guard in front of every provider's API (providers/breaker.ts).
 * After so many failed calls in a row (5xx, time-outs, network errors; a 4xx is an answer, not a
 * failure) a provider is not called for a while: its calls fail at once and its methods are
 * listed as unavailable, then one probe call decides whether it is back. A `Retry-After` from
 * the provider is obeyed up to a bound. Only so many calls to one provider run at once, so a
 * slow one cannot hold every connection. Short values let a test watch the whole cycle.
 */
import { z } from 'zod';
import { DEFAULT_BREAKER_SETTINGS, type BreakerSettings } from '../providers/breaker.js';
import { envSection } from './env-schema.js';

const RANGES = {
  PAY_CHECKOUT_BREAKER_FAILURES: { min: 1, max: 1_000, unit: 'a whole number' },
  PAY_CHECKOUT_BREAKER_OPEN_MS: { min: 100, max: 3_600_000, unit: 'whole milliseconds' },
  PAY_CHECKOUT_BREAKER_MAX_CONCURRENT: { min: 1, max: 10_000, unit: 'a whole number' },
  PAY_CHECKOUT_BREAKER_MAX_QUEUED: { min: 0, max: 10_000, unit: 'a whole number' },
  PAY_CHECKOUT_BREAKER_MAX_RETRY_AFTER_MS: {
    min: 1_000,
    max: 86_400_000,
    unit: 'whole milliseconds',
  },
} as const;

/** A whole number within `range`, or absent. */
function whole(range: { min: number; max: number; unit: string }) {
  return z
    .string()
    .refine(
      (raw) => /^\d{1,9}$/.test(raw) && Number(raw) >= range.min && Number(raw) <= range.max,
      `must be ${range.unit} from ${range.min} to ${range.max}`,
    )
    .transform(Number)
    .optional();
}

/** The provider guard's variables. */
export const breakerEnv = envSection<BreakerSettings>({
  title: 'Provider breakers',
  variables: [
    {
      name: 'PAY_CHECKOUT_BREAKER_FAILURES',
      meaning: 'failed calls in a row that pause a provider (its methods show as unavailable)',
      default: String(DEFAULT_BREAKER_SETTINGS.failureThreshold),
    },
    {
      name: 'PAY_CHECKOUT_BREAKER_OPEN_MS',
      meaning: 'how long a paused provider waits before one probe call tries it again',
      default: String(DEFAULT_BREAKER_SETTINGS.halfOpenAfterMs),
    },
    {
      name: 'PAY_CHECKOUT_BREAKER_MAX_CONCURRENT',
      meaning: 'calls to one provider that may run at once',
      default: String(DEFAULT_BREAKER_SETTINGS.maxConcurrent),
    },
    {
      name: 'PAY_CHECKOUT_BREAKER_MAX_QUEUED',
      meaning: 'calls to one provider that may wait for a free slot; more fail at once',
      default: String(DEFAULT_BREAKER_SETTINGS.maxQueued),
    },
    {
      name: 'PAY_CHECKOUT_BREAKER_MAX_RETRY_AFTER_MS',
      meaning: 'longest provider `Retry-After` obeyed (a longer one is cut to it)',
      default: String(DEFAULT_BREAKER_SETTINGS.maxRetryAfterMs),
    },
  ],
  schema: z
    .object({
      PAY_CHECKOUT_BREAKER_FAILURES: whole(RANGES.PAY_CHECKOUT_BREAKER_FAILURES),
      PAY_CHECKOUT_BREAKER_OPEN_MS: whole(RANGES.PAY_CHECKOUT_BREAKER_OPEN_MS),
      PAY_CHECKOUT_BREAKER_MAX_CONCURRENT: whole(RANGES.PAY_CHECKOUT_BREAKER_MAX_CONCURRENT),
      PAY_CHECKOUT_BREAKER_MAX_QUEUED: whole(RANGES.PAY_CHECKOUT_BREAKER_MAX_QUEUED),
      PAY_CHECKOUT_BREAKER_MAX_RETRY_AFTER_MS: whole(
        RANGES.PAY_CHECKOUT_BREAKER_MAX_RETRY_AFTER_MS,
      ),
    })
    .transform((env) => ({
      failureThreshold:
        env.PAY_CHECKOUT_BREAKER_FAILURES ?? DEFAULT_BREAKER_SETTINGS.failureThreshold,
      halfOpenAfterMs: env.PAY_CHECKOUT_BREAKER_OPEN_MS ?? DEFAULT_BREAKER_SETTINGS.halfOpenAfterMs,
      maxConcurrent:
        env.PAY_CHECKOUT_BREAKER_MAX_CONCURRENT ?? DEFAULT_BREAKER_SETTINGS.maxConcurrent,
      maxQueued: env.PAY_CHECKOUT_BREAKER_MAX_QUEUED ?? DEFAULT_BREAKER_SETTINGS.maxQueued,
      maxRetryAfterMs:
        env.PAY_CHECKOUT_BREAKER_MAX_RETRY_AFTER_MS ?? DEFAULT_BREAKER_SETTINGS.maxRetryAfterMs,
    })),
});
