/**
 * @module
 * One guard per provider, in front of its HTTP calls: a circuit breaker and a bulkhead
 * (cockatiel), and the provider's own `Retry-After`. A provider that keeps failing is not called
 * for a while — its calls fail at once, without reaching it — and is tried again through a single
 * probe; a provider that asked us to come back later is not called before then; a provider that
 * is merely slow cannot take every connection of the server, because only so many of its calls
 * run at once.
 *
 * What counts as a failure is the provider being unable to answer: 5xx, 408, 429, a time-out, a
 * network error, an unreadable 2xx (the `unavailable` outcome of provider-http.ts). A 4xx is a
 * business answer and counts as a success: the provider is up, it said no.
 *
 * The guard of a provider is found by its HTTP client in one of two ways: passed explicitly
 * (`ProviderHttpOptions.guard`), or as the guard of the adapter call in progress — the registry
 * wraps every adapter with {@link guardProvider}, which runs each of its calls that may reach the provider inside the guard's
 * scope, so adapters need not know about guards at all.
 *
 * Some providers' methods come from a call to the provider (Koywe's method list, FuratPay's
 * linked services), which fails while the provider is down: the wrapped adapter remembers its
 * last successful list per market (country and currency) and answers it while the guard says
 * the provider is unavailable, so that the routes list those methods as unavailable instead of
 * dropping them. A market not listed since the start has nothing to remember and lists none.
 *
 * @example
 * ```ts
 * const guard = new ProviderGuard('ivy', { failureThreshold: 5, halfOpenAfterMs: 30_000 });
 * const sent = await guard.run(() => http.send('GET', '/orders/1', request));
 * guard.availability(); // { available: false, retryAfter: '…' } while open
 * ```
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  ConsecutiveBreaker,
  IsolatedCircuitError,
  bulkhead,
  circuitBreaker,
  handleType,
  wrap,
  type CircuitBreakerPolicy,
  type IBackoff,
  type IBreaker,
} from 'cockatiel';
import type { Method } from '@pay-checkout/protocol';
import type { SessionRecord } from '../domain/records.js';
import type { HttpOutcome, Sent } from './http/provider-http.js';
import type { Provider } from './provider.js';

/** The tuning of every provider's guard (config/breaker-env.ts reads it from the environment). */
export interface BreakerSettings {
  /** Consecutive failed calls that open the breaker. */
  failureThreshold: number;
  /** How long an open breaker waits before it lets one probe call through. */
  halfOpenAfterMs: number;
  /** Calls to one provider that may run at once (the bulkhead). */
  maxConcurrent: number;
  /** Calls that may wait for a free slot; more are refused at once. */
  maxQueued: number;
  /** Longest `Retry-After` obeyed; a longer one is cut to this. */
  maxRetryAfterMs: number;
}

/** Defaults: five failures in a row open it for 30 s; 20 calls at once, 20 waiting. */
export const DEFAULT_BREAKER_SETTINGS: Readonly<BreakerSettings> = {
  failureThreshold: 5,
  halfOpenAfterMs: 30_000,
  maxConcurrent: 20,
  maxQueued: 20,
  maxRetryAfterMs: 300_000,
};

/** A breaker's state as `/metrics` and logs name it. */
export type BreakerState = 'closed' | 'open' | 'half_open';

/** Why a call was refused without reaching the provider. */
export type RejectReason = 'circuit_open' | 'half_open' | 'retry_after' | 'bulkhead_full';

/** Whether a provider's methods may be offered right now. */
export type Availability =
  | { available: true }
  /** `retryAfter`: when it will be tried again (ISO 8601), when known. */
  | { available: false; retryAfter?: string };

/** The words of a refused call's outcome (adapters put them into their error messages). */
const REJECTED: Record<RejectReason, string> = {
  circuit_open: 'failing, paused for now',
  half_open: 'failing, being probed',
  retry_after: 'asked us to wait',
  bulkhead_full: 'too many calls in flight',
};

