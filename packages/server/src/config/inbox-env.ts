/**
 * @module
 * `PAY_CHECKOUT_INBOX_LEASE_MS` and `PAY_CHECKOUT_INBOX_POLL_MS`: how long an instance holds a
 * stored webhook it is processing before another instance may take it over (so the events of
 * an instance that died are processed within about that time), and how often every instance
 * looks for stored webhooks still to process (core/inbox.ts).
 */
import { z } from 'zod';
import type { InboxOptions } from '../core/inbox.js';
import { envSection } from './env-schema.js';

/** What the inbox section reads. */
export type InboxConfig = Required<Pick<InboxOptions, 'leaseMs' | 'pollMs'>>;

const LEASE_MS = { min: 1_000, max: 600_000, default: 30_000 } as const;
const POLL_MS = { min: 50, max: 60_000, default: 1_000 } as const;

/** Whole milliseconds within `range`, or absent. */
function millis(range: { min: number; max: number }) {
  return z
    .string()
    .refine(
      (raw) => /^\d{1,6}$/.test(raw) && Number(raw) >= range.min && Number(raw) <= range.max,
      `must be whole milliseconds from ${range.min} to ${range.max}`,
    )
    .transform(Number)
    .optional();
}

/** The webhook inbox's variables. */
export const inboxEnv = envSection<InboxConfig>({
  title: 'Webhook inbox',
  variables: [
    {
      name: 'PAY_CHECKOUT_INBOX_LEASE_MS',
      meaning:
        'how long an instance holds a stored webhook it processes before another may take it over',
      default: String(LEASE_MS.default),
    },
    {
      name: 'PAY_CHECKOUT_INBOX_POLL_MS',
      meaning: 'how often each instance looks for stored webhooks still to process',
      default: String(POLL_MS.default),
    },
  ],
  schema: z
    .object({
      PAY_CHECKOUT_INBOX_LEASE_MS: millis(LEASE_MS),
      PAY_CHECKOUT_INBOX_POLL_MS: millis(POLL_MS),
    })
    .transform((env) => ({
      leaseMs: env.PAY_CHECKOUT_INBOX_LEASE_MS ?? LEASE_MS.default,
      pollMs: env.PAY_CHECKOUT_INBOX_POLL_MS ?? POLL_MS.default,
    })),
});
