#!/usr/bin/env node
/**
 * Adds up what every test runner of `npm test` reported — Vitest, @web/test-runner, node:test
 * and Playwright — and prints one total line. Each runner writes a machine-readable report into
 * `.cache/test-results/`; a missing report means a suite did not run, which is a failure.
 *
 * Usage: node scripts/test-summary.mjs [--reset]   (--reset clears old reports before a run)
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const dir = new URL('../.cache/test-results/', import.meta.url).pathname;

if (process.argv.includes('--reset')) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  process.exit(0);
}

const read = (file) => {
  const path = join(dir, file);
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
};

/** Each suite: where its report is and how to count it. */
const suites = [
  {
    name: 'unit + integration (Vitest)',
    file: 'vitest.json',
    count: (text) => {
      const r = JSON.parse(text);
      return {
        passed: r.numPassedTests,
        failed: r.numFailedTests,
        skipped: r.numPendingTests + r.numTodoTests,
      };
    },
  },
  {
    name: 'components in Chromium (@web/test-runner)',
    file: 'wtr.json',
    count: (text) => JSON.parse(text),
  },
  {
    name: 'console in Chromium (@web/test-runner)',
    file: 'wtr-console.json',
    count: (text) => JSON.parse(text),
  },
  {
    name: 'element in Node (node:test)',
    file: 'node.tap',
    count: (text) => {
      const number = (label) => Number(new RegExp(`^# ${label} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
      return {
        passed: number('pass'),
        failed: number('fail') + number('cancelled'),
        skipped: number('skipped') + number('todo'),
      };
    },
  },
  {
    name: 'end to end (Playwright)',
    file: 'playwright.json',
    count: (text) => {
      const { stats } = JSON.parse(text);
      return {
        passed: stats.expected + stats.flaky,
        failed: stats.unexpected,
        skipped: stats.skipped,
      };
    },
  },
];

const total = { passed: 0, failed: 0, skipped: 0 };
let missing = false;
console.log('\nTest summary');
for (const suite of suites) {
  const text = read(suite.file);
  if (text === null) {
    console.log(`  ${suite.name.padEnd(44)} did not run (no ${suite.file})`);
    missing = true;
    continue;
  }
  const counts = suite.count(text);
  for (const key of Object.keys(total)) total[key] += counts[key];
  console.log(
    `  ${suite.name.padEnd(44)} ${String(counts.passed).padStart(5)} passed, ${counts.failed} failed` +
      (counts.skipped ? `, ${counts.skipped} skipped` : ''),
  );
}
const started = Number(process.env.PAY_CHECKOUT_TEST_STARTED);
if (started > 0) console.log(`  took ${Math.round(Date.now() / 1000 - started)} s in all`);
console.log(
  `Total: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`,
);
process.exit(missing || total.failed > 0 || total.passed === 0 ? 1 : 0);
