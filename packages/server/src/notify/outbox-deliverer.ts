/**
 * @module
 * Delivers the outbox: every committed order or mandate change, to the library's callbacks and
 * to `MERCHANT_WEBHOOK_URL`, signed the Standard Webhooks way.
 *
 * Messages are claimed in the database (a lease per message), so several server instances on one
 * database never send the same attempt at once, and a crashed instance's claims lapse. Due
 * messages are picked up on start, so deliveries survive restarts. Failed attempts are retried
 * with exponential back-off and jitter until the merchant answers 2xx; the `webhook-id` is the
 * message id, the same on every attempt. Callbacks run once per message, on its first attempt;
 * one that throws is logged and changes nothing.
 *
 * A message that keeps failing — its first failed attempt longer ago than the dead horizon
 * (default 72 h), or as many failed attempts as the limit (default 20) — is parked as dead: no
 * more attempts, one error line with its id, subject and last error, and
 * `pay_checkout_notifications_dead_total` counts it. The later messages of its subject keep
 * waiting behind it (in order, without spending attempts) until it is re-queued
 * (`POST /v1/notifications/:id/retry`), which gives it a fresh horizon and attempt budget.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { OrderView } from '@pay-checkout/protocol';
import { NOTIFICATIONS_DEAD, NOTIFICATIONS_DEAD_NOW, type Metrics } from '../core/metrics.js';
import type { Ledger } from '../core/ledger.js';
import type { OutboxMessage } from '../domain/records.js';
import type { WebhookMandate, WebhookOrder } from '../webhooks.js';
import { secretKey, signatureHeader } from './standard-webhooks.js';
import { notificationOf } from './views.js';

/** Metric name of delivery attempts by outcome. */
export const MERCHANT_WEBHOOKS = 'pay_checkout_merchant_webhooks_total';

/** Back-off of failed attempts. */
export interface RetryPolicy {
  /** Delay after the first failure (default 5 s); doubles with every further failure. */
  baseMs: number;
  /** Longest delay between two attempts (default 6 h). */
  maxMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 5_000, maxMs: 6 * 60 * 60 * 1000 };

/** When a failing message is given up on and parked as dead. */
export interface DeadLetterPolicy {
  /** Parked once its first failed attempt is this old (default 72 h, Stripe's retry horizon). */
  afterMs: number;
  /** Parked after this many failed attempts (default 20). */
  maxAttempts: number;
}

export const DEFAULT_DEAD_LETTER_POLICY: DeadLetterPolicy = {
  afterMs: 72 * 60 * 60 * 1000,
  maxAttempts: 20,
};

export interface OutboxDelivererOptions {
  ledger: Pick<
    Ledger,
    'claimOutbox' | 'finishOutboxAttempt' | 'parkOutbox' | 'countDeadNotifications'
  >;
  logger: Logger;
  now: () => Date;
  /** Where notifications are POSTed; without it only the callbacks run. */
  url?: string;
  /** Signing secrets (`whsec_…` or raw); every one signs, for rotation. */
  secrets?: readonly string[];
  onOrderUpdated?: (order: OrderView & WebhookOrder) => void | Promise<void>;
  onMandateUpdated?: (mandate: WebhookMandate) => void | Promise<void>;
  /** Attempts in flight at most (default 8). */
  concurrency?: number;
  /** How often the outbox is checked for due messages (default 1000 ms). */
  pollMs?: number;
  /** How long a claim holds (default 2 min, above the attempt timeout). */
  leaseMs?: number;
  /** Timeout of one HTTP attempt (default 15 s). */
  timeoutMs?: number;
  /** How long `close()` lets attempts in flight finish before aborting them (default 5 s). */
  closeGraceMs?: number;
  retry?: Partial<RetryPolicy>;
  /** When a failing message is parked as dead (default {@link DEFAULT_DEAD_LETTER_POLICY}). */
  deadLetter?: Partial<DeadLetterPolicy>;
  metrics?: Metrics;
  fetch?: typeof fetch;
  /** Source of randomness in [0, 1) for the jitter. */
  random?: () => number;
  /** Told of every HTTP attempt once it ended (the operator console's record of it). */
  onAttempt?: (attempt: NotificationAttempt) => void;
}

