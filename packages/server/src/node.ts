/**
 * @module
 * Runs a checkout server on Node's HTTP server (@hono/node-server).
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createCheckoutServer, MAX_BODY_BYTES, type CheckoutServer } from './app.js';
import { defaultPublicUrl, type CheckoutServerConfig } from './config.js';
import { DEFAULT_HTTP_LIMITS } from './http/limits.js';
import { guardedServeOptions } from './http/node-server.js';

export interface StartedCheckoutServer {
  /** `http://host:port` with the real port (also when asked for port 0). */
  url: string;
  port: number;
  server: CheckoutServer;
  /**
   * Drains, then stops: `/readyz` answers 503 at once, new requests get 503 with `Retry-After`
   * and `Connection: close`, the listener stops accepting, requests in flight finish (within
   * `timeoutMs`, default the config's shutdown timeout), SSE streams end with a reconnect hint,
   * background jobs stop, and only then the store closes.
   */
  close(options?: { timeoutMs?: number }): Promise<void>;
  /** Requests still being handled (for a shutdown that is cut short). */
  inFlight(): number;
}

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** A copy of `response` that asks the client to close its connection after reading it. */
function withConnectionClose(response: Response): Response {
  const headers = new Headers(response.headers);
  headers.set('Connection', 'close');
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

function drainingAnswer(readiness: boolean): Response {
  const body = {
    error: {
      code: 'service_unavailable',
      message: readiness
        ? 'Not ready: the instance is draining for shutdown'
        : 'The instance is shutting down; retry on another instance',
      retryable: true,
      ...(readiness ? { details: { draining: true } } : {}),
    },
  };
  return new Response(JSON.stringify(body), {
    status: 503,
    headers: { 'Content-Type': 'application/json', 'Retry-After': '1', Connection: 'close' },
  });
}

function closeListener(listener: ServerType): Promise<void> {
  return new Promise<void>((resolve) => {
    listener.close(() => resolve());
    // Keep-alive connections would otherwise hold close() open until they time out.
    if ('closeAllConnections' in listener) listener.closeAllConnections();
  });
}

/**
 * Creates a checkout server and listens on `host:port` (defaults: the config's). When the
 * public URL is the default `http://HOST:PORT`, it follows the real port, so port 0 works.
 *
 * @example
 * const { url, close } = await startCheckoutServer(config, { port: 0, host: '127.0.0.1' });
 */
export async function startCheckoutServer(
  config: CheckoutServerConfig,
  options: { port?: number; host?: string } = {},
): Promise<StartedCheckoutServer> {
  const host = options.host ?? config.host;
  let server: CheckoutServer | null = null;
  let listener!: ServerType;
  let draining = false;
  let inFlight = 0;
  let idle: (() => void) | null = null;
  // `env` is @hono/node-server's `{ incoming, outgoing }`: routes read the client's address
  // and a webhook's raw body from it.
  const handle = async (request: Request, env?: unknown): Promise<Response> => {
    if (draining) {
      const readiness = new URL(request.url).pathname === '/readyz';
      return drainingAnswer(readiness);
    }
    if (!server) return new Response('Starting', { status: 503 });
    inFlight++;
    try {
      const response = await server.fetch(request, env);
      // A request that was already running when draining began is answered fully, on a
      // connection that closes afterwards.
      return draining ? withConnectionClose(response) : response;
    } finally {
      inFlight--;
      if (inFlight === 0) idle?.();
    }
  };
  const port = await new Promise<number>((resolve, reject) => {
    listener = serve(
      {
        fetch: handle,
        port: options.port ?? config.port,
        hostname: host,
        // Bodies are read (bounded, timed) before the app sees them; Node's own timeouts set.
        ...guardedServeOptions(config.http ?? DEFAULT_HTTP_LIMITS, MAX_BODY_BYTES),
      },
      (info: AddressInfo) => resolve(info.port),
    );
    listener.once('error', reject);
  });
  const url = defaultPublicUrl(host, port);
  const usesDefaultUrl = config.publicUrl === defaultPublicUrl(config.host, config.port);
  try {
    server = createCheckoutServer(usesDefaultUrl ? { ...config, publicUrl: url } : config);
  } catch (error) {
    await closeListener(listener);
    throw error;
  }
  const running = server;
  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    server: running,
    inFlight: () => inFlight,
    close(closeOptions = {}) {
      closing ??= (async () => {
        draining = true;
        const timeoutMs =
          closeOptions.timeoutMs ??
          (config as { shutdownTimeoutMs?: number }).shutdownTimeoutMs ??
          DEFAULT_SHUTDOWN_TIMEOUT_MS;
        // No new connections; idle keep-alive connections go now.
        const listenerClosed = new Promise<void>((resolve) => listener.close(() => resolve()));
        if ('closeIdleConnections' in listener) listener.closeIdleConnections();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => {
            idle = resolve;
            if (inFlight === 0) resolve();
          }),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, timeoutMs);
          }),
        ]);
        clearTimeout(timer);
        // Streams end (with their reconnect hint), jobs stop, then the store closes.
        await running.close();
        if ('closeAllConnections' in listener) listener.closeAllConnections();
        await listenerClosed;
      })();
      return closing;
    },
  };
}
