/**
 * @module
 * Limits: how many payment attempts a session may make, and how many requests a client
 * address, a session or a provider may send per window.
 *
 * **Attempts** are counted in the database, in the unit of work that creates the order (the
 * session row is locked first, see `Ledger.createOrder`), so they hold exactly under any
 * concurrency and across instances: at most `maxAttempts` orders per session, and one attempt
 * in progress at a time — an order still `created`, i.e. still being opened at its provider,
 * and younger than the idempotency stale period, so that an instance that died mid-attempt
 * blocks its session only that long. {@link judgeAttempt} is the rule.
 *
 * **Rates** are fixed windows ({@link SharedCounters}): every instance counts its hits in
 * memory and adds them to a shared counter row (`limit_counters`) in one statement per batch —
 * every sync interval, or at once when a counter's unsynced hits reach a share of its limit —
 * and learns the shared total from the same statement. A request that passes costs no database
 * round trip; the shared limit is approximate, each instance overshooting by at most what it
 * counted since its last sync. Failures (a webhook signature that does not verify, a bearer
 * key that does not match, a session id that does not exist) are rare on a healthy system, so
 * each is added to the database at once ({@link SharedCounters.fail}) and its limit holds
 * across instances to within one request per instance.
 *
 * The counters live in the database because it is the one thing every instance already
 * shares: a Redis only for counters would be one more service to run, secure and watch, and
 * a second place whose outage has to be handled, for counts that tolerate being approximate.
 */
import type { Logger } from 'pino';
import type { ErrorCode } from '@pay-checkout/protocol';
import type { OrderRecord, SessionRecord } from '../domain/records.js';
import type { LimitCounterRepository } from '../store/store.js';
import { ApiError } from './api-error.js';

/*
 * Attempts.
 */

/** Why a session may not start another payment attempt now. */
export class AttemptRefused extends Error {
  override name = 'AttemptRefused';

  constructor(
    readonly reason: 'too_many_attempts' | 'attempt_in_progress',
    /** How long until asking again may succeed. */
    readonly retryAfterMs: number,
  ) {
    super(
      reason === 'too_many_attempts'
        ? 'This session has no payment attempts left'
        : 'A payment attempt of this session is still being started',
    );
  }
}

/** The attempt rule's parameters. */
export interface AttemptPolicy {
  /** Orders a session may create in all. */
  maxAttempts: number;
  /** How long an order still `created` counts as being started (then its starter is dead). */
  inProgressMs: number;
}

/** What a client is told to wait when an attempt is in progress: it usually ends in seconds. */
export const IN_PROGRESS_RETRY_MS = 2_000;

/**
 * The youngest of `orders` still `created` less than `inProgressMs` before `nowMs`: the order
 * of an attempt that may still be being started, or null.
 */
export function unfinishedOrder<T extends Pick<OrderRecord, 'status' | 'createdAt'>>(
  orders: readonly T[],
  inProgressMs: number,
  nowMs: number,
): T | null {
  let youngest: T | null = null;
  for (const order of orders) {
    if (order.status !== 'created') continue;
    if (Date.parse(order.createdAt) + inProgressMs <= nowMs) continue;
    if (!youngest || order.createdAt > youngest.createdAt) youngest = order;
  }
  return youngest;
}

/**
 * Whether `session`, with its `orders`, may start another attempt at `nowMs`: null when it may,
 * the refusal otherwise. With no attempts left, nothing changes before the session ends, so
 * that is when a client is told to ask again. `running` says whether the request that created
 * the {@link unfinishedOrder} may still be running (default: it may); one that ended without
 * an answer from the provider (a timeout, an outage) leaves its order `created` for the order
 * checks to settle, and must not hold the session's next attempt.
 */
export function judgeAttempt(
  session: Pick<SessionRecord, 'expiresAt'>,
  orders: readonly Pick<OrderRecord, 'status' | 'createdAt'>[],
  policy: AttemptPolicy,
  nowMs: number,
  running = true,
): AttemptRefused | null {
  if (orders.length >= policy.maxAttempts) {
    return new AttemptRefused(
      'too_many_attempts',
      Math.max(0, Date.parse(session.expiresAt) - nowMs),
    );
  }
  const unfinished = running ? unfinishedOrder(orders, policy.inProgressMs, nowMs) : null;
  if (unfinished) {
    const inProgressUntil = Date.parse(unfinished.createdAt) + policy.inProgressMs;
    return new AttemptRefused(
      'attempt_in_progress',
      Math.min(IN_PROGRESS_RETRY_MS, inProgressUntil - nowMs),
    );
  }
  return null;
}

/*
 * Answers.
 */

