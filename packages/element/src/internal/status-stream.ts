/**
 * @module
 * Live status of a session: Server-Sent Events with the element's own reconnection, and polling
 * while the stream cannot be had.
 *
 * The browser's own EventSource reconnection is not enough: it retries at a fixed interval (every
 * tab of a busy shop at once after a server restart), and it gives up for good when a proxy
 * answers a reconnect with an error page (a 502 from a load balancer while the server restarts).
 * So on any error this controller closes the EventSource and opens a new one itself, after an
 * exponential back-off with full jitter, resuming after the last event it saw (`lastEventId`, the
 * query form of `Last-Event-ID`, because a new EventSource cannot send that header). While the
 * stream is down — or blocked outright — it polls, so the screen still moves.
 */
import type {
  html as litHtml,
  nothing as litNothing,
  ReactiveController,
  ReactiveControllerHost,
  TemplateResult,
} from 'lit';
import { enStatus } from '../translations/en-status.js';
import type { ElementTranslation } from '../translations/en.js';
import { isOrderStatus, type OrderStatus } from '@pay-checkout/protocol/status';

/** One status as reported by the server. */
export interface StatusUpdate {
  status: OrderStatus;
  /** `null` when the session has no order yet. */
  orderId: string | null;
}

export interface StatusStreamOptions {
  /** URL of `GET /v1/sessions/:id/events`. */
  url: string;
  /** Asks the server for the current status; used while the stream is unavailable. */
  poll: (signal: AbortSignal) => Promise<StatusUpdate>;
  /** Milliseconds between polls. */
  pollInterval: number;
  /** Receives every status, stale ones included: ordering is the listener's business. */
  onUpdate: (update: StatusUpdate) => void;
  /** First reconnection delay in milliseconds (doubled per failure, capped). Default 1000. */
  reconnectDelay?: number;
  /** Longest reconnection delay in milliseconds. Default 30 000. */
  maxReconnectDelay?: number;
}

/** Where updates currently come from. */
export type StatusStreamMode = 'idle' | 'connecting' | 'stream' | 'polling';

