/**
 * @module
 * The `pay-checkout-emulator` command: reads the environment (and `.env` in the working
 * directory), starts the emulator, prints where it listens and which providers it serves, and
 * shuts down cleanly on SIGINT/SIGTERM.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { readArguments } from './arguments.js';
import { PROVIDER_IDS } from './core/provider-ids.js';
import { EmulatorConfigError, emulatorOptionsFromEnv } from './env.js';
import { DEFAULT_CHECKOUT_SERVER_URL } from './options.js';
import { startEmulator } from './start.js';

/** Variables already in the environment win over those in `.env`. */
function loadDotEnv(path: string): void {
  if (!existsSync(path)) return;
  const values = parseEnv(readFileSync(path, 'utf8'));
  for (const [name, value] of Object.entries(values)) {
    if (process.env[name] === undefined && value !== undefined) process.env[name] = value;
  }
}

/** Where a provider's webhooks go, as the emulator computes it by default. */
function webhookTarget(
  options: { webhookUrls?: Partial<Record<string, string>>; checkoutServerUrl?: string },
  id: string,
): string {
  const base = (options.checkoutServerUrl ?? DEFAULT_CHECKOUT_SERVER_URL).replace(/\/+$/, '');
  return options.webhookUrls?.[id] ?? `${base}/webhooks/${id}`;
}

async function main(): Promise<void> {
  const command = readArguments(process.argv.slice(2));
  if (command.kind !== 'run') {
    (command.kind === 'help' ? process.stdout : process.stderr).write(command.text);
    process.exit(command.exitCode);
  }
  loadDotEnv(resolve(process.cwd(), '.env'));
  let options;
  try {
    options = emulatorOptionsFromEnv(process.env);
  } catch (error) {
    if (error instanceof EmulatorConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const running = await startEmulator(options);
  const lines = [`pay-checkout emulator listening on ${running.url}`];
  for (const id of PROVIDER_IDS) {
    lines.push(
      running.emulator.providers.includes(id)
        ? `  ${id.padEnd(9)} ${running.url}/${id}  (webhooks → ${webhookTarget(options, id)})`
        : `  ${id.padEnd(9)} off`,
    );
  }
  lines.push(`  control   ${running.url}/_emulator`);
  console.log(lines.join('\n'));

  const shutdown = (signal: string): void => {
    console.log(`${signal} received, stopping the emulator`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('The emulator could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
