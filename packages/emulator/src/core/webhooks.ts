/**
 * @module
 * Webhook delivery shared by every provider: signing hook, the provider's retry schedule scaled
 * by the time scale, the delivery log, and the webhook faults (duplicate, reorder, delay, drop,
 * bad signature).
 *
 * The body is serialised once and the same bytes are signed and sent on every attempt, so a
 * receiver can always verify the signature over exactly what it got. Within one order, first
 * attempts go out one after another in the order the events happened (unless `reorder` is on),
 * which is what a well-behaved provider looks like; retries run independently.
 */
import type { ProviderId } from './provider-ids.js';
import type { FaultStore } from './faults.js';
import type { Scheduler } from './scheduler.js';

/** How long one delivery attempt may take before it counts as failed. */
const ATTEMPT_TIMEOUT_MS = 15_000;

/** One webhook a provider wants delivered. */
export interface WebhookMessage {
  provider: ProviderId;
  /** The provider's event id; constant across retries and duplicates. */
  eventId: string;
  /** The provider's event type, e.g. `order_updated`. */
  type: string;
  /** Groups the events of one order, for in-order delivery and the `reorder` fault. */
  orderKey: string;
  url: string;
  /** The exact bytes to send. */
  body: string;
  /**
   * Headers for `body`, computed again for every attempt (providers that sign a date or a
   * timestamp sign each retry afresh); with `tamper` the signature is made with a wrong key.
   */
  headers: (body: string, tamper: boolean) => Record<string, string>;
  /** Provider-time delays before retry 1, 2, …; its length is the number of retries. */
  retryDelaysMs: readonly number[];
  /**
   * Whether a response counts as delivered (default: any 2xx). Gets the status and the start of
   * the response body, for providers that want a precise acknowledgement (IXOPAY: `OK`).
   */
  isSuccess?: (status: number, body: string) => boolean;
}

/** One delivery attempt in the log. */
export interface WebhookAttempt {
  /** When the attempt started (ISO 8601, emulator clock). */
  at: string;
  /** The HTTP status the receiver answered, when it answered. */
  status?: number;
  /** Why no status was received (connection refused, timeout…). */
  error?: string;
  durationMs: number;
}

/** One entry of `GET /_emulator/webhooks`. */
export interface WebhookDelivery {
  provider: ProviderId;
  eventId: string;
  type: string;
  url: string;
  attempts: WebhookAttempt[];
  delivered: boolean;
  /** When the next attempt is due (ISO 8601), or null when none is planned. */
  nextAttemptAt: string | null;
  /** The exact body sent (or that would have been sent). */
  body: string;
  /** True for the second copy sent by the `duplicate` fault. */
  duplicate: boolean;
  /** True when the `drop` fault kept this delivery from ever being sent. */
  dropped: boolean;
  /** True when the `badSignature` fault signed this delivery with a wrong key. */
  badSignature: boolean;
  /** True when every retry failed. */
  exhausted: boolean;
}

interface Pending {
  log: WebhookDelivery;
  message: WebhookMessage;
  tamper: boolean;
  delayMs: number;
}

/** How much of a receiver's answer is read for {@link WebhookMessage.isSuccess}. */
const ACK_BODY_LIMIT = 1024;

/** Options of {@link WebhookDispatcher}. */
export interface WebhookDispatcherOptions {
  scheduler: Scheduler;
  faults: FaultStore;
  fetch: typeof fetch;
  /** How long the `reorder` fault holds an order's webhooks before sending them newest first. */
  reorderHoldMs: number;
}

/** Sends webhooks, retries them, and keeps the delivery log. */
export class WebhookDispatcher {
  readonly #options: WebhookDispatcherOptions;
  readonly #log: WebhookDelivery[] = [];
  readonly #chains = new Map<string, Promise<void>>();
  readonly #held = new Map<string, Pending[]>();
  readonly #abort = new AbortController();

  constructor(options: WebhookDispatcherOptions) {
    this.#options = options;
  }

  /** Every delivery so far, oldest first. */
  deliveries(provider?: ProviderId): WebhookDelivery[] {
    const entries = provider ? this.#log.filter((d) => d.provider === provider) : this.#log;
    return entries.map((d) => ({ ...d, attempts: d.attempts.map((a) => ({ ...a })) }));
  }

