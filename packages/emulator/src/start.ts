/**
 * @module
 * `startEmulator`: serve an emulator over HTTP with @hono/node-server.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createEmulator, type Emulator } from './emulator.js';
import { DEFAULT_EMULATOR_HOST, DEFAULT_EMULATOR_PORT, type EmulatorOptions } from './options.js';

/** Options of {@link startEmulator}: the emulator's options plus where to listen. */
export interface StartEmulatorOptions extends EmulatorOptions {
  /** Port to listen on (default 8788; 0 picks a free one). */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
}

/** A listening emulator. */
export interface RunningEmulator {
  /** The base URL it listens on, e.g. `http://127.0.0.1:8788`. */
  url: string;
  port: number;
  emulator: Emulator;
  /** Stops the emulator's timers, then the HTTP server. */
  close(): Promise<void>;
}

/** Starts an emulator on a port; without `publicUrl` its links use the real listening URL. */
export async function startEmulator(options: StartEmulatorOptions): Promise<RunningEmulator> {
  const {
    port = DEFAULT_EMULATOR_PORT,
    host = DEFAULT_EMULATOR_HOST,
    ...emulatorOptions
  } = options;
  const emulator = createEmulator(emulatorOptions);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const instance = serve({ fetch: emulator.fetch, port, hostname: host }, () =>
      resolve(instance),
    );
    instance.once('error', reject);
  }).catch(async (error: unknown) => {
    await emulator.close();
    throw error;
  });
  const address = server.address() as AddressInfo;
  const url = `http://${urlHost(host)}:${address.port}`;
  if (!options.publicUrl) emulator.setPublicUrl(url);

  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    emulator,
    close() {
      closing ??= (async () => {
        await emulator.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Keep-alive connections would hold close() open until they time out.
          if ('closeAllConnections' in server) server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}

/** The host part of a URL for a listening address (wildcards become loopback). */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
