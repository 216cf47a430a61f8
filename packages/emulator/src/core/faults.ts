/**
 * @module
 * Fault injection: misbehaviours a merchant's backend must survive, switched on through the
 * control API, for one provider or for all of them.
 *
 * Webhook faults (`duplicate`, `reorder`, `delayMs`, `drop`, `badSignature`) are applied by the
 * webhook dispatcher; API faults (`errorRate`, `latencyMs`, `tooManyRequests`) by
 * {@link apiFaults} in front of a provider's API routes.
 */
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { PROVIDER_IDS, type ProviderId } from './provider-ids.js';
import type { Scheduler } from './scheduler.js';

/** The fault switches; an absent switch is off. */
export const FaultSettingsSchema = z.strictObject({
  /** Send every webhook twice (two deliveries with the same event id). */
  duplicate: z.boolean().optional(),
  /** Hold each order's webhooks briefly, then send them newest first. */
  reorder: z.boolean().optional(),
  /** Delay the first attempt of each delivery by this many real milliseconds. */
  delayMs: z.number().int().min(0).max(600_000).optional(),
  /** Record webhooks in the delivery log but never send them. */
  drop: z.boolean().optional(),
  /** Sign webhooks with a wrong key. */
  badSignature: z.boolean().optional(),
  /** Share of API calls (0..1) answered with the provider's own 500 error. */
  errorRate: z.number().min(0).max(1).optional(),
  /** Extra real milliseconds before each API response. */
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  /**
   * Answer API calls `429 Too Many Requests` with `Retry-After: <retryAfterSeconds>`, as a
   * provider's rate limit does; `rate` is the share of calls so answered (default all).
   */
  tooManyRequests: z
    .strictObject({
      retryAfterSeconds: z.number().int().min(0).max(86_400),
      rate: z.number().min(0).max(1).optional(),
    })
    .optional(),
});
export type FaultSettings = z.infer<typeof FaultSettingsSchema>;

/** Body of `POST /_emulator/faults`: the switches plus an optional provider scope. */
export const FaultRequestSchema = FaultSettingsSchema.extend({
  provider: z.enum(PROVIDER_IDS).optional(),
});
export type FaultRequest = z.infer<typeof FaultRequestSchema>;

/** What `GET /_emulator/faults` answers. */
export interface FaultsView {
  /** Faults that apply to every provider. */
  global: FaultSettings;
  /** Faults scoped to one provider; they override the global ones. */
  providers: Partial<Record<ProviderId, FaultSettings>>;
}

/** The current fault switches, global and per provider. */
export class FaultStore {
  #global: FaultSettings = {};
  #providers = new Map<ProviderId, FaultSettings>();

  /** Switches faults on (merged into what is already set for that scope). */
  set(request: FaultRequest): FaultsView {
    const { provider, ...settings } = request;
    if (provider) {
      this.#providers.set(provider, { ...this.#providers.get(provider), ...settings });
    } else {
      this.#global = { ...this.#global, ...settings };
    }
    return this.view();
  }

  /** Turns every fault off, or only those scoped to `provider`. */
  reset(provider?: ProviderId): FaultsView {
    if (provider) {
      this.#providers.delete(provider);
    } else {
      this.#global = {};
      this.#providers.clear();
    }
    return this.view();
  }

  /** The faults in force for `provider`: its own switches over the global ones. */
  effective(provider: ProviderId): FaultSettings {
    return { ...this.#global, ...this.#providers.get(provider) };
  }

  /** A snapshot of every switch. */
  view(): FaultsView {
    return {
      global: { ...this.#global },
      providers: Object.fromEntries(
        [...this.#providers].map(([id, settings]) => [id, { ...settings }]),
      ),
    };
  }
}

/** Options of {@link apiFaults}. */
export interface ApiFaultOptions {
  provider: ProviderId;
  faults: FaultStore;
  scheduler: Scheduler;
  /** The provider's own "internal server error" response. */
  failure: () => Response;
  /** The provider's own 429 body (default a generic JSON error); `Retry-After` is added. */
  tooManyRequests?: () => Response;
  /** Source of randomness in [0, 1) for `errorRate`. */
  random?: () => number;
}

/** A generic rate-limit answer, for providers whose own 429 body is not documented. */
function genericTooManyRequests(): Response {
  return Response.json(
    { error: 'too_many_requests', message: 'Rate limit exceeded, retry later' },
    { status: 429 },
  );
}

/** Middleware that applies `latencyMs`, `tooManyRequests` and `errorRate` to a provider's API. */
export function apiFaults(options: ApiFaultOptions): MiddlewareHandler {
  const random = options.random ?? Math.random;
  return async (_c, next) => {
    const faults = options.faults.effective(options.provider);
    if (faults.latencyMs) await options.scheduler.sleep(faults.latencyMs);
    // Injected failures happen before the handler runs, so a refused call changes nothing.
    const limited = faults.tooManyRequests;
    if (limited && random() < (limited.rate ?? 1)) {
      const response = (options.tooManyRequests ?? genericTooManyRequests)();
      const headers = new Headers(response.headers);
      headers.set('Retry-After', String(limited.retryAfterSeconds));
      return new Response(response.body, { status: 429, headers });
    }
    if (faults.errorRate && random() < faults.errorRate) return options.failure();
    await next();
  };
}
