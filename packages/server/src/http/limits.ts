/**
 * @module
 * The limits of the HTTP layer in one place: the largest body, how long a body may take to
 * arrive (shorter on `/webhooks/*`, whose senders are servers that send at once), and how long
 * the request line and headers may take. `startCheckoutServer` applies them to Node's server
 * (http/body-guard.ts and {@link nodeServerOptions}); the config section
 * (config/http-env.ts) reads them from the environment.
 */

/** What the HTTP layer enforces before a request reaches the routes. */
export interface HttpLimits {
  /** Longest time a request body (non-webhook route) may take to arrive, in milliseconds. */
  bodyTimeoutMs: number;
  /** The same for `POST /webhooks/*`. */
  webhookBodyTimeoutMs: number;
  /** Longest time the request line and headers may take to arrive (Node's `headersTimeout`). */
  headersTimeoutMs: number;
}

/** The production defaults. */
export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  bodyTimeoutMs: 30_000,
  webhookBodyTimeoutMs: 10_000,
  headersTimeoutMs: 20_000,
};

/** Request targets of the webhook routes, in origin form or absolute form. */
const WEBHOOK_TARGET = /^(?:https?:\/\/[^/]*)?\/webhooks\//i;

/** The body timeout of a request target (`req.url`). */
export function bodyTimeoutFor(target: string, limits: HttpLimits): number {
  return WEBHOOK_TARGET.test(target) ? limits.webhookBodyTimeoutMs : limits.bodyTimeoutMs;
}

/**
 * Options of Node's `http.createServer` that follow from the limits. `headersTimeout` is the
 * limit itself; `requestTimeout` (the whole request, headers and body) is only a backstop
 * behind the body guard's own, per-route timeout, so it is their sum plus a margin; the
 * connections are checked often enough for the headers timeout to hold to about a second
 * (Node's default looks every 30 s).
 */
export function nodeServerOptions(limits: HttpLimits): {
  headersTimeout: number;
  requestTimeout: number;
  connectionsCheckingInterval: number;
} {
  const longestBody = Math.max(limits.bodyTimeoutMs, limits.webhookBodyTimeoutMs);
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.headersTimeoutMs + longestBody + 5_000,
    connectionsCheckingInterval: Math.min(
      1_000,
      Math.max(100, Math.floor(limits.headersTimeoutMs / 2)),
    ),
  };
}
