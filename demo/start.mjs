#!/usr/bin/env node
/**
 * @module
 * `pnpm demo`: starts the provider emulator, the pay-checkout server and the demo shop with
 * working defaults (no set-up, SQLite), then prints the address to open.
 *
 * Each piece runs as the merchant would run it: the emulator and the server through their
 * published binaries, the shop as the merchant's own web app. Every default can be overridden
 * through the environment (the same variables the binaries read; DEMO_PORT for the shop).
 *
 * The pay-checkout server can be restarted in place, to watch open checkouts reconnect: send
 * the demo SIGUSR2, or `POST /_demo/restart-server` to the shop from this machine.
 *
 * `--postgres[=<url>]` (or `DEMO_DATABASE_URL=<url>`) runs the demo the way several instances
 * share one database: the database is created when missing, two pay-checkout instances run on
 * it (ports `DEMO_INSTANCE_PORTS`, default PORT+4 and PORT+5), and a round-robin proxy on PORT
 * (demo/proxy.mjs) is the address the shop, the browser and the providers use. The proxy logs
 * which instance served each request and says so in `X-Pay-Checkout-Instance`; a restart then
 * restarts one instance after the other while the other keeps serving.
 *
 * `DEMO_PLAIN=1` makes the shop a bare file server (no compression, no cache headers, no
 * preloads), the baseline bench/time-to-methods.mjs compares its shop-grade serving with.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import { emulatorEnvironment } from '@pay-checkout/server';
import { INSTANCE_HEADER, startProxy } from './proxy.mjs';
import { startShop } from './shop.mjs';

/** The PostgreSQL database of `--postgres` without a URL. */
const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/pay_checkout_demo';

/** `--postgres[=<url>]` or DEMO_DATABASE_URL: the PostgreSQL URL to run on, else null (SQLite). */
function postgresUrlFromArguments() {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  const unknown = args.filter((arg) => arg !== '--postgres' && !arg.startsWith('--postgres='));
  if (unknown.length > 0) {
    console.error(`[demo] Unknown argument ${unknown[0]}; the demo takes --postgres[=<url>].`);
    process.exit(2);
  }
  const flag = args.find((arg) => arg.startsWith('--postgres'));
  const fromEnv = process.env.DEMO_DATABASE_URL?.trim() || null;
  if (flag === undefined) return fromEnv;
  const url = flag.includes('=') ? flag.slice('--postgres='.length).trim() : '';
  return url || fromEnv || DEFAULT_POSTGRES_URL;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const host = process.env.HOST ?? '127.0.0.1';
const shopPort = Number(process.env.DEMO_PORT ?? 8790);
const serverPort = Number(process.env.PORT ?? 8787);
const emulatorPort = Number(process.env.EMULATOR_PORT ?? 8788);
const serverUrl = `http://${host}:${serverPort}`;
const postgresUrl = postgresUrlFromArguments();
const emulatorUrl = `http://${host}:${emulatorPort}`;
const plain = /^(1|true|yes)$/i.test(process.env.DEMO_PLAIN ?? '');
const shopOrigins = [`http://${host}:${shopPort}`];
if (host === '127.0.0.1') shopOrigins.push(`http://localhost:${shopPort}`);

const dataDir = fileURLToPath(new URL('./.data/', import.meta.url));
mkdirSync(dataDir, { recursive: true });

/** Demo credentials: shared by server and emulator, and worthless anywhere else. */
const env = {
  LOG_LEVEL: 'warn',
  PAY_CHECKOUT_SECRET_KEY: 'demo_secret_key_0123456789',
  PAY_CHECKOUT_ALLOWED_ORIGINS: shopOrigins.join(','),
  DATABASE_URL: `sqlite:${dataDir}pay-checkout.db`,
  IVY_API_KEY: 'ivy_demo_key',
  IVY_WEBHOOK_SECRET: 'ivy_demo_webhook_secret',
  IWOCAPAY_SUPPLIER_UUID: '6f1c2a52-3d4e-4b8f-9a1c-0d2e3f4a5b6c',
  IWOCAPAY_ACCESS_TOKEN: 'iwocapay_demo_access_token',
  IXOPAY_API_KEY: 'ixopay-demo-api-key',
  IXOPAY_USERNAME: 'ixopay-demo-user',
  IXOPAY_PASSWORD: 'ixopay-demo-password',
  IXOPAY_SHARED_SECRET: 'ixopay_demo_shared_secret',
  KOYWE_API_KEY: 'koywe_demo_api_key',
  KOYWE_SECRET: 'koywe_demo_secret',
  KOYWE_ORG_ID: 'org_demo',
  KOYWE_MERCHANT_ID: 'mer_demo',
  KOYWE_WEBHOOK_SECRET: 'koywe_demo_webhook_secret',
  FURATPAY_API_KEY: 'furatpay_demo_api_key',
  FURATPAY_WEBHOOK_SECRET: 'furatpay_demo_webhook_secret',
  ...process.env,
  ...(postgresUrl ? { DATABASE_URL: postgresUrl } : {}),
  // The operator console's key: DEMO_CONSOLE_KEY when given, else a new one per start.
  PAY_CHECKOUT_CONSOLE_KEY:
    process.env.DEMO_CONSOLE_KEY?.trim() ||
    process.env.PAY_CHECKOUT_CONSOLE_KEY?.trim() ||
    randomBytes(24).toString('base64url'),
  HOST: host,
  PORT: String(serverPort),
  PAY_CHECKOUT_PUBLIC_URL: process.env.PAY_CHECKOUT_PUBLIC_URL ?? serverUrl,
  EMULATOR_HOST: host,
  EMULATOR_PORT: String(emulatorPort),
  // Every provider's API at the emulator, unless the environment points it elsewhere.
  ...Object.fromEntries(
    Object.entries(emulatorEnvironment(emulatorUrl)).map(([name, url]) => [
      name,
      process.env[name] ?? url,
    ]),
  ),
};

/** The pay-checkout instances: one on PORT, or two behind the proxy on PORT (PostgreSQL). */
const instances = postgresUrl
  ? instancePorts().map((port, i) => ({
      name: `server-${'ab'[i]}`,
      label: 'ab'[i],
      url: `http://${host}:${port}`,
      env: { PORT: String(port) },
    }))
  : [{ name: 'server', label: 'server', url: serverUrl, env: {} }];

function instancePorts() {
  const raw = process.env.DEMO_INSTANCE_PORTS;
  const ports = raw
    ? raw.split(',').map((p) => Number(p.trim()))
    : [serverPort + 4, serverPort + 5];
  if (ports.length !== 2 || !ports.every((p) => Number.isInteger(p) && p > 0 && p < 65536)) {
    console.error('[demo] DEMO_INSTANCE_PORTS must be two port numbers, e.g. 8791,8792.');
    process.exit(2);
  }
  return ports;
}

/** host:port/database of a PostgreSQL URL: what to print, without the credentials. */
function describePostgres(url) {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return '(unreadable URL)';
  }
}

