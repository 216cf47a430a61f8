/**
 * @module
 * How long rows are kept and when a failing merchant notification is given up on:
 *
 * - `PAY_CHECKOUT_NOTIFICATION_DEAD_AFTER_HOURS` / `PAY_CHECKOUT_NOTIFICATION_MAX_ATTEMPTS`:
 *   a notification whose first failed attempt is older than the horizon (default 72 h), or that
 *   failed that many times (default 20), is parked as dead (notify/outbox-deliverer.ts).
 * - `PAY_CHECKOUT_RETENTION_*`: what the retention job (core/retention.ts) deletes, and how
 *   often it runs. Provider events are kept at least 35 days — longer than the longest provider
 *   retry horizon (Adyen's 30 days) — so a late re-delivery is still recognised as a duplicate;
 *   processed webhook inbox rows follow the same horizon. Idempotency keys are kept at least as
 *   long as the ledger honours them (24 h, like Stripe's).
 */
import { z } from 'zod';
import { IDEMPOTENCY_TTL_MS, type RetentionKind } from '../core/ledger.js';
import type { DeadLetterPolicy } from '../notify/outbox-deliverer.js';
import { envSection } from './env-schema.js';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** What the retention section reads. */
export interface RetentionConfig {
  /** How often the retention job runs (one instance per interval). */
  intervalMs: number;
  /** How old a row of each kind must be before it is deleted. */
  horizonsMs: Record<RetentionKind, number>;
  /** When a failing merchant notification is parked as dead. */
  deadLetter: DeadLetterPolicy;
}

/** The shortest provider-event horizon allowed: beyond every provider's retries. */
export const MIN_PROVIDER_EVENT_DAYS = 35;

/** The defaults, in the units of the variables. */
export const RETENTION_DEFAULTS = {
  deadAfterHours: 72,
  maxAttempts: 20,
  intervalSeconds: 600,
  notificationsDays: 30,
  providerEventsDays: MIN_PROVIDER_EVENT_DAYS,
  idempotencyHours: IDEMPOTENCY_TTL_MS / HOUR_MS,
  sessionEventsDays: 90,
} as const;

/** A decimal number in `[min, max]` (at most three decimals). */
function decimal(min: number, max: number, message = `must be a number from ${min} to ${max}`) {
  return z
    .string()
    .refine(
      (raw) => /^\d{1,7}(\.\d{1,3})?$/.test(raw) && Number(raw) >= min && Number(raw) <= max,
      message,
    )
    .transform(Number);
}

/** A whole number in `[min, max]`; `below` is the reason given for a value under `min`. */
function whole(min: number, max: number, below?: string) {
  return z.string().superRefine((raw, ctx) => {
    if (!/^\d{1,9}$/.test(raw) || Number(raw) > max) {
      ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
    } else if (Number(raw) < min) {
      ctx.addIssue({
        code: 'custom',
        message: below ?? `must be a whole number from ${min} to ${max}`,
      });
    }
  });
}

