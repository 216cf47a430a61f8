/**
 * @module
 * The reconciler: every order not settled has a persisted next check, and this job asks the
 * order's provider on schedule — about 1, 5, 15 and 60 minutes after the order started, then
 * every 6 hours until its session expires, then once more — and applies the answer through the
 * status machine as source `poll` (core/status-check.ts), so a webhook and a poll arriving
 * together still make one transition.
 *
 * - After the session expired, an order the provider confirms unpaid (it answers `created` or
 *   `pending`, or knows nothing of it) becomes `expired`; one still in flight at the provider
 *   (`processing`, `authorized`) is checked every interval for a while longer.
 * - An order still `created` once its creating request must be over (the process died, the
 *   provider call timed out) is looked up at its provider by its reference, when the adapter can
 *   ({@link OrderLookup}): found, it takes the provider's status; not found, it fails. Without a
 *   lookup it fails once its session expired (a late webhook still moves it). Either way the
 *   `Idempotency-Key` that started it is released, so that the client may try again.
 * - Checks are leased in the database (`Ledger.claimOrderChecks`), so instances on one database
 *   never check one order at once, and the checks of an instance that died are taken over when
 *   their lease lapses. Due checks are picked up on start, so they survive restarts.
 *
 * @example
 * const reconciler = startReconciler(ctx, { ready, scale: config.reconciler?.scale });
 * // … on shutdown
 * await reconciler.stop();
 */
import { randomBytes } from 'node:crypto';
import { isSettled, type OrderStatus } from '@pay-checkout/protocol/status';
import type { OrderRecord } from '../domain/records.js';
import type { Provider } from '../providers/provider.js';
import type { DueOrderCheck } from '../store/store.js';
import { ApiError } from './api-error.js';
import { applyStatus } from './apply-status.js';
import { JobLoop } from './job-loop.js';
import type { AppContext } from './context.js';
import { IDEMPOTENCY_STALE_MS } from './ledger.js';
import { askProvider } from './status-check.js';
import { errorOf, recordActivity } from '../console/activity.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** Metric name of order checks by outcome. */
export const ORDER_CHECKS = 'pay_checkout_order_checks_total';

/** The lookup of an order by our reference, for adapters whose provider documents one. */
export type OrderLookup = Required<Pick<Provider, 'findOrderByReference'>>;

/** The adapter's lookup by reference, when it has one. */
function lookupOf(provider: Provider): OrderLookup | null {
  const { findOrderByReference } = provider;
  return findOrderByReference
    ? { findOrderByReference: findOrderByReference.bind(provider) }
    : null;
}

/** When orders are checked, in milliseconds. */
export interface CheckSchedule {
  /** Checks after the order started (default 1, 5, 15 and 60 min), ascending. */
  stepsMs: readonly number[];
  /** Between checks after the last step, while the session lasts (default 6 h). */
  intervalMs: number;
  /** The last check, this long after the session expired (default 10 min). */
  afterExpiryMs: number;
  /** How long after expiry an order still in flight at its provider is checked (default 3 days). */
  inFlightHorizonMs: number;
  /** The next try after a failed check once the schedule is over (default 15 min). */
  retryMs: number;
}

export const DEFAULT_CHECK_SCHEDULE: CheckSchedule = Object.freeze({
  stepsMs: Object.freeze([MINUTE_MS, 5 * MINUTE_MS, 15 * MINUTE_MS, HOUR_MS]),
  intervalMs: 6 * HOUR_MS,
  afterExpiryMs: 10 * MINUTE_MS,
  inFlightHorizonMs: 72 * HOUR_MS,
  retryMs: 15 * MINUTE_MS,
});

/** Every duration of `schedule` multiplied by `scale` (tests run the schedule fast). */
export function scaleSchedule(schedule: CheckSchedule, scale: number): CheckSchedule {
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new RangeError('The schedule scale must be a positive number');
  }
  const times = (ms: number): number => Math.max(1, Math.round(ms * scale));
  return {
    stepsMs: schedule.stepsMs.map(times),
    intervalMs: times(schedule.intervalMs),
    afterExpiryMs: times(schedule.afterExpiryMs),
    inFlightHorizonMs: times(schedule.inFlightHorizonMs),
    retryMs: times(schedule.retryMs),
  };
}

