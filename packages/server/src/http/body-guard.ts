/**
 * @module
 * The request body, read by Node before any route sees it: at most `maxBodyBytes`, within the
 * route's body timeout, then handed to the fetch handler whole (as `rawBody`, which
 * @hono/node-server turns into the `Request` body). What it refuses it answers itself:
 *
 * - a declared `Content-Length` over the limit: 413 at once, before a byte of the body is read;
 * - a chunked body (no declared length) the moment its running total passes the limit: 413
 *   with `Connection: close`, and not a byte more of it is read;
 * - a body that is not complete within its timeout: 408.
 *
 * The connection is kept only when the rest of the refused body is read to its end: a declared
 * over-limit body of at most {@link DRAIN_FACTOR} times the limit is read and thrown away (never
 * held), so that a client on a kept-alive connection can send its next request on it. A chunked
 * body says nothing of how much more is coming, so reading it on would cost as much again as
 * the client cares to send: its connection is closed instead. Any answer that leaves body bytes
 * unread says `Connection: close`, and the connection is closed after it — a client never sends
 * a request into a connection that is about to be dropped.
 *
 * Memory: nothing of a refused body is kept, a declared length over the limit costs no buffer
 * at all, a chunked body is read once, at most up to the limit, into a pooled buffer that the
 * next one reuses, and the bodies held at once are bounded by a budget shared by every
 * connection (http/body-budget.ts): past it, bodies wait unread.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { ApiError } from '../core/api-error.js';
import { BodyBudget, BufferPool } from './body-budget.js';
import { bodyTimeoutFor, type HttpLimits } from './limits.js';

/** Declared over-limit bodies up to this many times the limit are read to their end and dropped. */
export const DRAIN_FACTOR = 4;

/** How long a connection refused with `Connection: close` stays open for its client to read the answer. */
export const CLOSE_WAIT_MS = 2_000;

export interface BodyGuardOptions {
  /** Largest body accepted, in bytes. */
  maxBodyBytes: number;
  limits: HttpLimits;
  /** Bytes of bodies held at once, shared by every connection (default {@link BUDGET_FACTOR} × the limit). */
  budget?: BodyBudget;
  /** The buffers chunked bodies are read into (default: {@link BUDGET_FACTOR} kept). */
  pool?: BufferPool;
}

/** Bodies of this many times the limit, together, are held in memory at once; more wait. */
export const BUDGET_FACTOR = 16;

/** An incoming request once its body has been read (what @hono/node-server looks for). */
type BufferedRequest = IncomingMessage & { rawBody?: Buffer };

/** The declared `Content-Length`, or null for a chunked body (or none declared). */
function declaredLength(req: IncomingMessage): number | null {
  // With both headers, Node's parser refuses the request before it gets here.
  if (req.headers['transfer-encoding'] !== undefined) return null;
  const raw = req.headers['content-length'];
  // Node's parser has already refused a length that is not a number.
  return raw === undefined ? null : Number(raw);
}

/** Whether the request can carry a body that has to be read before it is answered. */
function mayCarryBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  if (length !== undefined && length !== '0') return true;
  return req.method !== 'GET' && req.method !== 'HEAD';
}

/** Answers an error as the contract's JSON body; `close` asks the client to drop the connection. */
function answer(res: ServerResponse, error: ApiError, close: boolean): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(error.toBody());
  res.writeHead(error.status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    // Node closes the connection after an answer that says so.
    Connection: close ? 'close' : 'keep-alive',
  });
  res.end(body);
}

function tooLarge(maxBodyBytes: number): ApiError {
  const limit =
    maxBodyBytes % (1024 * 1024) === 0
      ? `${maxBodyBytes / 1024 / 1024} MiB`
      : `${maxBodyBytes} bytes`;
  return new ApiError(413, 'payload_too_large', `The body is larger than ${limit}`);
}

function tooSlow(timeoutMs: number): ApiError {
  return new ApiError(
    408,
    'invalid_request',
    `The request body did not arrive within ${timeoutMs} ms`,
    { retryable: true },
  );
}

/**
 * Wraps a Node request listener (the one @hono/node-server builds) so that it only ever sees
 * requests whose body has been read whole, within the limits.
 *
 * @example
 * createServer(options, guardBodies(getRequestListener(app.fetch), { maxBodyBytes, limits }));
 */
export function guardBodies(listener: RequestListener, options: BodyGuardOptions): RequestListener {
  const settled: Required<BodyGuardOptions> = {
    ...options,
    budget: options.budget ?? new BodyBudget(options.maxBodyBytes * BUDGET_FACTOR),
    pool: options.pool ?? new BufferPool(options.maxBodyBytes, BUDGET_FACTOR),
  };
  return (req, res) => {
    if (!mayCarryBody(req)) {
      void listener(req, res);
      return;
    }
    readBody(req as BufferedRequest, res, listener, settled);
  };
}

/**
 * The `checkContinue` handler of Node's server, for requests with `Expect: 100-continue`: one
 * whose declared length is over the limit is answered 413 (`Connection: close`) without the
 * `100 Continue`, so its client never sends the body; any other is told to go on and read as
 * usual.
 */
