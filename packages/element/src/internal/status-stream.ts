/**
 * @module
 * Live status of a session: Server-Sent Events, with polling when the stream cannot be had.
 *
 * The stream's first message is a snapshot, so (re)connecting never misses a state. The browser
 * reconnects a dropped stream by itself and resumes with `Last-Event-ID`; only when it gives up
 * for good (a non-200 answer, a wrong content type, no EventSource at all) does this controller
 * poll the methods route, which carries the session status, instead.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { isOrderStatus, type OrderStatus } from '@pay-checkout/protocol/status';

/** One status as reported by the server. */
export interface StatusUpdate {
  status: OrderStatus;
  /** `null` when the session has no order yet, or when the status came from polling. */
  orderId: string | null;
}

export interface StatusStreamOptions {
  /** URL of `GET /v1/sessions/:id/events`. */
  url: string;
  /** Asks the server for the current status; used when the stream is unavailable. */
  poll: (signal: AbortSignal) => Promise<StatusUpdate>;
  /** Milliseconds between polls. */
  pollInterval: number;
  /** Receives every status, stale ones included: ordering is the listener's business. */
  onUpdate: (update: StatusUpdate) => void;
}

/** Where updates currently come from. */
export type StatusStreamMode = 'idle' | 'stream' | 'polling';

/** Watches a session's status for as long as its host is connected, or until {@link stop}. */
export class StatusStream implements ReactiveController {
  #options?: StatusStreamOptions;
  #source?: EventSource;
  #timer?: ReturnType<typeof setTimeout>;
  #poll?: AbortController;
  #mode: StatusStreamMode = 'idle';

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** Where updates come from right now. */
  get mode(): StatusStreamMode {
    return this.#mode;
  }

  /** Starts watching (stopping any previous watch). */
  start(options: StatusStreamOptions): void {
    this.stop();
    this.#options = options;
    if (typeof EventSource !== 'function') {
      this.#startPolling();
      return;
    }
    const source = new EventSource(options.url);
    this.#source = source;
    this.#mode = 'stream';
    source.addEventListener('status', (event) => {
      if (this.#source !== source) return;
      const update = parseStatusMessage((event as MessageEvent<unknown>).data);
      if (update) options.onUpdate(update);
    });
    source.addEventListener('error', () => {
      // CONNECTING means the browser is already retrying; CLOSED means it gave up for good.
      if (this.#source === source && source.readyState === EventSource.CLOSED) {
        this.#closeSource();
        this.#startPolling();
      }
    });
  }

  /** Stops watching; no update is delivered after this returns. */
  stop(): void {
    this.#closeSource();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#poll?.abort();
    this.#poll = undefined;
    this.#options = undefined;
    this.#mode = 'idle';
  }

  hostDisconnected(): void {
    this.stop();
  }

  #closeSource(): void {
    this.#source?.close();
    this.#source = undefined;
  }

  #startPolling(): void {
    this.#mode = 'polling';
    void this.#pollOnce();
  }

  async #pollOnce(): Promise<void> {
    const options = this.#options;
    if (!options) return;
    const controller = new AbortController();
    this.#poll = controller;
    try {
      const update = await options.poll(controller.signal);
      if (this.#options === options) options.onUpdate(update);
    } catch {
      // A failed poll is retried at the next tick; the screen keeps its last known state.
    }
    if (this.#options !== options) return;
    this.#timer = setTimeout(() => void this.#pollOnce(), options.pollInterval);
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
