/**
 * @module
 * `GET /v1/sessions/:id/events`: the session's status as Server-Sent Events.
 *
 * Subscribe to the bus first, then read: every notification makes the stream read the events
 * after its cursor from the store, so the stream can neither skip nor repeat an event, whatever
 * order notifications and reads happen in. Without `Last-Event-ID` the first message is a
 * snapshot of the current status; with it, the stream replays what came after.
 *
 * A reader that does not keep up is cut off once more than {@link SSE_MAX_BUFFERED_BYTES} wait
 * for it in the stream: nothing more is added, the body ends after what is queued, and what was
 * never sent is still in the session's log, so the browser's reconnect with `Last-Event-ID` gets
 * it. Every open stream of a server shares one heartbeat timer.
 *
 * The body is one `ReadableStream` whose queue counts bytes, so its `desiredSize` is the room
 * left under the bound. Hono's `streamSSE` is not used: it puts a `TransformStream`, its writer
 * and reader and a second `ReadableStream` behind every response, and keeps the request's
 * context for the stream's life — about 13 KB more per open stream on Node 20, which 5,000
 * streams within 20 KB each cannot afford.
 */
import { Hono } from 'hono';
import { STATUS_EVENT, type StatusEvent } from '@pay-checkout/protocol';
import { ApiError } from '../core/api-error.js';
import type { AppContext, AppEnv } from '../core/context.js';
import type { SessionRecord } from '../domain/records.js';
import { effectiveStatus } from '../core/views.js';

const DEFAULT_HEARTBEAT_MS = 15_000;

/**
 * Most bytes a stream lets wait for its reader: a write that finds more than this still waiting
 * from earlier writes closes the stream instead. Waiting are the bytes queued in the body and not
 * yet taken by the HTTP layer, which on Node begins only once the socket's own buffers are full.
 * A stream sends a few status events and a comment every 15 s, so a reader this far behind is
 * gone or stuck; the heartbeat makes sure such a reader meets a write.
 */
export const SSE_MAX_BUFFERED_BYTES = 32 * 1024;

const RETRY = 'retry: 3000\n\n';
const PING = ': ping\n\n';
/**
 * The last write of a stream ended by the server's shutdown: a short reconnect delay, so the
 * browser's automatic reconnect (with `Last-Event-ID`) soon reaches another instance.
 */
export const SHUTDOWN_NOTICE = 'retry: 1000\n: server shutting down, reconnect\n\n';
const encoder = new TextEncoder();
/** Queue sizes in bytes, so that `desiredSize` is the room left under the bound. */
const QUEUE_STRATEGY: QueuingStrategy<Uint8Array> = {
  highWaterMark: SSE_MAX_BUFFERED_BYTES,
  size: (chunk) => chunk.byteLength,
};