/**
 * The check times (epoch milliseconds) of an order started at `startedAt` whose session expires
 * at `expiresAt`: each step, then every interval after the last step, all before the expiry,
 * then the last one `afterExpiryMs` after it.
 */
export function checkTimes(
  startedAt: number,
  expiresAt: number,
  schedule: CheckSchedule = DEFAULT_CHECK_SCHEDULE,
): number[] {
  const times = schedule.stepsMs.map((step) => startedAt + step).filter((at) => at < expiresAt);
  const lastStep = startedAt + (schedule.stepsMs.at(-1) ?? 0);
  for (let at = lastStep + schedule.intervalMs; at < expiresAt; at += schedule.intervalMs) {
    times.push(at);
  }
  times.push(Math.max(expiresAt, startedAt) + schedule.afterExpiryMs);
  return times;
}

/** The first check time strictly after `afterMs`, or null once the schedule is over. */
export function nextCheckAt(
  startedAt: number,
  expiresAt: number,
  afterMs: number,
  schedule: CheckSchedule = DEFAULT_CHECK_SCHEDULE,
): number | null {
  return checkTimes(startedAt, expiresAt, schedule).find((at) => at > afterMs) ?? null;
}

export interface ReconcilerOptions {
  /** Resolves once the store is migrated; nothing is claimed before. */
  ready?: Promise<void>;
  /** The schedule (default {@link DEFAULT_CHECK_SCHEDULE}), before `scale`. */
  schedule?: Partial<CheckSchedule>;
  /** Multiplies every duration of the schedule (default 1). */
  scale?: number;
  /**
   * How often due checks are looked for (default a twelfth of the first step, from 100 ms to
   * 5 s: 5 s on the default schedule).
   */
  pollMs?: number;
  /** How long a lease holds before another instance may take the check over (default 2 min). */
  leaseMs?: number;
  /** Checks in flight at most (default 8). */
  concurrency?: number;
  /**
   * How long an order may stay `created` while its creating request may still be running
   * (default 2 min, the idempotency key's own take-over time).
   */
  creationWindowMs?: number;
}

/** A running reconciler. */
export interface RunningReconciler {
  /** Stops looking for checks, lets those in flight finish and hands back those not started. */
  stop(): Promise<void>;
}

/** Starts checking due orders once `options.ready` resolves. */
export function startReconciler(
  ctx: AppContext,
  options: ReconcilerOptions = {},
): RunningReconciler {
  const reconciler = new Reconciler(ctx, options);
  reconciler.start(options.ready);
  return { stop: () => reconciler.stop() };
}

/** What one check decided: the next check (null: none) and whether the provider was asked. */
interface Decision {
  nextAt: number | null;
  counted: boolean;
}

/** Checks due orders at their providers until stopped. */
export class Reconciler {
  readonly #ctx: AppContext;
  readonly #schedule: CheckSchedule;
  readonly #leaseMs: number;
  readonly #concurrency: number;
  readonly #creationWindowMs: number;
  readonly #owner = `reconciler-${randomBytes(8).toString('hex')}`;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #loop: JobLoop;

