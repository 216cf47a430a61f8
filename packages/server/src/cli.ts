/**
 * @module
 * Entry point of the `pay-checkout-server` binary (bin/pay-checkout-server.mjs imports it).
 */
import { runCli } from './run-cli.js';

runCli({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  stdout: (line) => process.stdout.write(line),
  stderr: (line) => process.stderr.write(line),
  onSignal: (signal, handler) => process.once(signal, handler),
  exit: (code) => process.exit(code),
}).catch((error: unknown) => {
  process.stderr.write(`pay-checkout server failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