export function continueOrRefuse(
  listener: RequestListener,
  options: BodyGuardOptions,
): RequestListener {
  const guarded = guardBodies(listener, {
    ...options,
    pool: options.pool ?? new BufferPool(options.maxBodyBytes, BUDGET_FACTOR),
  });
  return (req, res) => {
    const declared = declaredLength(req);
    if (declared !== null && declared > options.maxBodyBytes) {
      answer(res, tooLarge(options.maxBodyBytes), true);
      return;
    }
    res.writeContinue();
    guarded(req, res);
  };
}

function readBody(
  req: BufferedRequest,
  res: ServerResponse,
  listener: RequestListener,
  { maxBodyBytes, limits, budget, pool }: Required<BodyGuardOptions>,
): void {
  const timeoutMs = bodyTimeoutFor(req.url ?? '/', limits);
  const drainBytes = maxBodyBytes * DRAIN_FACTOR;
  const declared = declaredLength(req);
  const refusedUnread = declared !== null && declared > maxBodyBytes;
  let chunks: Buffer[] = [];
  /** A chunked body is read into a pooled buffer of the limit's size, from the grant on. */
  let lent: Buffer | undefined;
  let received = 0;
  // What this body may grow to is reserved before it is read (nothing for one refused unread);
  // `reserved` is what the budget has granted so far, so only that is ever given back.
  const chunked = req.headers['transfer-encoding'] !== undefined;
  const wanted = refusedUnread ? 0 : (declared ?? (chunked ? maxBodyBytes : 0));
  let reserved = 0;
  const giveBack = () => {
    budget.release(reserved);
    reserved = 0;
  };
  let cancelWait = () => {};

  const done = () => {
    clearTimeout(timer);
    cancelWait();
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onGone);
    req.off('close', onGone);
    chunks = [];
    if (lent) pool.give(lent);
    lent = undefined;
  };
  /**
   * Answered with `Connection: close`, and nothing more read: the socket stops reading at once
   * (what the client still sends stays in the kernel's buffers) and is closed
   * {@link CLOSE_WAIT_MS} after the answer. Node would close it the moment the answer is out;
   * with unread bytes in the kernel that close is a reset, which can reach a busy client
   * before it has read the answer, and take the answer with it. So the answer is followed by
   * the end of our side only, and the reset comes once the client has had time to read.
   */
  const refuseAndClose = (error: ApiError) => {
    done();
    giveBack();
    const socket = req.socket;
    req.pause();
    socket.pause();
    socket.destroySoon = () => {
      socket.end();
    };
    const closing = setTimeout(() => socket.destroy(), CLOSE_WAIT_MS);
    closing.unref();
    socket.once('close', () => clearTimeout(closing));
    answer(res, error, true);
  };
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (!refusedUnread && received > maxBodyBytes) {
      // A chunked body: refused the moment it passes the limit, nothing of it kept.
      refuseAndClose(tooLarge(maxBodyBytes));
      return;
    }
    if (lent) chunk.copy(lent, received - chunk.length);
    else if (!refusedUnread) chunks.push(chunk);
    else if (received > drainBytes) {
      if (res.headersSent) {
        // Answered already (a declared length), yet more than declared is coming: no
        // well-behaved client does that.
        done();
        req.socket.destroy();
      } else {
        refuseAndClose(tooLarge(maxBodyBytes));
      }
    }
  };
  const onEnd = () => {
    const body = refusedUnread
      ? null
      : lent
        ? Buffer.from(lent.subarray(0, received))
        : Buffer.concat(chunks, received);
    done();
    if (body === null) {
      giveBack();
      // Read to its end: the connection can carry the next request.
      answer(res, tooLarge(maxBodyBytes), false);
      return;
    }
    // What it is, not what it might have been, is held until its answer is sent (or the
    // client is gone).
    budget.release(reserved - body.length);
    reserved = body.length;
    res.once('close', giveBack);
    req.rawBody = body;
    void listener(req, res);
  };
  const onGone = () => {
    done();
    giveBack();
  };
  const timer = setTimeout(() => {
    if (res.headersSent) {
      // The 413 of a declared length went out, but the body it announced never came whole.
      onGone();
      req.socket.destroy();
      return;
    }
    refuseAndClose(tooSlow(timeoutMs));
  }, timeoutMs);

  req.on('end', onEnd);
  req.on('error', onGone);
  req.on('close', onGone);
  if (refusedUnread) {
    if (declared > drainBytes) {
      refuseAndClose(tooLarge(maxBodyBytes));
      return;
    }
    // Refused before a byte is read; the body is then read and dropped, so that the
    // connection stays usable.
    answer(res, tooLarge(maxBodyBytes), false);
    req.on('data', onData);
    return;
  }
  // Reading starts once the body's bytes fit in the budget; until then they wait unread.
  cancelWait = budget.acquire(wanted, () => {
    reserved = wanted;
    if (chunked) lent = pool.take();
    req.on('data', onData);
  });
}