  constructor(ctx: AppContext, options: ReconcilerOptions = {}) {
    this.#ctx = ctx;
    this.#schedule = scaleSchedule(
      { ...DEFAULT_CHECK_SCHEDULE, ...options.schedule },
      options.scale ?? 1,
    );
    const firstStep = this.#schedule.stepsMs[0] ?? MINUTE_MS;
    this.#loop = new JobLoop(
      options.pollMs ?? Math.min(5000, Math.max(100, Math.round(firstStep / 12))),
      () => this.#pump(),
    );
    this.#leaseMs = options.leaseMs ?? 2 * MINUTE_MS;
    this.#concurrency = options.concurrency ?? 8;
    this.#creationWindowMs = options.creationWindowMs ?? IDEMPOTENCY_STALE_MS;
  }

  /** The schedule in force (scaled). */
  get schedule(): CheckSchedule {
    return this.#schedule;
  }

  /** Starts looking for due checks every `pollMs` once `ready` resolves. */
  start(ready: Promise<void> = Promise.resolve()): void {
    this.#loop.start(ready);
  }

  /** Looks for due checks now. */
  kick(): void {
    this.#loop.kick();
  }

  /** Claims the due checks (up to the concurrency) and runs them; resolves when all are done. */
  async runOnce(): Promise<void> {
    await this.#pump();
    await Promise.allSettled([...this.#inFlight]);
  }

  async stop(): Promise<void> {
    if (this.#loop.stopped) return;
    await this.#loop.stop();
    await Promise.allSettled([...this.#inFlight]);
  }

  async #pump(): Promise<void> {
    const free = this.#concurrency - this.#inFlight.size;
    if (free <= 0) return;
    let due: DueOrderCheck[];
    try {
      due = await this.#ctx.ledger.claimOrderChecks({
        owner: this.#owner,
        now: this.#ctx.now(),
        leaseMs: this.#leaseMs,
        limit: free,
      });
    } catch (error) {
      if (!this.#loop.stopped)
        this.#ctx.logger.error({ err: error }, 'cannot read the order checks');
      return;
    }
    for (const check of due) {
      if (this.#loop.stopped) {
        // Claimed while stopping: due again at once, for the next start or another instance
        // (or, should this fail, once the lease lapses).
        await this.#finish(check.order.id, { nextAt: check.dueAt, counted: false }).catch(
          (error: unknown) => this.#ctx.logger.error({ err: error }, 'cannot hand a check back'),
        );
        continue;
      }
      const task = this.#run(check);
      this.#inFlight.add(task);
      void task.finally(() => {
        this.#inFlight.delete(task);
        // A full batch may have left more due checks behind.
        if (due.length === free) this.kick();
      });
    }
  }

  async #run(check: DueOrderCheck): Promise<void> {
    const logger = this.#ctx.logger.child({
      orderId: check.order.id,
      provider: check.order.provider,
    });
    let decision: Decision;
    try {
      decision = await this.#decide(check);
    } catch (error) {
      // The store failed mid-check: try again later; the status machine makes a repeat harmless.
      logger.error({ err: error }, 'order check failed');
      decision = { nextAt: this.#ctx.now().getTime() + this.#schedule.retryMs, counted: false };
    }
    try {
      await this.#finish(check.order.id, decision);
    } catch (error) {
      // The lease lapses and the check is due again then.
      logger.error({ err: error }, 'cannot record an order check');
    }
  }

  async #finish(orderId: string, decision: Decision): Promise<void> {
    await this.#ctx.ledger.finishOrderCheck({ orderId, owner: this.#owner, ...decision });
  }

  #count(outcome: string): void {
    this.#ctx.metrics.inc(ORDER_CHECKS, 'Order checks at providers by outcome.', { outcome });
  }

  async #decide(check: DueOrderCheck): Promise<Decision> {
    const { order } = check;
    const now = this.#ctx.now().getTime();
    const startedAt = Date.parse(order.createdAt);
    const expiresAt = Date.parse(check.sessionExpiresAt);
    if (isSettled(order.status)) return { nextAt: null, counted: false };
    const first = nextCheckAt(startedAt, expiresAt, startedAt, this.#schedule);
    // An order's first look only places it on its schedule.
    if (first !== null && now < first) return { nextAt: first, counted: false };
    if (order.status === 'created') return this.#resolveCreation(check, now);

    const logger = this.#ctx.logger.child({ orderId: order.id, provider: order.provider });
    const expired = now >= expiresAt;
    const next = (): number | null => {
      const scheduled = nextCheckAt(startedAt, expiresAt, now, this.#schedule);
      if (scheduled !== null) return scheduled;
      if (now >= expiresAt + this.#schedule.inFlightHorizonMs) return null;
      return now + this.#schedule.intervalMs;
    };
    if (!this.#ctx.providers.has(order.provider)) {
      logger.warn('the order is not checked: its provider is not configured');
      this.#count('no_provider');
      return { nextAt: null, counted: false };
    }
    let answer: Awaited<ReturnType<typeof askProvider>>;
    try {
      answer = await askProvider(this.#ctx, order, logger, 'reconciler');
    } catch (error) {
      this.#count('failed');
      const retryAt = Math.min(next() ?? Infinity, now + this.#schedule.retryMs);
      logger.warn(
        { code: error instanceof ApiError ? error.code : 'internal_error', retryAt },
        'order check with the provider failed',
      );
      return { nextAt: Number.isFinite(retryAt) ? retryAt : null, counted: true };
    }
    this.#count(answer.applied?.outcome === 'applied' ? 'moved' : 'unchanged');
    const current = answer.applied?.order ?? order;
    if (isSettled(current.status)) return { nextAt: null, counted: true };
    if (!expired) return { nextAt: next(), counted: true };

    const providerSays: OrderStatus | null = answer.truth?.status ?? null;
    if (providerSays === null || providerSays === 'created' || providerSays === 'pending') {
      // The session is over and the provider confirms nothing was paid.
      await this.#apply(order.id, 'expired');
      this.#count('expired');
      return { nextAt: null, counted: true };
    }
    const nextAt = next();
    if (nextAt === null) {
      logger.warn(
        { providerStatus: answer.truth?.providerStatus },
        'order still in flight at its provider long after its session expired; no more checks',
      );
    }
    return { nextAt, counted: true };
  }

  /** An order still `created`: its creation outcome is unknown. */
  async #resolveCreation(check: DueOrderCheck, now: number): Promise<Decision> {
    const { order } = check;
    const startedAt = Date.parse(order.createdAt);
    const expiresAt = Date.parse(check.sessionExpiresAt);
    const windowEnd = startedAt + this.#creationWindowMs;
    const scheduled = nextCheckAt(startedAt, expiresAt, now, this.#schedule);
    if (now < windowEnd) {
      // Its creating request may still be running (and make it pending any moment): look again
      // on schedule, and at the latest as soon as the request cannot be running any more.
      return { nextAt: Math.min(scheduled ?? windowEnd, windowEnd), counted: false };
    }
    const logger = this.#ctx.logger.child({ orderId: order.id, provider: order.provider });
    const provider = this.#ctx.providers.get(order.provider);
    const lookup = provider ? lookupOf(provider) : null;
    if (!lookup) {
      if (now < expiresAt) return { nextAt: scheduled ?? expiresAt, counted: false };
      await this.#apply(order.id, 'failed');
      await this.#release(order, logger);
      this.#count('creation_failed');
      return { nextAt: null, counted: false };
    }
    let found: Awaited<ReturnType<OrderLookup['findOrderByReference']>>;
    const recordLookup = (detail: Record<string, unknown>) =>
      recordActivity(this.#ctx, {
        orderId: order.id,
        provider: order.provider,
        kind: 'poll',
        at: this.#ctx.now(),
        detail: { source: 'reconciler', operation: 'findOrderByReference', ...detail },
      });
    try {
      found = await lookup.findOrderByReference(order);
      recordLookup(found ? { outcome: 'found', status: found.status } : { outcome: 'not_found' });
    } catch (error) {
      recordLookup({ outcome: 'error', error: errorOf(error) });
      this.#count('failed');
      logger.warn(
        { code: error instanceof ApiError ? error.code : 'internal_error' },
        'order lookup at the provider failed',
      );
      return {
        nextAt: Math.min(scheduled ?? Infinity, now + this.#schedule.retryMs),
        counted: true,
      };
    }
    if (found) {
      await applyStatus(
        this.#ctx,
        {
          orderId: order.id,
          status: found.status,
          ...(found.amount ? { amount: found.amount } : {}),
          providerOrderId: found.providerOrderId,
          source: 'poll',
          confirmed: true,
          now: this.#ctx.now(),
        },
        logger,
      );
      this.#count('creation_found');
    } else {
      await this.#apply(order.id, 'failed');
      this.#count('creation_failed');
    }
    await this.#release(order, logger);
    return { nextAt: scheduled ?? now + this.#schedule.intervalMs, counted: true };
  }

  async #apply(orderId: string, status: 'expired' | 'failed'): Promise<void> {
    await applyStatus(this.#ctx, {
      orderId,
      status,
      source: 'poll',
      confirmed: true,
      now: this.#ctx.now(),
    });
  }

  async #release(order: OrderRecord, logger: AppContext['logger']): Promise<void> {
    const released = await this.#ctx.ledger.releaseOrderKey(order.id);
    if (released > 0) logger.info({ released }, 'idempotency key of an unfinished order released');
  }
}