/** Watches a session's status for as long as its host is connected, or until {@link stop}. */
export class StatusStream implements ReactiveController {
  #options?: StatusStreamOptions;
  #source?: EventSource;
  #reconnect?: ReturnType<typeof setTimeout>;
  #pollTimer?: ReturnType<typeof setTimeout>;
  #poll?: AbortController;
  #polling = false;
  #failures = 0;
  #lastEventId?: string;
  #connections = 0;

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** Where updates come from right now. */
  get mode(): StatusStreamMode {
    if (!this.#options) return 'idle';
    if (this.#source?.readyState === 1 /* OPEN */) return 'stream';
    return this.#polling ? 'polling' : 'connecting';
  }

  /** How many times a stream was opened since {@link start} (reconnections included). */
  get connections(): number {
    return this.#connections;
  }

  /** Starts watching (stopping any previous watch). */
  start(options: StatusStreamOptions): void {
    this.stop();
    this.#options = options;
    this.#lastEventId = undefined;
    this.#failures = 0;
    this.#connections = 0;
    this.#connect();
  }

  /** Stops watching; no update is delivered after this returns. */
  stop(): void {
    this.#closeSource();
    clearTimeout(this.#reconnect);
    this.#stopPolling();
    this.#options = undefined;
  }

  hostDisconnected(): void {
    this.stop();
  }

  #connect(): void {
    const options = this.#options;
    if (!options) return;
    if (typeof EventSource !== 'function') {
      this.#startPolling();
      return;
    }
    const url = new URL(options.url);
    if (this.#lastEventId) url.searchParams.set('lastEventId', this.#lastEventId);
    const source = new EventSource(url.href);
    this.#source = source;
    source.addEventListener('open', () => {
      if (this.#source !== source) return;
      this.#connections++;
      // A resumed stream has worked before: trust it again at once.
      if (this.#lastEventId) {
        this.#failures = 0;
        this.#stopPolling();
      }
    });
    source.addEventListener('status', (event) => {
      if (this.#source !== source) return;
      const message = event as MessageEvent<unknown>;
      // A message is proof the stream works end to end (a buffering proxy lets "open" through).
      this.#failures = 0;
      this.#stopPolling();
      if (message.lastEventId) this.#lastEventId = message.lastEventId;
      const update = parseStatusMessage(message.data);
      if (update) options.onUpdate(update);
    });
    source.addEventListener('error', () => {
      if (this.#source !== source) return;
      // Take over from the browser, whether it meant to retry (CONNECTING) or gave up (CLOSED).
      this.#closeSource();
      this.#failures++;
      // The first hiccup is usually a restart or a dropped connection; poll from the second on,
      // or at once if the stream never delivered anything (blocked by a proxy or a policy).
      if (this.#failures > 1 || !this.#lastEventId) this.#startPolling();
      const base = options.reconnectDelay ?? 1_000;
      const cap = options.maxReconnectDelay ?? 30_000;
      const ceiling = Math.min(cap, base * 2 ** (this.#failures - 1));
      // Full jitter: every element picks its own moment, so a restarted server is not stampeded.
      const delay = ceiling / 2 + (Math.random() * ceiling) / 2;
      clearTimeout(this.#reconnect);
      this.#reconnect = setTimeout(() => this.#connect(), delay);
    });
  }

  #closeSource(): void {
    this.#source?.close();
    this.#source = undefined;
  }

  #startPolling(): void {
    if (this.#polling) return;
    this.#polling = true;
    void this.#pollOnce();
  }

  #stopPolling(): void {
    this.#polling = false;
    clearTimeout(this.#pollTimer);
    this.#poll?.abort();
    this.#poll = undefined;
  }

  async #pollOnce(): Promise<void> {
    const options = this.#options;
    if (!options || !this.#polling) return;
    const controller = new AbortController();
    this.#poll = controller;
    try {
      const update = await options.poll(controller.signal);
      if (!controller.signal.aborted) options.onUpdate(update);
    } catch {
      // A failed poll is retried at the next tick; the screen keeps its last known state.
    }
    if (controller.signal.aborted || !this.#polling) return;
    this.#pollTimer = setTimeout(() => void this.#pollOnce(), options.pollInterval);
  }
}

/** Reads one `status` message (`{ orderId, status, at }`); anything malformed is dropped. */
export function parseStatusMessage(data: unknown): StatusUpdate | undefined {
  if (typeof data !== 'string') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { status, orderId } = value as Record<string, unknown>;
  if (!isOrderStatus(status)) return undefined;
  if (orderId !== null && typeof orderId !== 'string') return undefined;
  return { status, orderId };
}

/** What {@link renderOutcome} shows and does. */
export interface OutcomeState {
  t: ElementTranslation;
  phase: 'paid' | 'failed' | 'cancelled' | 'expired';
  /** The order's status, as `data-status`. */
  status: string;
  /** The method's name, in the element's language where it has one. */
  method: string | undefined;
  /** The merchant's reference of the checkout. */
  reference: string | undefined;
  /** Another attempt is possible: "Try another method". */
  again: boolean;
  /** The QR code ran out: "Get a new code" first. */
  newCode: boolean;
  onNewCode: () => void;
  onTryAnother: () => void;
}

/** The outcome screens' styles, adopted by the element's shadow root when this loads. */
export const styles = `
.facts{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem;margin:0}
dt{color:var(--pay-color-muted,#4b5563)}dd{margin:0;overflow-wrap:anywhere}
.icon{width:2.5rem;height:2.5rem;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.status--paid :is(h2,.icon){color:var(--pay-color-success,#047857)}
:is(.status--failed,.status--cancelled,.status--expired) :is(h2,.icon){color:var(--pay-color-danger,#b91c1c)}`;

// 24 × 24 outlines: a tick, a clock, a cross.
const ICONS = {
  paid: 'M5 12.5l4.5 4.5L19 7.5',
  expired: 'M12 7v5l3 2M21 12a9 9 0 1 1-18 0 9 9 0 0 1 18 0z',
  failed: 'M6 6l12 12M18 6L6 18',
};

/**
 * An outcome screen: its icon, what happened, the method and the merchant's reference, and the
 * way on where there is one. Rendered with the element's own `html`.
 */
export function renderOutcome(
  { html, nothing }: { html: typeof litHtml; nothing: typeof litNothing },
  state: OutcomeState,
): TemplateResult {
  const t = lazyTexts(state.t);
  const { phase, method, reference } = state;
  const path = ICONS[phase === 'cancelled' ? 'failed' : phase];
  return html`
    <div part="status" class="status status--${phase}" data-status=${state.status}>
      <svg part="status-icon" class="icon" viewBox="0 0 24 24" aria-hidden="true">
        <path d=${path} />
      </svg>
      <h2 part="heading" tabindex="-1" data-focus>${t[phase]}</h2>
      <p class="muted">${t[`${phase}Hint`]}</p>
      ${
        method || reference
          ? html`<dl part="details" class="facts">
              ${
                method
                  ? html`<dt>${t.resultMethod}</dt>
                      <dd>${method}</dd>`
                  : nothing
              }
              ${
                reference
                  ? html`<dt>${t.resultReference}</dt>
                      <dd dir="auto">${reference}</dd>`
                  : nothing
              }
            </dl>`
          : nothing
      }
      ${
        state.newCode
          ? html`<button part="action" class="primary" type="button" @click=${state.onNewCode}>
              ${t.newCode}
            </button>`
          : nothing
      }
      ${
        state.again
          ? html`<button part="action" class="secondary" type="button" @click=${state.onTryAnother}>
              ${t.tryAnotherMethod}
            </button>`
          : nothing
      }
    </div>
  `;
}

/** What {@link renderUnconfirmed} shows and does. */
export interface UnconfirmedState {
  t: ElementTranslation;
  onKeepWaiting: () => void;
  onPayAnotherWay: () => void;
}

/**
 * The texts of the outcome screens and of "not received yet" in the element's language, English
 * filling in: they travel with the live status, which every outcome follows.
 */
export function lazyTexts(t: ElementTranslation): ElementTranslation & typeof enStatus {
  return { ...enStatus, ...t };
}

/**
 * The server asked the provider and the payment is not there (yet): the customer may wait on or
 * pay another way. Rendered with the element's own `html`, so this chunk carries no lit.
 */
export function renderUnconfirmed(
  { html }: { html: typeof litHtml },
  { t: texts, onKeepWaiting, onPayAnotherWay }: UnconfirmedState,
): TemplateResult {
  const t = lazyTexts(texts);
  return html`
    <div part="status" class="status status--unconfirmed">
      <h2 part="heading" tabindex="-1" data-focus>${t.notYetPaid}</h2>
      <p class="muted">${t.notYetPaidHint}</p>
      <button part="action" class="primary" type="button" @click=${onKeepWaiting}>
        ${t.keepWaiting}
      </button>
      <button part="action" class="secondary" type="button" @click=${onPayAnotherWay}>
        ${t.payAnotherWay}
      </button>
    </div>
  `;
}
