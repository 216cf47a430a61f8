/**
 * @module
 * What the tests over real processes share about the two binaries: the server's environment
 * (loopback on a free port, the test keys and origins, a database, quiet logs), the Ivy
 * variables that point it at an emulator, and starting the server or the emulator binary until
 * it is ready.
 *
 * @example
 * const emulator = await startIvyEmulatorProcess();
 * const server = await startServerProcess('server-a', {
 *   ...serverEnv(databaseUrl, { PAY_CHECKOUT_MAX_ATTEMPTS: '3' }),
 *   ...ivyServerEnv(emulator.url),
 * });
 */
import { EMULATOR_BIN, SERVER_BIN, startProcess, type RunningProcess } from './binaries.js';
import { IVY_API_KEY, IVY_WEBHOOK_SECRET, SECRET_KEY, SHOP_ORIGIN } from './config.js';

/** Where an emulator's own webhooks go when only the test's own ones may reach a server. */
export const NOWHERE = 'http://127.0.0.1:9/discard';

/**
 * The server's environment on `databaseUrl`: port 0 on 127.0.0.1, the test secret key, the
 * shop's origin, `LOG_LEVEL=warn` — each overridden, and more added, by `extra`.
 */
export function serverEnv(
  databaseUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    PAY_CHECKOUT_SECRET_KEY: SECRET_KEY,
    PAY_CHECKOUT_ALLOWED_ORIGINS: SHOP_ORIGIN,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

/** The server's Ivy variables, for the emulator at `emulatorUrl`. */
export function ivyServerEnv(emulatorUrl: string): Record<string, string> {
  return { IVY_API_KEY, IVY_WEBHOOK_SECRET, IVY_API_URL: `${emulatorUrl}/ivy` };
}

/** Starts the server binary with `env` and waits until `/readyz` answers 200. */
export function startServerProcess(
  name: string,
  env: Record<string, string>,
  options: { outputLimit?: number } = {},
): Promise<RunningProcess> {
  return startProcess({ name, bin: SERVER_BIN, readyPath: '/readyz', env, ...options });
}

/**
 * Starts the emulator binary with Ivy's test credentials, its own webhooks sent to
 * `webhookUrl` (by default nowhere), and waits until it is ready.
 */
export function startIvyEmulatorProcess(webhookUrl = NOWHERE): Promise<RunningProcess> {
  return startProcess({
    name: 'emulator',
    bin: EMULATOR_BIN,
    readyPath: '/_emulator/healthz',
    env: {
      EMULATOR_PORT: '0',
      EMULATOR_HOST: '127.0.0.1',
      IVY_API_KEY,
      IVY_WEBHOOK_SECRET,
      IVY_WEBHOOK_URL: webhookUrl,
    },
  });
}
