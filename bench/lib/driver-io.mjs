/**
 * @module
 * The child side of {@link runDriver}: the input is the first stdin line (JSON), later lines are
 * commands, and results are JSON lines on stdout (the last one is the result).
 */
import { createInterface } from 'node:readline';

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

/** The input object the parent sent. */
export async function readInput() {
  const { value, done } = await lines.next();
  if (done) throw new Error('no input on stdin');
  return JSON.parse(value);
}

/** Resolves with the next command line (or null when the parent closed stdin). */
export async function nextCommand() {
  const { value, done } = await lines.next();
  return done ? null : value.trim();
}

/** Prints one JSON line. */
export function emit(object) {
  process.stdout.write(`${JSON.stringify(object)}\n`);
}

/** Prints the result line and ends the process (stdin, held open for commands, would not). */
export function finish(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}