/** The unavailable outcome of a call, carried through the breaker as an error. */
class ProviderDown extends Error {
  override name = 'ProviderDown';
  constructor(readonly sent: Sent) {
    super('provider unavailable');
  }
}

/**
 * A consecutive-failures breaker that also opens at once when the provider said when to come
 * back (`Retry-After`): waiting out the threshold would call it against its word.
 */
class RetryAfterBreaker implements IBreaker {
  readonly #inner: ConsecutiveBreaker;
  /**
   * Set by the guard just before a failure with a `Retry-After` is reported; the pause that
   * follows reads and clears it.
   */
  force = false;

  constructor(threshold: number) {
    this.#inner = new ConsecutiveBreaker(threshold);
  }

  get state(): unknown {
    return this.#inner.state;
  }

  set state(value: unknown) {
    this.#inner.state = value as number;
  }

  success(): void {
    this.force = false;
    this.#inner.success();
  }

  failure(): boolean {
    return this.#inner.failure() || this.force;
  }
}

/** The breaker, bulkhead and `Retry-After` of one provider. */
export class ProviderGuard {
  readonly provider: string;
  readonly settings: Readonly<BreakerSettings>;
  readonly #breaker: CircuitBreakerPolicy;
  readonly #opensNow: RetryAfterBreaker;
  readonly #policy;
  /** cockatiel times its pauses on `Date.now()`; so does the rest of the guard. */
  readonly #now = () => Date.now();
  /** No call before this instant (epoch ms): the provider's `Retry-After`. */
  #heldUntil = 0;
  /** When the breaker last opened, and for how long (epoch ms). */
  #reopensAt = 0;
  readonly #rejected = new Map<RejectReason, number>();
  readonly #listeners = new Set<(state: BreakerState) => void>();
  readonly #refusals = new Set<(reason: RejectReason) => void>();

