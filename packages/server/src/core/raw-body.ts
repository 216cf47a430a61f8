/**
 * @module
 * A request's raw body as bytes, for routes that verify a signature over them (provider
 * webhooks). On Node, when the body has a declared length and nothing has read it yet, it is
 * read straight from the socket's `IncomingMessage` (@hono/node-server passes `{ incoming }` as
 * the bindings): the adapter would otherwise build a Web `Request` for it — an AbortController,
 * a web stream over the node stream, a copy — which costs more than the rest of a small
 * webhook's answer. Everywhere else (tests calling `fetch` directly, a chunked body, a body a
 * middleware has wrapped or read) it is `c.req.arrayBuffer()`, as before.
 *
 * Where Node has read the body before the fetch handler ran (the body guard sets `rawBody`,
 * which is also what the adapter would build the `Request` body from), those bytes are used.
 * Otherwise the length was checked against the body limit by the middleware before the route
 * ran, and the bytes that arrive are held to it too.
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { ApiError } from './api-error.js';

/** A node request whose body was read before the fetch handler ran (http/body-guard.ts). */
type BufferedIncoming = IncomingMessage & { rawBody?: unknown };

/** The node request behind `c`, when it can be read directly. */
function unreadIncoming(c: Context): { incoming: IncomingMessage; length: number } | null {
  const incoming = (c.env as { incoming?: BufferedIncoming } | undefined)?.incoming;
  if (!incoming || typeof incoming.on !== 'function') return null;
  // Flowing or paused (not null) means something has started reading it: leave it to that.
  if (incoming.readableFlowing !== null || incoming.readableEnded || incoming.destroyed) {
    return null;
  }
  const declared = incoming.headers['content-length'];
  if (declared === undefined || !/^\d{1,10}$/.test(declared)) return null;
  // The request the route sees must be the one the socket carries (no middleware swapped it).
  if (c.req.raw.headers.get('content-length') !== declared) return null;
  return { incoming, length: Number(declared) };
}

function readIncoming(incoming: IncomingMessage, length: number): Promise<Uint8Array> {
  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > length) {
        done();
        // The rest is drained by the adapter once the answer is sent.
        incoming.pause();
        reject(new ApiError(400, 'invalid_request', 'The request could not be read'));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      resolve(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
    };
    const onError = (error: Error): void => {
      done();
      reject(error);
    };
    const onClose = (): void => {
      if (incoming.readableEnded) return;
      done();
      reject(new Error('The client closed the connection before sending the whole body'));
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
  });
}

/** The body Node has read already, unless a middleware has swapped the request since. */
function bufferedBody(c: Context): Uint8Array | null {
  const incoming = (c.env as { incoming?: BufferedIncoming } | undefined)?.incoming;
  const body = incoming?.rawBody;
  if (!(body instanceof Buffer)) return null;
  const declared = c.req.raw.headers.get('content-length');
  if (declared !== null && declared !== String(body.byteLength)) return null;
  return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
}

/** The raw body of the request, read once. */
export async function readRawBody(c: Context): Promise<Uint8Array> {
  const buffered = bufferedBody(c);
  if (buffered) return buffered;
  const direct = unreadIncoming(c);
  if (direct) return readIncoming(direct.incoming, direct.length);
  return new Uint8Array(await c.req.arrayBuffer());
}

/**
 * Whether the request's body is known to be within `maxBytes` without looking at the Web
 * `Request`: it has none (GET, HEAD), or Node has read it already and it is small enough. A
 * body-limit middleware has nothing to check then — and checking would make the adapter build
 * the whole `Request` (an AbortController, a stream) for a request that never needs it.
 */
export function bodyKnownWithin(c: Context, maxBytes: number): boolean {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return true;
  const body = (c.env as { incoming?: BufferedIncoming } | undefined)?.incoming?.rawBody;
  return body instanceof Buffer && body.byteLength <= maxBytes;
}
