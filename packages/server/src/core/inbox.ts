/**
 * @module
 * The webhook inbox: a verified provider webhook is stored (deduplicated by the provider's
 * event id) and acknowledged at once; then it is processed from what was stored — the
 * provider read where a confirmation is needed, the status machine, the session event, the
 * notification outbox — right after the acknowledgement, by the instance that took it in.
 *
 * - Processing is leased in the database, so instances on one database never process one event
 *   at once, and the events of an instance that died are taken over when their lease lapses.
 *   Due events are picked up on start, so a crash between acknowledgement and processing loses
 *   nothing.
 * - A failed attempt (the provider cannot confirm right now, the store failed) is tried again
 *   with back-off until it succeeds; after {@link InboxOptions.giveUpAfterMs} it is set aside as
 *   `abandoned`, logged and counted.
 * - Processing twice is harmless: the status machine and the mandate record keep the event's
 *   dedupe key, so a repeat is recorded as a duplicate and moves nothing.
 * - An unsigned webhook (iwocaPay's) is only a hint to read the order back. Hints for one order
 *   share one stored event: a hint while one waits joins it, a hint while one is processed makes
 *   it run once more afterwards.
 *
 * @example
 * const inbox = startInbox(ctx, { ready });
 * const id = await storeWebhook(ctx, provider, { kind: 'event', event, rawBody }, now);
 * if (id !== null) inbox.submit(id);
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { isNegative, isPaidFamily } from '@pay-checkout/protocol/status';
import type { ProviderId } from '@pay-checkout/protocol';
import type { OrderRecord } from '../domain/records.js';
import type { ParsedWebhook, Provider, ProviderStatus } from '../providers/provider.js';
import type {
  InboxAttemptResult,
  InboxEvent,
  NewInboxEvent,
  Repositories,
  Store,
  UNKNOWN_ORDER,
} from '../store/store.js';
import { applyMandateUpdate } from './apply-mandate.js';
import { applyStatus } from './apply-status.js';
import { JobLoop } from './job-loop.js';
import type { AppContext } from './context.js';
import { lazyChild } from './logger.js';

/** Metric name of processed provider webhooks by outcome. */
export const WEBHOOKS_PROCESSED = 'pay_checkout_webhooks_processed_total';

/** What the inbox keeps of a webhook: a verified event, or an unsigned hint naming an order. */
export type StoredWebhook =
  { kind: 'event'; event: ParsedWebhook; rawBody: string } | { kind: 'hint'; reference: string };

/** A processing attempt that should be tried again later. */
export class RetryLater extends Error {
  override readonly name = 'RetryLater';
}

/**
 * Stores a webhook to be processed: the id of the stored event, or null when the provider sent
 * this event before (its dedupe key is stored already), or {@link UNKNOWN_ORDER} for a status
 * event about an order that is not ours (nothing is stored then; the order is looked for in the
 * same group as the insert, not one query per webhook). A hint is coalesced with the order's
 * stored hint instead, so it always answers an id.
 */
export async function storeWebhook(
  ctx: AppContext,
  provider: ProviderId,
  webhook: StoredWebhook,
  headers: Record<string, string>,
): Promise<number | null | typeof UNKNOWN_ORDER> {
  const now = ctx.now();
  const event: NewInboxEvent = {
    provider,
    dedupeKey: webhook.kind === 'hint' ? `hint:${webhook.reference}` : webhook.event.dedupeKey,
    subject:
      webhook.kind === 'hint'
        ? webhook.reference
        : (webhook.event.mandate?.reference ?? webhook.event.reference),
    body: JSON.stringify(webhook),
    headers,
    receivedAt: now.toISOString(),
    nextAttemptAt: now.getTime(),
    ...(webhook.kind === 'event' &&
    !webhook.event.mandate &&
    webhook.event.status !== null &&
    webhook.event.reference !== null
      ? { requireOrder: true }
      : {}),
  };
  if (webhook.kind === 'hint') return ctx.store.inbox.upsertCoalesced(event);
  return writerOf(ctx.store).insert(event);
}

