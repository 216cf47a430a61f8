/**
 * @module
 * `PAY_CHECKOUT_NOTIFICATION_LEASE_MS`: how long an instance holds a merchant notification it
 * is delivering before another instance may take it over (notify/outbox-deliverer.ts). One
 * delivery attempt lasts at most its request timeout, so the default of 2 min leaves room; the
 * notifications of an instance that died move on after about this long.
 */
import { z } from 'zod';
import { envSection, wholeNumber } from './env-schema.js';

/** What the outbox section reads. */
export interface OutboxConfig {
  /** How long a claimed notification holds before another instance may deliver it. */
  leaseMs: number;
}

const LEASE_MS = { min: 1_000, max: 3_600_000, default: 120_000 } as const;

/** The notification outbox's variables. */
export const outboxEnv = envSection<OutboxConfig>({
  title: 'Merchant notifications',
  variables: [
    {
      name: 'PAY_CHECKOUT_NOTIFICATION_LEASE_MS',
      meaning:
        'how long an instance holds a notification it delivers before another may take it over',
      default: String(LEASE_MS.default),
    },
  ],
  schema: z
    .object({
      PAY_CHECKOUT_NOTIFICATION_LEASE_MS: wholeNumber(LEASE_MS.min, LEASE_MS.max).optional(),
    })
    .transform((env) => ({
      leaseMs: env.PAY_CHECKOUT_NOTIFICATION_LEASE_MS ?? LEASE_MS.default,
    })),
});
