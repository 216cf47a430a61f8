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
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import { startShop } from './shop.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const host = process.env.HOST ?? '127.0.0.1';
const shopPort = Number(process.env.DEMO_PORT ?? 8790);
const serverPort = Number(process.env.PORT ?? 8787);
const emulatorPort = Number(process.env.EMULATOR_PORT ?? 8788);
const serverUrl = `http://${host}:${serverPort}`;
const emulatorUrl = `http://${host}:${emulatorPort}`;
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
  HOST: host,
  PORT: String(serverPort),
  PAY_CHECKOUT_PUBLIC_URL: process.env.PAY_CHECKOUT_PUBLIC_URL ?? serverUrl,
  EMULATOR_HOST: host,
  EMULATOR_PORT: String(emulatorPort),
  IVY_API_URL: process.env.IVY_API_URL ?? `${emulatorUrl}/ivy`,
  IWOCAPAY_API_URL: process.env.IWOCAPAY_API_URL ?? `${emulatorUrl}/iwocapay`,
  IXOPAY_API_URL: process.env.IXOPAY_API_URL ?? `${emulatorUrl}/ixopay`,
  KOYWE_API_URL: process.env.KOYWE_API_URL ?? `${emulatorUrl}/koywe`,
  FURATPAY_API_URL: process.env.FURATPAY_API_URL ?? `${emulatorUrl}/furatpay`,
};

const children = [];
/** The running child per name, so one can be replaced. */
const running = new Map();

function launch(name, bin) {
  const child = spawn(process.execPath, [bin], {
    cwd: root,
    env,
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
  running.set(name, { child, bin });
  return child;
}

let restarting = null;
/** Stops the pay-checkout server and starts it again on the same port and database. */
function restartServer() {
  restarting ??= (async () => {
    const { child, bin } = running.get('server');
    child.replaced = true;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
    children.splice(children.indexOf(child), 1);
    console.log('[demo] pay-checkout server stopped; starting it again.');
    launch('server', bin);
    await waitFor(`${serverUrl}/healthz`, 'The pay-checkout server');
    console.log('[demo] pay-checkout server is back.');
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
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  await shop?.close();
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
  launch('emulator', 'packages/emulator/bin/pay-checkout-emulator.mjs');
  launch('server', 'packages/server/bin/pay-checkout-server.mjs');
  await Promise.all([
    waitFor(`${emulatorUrl}/_emulator/healthz`, 'The emulator'),
    waitFor(`${serverUrl}/healthz`, 'The pay-checkout server'),
  ]);
  shop = await startShop({
    port: shopPort,
    host,
    serverUrl,
    secretKey: env.PAY_CHECKOUT_SECRET_KEY,
    restartServer,
  });
  console.log(`
  pay-checkout demo is running.

    Shop (open this):   ${shop.url}
    pay-checkout API:   ${serverUrl}
    Provider emulator:  ${emulatorUrl}   (orders: ${emulatorUrl}/_emulator/orders)

  Press Ctrl+C to stop.
`);
} catch (error) {
  console.error(`[demo] ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
}
