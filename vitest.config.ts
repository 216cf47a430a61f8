import { defineConfig } from 'vitest/config';

/**
 * Node-side tests of every package (protocol, server, emulator), run against the TypeScript
 * sources through the `source` export condition, so no build is needed first.
 * The element's tests run in Chromium under @web/test-runner (packages/element).
 */
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['packages/{protocol,server,emulator}/src/**/*.test.ts'],
    // Finds the PostgreSQL server of the PostgreSQL suites once (or says once why they skip).
    globalSetup: ['packages/server/src/test-support/postgres-global-setup.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The JSON report feeds the one-line total of `npm test` (scripts/test-summary.mjs).
    reporters: ['default', 'json'],
    outputFile: { json: '.cache/test-results/vitest.json' },
  },
});
