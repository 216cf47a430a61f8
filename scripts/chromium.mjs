/**
 * @module
 * How every browser run of the workspace launches Chromium: the component suites
 * (scripts/web-test-runner.mjs), the end-to-end journeys (e2e/playwright.config.ts) and the
 * benchmarks that load pages (bench/time-to-methods.mjs).
 *
 * The binary is the system one, `CHROMIUM_PATH` or /usr/bin/chromium; the flags suit a headless
 * run in a container: no sandbox, GPU or background traffic.
 */

/** Chromium's flags for a headless run in a container. */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]);

/**
 * Playwright launch options for the system Chromium.
 * @returns {{ executablePath: string, args: string[] }}
 */
export function chromiumLaunchOptions() {
  return {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS],
  };
}