/** One HTTP attempt of a notification, as {@link OutboxDelivererOptions.onAttempt} hears it. */
export interface NotificationAttempt {
  message: OutboxMessage;
  /** When the attempt started. */
  at: Date;
  outcome: 'delivered' | 'failed' | 'dead';
  httpStatus?: number;
  durationMs: number;
  /** Why no answer came (`timeout`, `network error`). */
  error?: string;
}

/** The delay before attempt `failures + 1`: exponential, capped, with equal jitter. */
export function retryDelay(failures: number, policy: RetryPolicy, random = Math.random): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/** Seconds of a `Retry-After` header given as seconds, else null. */
function retryAfterMs(value: string | null): number | null {
  if (value === null || !/^\d{1,6}$/.test(value.trim())) return null;
  return Number(value.trim()) * 1000;
}

/**
 * Shortest time between two looks at the outbox while changes keep coming: each look is a unit
 * of work with a query over the undelivered messages, and a look finds every message committed
 * before it, so looking once per change would spend that on every change of a burst.
 */
const PASS_GAP_MS = 5;

/** Delivers outbox messages until closed. */
export class OutboxDeliverer {
  readonly #options: OutboxDelivererOptions;
  readonly #owner = `deliverer-${randomBytes(8).toString('hex')}`;
  readonly #keys: Buffer[];
  readonly #retry: RetryPolicy;
  readonly #deadLetter: DeadLetterPolicy;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  #timer: NodeJS.Timeout | null = null;
  #pumping = false;
  /** The pass over the outbox under way, which `close()` waits for (it may hold claims). */
  #pass: Promise<void> = Promise.resolve();
  #again = false;
  /** When the last look started, and the timer of a look held back until the gap has passed. */
  #lastPassAt = Number.NEGATIVE_INFINITY;
  #gapTimer: NodeJS.Timeout | null = null;
  #started = false;
  #closed = false;