/** Events stored in one statement at most (the repository splits larger batches anyway). */
const MAX_GROUP = 200;

/**
 * Group commit: the webhooks stored during one turn of the event loop share one insert (one
 * commit, one write lock, one round trip) instead of one each. Each caller is answered only
 * after that statement has committed, so an acknowledgement still means the event is stored.
 * While one group is being written the next one gathers; a failed group is written again one
 * event at a time, so a bad event fails only its own request.
 */
export class InboxWriter {
  readonly #store: Store;
  #waiting: {
    event: NewInboxEvent;
    settle: (id: Promise<number | null | typeof UNKNOWN_ORDER>) => void;
  }[] = [];
  #scheduled = false;
  #writing = false;

  constructor(store: Store) {
    this.#store = store;
  }

  /**
   * Stores `event` unless its dedupe key is stored already: its id, or null (a duplicate), or
   * {@link UNKNOWN_ORDER} when it requires an order there is none of.
   */
  insert(event: NewInboxEvent): Promise<number | null | typeof UNKNOWN_ORDER> {
    return new Promise<number | null | typeof UNKNOWN_ORDER>((resolve) => {
      this.#waiting.push({ event, settle: resolve });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#writing) return;
    this.#scheduled = true;
    // After the I/O callbacks of this turn: the requests read in it join the same group.
    setImmediate(() => {
      this.#scheduled = false;
      void this.#write();
    });
  }

  async #write(): Promise<void> {
    const group = this.#waiting.splice(0, MAX_GROUP);
    if (group.length === 0) return;
    this.#writing = true;
    try {
      const ids = await this.#store.inbox.insertManyIfNew(group.map((item) => item.event));
      group.forEach((item, i) => item.settle(Promise.resolve(ids[i] ?? null)));
    } catch (error) {
      if (group.length === 1) {
        group[0]?.settle(Promise.reject(error));
      } else {
        for (const item of group) item.settle(this.#store.inbox.insertIfNew(item.event));
      }
    } finally {
      this.#writing = false;
      if (this.#waiting.length > 0) this.#schedule();
    }
  }
}

const writers = new WeakMap<Store, InboxWriter>();

/** The one writer of a store, so that all its webhooks share groups. */
function writerOf(store: Store): InboxWriter {
  let writer = writers.get(store);
  if (!writer) {
    writer = new InboxWriter(store);
    writers.set(store, writer);
  }
  return writer;
}

/**
 * Writes the inbox's record that an event was processed, with its outcome, in the unit of work
 * that applied it.
 */
export type RecordOutcome = (tx: Repositories, outcome: string) => Promise<void>;

/**
 * Processes one stored webhook and answers its outcome; throws {@link RetryLater} (or any
 * error of the store) when it should be tried again. Where processing applies a status,
 * `record` runs in that unit of work, so that the change and the record of it commit together.
 */
export async function processWebhook(
  ctx: AppContext,
  provider: Provider,
  stored: StoredWebhook,
  log: Logger,
  record?: RecordOutcome,
): Promise<string> {
  if (stored.kind === 'hint') {
    const order = await ctx.ledger.findOrderByProviderReference(provider.id, stored.reference);
    return order ? readBack(ctx, provider, order, log, record) : 'unknown_order';
  }
  const { event: parsed, rawBody } = stored;
  const event = { provider: provider.id, dedupeKey: parsed.dedupeKey, rawBody };

  if (parsed.mandate) {
    const { reference, status, providerMandateId, details, at } = parsed.mandate;
    const result = await applyMandateUpdate(
      ctx,
      {
        provider: provider.id,
        reference,
        status,
        ...(providerMandateId ? { providerMandateId } : {}),
        ...(details ? { details } : {}),
        ...(at ? { at } : {}),
        event,
        now: ctx.now(),
      },
      log,
    );
    // The session that asked for this mandate may not be stored yet: look again later.
    if (result.outcome === 'not_found') throw new RetryLater('no mandate with this reference yet');
    return result.outcome;
  }

  if (parsed.status === null || parsed.reference === null) {
    const fresh = await ctx.ledger.recordProviderEvent({ ...event, now: ctx.now() });
    log.debug({ providerStatus: parsed.providerStatus, duplicate: !fresh }, 'event recorded');
    return fresh ? 'recorded' : 'duplicate';
  }

  const order = await ctx.ledger.findOrderByProviderReference(provider.id, parsed.reference);
  if (!order) throw new RetryLater('no order with this reference yet');

  let status = parsed.status;
  let amount = parsed.amount;
  let confirmed = false;
  const lateSuccess = isNegative(order.status) && isPaidFamily(status);
  // Confirming costs a call to the provider: not for a copy of an event already taken in
  // (applyStatus then records it as a duplicate). The UNIQUE insert there stays the lock
  // against concurrent copies. The claimed status is not used to skip it: for some providers
  // only the fetched status counts.
  const worthConfirming =
    (parsed.confirmNeeded || lateSuccess) &&
    !(await ctx.ledger.hasProviderEvent(provider.id, parsed.dedupeKey));
  if (worthConfirming) {
    const truth = await confirm(provider, order);
    if (!truth) {
      const fresh = await ctx.ledger.recordProviderEvent({ ...event, now: ctx.now() });
      log.warn(
        { orderId: order.id, claimed: parsed.status },
        'provider did not confirm the reported status; nothing applied',
      );
      return fresh ? 'unconfirmed' : 'duplicate';
    }
    status = truth.status;
    amount = truth.amount;
    confirmed = true;
  }

  const result = await applyStatus(
    ctx,
    {
      orderId: order.id,
      sessionId: order.sessionId,
      status,
      ...(amount ? { amount } : {}),
      confirmed,
      source: 'webhook',
      event,
      now: ctx.now(),
    },
    log,
    record && ((tx, applied) => record(tx, applied.outcome)),
  );
  return result.outcome;
}

/**
 * Reads the order back from the provider and applies what it answers (as the return route
 * does); the hint itself contributes nothing but the order.
 */
async function readBack(
  ctx: AppContext,
  provider: Provider,
  order: OrderRecord,
  log: Logger,
  record?: RecordOutcome,
): Promise<string> {
  const truth = await confirm(provider, order);
  if (!truth) {
    log.info('unsigned webhook: the provider reports nothing for this order; nothing applied');
    return 'hint_unconfirmed';
  }
  const result = await applyStatus(
    ctx,
    {
      orderId: order.id,
      sessionId: order.sessionId,
      status: truth.status,
      ...(truth.amount ? { amount: truth.amount } : {}),
      confirmed: true,
      source: 'webhook',
      now: ctx.now(),
    },
    log,
    record && ((tx, applied) => record(tx, `hint_${applied.outcome}`)),
  );
  log.debug({ providerStatus: truth.providerStatus, outcome: result.outcome }, 'order read back');
  return `hint_${result.outcome}`;
}

async function confirm(provider: Provider, order: OrderRecord): Promise<ProviderStatus | null> {
  try {
    return await provider.fetchStatus(order);
  } catch (error) {
    // Without the provider's word nothing is applied: asked again after a back-off.
    throw new RetryLater('the provider cannot confirm the status right now', { cause: error });
  }
}

export interface InboxOptions {
  /** Resolves once the store is migrated; nothing is claimed before. */
  ready?: Promise<void>;
  /** How often due events are looked for (default 1 s). */
  pollMs?: number;
  /** How long a lease holds before another instance may take the event over (default 30 s). */
  leaseMs?: number;
  /** Events processed at once at most (default 8). */
  concurrency?: number;
  /**
   * Submitted ids kept in memory at most (default 10,000); beyond, they wait in the database
   * and are looked for there.
   */
  maxWaiting?: number;
  /** Delay after the first failed attempt (default 1 s); doubles with every further one. */
  retryBaseMs?: number;
  /** Longest delay between two attempts (default 10 min). */
  retryMaxMs?: number;
  /** How long after it arrived an event that keeps failing is set aside (default 3 days). */
  giveUpAfterMs?: number;
  /** Source of randomness in [0, 1) for the jitter. */
  random?: () => number;
}

/** A running inbox. */
export interface RunningInbox {
  /** Processes the stored event now, on this instance (when it can take the lease). */
  submit(id: number): void;
  /** Resolves once nothing is in flight and nothing due is left on this instance's watch. */
  idle(): Promise<void>;
  /** Stops taking events, lets those in flight finish and hands back any claimed but unstarted. */
  stop(): Promise<void>;
}

/** Starts processing stored webhooks once `options.ready` resolves. */
export function startInbox(ctx: AppContext, options: InboxOptions = {}): RunningInbox {
  const inbox = new Inbox(ctx, options);
  inbox.start(options.ready);
  return inbox;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Processing attempts started per turn of the event loop at most. Starts happen after the
 * turn's I/O (a `setImmediate`), so every turn first answers the requests that arrived; when
 * requests are few, turns are short and processing runs at full speed.
 */
const STARTS_PER_TURN = 2;
/**
 * While webhooks keep arriving and the event loop has no idle time left, processing takes this
 * share of the loop at most: attempts are spaced by what the recent ones took, so that the
 * answers keep their pace, and the backlog (durable in the database) is worked off at full
 * speed as soon as the burst ends.
 */
const BURST_SHARE = 0.15;
/** The widest spacing of attempts in a burst: processing never stops for longer. */
const BURST_MAX_GAP_MS = 20;
/** What an attempt is taken to cost before one has been measured. */
const INITIAL_COST_MS = 1;
/**
 * Event-loop utilisation above which the loop counts as loaded: at half busy, attempts started
 * freely already stretch the turns that answer requests.
 */
const SATURATED = 0.5;
/**
 * Attempts in flight at most during a burst: on PostgreSQL each holds a pooled connection the
 * answers' own queries wait for.
 */
const BURST_CONCURRENCY = 2;
/** The weight of the latest attempt in the moving average of their duration. */
const COST_WEIGHT = 0.1;
/** How often the utilisation is measured (over the window since the last measurement). */
const LOAD_WINDOW_MS = 25;
/** Submitted ids kept in memory at most; beyond, they wait in the database for the next look. */
const MAX_WAITING = 10_000;

/** Processes stored webhooks until stopped. */
export class Inbox implements RunningInbox {
  readonly #ctx: AppContext;
  readonly #leaseMs: number;
  readonly #concurrency: number;
  readonly #maxWaiting: number;
  readonly #retryBaseMs: number;
  readonly #retryMaxMs: number;
  readonly #giveUpAfterMs: number;
  readonly #random: () => number;
  readonly #owner = `inbox-${randomBytes(8).toString('hex')}`;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #loop: JobLoop;
  #ready: Promise<void> = Promise.resolve();
  /** Stored ids to claim and process, oldest first. */
  readonly #submitted = new Set<number>();
  /** Events claimed by a look, waiting for their turn to start. */
  readonly #claimed: InboxEvent[] = [];
  #turnScheduled = false;
  #turnTimer: NodeJS.Timeout | null = null;
  #lastStartAt = 0;
  /** The recent attempts' duration, a moving average (ms). */
  #cost = INITIAL_COST_MS;
  /** Webhooks submitted in the current load window, and whether the last window was a burst. */
  #arrivals = 0;
  #burst = false;
  #loadAt = 0;
  #utilisation = performance.eventLoopUtilization();
  /** A submitted event was left to the database since the last look (lost claim, overflow). */
  #missed = false;

  constructor(ctx: AppContext, options: InboxOptions = {}) {
    this.#ctx = ctx;
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#concurrency = options.concurrency ?? 8;
    this.#maxWaiting = options.maxWaiting ?? MAX_WAITING;
    this.#retryBaseMs = options.retryBaseMs ?? 1000;
    this.#retryMaxMs = options.retryMaxMs ?? 10 * 60_000;
    this.#giveUpAfterMs = options.giveUpAfterMs ?? 3 * DAY_MS;
    this.#random = options.random ?? Math.random;
    this.#loop = new JobLoop(options.pollMs ?? 1000, () => this.#pump());
    ctx.metrics.gauge(
      'pay_checkout_webhooks_in_flight',
      'Stored provider webhooks this instance is processing.',
      () => this.#inFlight.size,
    );
  }

  start(ready: Promise<void> = Promise.resolve()): void {
    this.#ready = ready;
    this.#loop.start(ready);
  }

  submit(id: number): void {
    if (this.#loop.stopped) return;
    if (this.#submitted.size >= this.#maxWaiting) {
      // It waits in the database for the next look.
      this.#missed = true;
      return;
    }
    this.#submitted.add(id);
    this.#arrivals++;
    this.#scheduleTurn();
  }

  #scheduleTurn(delayMs = 0): void {
    if (this.#turnScheduled || this.#loop.stopped) return;
    if (this.#submitted.size === 0 && this.#claimed.length === 0) return;
    this.#turnScheduled = true;
    const turn = (): void => {
      this.#turnScheduled = false;
      this.#turnTimer = null;
      this.#startSome();
    };
    if (delayMs > 0) this.#turnTimer = setTimeout(turn, delayMs);
    else setImmediate(turn);
  }

  /**
   * Whether webhooks are arriving faster than the loop can breathe: it was loaded over the last
   * window and some arrived in it (the loop busy with the backlog alone is no burst).
   */
  #inBurst(now: number): boolean {
    if (now - this.#loadAt >= LOAD_WINDOW_MS) {
      const window = performance.eventLoopUtilization(this.#utilisation);
      this.#burst = this.#arrivals > 0 && window.utilization > SATURATED;
      this.#utilisation = performance.eventLoopUtilization();
      this.#arrivals = 0;
      this.#loadAt = now;
    }
    return this.#burst;
  }

  /**
   * The spacing of attempts in a burst: an attempt's duration (with SQLite, its time on the loop;
   * with a database server, an upper bound of it) for each {@link BURST_SHARE} of the time.
   */
  #burstGap(): number {
    return Math.min(BURST_MAX_GAP_MS, (this.#cost * (1 - BURST_SHARE)) / BURST_SHARE);
  }

  /**
   * Starts up to {@link STARTS_PER_TURN} attempts (one per {@link Inbox.#burstGap} in a burst),
   * claimed events first, within the concurrency.
   */
  #startSome(): void {
    const now = performance.now();
    const burst = this.#inBurst(now);
    const gap = burst ? this.#burstGap() : 0;
    if (burst && now - this.#lastStartAt < gap) {
      this.#scheduleTurn(gap - (now - this.#lastStartAt));
      return;
    }
    const limit = burst ? 1 : STARTS_PER_TURN;
    const concurrency = burst ? Math.min(BURST_CONCURRENCY, this.#concurrency) : this.#concurrency;
    let started = 0;
    while (started < limit && this.#inFlight.size < concurrency) {
      const event = this.#claimed.shift();
      if (event) {
        this.#track(this.#run(event));
      } else {
        const next = this.#submitted.values().next();
        if (next.done) break;
        this.#submitted.delete(next.value);
        const id = next.value;
        this.#track(this.#ready.then(() => this.#claimAndRun(id)));
      }
      started++;
    }
    if (started > 0) this.#lastStartAt = now;
    // Stopped by the limit with more waiting: the next turn, after its I/O. (Stopped by the
    // concurrency: a finished attempt schedules one.)
    if (started === limit) this.#scheduleTurn();
  }

  /** Looks for due events now. */
  kick(): void {
    this.#loop.kick();
  }

  async idle(): Promise<void> {
    for (;;) {
      await this.#loop.settled();
      if (this.#inFlight.size > 0) {
        await Promise.allSettled([...this.#inFlight]);
      } else if (!this.#loop.stopped && (this.#submitted.size > 0 || this.#claimed.length > 0)) {
        // Waiting for a turn to start them.
        await new Promise<void>((resolve) => setImmediate(resolve));
      } else {
        return;
      }
    }
  }

  async stop(): Promise<void> {
    if (this.#loop.stopped) return;
    await this.#loop.stop();
    if (this.#turnTimer) clearTimeout(this.#turnTimer);
    // Submitted ones wait in the database; claimed ones are handed back for the next start.
    this.#submitted.clear();
    const claimed = this.#claimed.splice(0);
    await Promise.allSettled([...this.#inFlight, ...claimed.map((e) => this.#handBack(e.id))]);
  }

  #track(task: Promise<void>): void {
    const startedAt = performance.now();
    this.#inFlight.add(task);
    void task.finally(() => {
      this.#cost += (performance.now() - startedAt - this.#cost) * COST_WEIGHT;
      this.#inFlight.delete(task);
      // A look that found every slot busy left events in the database: with no attempt left to
      // look once it is done (a single slot, say), the last one out looks now.
      if (
        this.#inFlight.size === 0 &&
        this.#missed &&
        this.#submitted.size === 0 &&
        this.#claimed.length === 0
      ) {
        this.kick();
      }
      this.#scheduleTurn();
    });
  }

  async #pump(): Promise<void> {
    const free = this.#concurrency - this.#inFlight.size - this.#claimed.length;
    // No room yet (the attempt that kicked is still counted in flight): the events left to the
    // database stay missed, so that the next attempt to finish looks again.
    if (free <= 0) return;
    this.#missed = false;
    let claimed: InboxEvent[];
    try {
      const nowMs = this.#ctx.now().getTime();
      claimed = await this.#ctx.store.transaction(async (tx) => {
        const won: InboxEvent[] = [];
        for (const event of await tx.inbox.due(nowMs, free)) {
          // Another instance may have claimed it since it was read; only a won claim counts.
          const claimed = await tx.inbox.claim(event.id, this.#owner, nowMs + this.#leaseMs, nowMs);
          if (claimed) won.push(claimed);
        }
        return won;
      });
    } catch (error) {
      if (!this.#loop.stopped)
        this.#ctx.logger.error({ err: error }, 'cannot read the webhook inbox');
      return;
    }
    for (const event of claimed) {
      if (this.#loop.stopped) {
        await this.#handBack(event.id);
        continue;
      }
      this.#submitted.delete(event.id);
      this.#claimed.push(event);
    }
    // Their successors (the next event of the same order, more of a full batch) may be due
    // once these are done: look again then.
    if (claimed.length > 0) this.#missed = true;
    this.#scheduleTurn();
  }

  async #claimAndRun(id: number): Promise<void> {
    const nowMs = this.#ctx.now().getTime();
    let event: InboxEvent | null;
    try {
      event = await this.#ctx.store.inbox.claim(id, this.#owner, nowMs + this.#leaseMs, nowMs);
      // Taken, done, or behind an older event of its order: the next look decides.
      if (!event) this.#missed = true;
    } catch (error) {
      // It waits in the database; the next look (here or on another instance) takes it.
      this.#ctx.logger.error({ err: error, inboxId: id }, 'cannot claim a stored webhook');
      return;
    }
    if (!event) return;
    if (this.#loop.stopped) return this.#handBack(id);
    await this.#run(event);
  }

  /** Frees a claim taken while stopping, for the next start or another instance. */
  async #handBack(id: number): Promise<void> {
    await this.#ctx.store.inbox
      .finish(id, this.#owner, {
        processed: false,
        error: 'handed back on shutdown',
        retryAtMs: this.#ctx.now().getTime(),
      })
      .catch((error: unknown) =>
        this.#ctx.logger.error({ err: error, inboxId: id }, 'cannot hand a webhook back'),
      );
  }

  async #run(event: InboxEvent): Promise<void> {
    const log = lazyChild(this.#ctx.logger, () => ({
      provider: event.provider,
      eventId: event.dedupeKey,
      inboxId: event.id,
    }));
    const provider = this.#ctx.providers.get(event.provider);
    let outcome: string;
    let failure: unknown = null;
    /** Set once processing has recorded the outcome in the unit of work it applied. */
    let recorded = false;
    const record = async (tx: Repositories, done: string): Promise<void> => {
      await tx.inbox.finish(event.id, this.#owner, this.#processed(event, done));
      recorded = true;
    };
    if (!provider) {
      outcome = 'no_provider';
    } else {
      try {
        outcome = await processWebhook(
          this.#ctx,
          provider,
          JSON.parse(event.body) as StoredWebhook,
          log,
          record,
        );
      } catch (error) {
        failure = error;
        outcome = 'failed';
      }
    }
    const now = this.#ctx.now();
    try {
      if (failure === null) {
        if (!recorded) {
          await this.#ctx.store.inbox.finish(
            event.id,
            this.#owner,
            this.#processed(event, outcome),
          );
        }
        this.#count(event.provider, outcome);
        // An event left to the database (the next of the same order, say) may be due now. Not
        // while submitted ones wait here: a look would only claim those again, ahead of their
        // turn; the timer's look still comes every poll interval.
        if (this.#missed && this.#submitted.size === 0 && this.#claimed.length === 0) this.kick();
        return;
      }
      const message = failure instanceof Error ? failure.message : String(failure);
      if (now.getTime() - Date.parse(event.receivedAt) >= this.#giveUpAfterMs) {
        log.error(
          { attempts: event.attempts + 1, err: failure },
          'webhook still not processed after days of trying; set aside',
        );
        await this.#ctx.store.inbox.finish(
          event.id,
          this.#owner,
          this.#processed(event, 'abandoned'),
        );
        this.#count(event.provider, 'abandoned');
        return;
      }
      const retryAtMs = now.getTime() + this.#delay(event.attempts + 1);
      const level = failure instanceof RetryLater ? 'warn' : 'error';
      log[level](
        { err: failure, attempts: event.attempts + 1, retryAtMs },
        'webhook not processed yet',
      );
      await this.#ctx.store.inbox.finish(event.id, this.#owner, {
        processed: false,
        error: message,
        retryAtMs,
      });
      this.#count(event.provider, 'retry');
    } catch (error) {
      // The lease lapses and the event is due again then.
      log.error({ err: error }, 'cannot record a webhook attempt');
    }
  }

  /** The result of an attempt that processed `event`'s current revision. */
  #processed(event: InboxEvent, outcome: string): InboxAttemptResult {
    return {
      processed: true,
      outcome,
      at: this.#ctx.now().toISOString(),
      revision: event.revision,
    };
  }

  /** The delay before attempt `failures + 1`: exponential, capped, with equal jitter. */
  #delay(failures: number): number {
    const exponential = Math.min(this.#retryMaxMs, this.#retryBaseMs * 2 ** (failures - 1));
    return Math.round(exponential / 2 + (this.#random() * exponential) / 2);
  }

  #count(provider: ProviderId, outcome: string): void {
    this.#ctx.metrics.inc(WEBHOOKS_PROCESSED, 'Provider webhooks processed, by outcome.', {
      provider,
      outcome,
    });
  }
}
