/**
 * @module
 * Browser tests of the console: @web/test-runner with Playwright, TypeScript through esbuild,
 * and the fake console API of test/mock-backend.js served by the same dev server under
 * `/console/api`, so cookies, the CSRF header and the event stream are real.
 *
 * Browsers come from one list; set `BROWSERS=chromium,firefox,webkit` where those exist.
 * Chromium is the system one (`CHROMIUM_PATH`, default /usr/bin/chromium).
 */
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mockConsoleBackend } from './test/mock-backend.js';

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

/**
 * Writes the run's counts to .cache/test-results/wtr-console.json for the one-line total of
 * `npm test` (scripts/test-summary.mjs). A test file that failed outside any test counts as one
 * failure.
 * @returns {import('@web/test-runner').Reporter}
 */
function countsReporter() {
  const out = new URL('../../.cache/test-results/', import.meta.url);
  return {
    onTestRunFinished({ sessions }) {
      const counts = { passed: 0, failed: 0, skipped: 0 };
      /** @param {import('@web/test-runner').TestSuiteResult} suite */
      const walk = (suite) => {
        for (const test of suite.tests) {
          if (test.skipped) counts.skipped += 1;
          else if (test.passed) counts.passed += 1;
          else counts.failed += 1;
        }
        suite.suites.forEach(walk);
      };
      for (const session of sessions) {
        if (session.testResults) walk(session.testResults);
        if (!session.passed && (session.errors?.length ?? 0) > 0) counts.failed += 1;
      }
      mkdirSync(out, { recursive: true });
      writeFileSync(new URL('wtr-console.json', out), JSON.stringify(counts));
    },
  };
}

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  files: ['src/**/*.test.ts'],
  // The workspace root, so the protocol's sources the console imports are served too.
  rootDir: fileURLToPath(new URL('../../', import.meta.url)),
  nodeResolve: { exportConditions: ['source', 'browser', 'development'] },
  plugins: [
    esbuildPlugin({
      ts: true,
      tsconfig: fileURLToPath(new URL('./tsconfig.test.json', import.meta.url)),
    }),
  ],
  middleware: [mockConsoleBackend()],
  browsers,
  reporters: [defaultReporter(), countsReporter()],
  concurrency: 1,
  testFramework: { config: { timeout: 10_000 } },
};