  constructor(options: OutboxDelivererOptions) {
    this.#options = options;
    this.#retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.#deadLetter = { ...DEFAULT_DEAD_LETTER_POLICY, ...options.deadLetter };
    options.metrics?.gauge(
      NOTIFICATIONS_DEAD_NOW,
      'Merchant notifications parked as dead right now (waiting for a retry).',
      () => options.ledger.countDeadNotifications(),
    );
    this.#keys = (options.secrets ?? []).map((secret) => {
      const key = secretKey(secret);
      if (!key || key.length === 0) throw new Error('A merchant webhook secret is not valid');
      return key;
    });
    if (options.url && this.#keys.length === 0) {
      throw new Error('A merchant webhook URL needs a signing secret');
    }
  }

  /** Starts polling once `ready` resolves (the store is migrated). */
  start(ready: Promise<void> = Promise.resolve()): void {
    if (this.#started) return;
    this.#started = true;
    ready.then(
      () => {
        if (this.#closed) return;
        this.#timer = setInterval(() => this.kick(), this.#options.pollMs ?? 1000);
        this.#timer.unref();
        this.kick();
      },
      () => {},
    );
  }

  /**
   * Looks for due messages (called after each committed change): now, or — when the last look
   * was less than {@link PASS_GAP_MS} ago — once that much time has passed, so that a burst of
   * changes costs one look per gap instead of one each.
   */
  kick(): void {
    if (!this.#started || this.#closed) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    if (this.#gapTimer) return;
    const wait = this.#lastPassAt + PASS_GAP_MS - performance.now();
    if (wait > 0) {
      this.#gapTimer = setTimeout(() => {
        this.#gapTimer = null;
        this.kick();
      }, wait);
      return;
    }
    this.#lastPassAt = performance.now();
    this.#pumping = true;
    this.#pass = this.#pump()
      .catch((error: unknown) => {
        this.#options.logger.error({ err: error }, 'outbox pass failed');
      })
      .finally(() => {
        this.#pumping = false;
        if (this.#again) {
          this.#again = false;
          this.kick();
        }
      });
  }

  /**
   * Stops polling and lets attempts in flight finish for a grace period; any still running then
   * are aborted and stay due. (An aborted request may still have reached the merchant: delivery
   * is at least once, and the `webhook-id` is the merchant's dedupe key.)
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    if (this.#gapTimer) clearTimeout(this.#gapTimer);
    // A claim under way hands what it claims straight back; wait for that before the store goes.
    await this.#pass.catch(() => undefined);
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#inFlight]),
      new Promise<void>((resolve) => {
        grace = setTimeout(resolve, this.#options.closeGraceMs ?? 5000);
      }),
    ]);
    clearTimeout(grace);
    this.#abort.abort();
    await Promise.allSettled([...this.#inFlight]);
  }

  async #pump(): Promise<void> {
    const free = (this.#options.concurrency ?? 8) - this.#inFlight.size;
    if (free <= 0) return;
    let messages: OutboxMessage[];
    try {
      messages = await this.#options.ledger.claimOutbox({
        owner: this.#owner,
        now: this.#options.now(),
        leaseMs: this.#options.leaseMs ?? 120_000,
        limit: free,
      });
    } catch (error) {
      if (!this.#closed) this.#options.logger.error({ err: error }, 'cannot read the outbox');
      return;
    }
    for (const message of messages) {
      if (this.#closed) {
        // Claimed while closing: hand it straight back.
        await this.#handBack(message);
        continue;
      }
      const task = this.#deliver(message).catch((error: unknown) => {
        this.#options.logger.error({ err: error, webhookId: message.id }, 'delivery failed');
      });
      this.#inFlight.add(task);
      void task.finally(() => {
        this.#inFlight.delete(task);
        // A finished message may unblock the next one of its subject.
        this.kick();
      });
    }
  }

  async #deliver(message: OutboxMessage): Promise<void> {
    const event = notificationOf(message);
    if (message.attempts === 0) await this.#runCallback(event);
    const { url } = this.#options;
    if (!url) {
      await this.#finish(message, { delivered: true });
      return;
    }
    const body = JSON.stringify(event);
    const timestamp = Math.floor(this.#options.now().getTime() / 1000);
    let status: number | undefined;
    let error: string | undefined;
    let retryAfter: number | null = null;
    const startedAt = this.#options.now();
    const started = performance.now();
    const told = (outcome: NotificationAttempt['outcome']) => {
      try {
        this.#options.onAttempt?.({
          message,
          at: startedAt,
          outcome,
          durationMs: Math.round(performance.now() - started),
          ...(status !== undefined ? { httpStatus: status } : {}),
          ...(error !== undefined ? { error } : {}),
        });
      } catch (cause) {
        this.#options.logger.warn({ err: cause }, 'notification attempt listener failed');
      }
    };
    try {
      const response = await (this.#options.fetch ?? fetch)(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'pay-checkout-webhooks/1',
          'webhook-id': message.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signatureHeader(this.#keys, message.id, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.any([
          this.#abort.signal,
          AbortSignal.timeout(this.#options.timeoutMs ?? 15_000),
        ]),
      });
      await response.arrayBuffer().catch(() => undefined);
      status = response.status;
      retryAfter = retryAfterMs(response.headers.get('retry-after'));
    } catch (cause) {
      if (this.#abort.signal.aborted) {
        // Shutting down: leave the message due for the next start (or another instance).
        await this.#handBack(message);
        return;
      }
      error = cause instanceof Error && cause.name === 'TimeoutError' ? 'timeout' : 'network error';
    }
    const delivered = status !== undefined && status >= 200 && status < 300;
    this.#options.metrics?.inc(MERCHANT_WEBHOOKS, 'Merchant notification attempts by outcome.', {
      outcome: delivered ? 'delivered' : 'failed',
    });
    if (delivered) {
      told('delivered');
      await this.#finish(message, { delivered: true, status: status as number });
      return;
    }
    const failures = (message.failedAttempts ?? 0) + 1;
    const lastError = error ?? (status !== undefined ? `HTTP ${status}` : 'no answer');
    if (this.#isDead(message, failures)) {
      told('dead');
      await this.#park(message, failures, { status, error, lastError });
      return;
    }
    told('failed');
    const delay = Math.max(
      retryDelay(failures, this.#retry, this.#options.random),
      Math.min(retryAfter ?? 0, this.#retry.maxMs),
    );
    const retryAt = this.#options.now().getTime() + delay;
    this.#options.logger.warn(
      { webhookId: message.id, attempt: failures, status, error, retryInMs: delay },
      'merchant webhook not accepted; will retry',
    );
    await this.#finish(message, {
      delivered: false,
      retryAt,
      ...(status !== undefined ? { status } : {}),
      ...(error !== undefined ? { error } : {}),
    });
  }

  /** Whether a message failing for the `failures`-th time in a row is to be given up on. */
  #isDead(message: OutboxMessage, failures: number): boolean {
    if (failures >= this.#deadLetter.maxAttempts) return true;
    const firstFailedAt = message.firstFailedAt ? Date.parse(message.firstFailedAt) : NaN;
    const since = Number.isNaN(firstFailedAt) ? this.#options.now().getTime() : firstFailedAt;
    return this.#options.now().getTime() - since >= this.#deadLetter.afterMs;
  }

  /** Records the last failed attempt and parks the message; logs and counts it once. */
  async #park(
    message: OutboxMessage,
    failures: number,
    outcome: { status: number | undefined; error: string | undefined; lastError: string },
  ): Promise<void> {
    const parked = await this.#options.ledger.parkOutbox(message.id, {
      delivered: false,
      owner: this.#owner,
      now: this.#options.now(),
      ...(outcome.status !== undefined ? { status: outcome.status } : {}),
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
    });
    // Lost the claim meanwhile: whoever holds it now decides.
    if (!parked) return;
    this.#options.metrics?.inc(
      NOTIFICATIONS_DEAD,
      'Merchant notifications parked as dead after too many failed attempts.',
    );
    this.#options.logger.error(
      {
        webhookId: message.id,
        type: message.type,
        subjectId: message.subjectId,
        failedAttempts: failures,
        firstFailedAt: message.firstFailedAt ?? this.#options.now().toISOString(),
        lastError: outcome.lastError,
      },
      'merchant notification parked as dead; later ones of its subject wait until it is retried',
    );
  }

  /** Gives a claimed message back on shutdown: due again at once, the attempt not counted. */
  async #handBack(message: OutboxMessage): Promise<void> {
    await this.#finish(message, {
      delivered: false,
      retryAt: 0,
      error: 'shutdown',
      counted: false,
    });
  }

  async #finish(
    message: OutboxMessage,
    result: {
      delivered: boolean;
      retryAt?: number;
      status?: number;
      error?: string;
      counted?: boolean;
    },
  ): Promise<void> {
    await this.#options.ledger.finishOutboxAttempt(message.id, {
      ...result,
      owner: this.#owner,
      now: this.#options.now(),
    });
  }

  async #runCallback(event: ReturnType<typeof notificationOf>): Promise<void> {
    try {
      if (event.type === 'order.updated') {
        await this.#options.onOrderUpdated?.(event.data.order as OrderView & WebhookOrder);
      } else {
        await this.#options.onMandateUpdated?.(event.data.mandate);
      }
    } catch (error) {
      // The change is committed; the merchant's code can neither undo nor delay it.
      this.#options.logger.error({ err: error, type: event.type }, `${callbackName(event)} failed`);
    }
  }
}

function callbackName(event: { type: string }): string {
  return event.type === 'order.updated' ? 'onOrderUpdated' : 'onMandateUpdated';
}
