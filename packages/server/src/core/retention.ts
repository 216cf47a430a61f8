/**
 * @module
 * Retention: a job that deletes what is no longer needed, in small batches, every interval
 * (default 10 min):
 *
 * - merchant notifications delivered more than 30 days ago;
 * - provider events received more than 35 days ago — never sooner: the longest provider retry
 *   horizon is 30 days (Adyen), and deduplication must still recognise a late re-delivery;
 * - webhook inbox events processed more than 35 days ago (the same horizon, for the same reason);
 * - idempotency keys older than their 24 h (finished or abandoned);
 * - the status history of sessions settled (paid or later, or a negative terminal) whose expiry
 *   is more than 90 days past — each session keeps its latest event, which is its current status
 *   and where its SSE ids stand;
 * - the console's order activity (console/activity.ts) older than the provider events' horizon:
 *   an order's story is told as long as its provider events are kept.
 *
 * Rows that others point at (sessions, orders, mandates) are never deleted, so no foreign key
 * can break. Each batch is one short statement (500 rows by default), repeated until a batch
 * comes back short, so no lock is held long.
 *
 * Several instances: a batch delete is idempotent, so two instances running at once would only
 * share the work; still, the job is leased in the database (`job_leases`, one row per job) for
 * one interval at a time, so one instance runs it per interval, and another takes over when the
 * holder stops renewing (it died). `pay_checkout_retention_deleted_total{kind}` counts the rows.
 *
 * @example
 * const retention = startRetention(ctx, { ready, intervalMs: 600_000 });
 * // … on shutdown
 * await retention.stop();
 */
import { randomBytes } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { MIN_PROVIDER_EVENT_DAYS } from '../config/retention-env.js';
import type { AppContext } from './context.js';
import { IDEMPOTENCY_TTL_MS, type RetentionKind } from './ledger.js';
import { RETENTION_DELETED } from './metrics.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The name of the job's lease. */
export const RETENTION_JOB = 'retention';

/** Every kind, in the order a run deletes them. */
export const RETENTION_KINDS: readonly RetentionKind[] = [
  'notifications',
  'provider_events',
  'webhook_inbox',
  'idempotency_keys',
  'session_events',
];

/** How old a row of each kind must be before it goes. */
export const DEFAULT_RETENTION_HORIZONS: Readonly<Record<RetentionKind, number>> = Object.freeze({
  notifications: 30 * DAY_MS,
  provider_events: MIN_PROVIDER_EVENT_DAYS * DAY_MS,
  webhook_inbox: MIN_PROVIDER_EVENT_DAYS * DAY_MS,
  idempotency_keys: IDEMPOTENCY_TTL_MS,
  session_events: 90 * DAY_MS,
});

/** The shortest horizon each kind accepts (deduplication and idempotency depend on them). */
const FLOORS: Partial<Record<RetentionKind, number>> = {
  provider_events: MIN_PROVIDER_EVENT_DAYS * DAY_MS,
  webhook_inbox: MIN_PROVIDER_EVENT_DAYS * DAY_MS,
  idempotency_keys: IDEMPOTENCY_TTL_MS,
};

export interface RetentionOptions {
  /** Resolves once the store is migrated; nothing runs before. */
  ready?: Promise<void>;
  /** How often the job runs, and how long its lease holds (default 10 min). */
  intervalMs?: number;
  /** Horizons per kind (defaults {@link DEFAULT_RETENTION_HORIZONS}). */
  horizonsMs?: Partial<Record<RetentionKind, number>>;
  /** Rows per delete statement (default 500). */
  batchSize?: number;
}

/** The console's order activity, deleted after each run's kinds on the provider events' horizon. */
export const ORDER_ACTIVITY = 'order_activity';

/** Rows deleted by one run, by kind. */
export type RetentionReport = Record<RetentionKind | typeof ORDER_ACTIVITY, number>;

/** One table a run prunes: what it is counted as, its horizon and one batch's delete. */
interface RetentionStep {
  kind: keyof RetentionReport;
  horizonMs: number;
  deleteBatch(before: Date, limit: number): Promise<number>;
}

/** A running retention job. */
export interface RunningRetention {
  /** Stops the timer and waits for a run under way (which stops after its current batch). */
  stop(): Promise<void>;
  /**
   * Runs now if this instance gets the lease: what it deleted, or null when another instance
   * holds the lease (or the job is stopped).
   */
  runOnce(): Promise<RetentionReport | null>;
}

