#!/usr/bin/env node
/**
 * @module
 * The `pay-checkout-server` command from the built `dist`, exactly as
 * `bin/pay-checkout-server.mjs` runs it, except that with `START_ON_STDIN=1` it loads its
 * modules and then waits for a line on stdin before it reads its configuration and opens the
 * database: a test that kills a server and starts another on the same database can spawn the
 * next instance while the current one still runs, and let it go the moment the current one is
 * dead (loading the modules is most of a start on Node 20).
 */
import { startCheckoutServer } from '../../dist/node.js';
import { runCli } from '../../dist/run-cli.js';

if (process.env.START_ON_STDIN === '1') {
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdin.destroy();
}

runCli({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  stdout: (line) => process.stdout.write(line),
  stderr: (line) => process.stderr.write(line),
  onSignal: (signal, handler) => process.once(signal, handler),
  exit: (code) => process.exit(code),
  start: startCheckoutServer,
}).catch((error) => {
  process.stderr.write(`pay-checkout server failed to start: ${error.message}\n`);
  process.exit(1);
});
