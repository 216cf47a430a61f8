#!/usr/bin/env node
/**
 * @module
 * `pnpm bench`: every benchmark, one after another, sharing one emulator. The PostgreSQL parts
 * run when a PostgreSQL server answers at PAY_CHECKOUT_TEST_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres) and the checkout server can use it; otherwise
 * each says in one line that it was skipped. `BENCH_ONLY=ingestion,throughput,latency,memory,http,breaker` picks some.
 *
 * Servers are the real binaries (build first: `pnpm run build`), load comes from separate
 * processes, figures are printed as tables and written to .cache/bench/<name>.json.
 */
import { benchBreaker } from './breaker.mjs';
import { benchCrossInstanceLatency } from './cross-instance-latency.mjs';
import { benchHttpHardening } from './http-hardening.mjs';
import { POSTGRES_URL, redact } from './lib/postgres.mjs';
import { openRunContext } from './lib/run-context.mjs';
import { benchSseMemory } from './sse-memory.mjs';
import { benchWebhookIngestion } from './webhook-ingestion.mjs';
import { benchWebhookThroughput } from './webhook-throughput.mjs';

const all = {
  ingestion: benchWebhookIngestion,
  throughput: benchWebhookThroughput,
  latency: benchCrossInstanceLatency,
  memory: benchSseMemory,
  http: benchHttpHardening,
  breaker: benchBreaker,
};
const only = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
for (const name of only) {
  if (!(name in all)) {
    console.error(
      `BENCH_ONLY: unknown benchmark "${name}" (known: ${Object.keys(all).join(', ')})`,
    );
    process.exit(2);
  }
}

const started = performance.now();
const context = await openRunContext();
// When PostgreSQL cannot be used, each benchmark says so in one line where its part would be.
if (context.postgres)
  console.log(`PostgreSQL: ${redact(POSTGRES_URL)} (a fresh database per benchmark)`);
let failed = false;
try {
  for (const [name, bench] of Object.entries(all)) {
    if (only.length && !only.includes(name)) continue;
    try {
      await bench(context);
    } catch (error) {
      failed = true;
      console.error(`\nBenchmark "${name}" failed: ${error.stack ?? error}`);
    }
  }
} finally {
  await context.close();
}
console.log(`\nAll benchmarks took ${((performance.now() - started) / 1000).toFixed(0)} s.`);
process.exitCode = failed ? 1 : 0;