  constructor(provider: string, settings: Partial<BreakerSettings> = {}) {
    this.provider = provider;
    this.settings = { ...DEFAULT_BREAKER_SETTINGS, ...settings };
    this.#opensNow = new RetryAfterBreaker(this.settings.failureThreshold);
    // Opened by a `Retry-After`, the pause is what the provider asked for; opened by failures,
    // the configured time, or longer if a `Retry-After` still holds.
    const pause = (): IBackoff<unknown> => {
      const held = Math.max(0, this.#heldUntil - this.#now());
      const duration = this.#opensNow.force ? held : Math.max(this.settings.halfOpenAfterMs, held);
      this.#opensNow.force = false;
      this.#reopensAt = this.#now() + duration;
      return { duration, next: pause };
    };
    this.#breaker = circuitBreaker(handleType(ProviderDown), {
      halfOpenAfter: { next: pause },
      breaker: this.#opensNow,
    });
    this.#breaker.onStateChange(() => {
      for (const listener of this.#listeners) listener(this.state);
    });
    // The breaker is outside: an open breaker refuses before a slot is taken, and a full
    // bulkhead (the provider is slow, not failing) does not count as a failure.
    this.#policy = wrap(
      this.#breaker,
      bulkhead(this.settings.maxConcurrent, this.settings.maxQueued),
    );
  }

  /** The breaker's state; held by a `Retry-After`, it reads open. */
  get state(): BreakerState {
    const state = this.#breaker.state;
    if (state === CircuitState.HalfOpen) return 'half_open';
    if (state === CircuitState.Closed && this.#now() >= this.#heldUntil) return 'closed';
    return 'open';
  }

  /** Calls refused without reaching the provider, by reason, since the start. */
  rejected(reason: RejectReason): number {
    return this.#rejected.get(reason) ?? 0;
  }

  /** Calls `listener` on every call refused without reaching the provider. */
  onReject(listener: (reason: RejectReason) => void): () => void {
    this.#refusals.add(listener);
    return () => this.#refusals.delete(listener);
  }

  /** Calls `listener` on every change of the breaker's state; returns the unsubscribe. */
  onStateChange(listener: (state: BreakerState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Whether the provider's methods may be offered: not while its breaker is open or a
   * `Retry-After` holds. An open breaker that is due for its probe counts as available, so that
   * a shopper's attempt can be the probe.
   */
  availability(): Availability {
    const now = this.#now();
    const state = this.#breaker.state;
    const until = Math.max(this.#heldUntil, state === CircuitState.Open ? this.#reopensAt : 0);
    if (until > now) return { available: false, retryAfter: new Date(until).toISOString() };
    if (state === CircuitState.HalfOpen || state === CircuitState.Isolated) {
      return { available: false };
    }
    return { available: true };
  }

  /**
   * Runs one provider call (`send`, which resolves with its outcome and never rejects for a
   * failure of the provider). Refused at once, with an `unavailable` outcome that says the
   * provider surely saw nothing, while the breaker is open, a probe is in flight, a
   * `Retry-After` holds, or the bulkhead is full. Rethrows what `send` throws.
   */
  async run(send: () => Promise<Sent>): Promise<Sent> {
    if (this.#now() < this.#heldUntil) return this.#refuse('retry_after');
    // One probe at a time; the others fail fast rather than queue behind it.
    if (this.#breaker.state === CircuitState.HalfOpen) return this.#refuse('half_open');
    try {
      return await this.#policy.execute(async () => {
        const sent = await send();
        if (sent.outcome.kind !== 'unavailable') return sent;
        const wait = sent.outcome.retryAfterMs;
        if (wait !== undefined && wait > 0) {
          this.#heldUntil = Math.max(
            this.#heldUntil,
            this.#now() + Math.min(wait, this.settings.maxRetryAfterMs),
          );
          this.#opensNow.force = true;
        }
        throw new ProviderDown(sent);
      });
    } catch (error) {
      if (error instanceof ProviderDown) {
        // Already counted; a `Retry-After` whose breaker was already open opens nothing later.
        this.#opensNow.force = false;
        return error.sent;
      }
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
        return this.#refuse('circuit_open');
      }
      if (error instanceof BulkheadRejectedError) return this.#refuse('bulkhead_full');
      throw error;
    }
  }

  #refuse(reason: RejectReason): Sent {
    this.#rejected.set(reason, this.rejected(reason) + 1);
    for (const listener of this.#refusals) listener(reason);
    const outcome: HttpOutcome = { kind: 'unavailable', reason: REJECTED[reason], certain: true };
    return { outcome, attempt: 0 };
  }
}

/** What {@link ProviderGuards} tells about every guard it holds (metrics, logs). */
export interface GuardHooks {
  onReject?: (provider: string, reason: RejectReason) => void;
  onStateChange?: (provider: string, state: BreakerState) => void;
}

/** The guards of the providers, by provider id, with their settings. */
export class ProviderGuards {
  readonly settings: Readonly<BreakerSettings>;
  readonly #guards = new Map<string, ProviderGuard>();
  readonly #hooks: GuardHooks;

  constructor(settings: Partial<BreakerSettings> = {}, hooks: GuardHooks = {}) {
    this.settings = { ...DEFAULT_BREAKER_SETTINGS, ...settings };
    this.#hooks = hooks;
  }

  /** The guard of `provider`, created on first use. */
  of(provider: string): ProviderGuard {
    let guard = this.#guards.get(provider);
    if (!guard) {
      guard = new ProviderGuard(provider, this.settings);
      const { onReject, onStateChange } = this.#hooks;
      if (onReject) guard.onReject((reason) => onReject(provider, reason));
      if (onStateChange) guard.onStateChange((state) => onStateChange(provider, state));
      this.#guards.set(provider, guard);
    }
    return guard;
  }

  /** Every guard created so far. */
  all(): ProviderGuard[] {
    return [...this.#guards.values()];
  }
}

const scope = new AsyncLocalStorage<ProviderGuard>();

/** The guard of the adapter call in progress, if it runs under {@link guardProvider}. */
export function currentGuard(): ProviderGuard | undefined {
  return scope.getStore();
}

const guardOfProvider = new WeakMap<Provider, ProviderGuard>();

/** The guard an adapter was wrapped with, if it was. */
export function guardOf(provider: Provider): ProviderGuard | undefined {
  return guardOfProvider.get(provider);
}

/** Markets whose last method list is remembered, per provider. */
const REMEMBERED_MARKETS = 64;

/**
 * The last successful method list of one provider per market, without what belonged to that
 * session alone (the values filled in from its customer), to be answered while the provider is
 * unavailable.
 */
export class KnownMethods {
  readonly #lists = new Map<string, Method[]>();

  static #market(session: SessionRecord): string {
    return `${session.country}:${session.amount.currency}`;
  }

  /** Remembers `methods` as the list of `session`'s market (an empty list is not kept). */
  remember(session: SessionRecord, methods: readonly Method[]): void {
    if (methods.length === 0) return;
    const market = KnownMethods.#market(session);
    this.#lists.delete(market);
    this.#lists.set(
      market,
      methods.map((method) =>
        method.fields
          ? { ...method, fields: method.fields.map(({ value: _value, ...field }) => field) }
          : { ...method },
      ),
    );
    while (this.#lists.size > REMEMBERED_MARKETS) {
      const oldest = this.#lists.keys().next().value;
      if (oldest === undefined) break;
      this.#lists.delete(oldest);
    }
  }

  /** The remembered list of `session`'s market, if any. */
  recall(session: SessionRecord): Method[] | undefined {
    return this.#lists.get(KnownMethods.#market(session))?.map((method) => ({ ...method }));
  }
}

