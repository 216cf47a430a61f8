/**
 * @module
 * The body of the `pay-checkout-server` command, with its process dependencies passed in so
 * that it can be exercised in-process: environment (plus `.env` from the working directory,
 * real variables winning), configuration check, start, one line with the URL and the database,
 * and a clean shutdown on SIGINT/SIGTERM. Whatever stops start-up is one line on stderr that
 * carries no secret.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError, describeDatabase, loadConfig, type CheckoutServerConfig } from './config.js';
import { usageLines } from './config/variables.js';
import { startCheckoutServer, type StartedCheckoutServer } from './node.js';

export interface CliIo {
  /** The command's arguments (after the program name); only `--help`/`-h` is understood. */
  argv?: readonly string[];
  env: Record<string, string | undefined>;
  cwd: string;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** Registers a one-time signal handler. */
  onSignal: (signal: 'SIGINT' | 'SIGTERM', handler: () => void) => void;
  exit: (code: number) => void;
  /** Starts the server (default {@link startCheckoutServer}); tests replace it. */
  start?: (config: CheckoutServerConfig) => Promise<StartedCheckoutServer>;
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

/** Secrets shorter than this are not searched for: they would match ordinary words. */
const MIN_SCRUBBED_LENGTH = 4;

/** The configuration's secrets in every form they may take in an error message. */
function secretsOf(config: CheckoutServerConfig): string[] {
  const found = new Set<string>([config.secretKey]);
  const add = (value: unknown): void => {
    if (typeof value === 'string') found.add(value);
  };
  if (config.database.kind === 'postgres') {
    const raw = config.database.url;
    add(raw);
    // The password as written (URL parsing re-encodes it), then as parsed and decoded.
    const at = raw.lastIndexOf('@');
    const userinfo = at > 0 ? raw.slice(raw.indexOf('://') + 3, at) : '';
    if (userinfo.includes(':')) add(userinfo.slice(userinfo.indexOf(':') + 1));
    try {
      const url = new URL(raw);
      for (const value of [url.password, url.searchParams.get('password')]) {
        if (!value) continue;
        add(value);
        try {
          add(decodeURIComponent(value));
        } catch {
          // not percent-encoding: the raw form is enough
        }
      }
    } catch {
      // loadConfig accepted the URL, so it parses; nothing more to find otherwise
    }
  }
  for (const provider of Object.values(config.providers)) {
    for (const [key, value] of Object.entries(provider ?? {})) if (key !== 'apiUrl') add(value);
  }
  for (const secret of config.merchantWebhook?.secrets ?? []) add(secret);
  // Longest first, so that a secret containing another is replaced whole.
  return [...found]
    .filter((secret) => secret.length >= MIN_SCRUBBED_LENGTH)
    .sort((a, b) => b.length - a.length);
}

/** `text` with every secret of `config` replaced by `***`. */
export function scrubSecrets(text: string, config: CheckoutServerConfig): string {
  let scrubbed = text;
  for (const secret of secretsOf(config)) scrubbed = scrubbed.split(secret).join('***');
  return scrubbed;
}

/** What `pay-checkout-server --help` prints. */
export const USAGE = `Usage: pay-checkout-server [--help]

Starts the pay-checkout server. It is configured by environment variables; a .env file in the
working directory is read too (variables already set win). A provider is on when its
credentials are set; its *_API_URL defaults to its sandbox.

${usageLines()}
`;

/**
 * Runs the command. Resolves with the running server, or null after a configuration error or
 * a failed start (either printed as one line, and `exit(1)` called).
 */
export async function runCli(io: CliIo): Promise<StartedCheckoutServer | null> {
  const argv = io.argv ?? [];
  if (argv.length > 0) {
    const help = argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h');
    if (help) io.stdout(USAGE);
    else io.stderr(`Unknown argument: ${argv.join(' ')}\n\n${USAGE}`);
    io.exit(help ? 0 : 2);
    return null;
  }
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
  const database = describeDatabase(config.database);
  let started: StartedCheckoutServer;
  try {
    started = await (io.start ?? startCheckoutServer)(config);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // A driver's message may quote its connection settings; none of them reaches the terminal.
    const line = `pay-checkout server failed to start (database: ${database}): ${reason}`;
    io.stderr(`${scrubSecrets(line.replace(/\s*\n\s*/g, ' '), config)}\n`);
    io.exit(1);
    return null;
  }
  const enabled = Object.keys(config.providers);
  io.stdout(
    `pay-checkout server listening on ${started.url} (database: ${database}; providers: ${enabled.join(', ') || 'none'})\n`,
  );
  let stopping = false;
  let startedAt = 0;
  const stop = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (stopping) {
      // A second signal during the drain: exit now, saying what is cut short.
      io.stderr(
        `${signal} received again, exiting now: ${started.inFlight()} request(s) in flight cut off\n`,
      );
      io.exit(1);
      return;
    }
    stopping = true;
    startedAt = Date.now();
    io.stdout(`${signal} received, draining (a second signal exits at once)\n`);
    // Handlers are one-time: the received signal gets a new one for its second coming.
    io.onSignal(signal, () => stop(signal));
    started.close().then(
      () => {
        io.stdout(`pay-checkout server stopped after ${Date.now() - startedAt} ms\n`);
        io.exit(0);
      },
      () => io.exit(1),
    );
  };
  io.onSignal('SIGINT', () => stop('SIGINT'));
  io.onSignal('SIGTERM', () => stop('SIGTERM'));
  return started;
}
