/**
 * @module
 * Browser tests of the element: @web/test-runner with Playwright, TypeScript through esbuild,
 * and the fake backend of test/mock-backend.js served by the same dev server under `/mock`.
 *
 * The browser list (`BROWSERS`, default the system Chromium) and the counts reporter come from
 * scripts/web-test-runner.mjs, shared with the other browser suite.
 */
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { browsers, countsReporter } from '../../scripts/web-test-runner.mjs';
import { mockBackend } from './test/mock-backend.js';

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
  browsers: browsers(playwrightLauncher),
  reporters: [defaultReporter(), countsReporter('wtr.json')],
  concurrency: 1,
  testFramework: { config: { timeout: 10_000 } },
};
