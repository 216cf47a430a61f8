#!/usr/bin/env node
/**
 * @module
 * Time from navigation start to the payment methods on screen (`pay-ready`) on the demo's
 * checkout page, in Chromium with an empty cache and a throttled network, for the shop-grade
 * serving (compressed files, versioned URLs, the methods request preloaded from the `<head>`)
 * against the plain serving of the same demo (DEMO_PLAIN=1), both started in the same run.
 *
 * Options (environment): BENCH_RUNS (15), BENCH_LATENCY_MS (100), BENCH_DOWN_KBPS (1600),
 * BENCH_UP_KBPS (750), BENCH_PAGE (`script`, or `esm` / `strict`), CHROMIUM_PATH.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../scripts/chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = positive('BENCH_RUNS', 15);
const latency = positive('BENCH_LATENCY_MS', 100);
const downKbps = positive('BENCH_DOWN_KBPS', 1600);
const upKbps = positive('BENCH_UP_KBPS', 750);
const variant = process.env.BENCH_PAGE ?? 'script';
if (!['script', 'esm', 'strict'].includes(variant)) {
  console.error('BENCH_PAGE must be script, esm or strict.');
  process.exit(2);
}

function positive(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`${name} must be a positive number.`);
    process.exit(2);
  }
  return value;
}

/** Starts the demo on ports of its own; resolves once the shop answers. */
async function startDemo(name, basePort, plain) {
  const dataDir = mkdtempSync(join(tmpdir(), `pay-checkout-bench-${name}-`));
  const child = spawn(process.execPath, ['demo/start.mjs'], {
    cwd: root,
    env: {
      ...process.env,
      DEMO_PORT: String(basePort),
      PORT: String(basePort + 1),
      EMULATOR_PORT: String(basePort + 2),
      DATABASE_URL: `sqlite:${join(dataDir, 'pay-checkout.db')}`,
      LOG_LEVEL: 'warn',
      DEMO_PLAIN: plain ? '1' : '',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (chunk) => (errors += chunk));
  const url = `http://127.0.0.1:${basePort}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The ${name} demo stopped:\n${errors}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`The ${name} demo did not come up at ${url}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { name, url, stop: () => child.kill('SIGTERM') };
}

/** A new checkout session's page URL (the shop's own form post, unthrottled). */
async function checkoutUrl(demo) {
  const response = await fetch(`${demo.url}/checkout`, {
    method: 'POST',
    body: new URLSearchParams({ market: 'DE', quantity: '1', page: variant }),
    redirect: 'manual',
  });
  const location = response.headers.get('location');
  if (response.status !== 303 || !location) {
    throw new Error(`The ${demo.name} shop answered ${response.status} to the checkout form`);
  }
  return new URL(location, demo.url).href;
}

/** One cold load: milliseconds from navigation start to `pay-ready`. */
async function measure(browser, demo) {
  const url = await checkoutUrl(demo);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency,
      downloadThroughput: (downKbps * 1000) / 8,
      uploadThroughput: (upKbps * 1000) / 8,
    });
    await page.addInitScript(() => {
      document.addEventListener('pay-ready', () => {
        window.__payReadyAt = performance.now();
      });
    });
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => typeof window.__payReadyAt === 'number', null, {
      timeout: 60_000,
    });
    // performance.now() counts from the navigation's start (the time origin).
    return await page.evaluate(() => window.__payReadyAt);
  } finally {
    await context.close();
  }
}

function quantile(sorted, q) {
  const index = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

const demos = [];
let browser;
try {
  demos.push(await startDemo('shop-grade', 19790, false), await startDemo('plain', 19800, true));
  browser = await chromium.launch(chromiumLaunchOptions());
  // One uncounted load each: the servers' first answers (compression, module graph) are warm.
  for (const demo of demos) await measure(browser, demo);
  const times = new Map(demos.map((demo) => [demo.name, []]));
  // Interleaved, so that whatever else the machine does weighs on both alike.
  for (let i = 0; i < runs; i++) {
    for (const demo of demos) times.get(demo.name).push(await measure(browser, demo));
  }
  console.log(
    `\nTime to methods, ${variant} page, ${runs} cold loads each, ${latency} ms latency, ` +
      `${downKbps} kbit/s down, ${upKbps} kbit/s up\n`,
  );
  const rows = demos.map((demo) => {
    const sorted = [...times.get(demo.name)].sort((a, b) => a - b);
    return { demo: demo.name, median: quantile(sorted, 0.5), p90: quantile(sorted, 0.9) };
  });
  console.log('serving      median ms   p90 ms');
  for (const row of rows) {
    console.log(
      `${row.demo.padEnd(12)} ${row.median.toFixed(0).padStart(9)} ${row.p90.toFixed(0).padStart(8)}`,
    );
  }
  const [grade, plain] = rows;
  console.log(
    `\nshop-grade / plain: median ${(grade.median / plain.median).toFixed(2)}, ` +
      `p90 ${(grade.p90 / plain.p90).toFixed(2)}`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await browser?.close();
  for (const demo of demos) demo.stop();
}
