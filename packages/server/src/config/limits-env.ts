/**
 * @module
 * The limits (core/limits.ts): payment attempts per session, requests per window by client
 * address, session and provider, failed requests per client address, how often instances
 * share their counts, and whether `X-Forwarded-For` names the client.
 *
 * A rate of 0 switches that limit off. The defaults leave room for shoppers behind one
 * address (a company, a mobile carrier's NAT) and for a provider's bursts of notifications;
 * the failure limit is tight, since nothing legitimate fails often.
 */
import { z } from 'zod';
import { envSection } from './env-schema.js';

/** What the limits section reads. */
export interface LimitsConfig {
  /** Orders a session may create in all. */
  maxAttempts: number;
  /** Length of a rate-limit window. */
  windowMs: number;
  /** Browser requests per client address per window (0: off). */
  perAddress: number;
  /** Browser requests per session per window (0: off). */
  perSession: number;
  /** Webhooks per provider per window (0: off). */
  perProvider: number;
  /** Failed requests of one kind per client address per window before they are refused. */
  failures: number;
  /** How often each instance shares its counts through the database. */
  syncMs: number;
  /** Proxies in front of the server whose `X-Forwarded-For` entry is trusted (0: none). */
  trustedProxyHops: number;
}

/** The defaults. */
export const LIMITS_DEFAULTS: LimitsConfig = {
  maxAttempts: 10,
  windowMs: 60_000,
  perAddress: 600,
  perSession: 120,
  perProvider: 60_000,
  failures: 20,
  syncMs: 200,
  trustedProxyHops: 0,
};

/** A whole number in `[min, max]`. */
function whole(min: number, max: number) {
  return z
    .string()
    .refine(
      (raw) => /^\d{1,9}$/.test(raw) && Number(raw) >= min && Number(raw) <= max,
      `must be a whole number from ${min} to ${max}`,
    )
    .transform(Number);
}

/** The limits variables. */
export const limitsEnv = envSection<LimitsConfig>({
  title: 'Limits',
  variables: [
    {
      name: 'PAY_CHECKOUT_MAX_ATTEMPTS',
      meaning: 'payment attempts (orders) a session may make (1–1000)',
      default: String(LIMITS_DEFAULTS.maxAttempts),
    },
    {
      name: 'PAY_CHECKOUT_RATE_WINDOW_SECONDS',
      meaning: 'length of the window the rate limits below count in (1–3600)',
      default: String(LIMITS_DEFAULTS.windowMs / 1000),
    },
    {
      name: 'PAY_CHECKOUT_RATE_LIMIT_ADDRESS',
      meaning: 'browser requests per client address per window (0: off)',
      default: String(LIMITS_DEFAULTS.perAddress),
    },
    {
      name: 'PAY_CHECKOUT_RATE_LIMIT_SESSION',
      meaning: 'browser requests per session per window (0: off)',
      default: String(LIMITS_DEFAULTS.perSession),
    },
    {
      name: 'PAY_CHECKOUT_RATE_LIMIT_WEBHOOKS',
      meaning: 'provider webhooks per provider per window (0: off)',
      default: String(LIMITS_DEFAULTS.perProvider),
    },
    {
      name: 'PAY_CHECKOUT_RATE_LIMIT_FAILURES',
      meaning:
        'bad webhook signatures, bad bearer keys or unknown session ids per client address per window, each, before they are answered 429 (0: off)',
      default: String(LIMITS_DEFAULTS.failures),
    },
    {
      name: 'PAY_CHECKOUT_RATE_SYNC_MS',
      meaning: 'how often each instance adds its counts to the shared ones (20–5000)',
      default: String(LIMITS_DEFAULTS.syncMs),
    },
    {
      name: 'PAY_CHECKOUT_TRUSTED_PROXY_HOPS',
      meaning:
        'proxies in front of the server: the client address is that many X-Forwarded-For entries from the right (0: the socket address)',
      default: String(LIMITS_DEFAULTS.trustedProxyHops),
    },
  ],
  schema: z
    .object({
      PAY_CHECKOUT_MAX_ATTEMPTS: whole(1, 1000).optional(),
      PAY_CHECKOUT_RATE_WINDOW_SECONDS: whole(1, 3600).optional(),
      PAY_CHECKOUT_RATE_LIMIT_ADDRESS: whole(0, 1_000_000_000).optional(),
      PAY_CHECKOUT_RATE_LIMIT_SESSION: whole(0, 1_000_000_000).optional(),
      PAY_CHECKOUT_RATE_LIMIT_WEBHOOKS: whole(0, 1_000_000_000).optional(),
      PAY_CHECKOUT_RATE_LIMIT_FAILURES: whole(0, 1_000_000_000).optional(),
      PAY_CHECKOUT_RATE_SYNC_MS: whole(20, 5000).optional(),
      PAY_CHECKOUT_TRUSTED_PROXY_HOPS: whole(0, 10).optional(),
    })
    .transform((env): LimitsConfig => ({
      maxAttempts: env.PAY_CHECKOUT_MAX_ATTEMPTS ?? LIMITS_DEFAULTS.maxAttempts,
      windowMs:
        env.PAY_CHECKOUT_RATE_WINDOW_SECONDS !== undefined
          ? env.PAY_CHECKOUT_RATE_WINDOW_SECONDS * 1000
          : LIMITS_DEFAULTS.windowMs,
      perAddress: env.PAY_CHECKOUT_RATE_LIMIT_ADDRESS ?? LIMITS_DEFAULTS.perAddress,
      perSession: env.PAY_CHECKOUT_RATE_LIMIT_SESSION ?? LIMITS_DEFAULTS.perSession,
      perProvider: env.PAY_CHECKOUT_RATE_LIMIT_WEBHOOKS ?? LIMITS_DEFAULTS.perProvider,
      failures: env.PAY_CHECKOUT_RATE_LIMIT_FAILURES ?? LIMITS_DEFAULTS.failures,
      syncMs: env.PAY_CHECKOUT_RATE_SYNC_MS ?? LIMITS_DEFAULTS.syncMs,
      trustedProxyHops: env.PAY_CHECKOUT_TRUSTED_PROXY_HOPS ?? LIMITS_DEFAULTS.trustedProxyHops,
    })),
});
