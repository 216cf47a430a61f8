/**
 * @module
 * The body of the `pay-checkout-server` command, with its process dependencies passed in so
 * that it can be exercised in-process: environment (plus `.env` from the working directory,
 * real variables winning), configuration check, start, one line with the URL, and a clean
 * shutdown on SIGINT/SIGTERM.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { startCheckoutServer, type StartedCheckoutServer } from './node.js';

export interface CliIo {
  env: Record<string, string | undefined>;
  cwd: string;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** Registers a one-time signal handler. */
  onSignal: (signal: 'SIGINT' | 'SIGTERM', handler: () => void) => void;
  exit: (code: number) => void;
}

/** Merges `.env` from `cwd` under the real environment (real variables win). */
export function readEnvironment(
  env: Record<string, string | undefined>,
  cwd: string,
): Record<string, string | undefined> {
  const file = resolve(cwd, '.env');
  if (!existsSync(file)) return { ...env };
  const fromFile = parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
  return { ...fromFile, ...env };
}

/**
 * Runs the command. Resolves with the running server, or null after a configuration error
 * (which was printed, and `exit(1)` called).
 */
export async function runCli(io: CliIo): Promise<StartedCheckoutServer | null> {
  let config;
  try {
    config = loadConfig(readEnvironment(io.env, io.cwd));
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`${error.message}\n`);
      io.exit(1);
      return null;
    }
    throw error;
  }
  const started = await startCheckoutServer(config);
  const enabled = Object.keys(config.providers);
  io.stdout(
    `pay-checkout server listening on ${started.url} (providers: ${enabled.join(', ') || 'none'})\n`,
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    io.stdout(`${signal} received, shutting down\n`);
    started.close().then(
      () => io.exit(0),
      () => io.exit(1),
    );
  };
  io.onSignal('SIGINT', () => stop('SIGINT'));
  io.onSignal('SIGTERM', () => stop('SIGTERM'));
  return started;
}
