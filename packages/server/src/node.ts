/**
 * @module
 * Runs a checkout server on Node's HTTP server (@hono/node-server).
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createCheckoutServer, type CheckoutServer } from './app.js';
import { defaultPublicUrl, type CheckoutServerConfig } from './config.js';

export interface StartedCheckoutServer {
  /** `http://host:port` with the real port (also when asked for port 0). */
  url: string;
  port: number;
  server: CheckoutServer;
  /** Stops listening, ends SSE streams and closes the store. */
  close(): Promise<void>;
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
  const port = await new Promise<number>((resolve, reject) => {
    listener = serve(
      {
        fetch: (request: Request) => {
          if (!server) return new Response('Starting', { status: 503 });
          return server.fetch(request);
        },
        port: options.port ?? config.port,
        hostname: host,
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
    close() {
      closing ??= (async () => {
        // Streams end first, so that the HTTP server has no open response to wait for.
        await running.close();
        await closeListener(listener);
      })();
      return closing;
    },
  };
}
