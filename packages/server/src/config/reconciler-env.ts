/**
 * @module
 * `PAY_CHECKOUT_RECONCILE_SCALE`: multiplies every duration of the order-check schedule
 * (core/reconciler.ts: 1, 5, 15 and 60 minutes after an order started, then every 6 hours until
 * its session expires, then once more). 1 in production; a small value such as `0.01` runs the
 * schedule a hundred times faster, for tests and demos against the emulator.
 *
 * `PAY_CHECKOUT_RECONCILE_LEASE_MS`: how long an instance holds an order's check before another
 * may take it over (2 min: longer than a provider read with its retries takes), so the checks of
 * an instance that died are taken over within about that time.
 */
import { z } from 'zod';
import { envSection, wholeNumber } from './env-schema.js';

/** What the reconciler section reads. */
export interface ReconcilerConfig {
  /** Multiplies every duration of the order-check schedule. */
  scale: number;
  /** How long a claimed check holds before another instance may take it over. */
  leaseMs: number;
}

const SCALE = { min: 0.0001, max: 100, default: 1 } as const;
const LEASE_MS = { min: 1_000, max: 3_600_000, default: 120_000 } as const;

/** The reconciler's variables. */
export const reconcilerEnv = envSection<ReconcilerConfig>({
  title: 'Order checks',
  variables: [
    {
      name: 'PAY_CHECKOUT_RECONCILE_SCALE',
      meaning:
        'multiplies the order-check schedule (1, 5, 15, 60 min, then every 6 h), e.g. `0.01` in tests',
      default: String(SCALE.default),
    },
    {
      name: 'PAY_CHECKOUT_RECONCILE_LEASE_MS',
      meaning:
        "how long an instance holds an order check before another may take it over (a dead one's checks move on after this)",
      default: String(LEASE_MS.default),
    },
  ],
  schema: z
    .object({
      PAY_CHECKOUT_RECONCILE_SCALE: z
        .string()
        .refine(
          (raw) =>
            /^\d{1,3}(\.\d{1,6})?$/.test(raw) &&
            Number(raw) >= SCALE.min &&
            Number(raw) <= SCALE.max,
          `must be a decimal number from ${SCALE.min} to ${SCALE.max}`,
        )
        .transform(Number)
        .optional(),
      PAY_CHECKOUT_RECONCILE_LEASE_MS: wholeNumber(LEASE_MS.min, LEASE_MS.max).optional(),
    })
    .transform((env) => ({
      scale: env.PAY_CHECKOUT_RECONCILE_SCALE ?? SCALE.default,
      leaseMs: env.PAY_CHECKOUT_RECONCILE_LEASE_MS ?? LEASE_MS.default,
    })),
});