/** One status message; the field order (event, id, data) is part of what clients see. */
function message(id: number, data: StatusEvent): string {
  return `event: ${STATUS_EVENT}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Reads the resume cursor from the header, or the `lastEventId` query for plain clients. */
function parseCursor(value: string | undefined): number | null {
  if (value === undefined || !/^\d{1,15}$/.test(value.trim())) return null;
  return Number(value.trim());
}

/** One interval for every open stream of a server, running only while a stream is open. */
class Heartbeat {
  readonly #streams = new Set<StatusStream>();
  #timer: NodeJS.Timeout | undefined;

  constructor(readonly intervalMs: number) {}

  add(stream: StatusStream): void {
    this.#streams.add(stream);
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      // A stream closed while pinging leaves the set; iterating a Set survives that.
      for (const open of this.#streams) open.send(PING);
    }, this.intervalMs);
    // Open streams hold the server's sockets; the timer alone keeps nothing alive.
    this.#timer.unref();
  }

  delete(stream: StatusStream): void {
    this.#streams.delete(stream);
    if (this.#streams.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}

/**
 * One open stream, and the source of its body. Methods live on the prototype and the stream
 * holds neither the request's context nor its logger nor the session record, so an idle stream
 * costs little more than its HTTP plumbing.
 */
class StatusStream {
  cursor = 0;
  closed = false;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #chain: Promise<void> = Promise.resolve();
  #drainQueued = false;
  #unsubscribe: () => void = () => {};
  /** Until the first read: what the snapshot is made of, and where the client resumes. */
  #opening: { session: SessionRecord; resumeFrom: number | null } | null;
  /** Closes this stream. */
  readonly close = (): void => this.#close(false);
  /** Registered in `ctx.streams`: ends this stream for a shutdown, with the reconnect hint. */
  readonly end = (): void => {
    this.send(SHUTDOWN_NOTICE);
    this.#close(false);
  };

  constructor(
    readonly ctx: AppContext,
    readonly heartbeat: Heartbeat,
    readonly sessionId: string,
    session: SessionRecord,
    resumeFrom: number | null,
  ) {
    this.#opening = { session, resumeFrom };
  }

  /** Called by the body: subscribe first, then read (see the module comment). */
  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.#controller = controller;
    this.#unsubscribe = this.ctx.bus.subscribe(this.sessionId, () => this.#drain());
    this.ctx.streams.add(this.end);
    this.heartbeat.add(this);
    this.send(RETRY);
    this.#enqueue(() => this.#start());
    this.#drain();
  }

  /** Called by the body when the client goes away. */
  cancel(): void {
    this.close();
  }

  /**
   * Writes `text`, or closes the stream when more than the bound is still waiting from earlier
   * writes: the reader has stopped taking what it is sent.
   */
  send(text: string): void {
    if (this.closed) return;
    if ((this.#controller.desiredSize ?? 0) < 0) {
      this.#close(true);
      return;
    }
    this.#controller.enqueue(encoder.encode(text));
  }

  async #start(): Promise<void> {
    const { ctx } = this;
    const { session, resumeFrom } = this.#opening!;
    this.#opening = null;
    const latest = await ctx.ledger.latestSessionEvent(session.id);
    const latestSeq = latest?.seq ?? 0;
    if (resumeFrom !== null && resumeFrom <= latestSeq) {
      this.cursor = resumeFrom;
      return;
    }
    // No cursor, or one from the future (another database): start from a snapshot.
    const orders = await ctx.ledger.listOrders(session.id);
    const stored = latest ? { ...session, status: latest.status } : session;
    const status = effectiveStatus(stored, ctx.now());
    this.send(
      message(latestSeq, {
        orderId: orders.at(-1)?.id ?? null,
        status,
        at:
          status === 'expired' && stored.status !== 'expired'
            ? session.expiresAt
            : (latest?.at ?? session.createdAt),
      }),
    );
    this.cursor = latestSeq;
  }

  /** Reads run one after another so that the cursor only ever moves forward. */
  #enqueue(task: () => Promise<void>): void {
    this.#chain = this.#chain.then(task).catch((error: unknown) => {
      this.ctx.logger.error({ err: error, sessionId: this.sessionId }, 'SSE stream failed');
      this.#close(false);
    });
  }

  /** Wake-ups that arrive while a read is still queued are served by that read. */
  #drain(): void {
    if (this.#drainQueued || this.closed) return;
    this.#drainQueued = true;
    this.#enqueue(async () => {
      this.#drainQueued = false;
      if (this.closed) return;
      const events = await this.ctx.ledger.listSessionEvents(this.sessionId, this.cursor);
      if (events.length === 0) return;
      // One write for the whole batch, so that a replay reaches a reader that keeps up in one
      // piece instead of piling up as many small chunks before the first is taken.
      let batch = '';
      for (const event of events) {
        batch += message(event.seq, {
          orderId: event.orderId,
          status: event.status,
          at: event.at,
        });
      }
      this.send(batch);
      this.cursor = events.at(-1)!.seq;
    });
  }

  /**
   * Stops listening and ends the body. What is queued still reaches a reader that wakes up
   * (complete messages, then the end, then its reconnect with `Last-Event-ID`); for one that
   * never does, the queue stays within the bound until its connection goes.
   */
  #close(behind: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.#unsubscribe();
    this.heartbeat.delete(this);
    this.ctx.streams.delete(this.end);
    if (behind) {
      this.ctx.logger.info(
        {
          sessionId: this.sessionId,
          bufferedBytes: SSE_MAX_BUFFERED_BYTES - (this.#controller.desiredSize ?? 0),
        },
        'SSE reader too far behind, stream closed',
      );
    }
    try {
      this.#controller.close();
    } catch {
      // Already ended by the client going away.
    }
  }
}

/** The SSE route. */
export function eventRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const heartbeat = new Heartbeat(ctx.config.sseHeartbeatMs ?? DEFAULT_HEARTBEAT_MS);

  app.get('/v1/sessions/:id/events', async (c) => {
    const session = await ctx.ledger.getSession(c.req.param('id'));
    if (!session) throw new ApiError(404, 'not_found', 'No such session');
    const resumeFrom = parseCursor(c.req.header('last-event-id') ?? c.req.query('lastEventId'));
    // A client that goes away cancels the body. The request's own AbortSignal is not read: on
    // Node that would build a second, full Request for every open stream.
    const body = new ReadableStream<Uint8Array>(
      new StatusStream(ctx, heartbeat, session.id, session, resumeFrom),
      QUEUE_STRATEGY,
    );
    return new Response(body, {
      status: 200,
      headers: {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache',
        'X-Accel-Buffering': 'no',
        Connection: 'keep-alive',
      },
    });
  });

  return app;
}
