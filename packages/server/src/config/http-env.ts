/**
 * @module
 * `PAY_CHECKOUT_BODY_TIMEOUT_MS`, `PAY_CHECKOUT_WEBHOOK_BODY_TIMEOUT_MS` and
 * `PAY_CHECKOUT_HEADERS_TIMEOUT_MS`: how long a request body may take to arrive (on every route,
 * and on `/webhooks/*`, whose senders are servers and send at once), and how long the request
 * line and headers may (http/limits.ts). A client slower than that is answered 408 and its
 * connection closed, so a trickle of bytes cannot hold a connection open.
 */
import { z } from 'zod';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from '../http/limits.js';
import { envSection } from './env-schema.js';

const RANGE = { min: 100, max: 600_000 } as const;

/** Whole milliseconds within {@link RANGE}, or absent. */
function millis() {
  return z
    .string()
    .refine(
      (raw) => /^\d{1,6}$/.test(raw) && Number(raw) >= RANGE.min && Number(raw) <= RANGE.max,
      `must be whole milliseconds from ${RANGE.min} to ${RANGE.max}`,
    )
    .transform(Number)
    .optional();
}

/** The HTTP limits' variables. */
export const httpEnv = envSection<HttpLimits>({
  title: 'HTTP timeouts',
  variables: [
    {
      name: 'PAY_CHECKOUT_BODY_TIMEOUT_MS',
      meaning: 'how long a request body may take to arrive before the answer is 408',
      default: String(DEFAULT_HTTP_LIMITS.bodyTimeoutMs),
    },
    {
      name: 'PAY_CHECKOUT_WEBHOOK_BODY_TIMEOUT_MS',
      meaning: 'the same for provider webhooks (`/webhooks/*`)',
      default: String(DEFAULT_HTTP_LIMITS.webhookBodyTimeoutMs),
    },
    {
      name: 'PAY_CHECKOUT_HEADERS_TIMEOUT_MS',
      meaning: 'how long the request line and headers may take to arrive',
      default: String(DEFAULT_HTTP_LIMITS.headersTimeoutMs),
    },
  ],
  schema: z
    .object({
      PAY_CHECKOUT_BODY_TIMEOUT_MS: millis(),
      PAY_CHECKOUT_WEBHOOK_BODY_TIMEOUT_MS: millis(),
      PAY_CHECKOUT_HEADERS_TIMEOUT_MS: millis(),
    })
    .transform((env) => ({
      bodyTimeoutMs: env.PAY_CHECKOUT_BODY_TIMEOUT_MS ?? DEFAULT_HTTP_LIMITS.bodyTimeoutMs,
      webhookBodyTimeoutMs:
        env.PAY_CHECKOUT_WEBHOOK_BODY_TIMEOUT_MS ?? DEFAULT_HTTP_LIMITS.webhookBodyTimeoutMs,
      headersTimeoutMs: env.PAY_CHECKOUT_HEADERS_TIMEOUT_MS ?? DEFAULT_HTTP_LIMITS.headersTimeoutMs,
    })),
});
