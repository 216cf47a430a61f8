/**
 * @module
 * Browser tests of the console: @web/test-runner with Playwright, TypeScript through esbuild,
 * and the fake console API of test/mock-backend.js served by the same dev server under
 * `/console/api`, so cookies, the CSRF header and the event stream are real.
 *
 * The browser list (`BROWSERS`, default the system Chromium) and the counts reporter come from
 * scripts/web-test-runner.mjs, shared with the other browser suite.
 */
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { browsers, countsReporter } from '../../scripts/web-test-runner.mjs';
import { mockConsoleBackend } from './test/mock-backend.js';

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  files: ['src/**/*.test.ts'],
  // Workspace packages from their TypeScript sources (`source`), as the build takes them. Their
  // real paths lie outside this package (pnpm links them), which the dev server serves under
  // `/__wds-outside-root__/`: the root can stay this package (no relative import leaves it).
  nodeResolve: { exportConditions: ['source', 'browser', 'development'] },
  plugins: [
    esbuildPlugin({
      ts: true,
      tsconfig: fileURLToPath(new URL('./tsconfig.test.json', import.meta.url)),
    }),
  ],
  middleware: [mockConsoleBackend()],
  browsers: browsers(playwrightLauncher),
  reporters: [defaultReporter(), countsReporter('wtr-console.json')],
  concurrency: 1,
  testFramework: { config: { timeout: 10_000 } },
};