/** The retention and dead-letter variables. */
export const retentionEnv = envSection<RetentionConfig>({
  title: 'Retention',
  variables: [
    {
      name: 'PAY_CHECKOUT_NOTIFICATION_DEAD_AFTER_HOURS',
      meaning: 'a notification failing this long since its first failed attempt is parked as dead',
      default: String(RETENTION_DEFAULTS.deadAfterHours),
    },
    {
      name: 'PAY_CHECKOUT_NOTIFICATION_MAX_ATTEMPTS',
      meaning: 'a notification failing this many times in a row is parked as dead (1–1000)',
      default: String(RETENTION_DEFAULTS.maxAttempts),
    },
    {
      name: 'PAY_CHECKOUT_RETENTION_INTERVAL_SECONDS',
      meaning: 'how often old rows are deleted, by one instance at a time',
      default: String(RETENTION_DEFAULTS.intervalSeconds),
    },
    {
      name: 'PAY_CHECKOUT_RETENTION_NOTIFICATIONS_DAYS',
      meaning: 'delivered notifications are deleted this many days after delivery',
      default: String(RETENTION_DEFAULTS.notificationsDays),
    },
    {
      name: 'PAY_CHECKOUT_RETENTION_PROVIDER_EVENTS_DAYS',
      meaning: 'provider events and processed webhooks are deleted after this many days (35+)',
      default: String(RETENTION_DEFAULTS.providerEventsDays),
    },
    {
      name: 'PAY_CHECKOUT_RETENTION_IDEMPOTENCY_HOURS',
      meaning: 'idempotency keys are deleted this many hours after they were first used (24+)',
      default: String(RETENTION_DEFAULTS.idempotencyHours),
    },
    {
      name: 'PAY_CHECKOUT_RETENTION_SESSION_EVENTS_DAYS',
      meaning: 'status history of settled sessions is deleted this many days after they expired',
      default: String(RETENTION_DEFAULTS.sessionEventsDays),
    },
  ],
  schema: z
    .object({
      PAY_CHECKOUT_NOTIFICATION_DEAD_AFTER_HOURS: decimal(0.001, 8760).optional(),
      PAY_CHECKOUT_NOTIFICATION_MAX_ATTEMPTS: whole(1, 1000).transform(Number).optional(),
      PAY_CHECKOUT_RETENTION_INTERVAL_SECONDS: decimal(0.05, 86_400).optional(),
      PAY_CHECKOUT_RETENTION_NOTIFICATIONS_DAYS: whole(1, 3650).transform(Number).optional(),
      PAY_CHECKOUT_RETENTION_PROVIDER_EVENTS_DAYS: whole(
        MIN_PROVIDER_EVENT_DAYS,
        3650,
        `must be at least ${MIN_PROVIDER_EVENT_DAYS} days: providers re-deliver for up to 30 days, and a shorter horizon would let such a copy apply again`,
      )
        .transform(Number)
        .optional(),
      PAY_CHECKOUT_RETENTION_IDEMPOTENCY_HOURS: whole(
        RETENTION_DEFAULTS.idempotencyHours,
        8760,
        `must be at least ${RETENTION_DEFAULTS.idempotencyHours} hours: keys are honoured that long`,
      )
        .transform(Number)
        .optional(),
      PAY_CHECKOUT_RETENTION_SESSION_EVENTS_DAYS: whole(1, 3650).transform(Number).optional(),
    })
    .transform((env): RetentionConfig => {
      const providerEventsMs =
        (env.PAY_CHECKOUT_RETENTION_PROVIDER_EVENTS_DAYS ?? RETENTION_DEFAULTS.providerEventsDays) *
        DAY_MS;
      return {
        intervalMs: Math.round(
          (env.PAY_CHECKOUT_RETENTION_INTERVAL_SECONDS ?? RETENTION_DEFAULTS.intervalSeconds) *
            1000,
        ),
        horizonsMs: {
          notifications:
            (env.PAY_CHECKOUT_RETENTION_NOTIFICATIONS_DAYS ??
              RETENTION_DEFAULTS.notificationsDays) * DAY_MS,
          provider_events: providerEventsMs,
          webhook_inbox: providerEventsMs,
          idempotency_keys:
            (env.PAY_CHECKOUT_RETENTION_IDEMPOTENCY_HOURS ?? RETENTION_DEFAULTS.idempotencyHours) *
            HOUR_MS,
          session_events:
            (env.PAY_CHECKOUT_RETENTION_SESSION_EVENTS_DAYS ??
              RETENTION_DEFAULTS.sessionEventsDays) * DAY_MS,
        },
        deadLetter: {
          afterMs: Math.round(
            (env.PAY_CHECKOUT_NOTIFICATION_DEAD_AFTER_HOURS ?? RETENTION_DEFAULTS.deadAfterHours) *
              HOUR_MS,
          ),
          maxAttempts: env.PAY_CHECKOUT_NOTIFICATION_MAX_ATTEMPTS ?? RETENTION_DEFAULTS.maxAttempts,
        },
      };
    }),
});
