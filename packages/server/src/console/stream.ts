/**
 * @module
 * `GET /console/api/stream`: every order change as Server-Sent Events (`event: order`, the
 * order's list row as data), and heartbeat comments. One watcher per server reads what changed
 * from the database — orders updated, webhooks stored — once a second while any console stream
 * is open, so changes made by every instance on the database reach every operator. A change is
 * sent once per stream even when two reads overlap (the reads overlap by a few seconds, so a
 * clock a little behind on another instance loses nothing).
 */
import type { ProviderId } from '@pay-checkout/protocol';
import type { ConsoleOrderEvent } from '@pay-checkout/protocol/console';
import type { AppContext } from '../core/context.js';
import { orderRow, orderRowOf } from './views.js';

/** How often the database is read for changes while a stream is open. */
export const STREAM_POLL_MS = 1_000;
/** How far back each read looks beyond the last one. */
const OVERLAP_MS = 5_000;
const MAX_ROWS = 500;
const DEFAULT_HEARTBEAT_MS = 15_000;

const encoder = new TextEncoder();

type Listener = (row: ConsoleOrderEvent) => void;

/** Reads changes from the database for the open console streams of one server. */
export class ChangeWatcher {
  readonly #ctx: AppContext;
  readonly #listeners = new Set<Listener>();
  readonly #sent = new Map<string, number>();
  readonly #pollMs: number;
  #timer: NodeJS.Timeout | undefined;
  #since = 0;
  #busy = false;

  constructor(ctx: AppContext, pollMs = STREAM_POLL_MS) {
    this.#ctx = ctx;
    this.#pollMs = pollMs;
  }

  /** Listens for changes; returns the function that stops listening. */
  subscribe(listener: Listener): () => void {
    if (this.#listeners.size === 0) {
      this.#since = this.#ctx.now().getTime();
      this.#timer = setInterval(() => void this.#tick(), this.#pollMs);
      this.#timer.unref();
    }
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.stop();
    };
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #tick(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      await this.#read();
    } catch (error) {
      this.#ctx.logger.warn({ err: error }, 'console stream cannot read changes');
    } finally {
      this.#busy = false;
    }
  }

  #emit(row: ConsoleOrderEvent): void {
    for (const listener of [...this.#listeners]) listener(row);
  }

  async #read(): Promise<void> {
    const started = this.#ctx.now();
    const since = new Date(this.#since - OVERLAP_MS).toISOString();
    const reads = this.#ctx.store.consoleReads;
    const rows: ConsoleOrderEvent[] = (await reads.ordersUpdatedSince(since, MAX_ROWS)).map((row) =>
      orderRow(row, started),
    );
    for (const hook of await reads.inboxSince(since, MAX_ROWS)) {
      if (hook.subject === null) continue;
      const key = `webhook:${hook.provider}:${hook.subject}:${hook.receivedAt}`;
      if (this.#sent.has(key)) continue;
      this.#sent.set(key, started.getTime());
      const order = await this.#ctx.ledger.findOrderByProviderReference(
        hook.provider as ProviderId,
        hook.subject,
      );
      const session = order ? await this.#ctx.ledger.getSession(order.sessionId) : null;
      // A webhook is news even when it changed nothing: sent whatever was sent before.
      if (order && session) this.#emit(orderRowOf(order, session, started));
    }
    for (const row of rows) {
      const key = `order:${row.id}:${row.updatedAt}:${row.status}`;
      if (this.#sent.has(key)) continue;
      this.#sent.set(key, started.getTime());
      this.#emit(row);
    }
    // What is older than the overlap cannot be read again.
    for (const [key, at] of this.#sent) {
      if (at < started.getTime() - 4 * OVERLAP_MS) this.#sent.delete(key);
    }
    this.#since = started.getTime();
  }
}

/** The SSE response of one operator's stream; ends when the client goes or the server closes. */
export function consoleStream(
  ctx: AppContext,
  watcher: ChangeWatcher,
  signal: AbortSignal,
  stillSignedIn: () => Promise<boolean>,
): Response {
  let stop = (): void => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const send = (text: string) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          close();
        }
      };
      const unsubscribe = watcher.subscribe((row) =>
        send(`event: order\ndata: ${JSON.stringify(row)}\n\n`),
      );
      const heartbeat = setInterval(() => {
        send(': ping\n\n');
        // A sign-out (on any instance) ends the stream at the next heartbeat.
        void stillSignedIn().then(
          (yes) => {
            if (!yes) close();
          },
          () => {},
        );
      }, ctx.config.sseHeartbeatMs ?? DEFAULT_HEARTBEAT_MS);
      heartbeat.unref();
      const close = () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        unsubscribe();
        ctx.streams.delete(close);
        try {
          controller.close();
        } catch {
          // Already closed by the client.
        }
      };
      stop = close;
      ctx.streams.add(close);
      signal.addEventListener('abort', close, { once: true });
      send('retry: 3000\n: console stream\n\n');
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    },
  });
}
