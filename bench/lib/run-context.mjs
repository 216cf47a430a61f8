/**
 * @module
 * What the benchmarks of one run share: the emulator (for set-up), whether PostgreSQL is usable,
 * and the options read from the environment.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDatabase, POSTGRES_URL, postgresUnavailable, redact } from './postgres.mjs';
import { scratchDir, startEmulator, startServer } from './processes.mjs';

/** A positive integer from the environment, or `fallback`. */
export function envInt(name, fallback) {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** True when `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl) {
  return process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === moduleUrl;
}

/**
 * Starts the shared pieces. `postgres` is null with `postgresSkip` saying why when PostgreSQL
 * cannot be benchmarked (no server reachable, or the checkout server cannot use it yet).
 */
export async function openRunContext() {
  const emulator = await startEmulator();
  const context = {
    runId: Date.now().toString(36),
    emulator,
    postgres: null,
    postgresSkip: null,
    /** A fresh SQLite file database URL. */
    sqliteUrl: (label) => `sqlite:${join(scratchDir(), `${label}.db`)}`,
    async close() {
      await emulator.stop();
    },
  };
  const unreachable = await postgresUnavailable();
  if (unreachable) {
    context.postgresSkip = `no PostgreSQL server reachable at ${redact(POSTGRES_URL)} (${unreachable})`;
    return context;
  }
  // The checkout server must be able to open, migrate and serve a PostgreSQL database.
  const probe = await createDatabase('probe');
  try {
    const server = await startServer('server-postgres-probe', {
      databaseUrl: probe.url,
      emulatorUrl: emulator.url,
    });
    await server.stop();
    context.postgres = { createDatabase, url: POSTGRES_URL };
  } catch (error) {
    const reason = error.message.split('\n').filter(Boolean).slice(1, 3).join(' ').trim();
    context.postgresSkip = `pay-checkout-server does not run on PostgreSQL yet: ${reason || error.message}`;
  } finally {
    await probe.drop().catch(() => {});
  }
  return context;
}

/** The line printed instead of a PostgreSQL part. */
export function skipLine(context, what) {
  return `Skipped ${what} on PostgreSQL: ${context.postgresSkip}`;
}