/**
 * `provider.methods`, remembering each successful list; when listing fails while `guard` says
 * the provider is unavailable, the remembered list of the market instead.
 */
function methodsWithMemory(
  provider: Provider,
  guard: ProviderGuard,
): (session: SessionRecord) => Method[] | Promise<Method[]> {
  const known = new KnownMethods();
  const fallback = (session: SessionRecord, error: unknown): Method[] => {
    const remembered = guard.availability().available ? undefined : known.recall(session);
    if (remembered) return remembered;
    throw error;
  };
  return (session) => {
    let listed: Method[] | Promise<Method[]>;
    try {
      listed = scope.run(guard, () => provider.methods(session));
    } catch (error) {
      return fallback(session, error);
    }
    if (!(listed instanceof Promise)) {
      known.remember(session, listed);
      return listed;
    }
    return listed.then(
      (methods) => {
        known.remember(session, methods);
        return methods;
      },
      (error: unknown) => fallback(session, error),
    );
  };
}

/**
 * Members that work on what they are given and answer synchronously (the signature check, the
 * body's parse, the acknowledgement): they make no provider call, so they run outside the
 * guard's scope, which would cost an async context switch on every webhook.
 */
const LOCAL_MEMBERS: ReadonlySet<PropertyKey> = new Set<keyof Provider>([
  'verifyWebhook',
  'parseWebhook',
  'parseHint',
  'acknowledge',
]);

/**
 * The adapter with every call that may reach the provider run inside `guard`'s scope, so that its HTTP client goes through
 * the guard, and with its methods remembered per market for while it is unavailable (see the
 * module comment). Everything else about the adapter is unchanged (a proxy, so members that are
 * not functions, and those added later, pass through).
 */
export function guardProvider<P extends Provider>(provider: P, guard: ProviderGuard): P {
  const methods = methodsWithMemory(provider, guard);
  /** The function handed out per member, made once per function the adapter has there. */
  const handedOut = new Map<PropertyKey, { of: unknown; call: unknown }>();
  const wrapped = new Proxy(provider, {
    get(target, key) {
      if (key === 'methods') return methods;
      // Read on the adapter itself: a getter or method may use its private fields.
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      const made = handedOut.get(key);
      if (made?.of === value) return made.call;
      const fn = value as (...a: unknown[]) => unknown;
      const call = LOCAL_MEMBERS.has(key)
        ? fn.bind(target)
        : (...args: unknown[]) => scope.run(guard, () => fn.apply(target, args));
      handedOut.set(key, { of: value, call });
      return call;
    },
  });
  guardOfProvider.set(wrapped, guard);
  return wrapped;
}
