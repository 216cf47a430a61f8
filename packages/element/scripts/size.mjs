#!/usr/bin/env node
/**
 * @module
 * Prints the raw and gzip sizes of the script-tag build and of the ESM entries, and fails when
 * one exceeds its budget. Run after `pnpm build`.
 *
 * The ESM entries leave lit, ky and the protocol as imports (the application bundles them once);
 * the script-tag build carries everything, so its budget is the one customers feel.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Budgets in bytes of gzip output (level 9). The script-tag build is held at 20 KB while it
 * carries ky; the target is 15 KB with lit inside.
 */
const BUDGETS = [
  { file: 'dist/pay-checkout.js', gzip: 20 * 1024, note: 'script-tag build, everything inlined' },
  {
    file: 'dist/define.js',
    gzip: 12 * 1024,
    note: 'ESM entry + its chunks, dependencies external',
  },
];

const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;

/** The file plus every relative chunk it imports, so an entry is measured with what it loads. */
function withChunks(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const [, spec] of text.matchAll(/\bfrom\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    withChunks(join(dirname(file), spec), seen);
  }
  for (const [, spec] of text.matchAll(/\bimport\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    withChunks(join(dirname(file), spec), seen);
  }
  return seen;
}

let failed = false;
for (const budget of BUDGETS) {
  const path = join(root, budget.file);
  if (!existsSync(path)) {
    console.error(`${budget.file}: missing — run the build first`);
    failed = true;
    continue;
  }
  const files = [...withChunks(path)];
  const source = Buffer.concat(files.map((file) => readFileSync(file)));
  const gzip = gzipSync(source, { level: 9 }).length;
  const over = gzip > budget.gzip;
  failed ||= over;
  console.log(
    `${budget.file.padEnd(22)} raw ${kb(source.length).padStart(10)}  gzip ${kb(gzip).padStart(9)}` +
      `  budget ${kb(budget.gzip)}  ${over ? 'OVER' : 'ok'}  (${budget.note}` +
      `${files.length > 1 ? `; ${files.map((f) => relative(root, f)).join(' + ')}` : ''})`,
  );
}
process.exitCode = failed ? 1 : 0;