  /** Queues a webhook for delivery, applying the faults in force for its provider. */
  send(message: WebhookMessage): void {
    if (this.#abort.signal.aborted) return;
    const faults = this.#options.faults.effective(message.provider);
    const copies = faults.duplicate ? 2 : 1;
    const tamper = faults.badSignature === true;
    for (let copy = 0; copy < copies; copy += 1) {
      const log: WebhookDelivery = {
        provider: message.provider,
        eventId: message.eventId,
        type: message.type,
        url: message.url,
        attempts: [],
        delivered: false,
        nextAttemptAt: null,
        body: message.body,
        duplicate: copy > 0,
        dropped: faults.drop === true,
        badSignature: tamper,
        exhausted: false,
      };
      this.#log.push(log);
      if (log.dropped) continue;
      const pending: Pending = { log, message, tamper, delayMs: faults.delayMs ?? 0 };
      if (faults.reorder) this.#hold(pending);
      else this.#enqueue(pending);
    }
  }

  /** Stops every retry and aborts attempts in flight. */
  close(): void {
    this.#abort.abort();
    this.#held.clear();
    for (const entry of this.#log) if (!entry.delivered) entry.nextAttemptAt = null;
  }

  #hold(pending: Pending): void {
    const key = `${pending.message.provider}:${pending.message.orderKey}`;
    const held = this.#held.get(key);
    if (held) {
      held.push(pending);
      return;
    }
    this.#held.set(key, [pending]);
    this.#options.scheduler.afterReal(this.#options.reorderHoldMs, () => {
      const batch = this.#held.get(key) ?? [];
      this.#held.delete(key);
      for (const item of batch.reverse()) this.#enqueue(item);
    });
  }

  /** Chains the first attempt behind the previous first attempt of the same order. */
  #enqueue(pending: Pending): void {
    const key = `${pending.message.provider}:${pending.message.orderKey}`;
    const previous = this.#chains.get(key) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (pending.delayMs > 0) {
        pending.log.nextAttemptAt = this.#isoIn(pending.delayMs);
        await this.#options.scheduler.sleep(pending.delayMs);
      }
      await this.#attempt(pending);
    });
    this.#chains.set(key, next);
    void next.finally(() => {
      if (this.#chains.get(key) === next) this.#chains.delete(key);
    });
  }

  async #attempt(pending: Pending): Promise<void> {
    const { log, message } = pending;
    if (this.#abort.signal.aborted) return;
    log.nextAttemptAt = null;
    const attempt: WebhookAttempt = {
      at: new Date(this.#options.scheduler.now()).toISOString(),
      durationMs: 0,
    };
    const started = performance.now();
    let answer = '';
    try {
      const response = await this.#options.fetch(message.url, {
        method: 'POST',
        headers: message.headers(message.body, pending.tamper),
        body: message.body,
        redirect: 'manual',
        signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
      });
      // Reading the body also frees the connection for reuse.
      answer = (await response.text().catch(() => '')).slice(0, ACK_BODY_LIMIT);
      attempt.status = response.status;
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      attempt.error = describeFetchError(error);
    }
    attempt.durationMs = Math.round(performance.now() - started);
    log.attempts.push(attempt);

    const success = message.isSuccess ?? ((status: number) => status >= 200 && status < 300);
    if (attempt.status !== undefined && success(attempt.status, answer)) {
      log.delivered = true;
      return;
    }
    const retry = log.attempts.length - 1;
    const delay = message.retryDelaysMs[retry];
    if (delay === undefined || this.#abort.signal.aborted) {
      log.exhausted = true;
      return;
    }
    log.nextAttemptAt = this.#isoIn(this.#options.scheduler.scaled(delay));
    this.#options.scheduler.after(delay, () => this.#attempt(pending));
  }

  #isoIn(realMs: number): string {
    return new Date(this.#options.scheduler.now() + realMs).toISOString();
  }
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    if (cause instanceof Error && cause.message) return `${error.message}: ${cause.message}`;
    return error.message || error.name;
  }
  return String(error);
}