/** The horizons in force; throws a RangeError for one below its floor. */
export function retentionHorizons(
  overrides: Partial<Record<RetentionKind, number>> = {},
): Record<RetentionKind, number> {
  const horizons = { ...DEFAULT_RETENTION_HORIZONS, ...overrides };
  for (const kind of RETENTION_KINDS) {
    const horizon = horizons[kind];
    const floor = FLOORS[kind] ?? 1;
    if (!Number.isFinite(horizon) || horizon < floor) {
      throw new RangeError(
        `The retention of ${kind} must be at least ${floor} ms (it is ${horizon})`,
      );
    }
  }
  return horizons;
}

/** Starts the job; its first run is right after `options.ready` resolves. */
export function startRetention(ctx: AppContext, options: RetentionOptions = {}): RunningRetention {
  const job = new RetentionJob(ctx, options);
  job.start(options.ready);
  return { stop: () => job.stop(), runOnce: () => job.runOnce() };
}

/** Deletes old rows every interval, while it holds the job's lease. */
class RetentionJob {
  readonly #ctx: AppContext;
  readonly #intervalMs: number;
  readonly #horizons: Record<RetentionKind, number>;
  readonly #batchSize: number;
  readonly #owner = `retention-${randomBytes(8).toString('hex')}`;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<RetentionReport | null> | null = null;
  #stopped = false;

  constructor(ctx: AppContext, options: RetentionOptions) {
    this.#ctx = ctx;
    this.#intervalMs = options.intervalMs ?? 10 * 60 * 1000;
    this.#batchSize = options.batchSize ?? 500;
    if (!(this.#intervalMs > 0) || !Number.isInteger(this.#batchSize) || this.#batchSize < 1) {
      throw new RangeError('The retention interval and batch size must be positive');
    }
    this.#horizons = retentionHorizons(options.horizonsMs);
  }

  start(ready: Promise<void> = Promise.resolve()): void {
    ready.then(
      () => {
        if (this.#stopped) return;
        this.#timer = setInterval(() => void this.#tick(), this.#intervalMs);
        this.#timer.unref();
        void this.#tick();
      },
      () => {},
    );
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#running?.catch(() => null);
  }

  runOnce(): Promise<RetentionReport | null> {
    // A run under way is the run: the lease is this instance's for the interval anyway.
    this.#running ??= this.#run().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #tick(): Promise<void> {
    try {
      await this.runOnce();
    } catch (error) {
      if (!this.#stopped) this.#ctx.logger.error({ err: error }, 'retention run failed');
    }
  }

  async #run(): Promise<RetentionReport | null> {
    if (this.#stopped) return null;
    const nowMs = this.#ctx.now().getTime();
    const leased = await this.#ctx.ledger.claimJob(
      RETENTION_JOB,
      this.#owner,
      nowMs + this.#intervalMs,
      nowMs,
    );
    if (!leased) return null;
    const steps = this.#steps();
    const report = Object.fromEntries(steps.map((step) => [step.kind, 0])) as RetentionReport;
    for (const step of steps) {
      try {
        report[step.kind] = await this.#prune(step, new Date(nowMs - step.horizonMs));
      } catch (error) {
        // One table failing (a lock timeout, say) leaves the others to their turn.
        this.#ctx.logger.error(
          { err: error, kind: step.kind },
          'retention could not delete old rows',
        );
      }
    }
    const total = steps.reduce((sum, step) => sum + report[step.kind], 0);
    if (total > 0) this.#ctx.logger.info({ deleted: report }, 'retention deleted old rows');
    return report;
  }

  /** What a run prunes, in order: the ledger's kinds, then the console's order activity. */
  #steps(): RetentionStep[] {
    const { ledger, store } = this.#ctx;
    return [
      ...RETENTION_KINDS.map((kind): RetentionStep => ({
        kind,
        horizonMs: this.#horizons[kind],
        deleteBatch: (before, limit) => ledger.prune(kind, before, limit),
      })),
      {
        kind: ORDER_ACTIVITY,
        horizonMs: this.#horizons.provider_events,
        deleteBatch: (before, limit) => store.activity.deleteBefore(before.toISOString(), limit),
      },
    ];
  }

  /** Deletes batch after batch of `step` older than `before` until one comes back short. */
  async #prune(step: RetentionStep, before: Date): Promise<number> {
    const { kind } = step;
    let total = 0;
    for (;;) {
      const count = await step.deleteBatch(before, this.#batchSize);
      if (count > 0) {
        total += count;
        this.#ctx.metrics.inc(
          RETENTION_DELETED,
          'Rows deleted by retention, by kind.',
          { kind },
          count,
        );
      }
      if (count < this.#batchSize || this.#stopped) return total;
      // Let requests in between batches.
      await yieldToLoop();
    }
  }
}