/** An {@link ApiError} that tells the client when to ask again (`Retry-After`). */
export class RetryLaterError extends ApiError {
  /** Whole seconds, at least 1: the value of `Retry-After`. */
  readonly retryAfterSeconds: number;

  constructor(
    status: 409 | 429,
    code: ErrorCode,
    message: string,
    retryAfterMs: number,
    retryable: boolean,
  ) {
    const retryAfterSeconds = retryAfterSecondsOf(retryAfterMs);
    super(status, code, message, { retryable, details: { retryAfterSeconds } });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** `Retry-After` in whole seconds, rounded up, at least 1. */
export function retryAfterSecondsOf(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** The answer to a refused attempt: 429 with no attempts left, 409 while one is being started. */
export function attemptError(refusal: AttemptRefused): RetryLaterError {
  return refusal.reason === 'too_many_attempts'
    ? // Final: the same key asked again gets the same answer (it is stored with the key).
      new RetryLaterError(429, 'too_many_attempts', refusal.message, refusal.retryAfterMs, false)
    : new RetryLaterError(409, 'attempt_in_progress', refusal.message, refusal.retryAfterMs, true);
}

/** The answer to a request over a rate limit. */
export function rateLimitedError(retryAfterMs: number): RetryLaterError {
  return new RetryLaterError(
    429,
    'rate_limited',
    'Too many requests: wait as long as Retry-After says',
    retryAfterMs,
    true,
  );
}

/*
 * Rates.
 */

/** The outcome of a counted request. */
export type Verdict = { allowed: true } | { allowed: false; retryAfterMs: number };

const ALLOWED: Verdict = { allowed: true };

/** One counter of one window, as this instance knows it. */
interface Counter {
  key: string;
  windowEnd: number;
  /** The shared total the database last answered (every instance's hits). */
  shared: number;
  /** Hits counted here and not yet sent. */
  pending: number;
  /** Hits sent in the batch (or failure write) still under way. */
  sending: number;
}

export interface SharedCountersOptions {
  store: LimitCounterRepository;
  /** Length of a window. */
  windowMs: number;
  /** How often counted hits are sent to the database. */
  syncMs: number;
  /**
   * Share of a counter's limit counted here before its batch is sent at once rather than at
   * the next sync (default 0.1): what one instance can overshoot by, at most, between syncs.
   */
  flushShare?: number;
  /** Epoch milliseconds (tests move it). */
  now?: () => number;
  logger?: Logger;
}

/** How many expired counters one clean-up deletes. */
const PRUNE_BATCH = 1_000;

/**
 * Fixed-window counters shared by every instance through the database (see the module
 * comment). A limit of 0 is no limit. `start()` begins syncing; until then hits are only
 * counted here.
 */
export class SharedCounters {
  readonly #store: LimitCounterRepository;
  readonly #windowMs: number;
  readonly #syncMs: number;
  readonly #flushShare: number;
  readonly #now: () => number;
  readonly #logger: Logger | undefined;
  readonly #counters = new Map<string, Counter>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | null = null;
  #again = false;
  #soon = false;
  #started = false;
  #lastPrune = 0;
  #failing = false;

  constructor(options: SharedCountersOptions) {
    this.#store = options.store;
    this.#windowMs = options.windowMs;
    this.#syncMs = options.syncMs;
    this.#flushShare = options.flushShare ?? 0.1;
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger;
  }

  /** Syncs every `syncMs` from now on (and at once when a counter fills its share). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#timer = setInterval(() => void this.flush(), this.#syncMs);
    this.#timer.unref();
  }

  /** Stops syncing, after sending what was counted. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#started) await this.flush();
    this.#started = false;
  }

  #keyOf(bucket: string, subject: string, nowMs: number): { key: string; windowEnd: number } {
    const windowStart = Math.floor(nowMs / this.#windowMs) * this.#windowMs;
    return { key: `${bucket}:${subject}:${windowStart}`, windowEnd: windowStart + this.#windowMs };
  }

  #counter(bucket: string, subject: string, nowMs: number): Counter {
    const { key, windowEnd } = this.#keyOf(bucket, subject, nowMs);
    let counter = this.#counters.get(key);
    if (!counter) {
      counter = { key, windowEnd, shared: 0, pending: 0, sending: 0 };
      this.#counters.set(key, counter);
    }
    return counter;
  }

  #total(counter: Counter): number {
    return counter.shared + counter.sending + counter.pending;
  }

  /** Whether one more hit of `subject` stays within `limit` (nothing is counted). */
  check(bucket: string, subject: string, limit: number): Verdict {
    if (limit <= 0) return ALLOWED;
    const nowMs = this.#now();
    // Only looked up: a subject never counted (a made-up id, say) leaves nothing behind.
    const { key, windowEnd } = this.#keyOf(bucket, subject, nowMs);
    const counter = this.#counters.get(key);
    if (!counter || this.#total(counter) < limit) return ALLOWED;
    return { allowed: false, retryAfterMs: windowEnd - nowMs };
  }

  /** Counts one hit of `subject`, whatever the total (see {@link hit}). */
  count(bucket: string, subject: string, limit: number): void {
    if (limit <= 0) return;
    const counter = this.#counter(bucket, subject, this.#now());
    counter.pending++;
    if (counter.pending >= Math.max(1, Math.floor(limit * this.#flushShare))) this.#flushSoon();
  }

  /** Counts one hit of `subject` when it stays within `limit`; refuses it otherwise. */
  hit(bucket: string, subject: string, limit: number): Verdict {
    const verdict = this.check(bucket, subject, limit);
    if (verdict.allowed) this.count(bucket, subject, limit);
    return verdict;
  }

  /**
   * Counts one failure of `subject`, written to the database at once: refused (over the
   * limit) when the shared count exceeds `limit`. Once this instance knows the limit is
   * reached, further failures are refused without a write. When the database cannot be
   * written, the failure is only counted here.
   */
  async fail(bucket: string, subject: string, limit: number): Promise<Verdict> {
    if (limit <= 0) return ALLOWED;
    const nowMs = this.#now();
    const counter = this.#counter(bucket, subject, nowMs);
    const refused: Verdict = { allowed: false, retryAfterMs: counter.windowEnd - nowMs };
    if (this.#total(counter) >= limit) return refused;
    counter.sending++;
    let total: number | null = null;
    try {
      const totals = await this.#store.add([
        { key: counter.key, count: 1, expiresAt: counter.windowEnd },
      ]);
      total = totals.get(counter.key) ?? 0;
      // The total may already hold other writes of this instance still under way: counting
      // them twice for a moment only skips a write early, never lets a failure through.
      counter.shared = Math.max(counter.shared, total);
    } catch (error) {
      this.#warn(error);
    } finally {
      counter.sending--;
    }
    if (total === null) {
      // Counted here, and sent with the next batch.
      counter.pending++;
      total = this.#total(counter);
    }
    return total > limit ? refused : ALLOWED;
  }

  #flushSoon(): void {
    if (!this.#started || this.#soon) return;
    this.#soon = true;
    setImmediate(() => {
      this.#soon = false;
      void this.flush();
    });
  }

  /** Sends every counted hit in one statement and takes in the shared totals. */
  flush(): Promise<void> {
    if (this.#flushing) {
      this.#again = true;
      return this.#flushing;
    }
    this.#flushing = (async () => {
      try {
        do {
          this.#again = false;
          await this.#send();
        } while (this.#again);
        await this.#prune();
      } finally {
        this.#flushing = null;
      }
    })();
    return this.#flushing;
  }

  async #send(): Promise<void> {
    const nowMs = this.#now();
    const batch: Counter[] = [];
    for (const counter of this.#counters.values()) {
      if (counter.windowEnd <= nowMs) {
        // An ended window limits nothing any more.
        if (counter.sending === 0) this.#counters.delete(counter.key);
        continue;
      }
      if (counter.pending === 0) continue;
      counter.sending += counter.pending;
      counter.pending = 0;
      batch.push(counter);
    }
    if (batch.length === 0) return;
    try {
      const totals = await this.#store.add(
        batch.map((c) => ({ key: c.key, count: c.sending, expiresAt: c.windowEnd })),
      );
      for (const counter of batch) {
        const total = totals.get(counter.key);
        if (total !== undefined) counter.shared = Math.max(counter.shared, total);
        counter.sending = 0;
      }
      this.#failing = false;
    } catch (error) {
      // Sent again with the next batch; meanwhile they still count here.
      for (const counter of batch) {
        counter.pending += counter.sending;
        counter.sending = 0;
      }
      this.#warn(error);
    }
  }

  async #prune(): Promise<void> {
    const nowMs = this.#now();
    if (nowMs - this.#lastPrune < this.#windowMs) return;
    this.#lastPrune = nowMs;
    try {
      await this.#store.deleteExpired(nowMs, PRUNE_BATCH);
    } catch (error) {
      this.#warn(error);
    }
  }

  #warn(error: unknown): void {
    // One line per outage, not one per batch.
    if (this.#failing) return;
    this.#failing = true;
    this.#logger?.warn({ err: error }, 'rate-limit counters could not be shared');
  }

  /** Counters known here (tests and metrics). */
  size(): number {
    return this.#counters.size;
  }
}
