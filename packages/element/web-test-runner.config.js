/**
 * @module
 * Browser tests of the element: @web/test-runner with Playwright, TypeScript through esbuild,
 * and the fake backend of test/mock-backend.js served by the same dev server under `/mock`.
 *
 * Browsers come from one list; set `BROWSERS=chromium,firefox,webkit` where those exist.
 * Chromium is the system one (`CHROMIUM_PATH`, default /usr/bin/chromium).
 */
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { mockBackend } from './test/mock-backend.js';

const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const LAUNCHERS = {
  chromium: () =>
    playwrightLauncher({
      product: 'chromium',
      launchOptions: {
        executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
        args: LAUNCH_ARGS,
      },
    }),
  firefox: () => playwrightLauncher({ product: 'firefox' }),
  webkit: () => playwrightLauncher({ product: 'webkit' }),
};

const browsers = (process.env.BROWSERS || 'chromium')
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean)
  .map((name) => {
    const launcher = LAUNCHERS[/** @type {keyof typeof LAUNCHERS} */ (name)];
    if (!launcher) throw new Error(`Unknown browser "${name}" in BROWSERS`);
    return launcher();
  });

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  files: ['src/**/*.test.ts'],
  nodeResolve: { exportConditions: ['source', 'browser', 'development'] },
  plugins: [
    esbuildPlugin({
      ts: true,
      tsconfig: fileURLToPath(new URL('./tsconfig.test.json', import.meta.url)),
    }),
  ],
  middleware: [mockBackend()],
  browsers,
  concurrency: 1,
  testFramework: { config: { timeout: 10_000 } },
};