/**
 * Creates the demo's database when it is missing, through the server's own driver (pg), as
 * the database's owner would; the instances then migrate it themselves.
 */
async function ensurePostgresDatabase(url) {
  const where = describePostgres(url);
  let target;
  try {
    target = new URL(url);
  } catch {
    throw new Error(`The PostgreSQL URL cannot be read; expected postgres://user@host:5432/db.`);
  }
  if (!/^postgres(ql)?:$/.test(target.protocol)) {
    throw new Error('--postgres takes a postgres:// or postgresql:// URL.');
  }
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!name || name.includes('/')) {
    throw new Error(`The PostgreSQL URL must name one database (${where}).`);
  }
  const require = createRequire(new URL('../packages/server/package.json', import.meta.url));
  const pg = require('pg');
  const run = async (database, work) => {
    const admin = new URL(url);
    admin.pathname = `/${database}`;
    const client = new pg.Client({
      connectionString: admin.toString(),
      connectionTimeoutMillis: 5000,
    });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  try {
    // Connecting to the database itself is the common case: it exists already.
    await run(name, async () => {});
    return 'existing';
  } catch (error) {
    // 3D000: the database does not exist (the server answered, so it can be created).
    if (error?.code !== '3D000') {
      throw new Error(
        `Could not connect to PostgreSQL at ${where} (${error?.message ?? error}). Start it, or pass --postgres=<url>.`,
      );
    }
  }
  try {
    await run('postgres', (client) =>
      client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`),
    );
  } catch (error) {
    // Another start created it in the meantime: as good.
    if (error?.code !== '42P04') {
      throw new Error(`Could not create the database ${where} (${error?.message ?? error}).`);
    }
  }
  return 'created';
}

const children = [];
/** The running child per name, so one can be replaced. */
const running = new Map();

function launch(name, bin, extraEnv = {}) {
  const child = spawn(process.execPath, [bin], {
    cwd: root,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (stream, out) =>
    stream.on('data', (chunk) => {
      for (const line of chunk.toString().split('\n')) if (line) out.write(`[${name}] ${line}\n`);
    });
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    if (!stopping && !child.replaced) {
      console.error(`[demo] ${name} stopped (${signal ?? `exit ${code}`}); stopping the demo.`);
      stop(1);
    }
  });
  children.push(child);
  running.set(name, { child, bin, extraEnv });
  return child;
}

const SERVER_BIN = 'packages/server/bin/pay-checkout-server.mjs';
/** On PostgreSQL an instance is up when its migrations are done; on SQLite when it listens. */
const upPath = postgresUrl ? '/readyz' : '/healthz';

/** Stops one instance and starts it again on the same port and database. */
async function restartInstance(instance) {
  const { child, bin, extraEnv } = running.get(instance.name);
  const label = postgresUrl ? `pay-checkout ${instance.name}` : 'pay-checkout server';
  proxy?.setAvailable(instance.label, false);
  child.replaced = true;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
  children.splice(children.indexOf(child), 1);
  console.log(`[demo] ${label} stopped; starting it again.`);
  launch(instance.name, bin, extraEnv);
  await waitFor(`${instance.url}${upPath}`, `The ${label}`);
  proxy?.setAvailable(instance.label, true);
  console.log(`[demo] ${label} is back.`);
}

let restarting = null;
/** Restarts the pay-checkout server — with two instances, one after the other. */
function restartServer() {
  restarting ??= (async () => {
    for (const instance of instances) await restartInstance(instance);
  })().finally(() => {
    restarting = null;
  });
  return restarting;
}

async function waitFor(url, name, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${name} did not come up at ${url}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let stopping = false;
let shop;
let proxy;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  await shop?.close();
  await proxy?.close();
  for (const child of children) child.kill('SIGTERM');
  process.exitCode = code;
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.on('SIGUSR2', () => {
  restartServer().catch((error) => {
    console.error(`[demo] ${error instanceof Error ? error.message : String(error)}`);
    stop(1);
  });
});

try {
  if (postgresUrl) {
    const state = await ensurePostgresDatabase(postgresUrl);
    console.log(
      `[demo] PostgreSQL database ${describePostgres(postgresUrl)} ${state === 'created' ? 'created' : 'found'}.`,
    );
  }
  launch('emulator', 'packages/emulator/bin/pay-checkout-emulator.mjs');
  for (const instance of instances) launch(instance.name, SERVER_BIN, instance.env);
  if (postgresUrl) {
    proxy = await startProxy({
      host,
      port: serverPort,
      targets: instances.map((instance) => ({ name: instance.label, url: instance.url })),
      log: (line) => console.log(`[proxy] ${line}`),
    });
  }
  await Promise.all([
    waitFor(`${emulatorUrl}/_emulator/healthz`, 'The emulator'),
    ...instances.map((instance) =>
      waitFor(
        `${instance.url}${upPath}`,
        postgresUrl ? `The pay-checkout ${instance.name}` : 'The pay-checkout server',
      ),
    ),
  ]);
  shop = await startShop({
    port: shopPort,
    host,
    serverUrl,
    secretKey: env.PAY_CHECKOUT_SECRET_KEY,
    restartServer,
    plain,
  });
  const api = postgresUrl
    ? `${serverUrl}   (round-robin proxy over ${instances
        .map((instance) => `${instance.label} ${instance.url}`)
        .join(' and ')})
    Database:           PostgreSQL ${describePostgres(postgresUrl)}, shared by both instances`
    : serverUrl;
  console.log(`
  pay-checkout demo is running${postgresUrl ? ' with two server instances on PostgreSQL' : ''}.

    Shop (open this):   ${shop.url}${plain ? '   (plain serving: DEMO_PLAIN)' : ''}
    pay-checkout API:   ${api}
    Provider emulator:  ${emulatorUrl}   (orders: ${emulatorUrl}/_emulator/orders)
    Operator console:   ${serverUrl}/console/   (sign in with key ${env.PAY_CHECKOUT_CONSOLE_KEY})
${
  postgresUrl
    ? `
  Each [proxy] line names the instance (a or b) that served the request; responses carry it in
  the ${INSTANCE_HEADER} header.
`
    : ''
}
  Press Ctrl+C to stop.
`);
} catch (error) {
  // Once stopping (a piece exited and said so), waits that fail are a consequence, not news.
  if (!stopping) console.error(`[demo] ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
}
