/**
 * @module
 * `GET /v1/sessions/:id/events`: the session's status as Server-Sent Events.
 *
 * Subscribe to the bus first, then read: every notification makes the stream read the events
 * after its cursor from the store, so the stream can neither skip nor repeat an event, whatever
 * order notifications and reads happen in. Without `Last-Event-ID` the first message is a
 * snapshot of the current status; with it, the stream replays what came after.
 */
import { Hono } from 'hono';
import { STATUS_EVENT, type StatusEvent } from '@pay-checkout/protocol';
import { ApiError } from '../core/api-error.js';
import type { AppContext, AppEnv } from '../core/context.js';
import { effectiveStatus } from '../core/views.js';

const DEFAULT_HEARTBEAT_MS = 15_000;

function message(id: number, data: StatusEvent): string {
  return `event: ${STATUS_EVENT}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Reads the resume cursor from the header, or the `lastEventId` query for plain clients. */
function parseCursor(value: string | undefined): number | null {
  if (value === undefined || !/^\d{1,15}$/.test(value.trim())) return null;
  return Number(value.trim());
}

/** The SSE route. */
export function eventRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/v1/sessions/:id/events', async (c) => {
    const session = await ctx.ledger.getSession(c.req.param('id'));
    if (!session) throw new ApiError(404, 'not_found', 'No such session');
    const sessionId = session.id;
    const resumeFrom = parseCursor(c.req.header('last-event-id') ?? c.req.query('lastEventId'));
    const heartbeatMs = ctx.config.sseHeartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    const log = c.get('logger');
    const encoder = new TextEncoder();
    let close: () => void = () => {};

    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        let closed = false;
        let cursor = 0;
        let chain: Promise<void> = Promise.resolve();

        const write = (text: string): void => {
          if (closed) return;
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            close();
          }
        };
        // Reads run one after another so that the cursor only ever moves forward.
        const enqueue = (task: () => Promise<void>): void => {
          chain = chain.then(task).catch((error: unknown) => {
            log.error({ err: error, sessionId }, 'SSE stream failed');
            close();
          });
        };
        // Wake-ups that arrive while a read is still queued are served by that read.
        let drainQueued = false;
        const drain = (): void => {
          if (drainQueued) return;
          drainQueued = true;
          enqueue(async () => {
            drainQueued = false;
            if (closed) return;
            for (const event of await ctx.ledger.listSessionEvents(sessionId, cursor)) {
              write(
                message(event.seq, { orderId: event.orderId, status: event.status, at: event.at }),
              );
              cursor = event.seq;
            }
          });
        };

        const unsubscribe = ctx.bus.subscribe(sessionId, drain);
        const heartbeat = setInterval(() => write(': ping\n\n'), heartbeatMs);
        close = () => {
          if (closed) return;
          closed = true;
          unsubscribe();
          clearInterval(heartbeat);
          ctx.streams.delete(close);
          try {
            controller.close();
          } catch {
            // Already closed by the client going away.
          }
        };
        // A client that goes away cancels the body (`cancel` below). The request's own AbortSignal
        // is not read: on Node that would build a second, full Request for every open stream.
        ctx.streams.add(close);

        write('retry: 3000\n\n');
        enqueue(async () => {
          const latest = await ctx.ledger.latestSessionEvent(sessionId);
          const latestSeq = latest?.seq ?? 0;
          if (resumeFrom !== null && resumeFrom <= latestSeq) {
            cursor = resumeFrom;
            return;
          }
          // No cursor, or one from the future (another database): start from a snapshot.
          const orders = await ctx.ledger.listOrders(sessionId);
          const stored = latest ? { ...session, status: latest.status } : session;
          const status = effectiveStatus(stored, ctx.now());
          write(
            message(latestSeq, {
              orderId: orders.at(-1)?.id ?? null,
              status,
              at:
                status === 'expired' && stored.status !== 'expired'
                  ? session.expiresAt
                  : (latest?.at ?? session.createdAt),
            }),
          );
          cursor = latestSeq;
        });
        drain();
      },
      cancel() {
        close();
      },
    });

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
