import { defineConfig, devices } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumLaunchOptions } from '../scripts/chromium.mjs';
import { ports, urls } from './fixtures/urls.js';
import { CONSOLE_KEY, MERCHANT_RECEIVER_PORT, MERCHANT_RECEIVER_URL } from './models/console.js';

/**
 * End-to-end tests: Chromium drives whole payments through the demo shop, the pay-checkout
 * server and the provider emulator, each started the way `pnpm demo` starts them, on ports of
 * their own and with a fresh database — plus the shop's backend that takes the server's
 * notifications (fixtures/merchant-receiver.mjs).
 *
 * Only Debian's Chromium can run here; other browsers slot into `projects` where they exist.
 */

const dataDir = mkdtempSync(join(tmpdir(), 'pay-checkout-e2e-'));

const chromium = chromiumLaunchOptions();

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  fullyParallel: false,
  // Emulator faults are process-wide, so the journeys run one at a time.
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  // The JSON report feeds the one-line total of `npm test` (scripts/test-summary.mjs).
  reporter: [['list'], ['json', { outputFile: '../.cache/test-results/playwright.json' }]],
  use: {
    baseURL: urls.shop,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: { ...devices['Desktop Chrome'], launchOptions: chromium },
    },
  ],
  webServer: [
    {
      command: 'node e2e/fixtures/merchant-receiver.mjs',
      cwd: '..',
      url: `${MERCHANT_RECEIVER_URL}/healthz`,
      reuseExistingServer: false,
      timeout: 10_000,
      stdout: 'pipe',
      stderr: 'pipe',
      env: { MERCHANT_RECEIVER_PORT: String(MERCHANT_RECEIVER_PORT) },
    },
    {
      command: 'node demo/start.mjs',
      cwd: '..',
      url: `${urls.shop}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'pipe',
      stderr: 'pipe',
      env: {
        DEMO_PORT: String(ports.shop),
        PORT: String(ports.server),
        EMULATOR_PORT: String(ports.emulator),
        DATABASE_URL: `sqlite:${join(dataDir, 'pay-checkout.db')}`,
        EMULATOR_SETTLE_DELAY_MS: '1500',
        LOG_LEVEL: 'warn',
        // Only the shop's own address: the same shop under another name is a forgotten origin.
        PAY_CHECKOUT_ALLOWED_ORIGINS: urls.shop,
        // The operator console, signed in to with the key of models/console.ts.
        PAY_CHECKOUT_CONSOLE_KEY: CONSOLE_KEY,
        // Notifications go to the receiver, which takes them all (204) but those of the sessions
        // a journey marks as refused. One attempt is allowed so that a refused notification is
        // parked as dead at once, for the console journey to re-queue: with the default budget
        // (20 attempts, back-off from 5 s doubling) it would stay pending for hours. Accepted
        // notifications never retry, so the limit changes nothing for every other payment.
        MERCHANT_WEBHOOK_URL: `${MERCHANT_RECEIVER_URL}/notifications`,
        MERCHANT_WEBHOOK_SECRET: 'e2e_merchant_webhook_secret_0123',
        PAY_CHECKOUT_NOTIFICATION_MAX_ATTEMPTS: '1',
      },
    },
  ],
});
