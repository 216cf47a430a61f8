/**
 * @module
 * What the browser test suites of the workspace (packages/element, packages/console) share in
 * their @web/test-runner configs: the browser list and the reporter that writes a run's counts
 * for the one-line total of `npm test` (scripts/test-summary.mjs).
 *
 * Browsers come from one list; set `BROWSERS=chromium,firefox,webkit` where those exist.
 * Chromium is launched as scripts/chromium.mjs says.
 *
 * This module imports no @web package itself: those are the packages' own dependencies, so
 * each config hands in its `playwrightLauncher`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromiumLaunchOptions } from './chromium.mjs';

/** Where the counts files go: `.cache/test-results/` at the workspace root. */
const RESULTS_DIR = new URL('../.cache/test-results/', import.meta.url);

/**
 * The browsers named by `BROWSERS` (default `chromium`), each through Playwright.
 * @param {typeof import('@web/test-runner-playwright').playwrightLauncher} playwrightLauncher
 *   the calling package's own launcher factory
 * @returns {import('@web/test-runner').BrowserLauncher[]}
 */
export function browsers(playwrightLauncher) {
  /** @type {Record<string, () => import('@web/test-runner').BrowserLauncher>} */
  const launchers = {
    chromium: () =>
      playwrightLauncher({
        product: 'chromium',
        launchOptions: chromiumLaunchOptions(),
      }),
    firefox: () => playwrightLauncher({ product: 'firefox' }),
    webkit: () => playwrightLauncher({ product: 'webkit' }),
  };
  return (process.env.BROWSERS || 'chromium')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
    .map((name) => {
      const launcher = Object.hasOwn(launchers, name) ? launchers[name] : undefined;
      if (!launcher) {
        throw new Error(
          `Unknown browser "${name}" in BROWSERS (known: ${Object.keys(launchers).join(', ')})`,
        );
      }
      return launcher();
    });
}

/**
 * Writes the run's counts (`{ passed, failed, skipped }`) to `.cache/test-results/<fileName>`.
 * A test file that failed outside any test counts as one failure.
 * @param {string} fileName the counts file, e.g. `wtr.json`; scripts/test-summary.mjs reads it
 * @returns {import('@web/test-runner').Reporter}
 */
export function countsReporter(fileName) {
  if (!/^[\w.-]+\.json$/.test(fileName)) {
    throw new Error(`countsReporter needs a plain .json file name, not "${fileName}"`);
  }
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
      mkdirSync(RESULTS_DIR, { recursive: true });
      writeFileSync(new URL(fileName, RESULTS_DIR), JSON.stringify(counts));
    },
  };
}
