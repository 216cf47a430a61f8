#!/usr/bin/env node
/**
 * @module
 * Prints the raw and gzip sizes of the script-tag build and of the ESM entries, and fails when
 * one exceeds its budget. Run after `pnpm build`.
 *
 * The ESM entries leave lit and the protocol as imports (the application bundles them once); the
 * script-tag build carries everything it needs at first load, so its budget is the one customers
 * feel.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Budgets in bytes of gzip output (level 9). The script-tag build carries lit and ky and is what
 * a merchant's page pays for at first load: at most 19 KB (ky's share is about 4.2 KB). The
 * lazily loaded files are fetched only by the pages that need them (the methods step, a payment
 * under way, a QR method, a language other than English) and have budgets of their own.
 */
const BUDGETS = [
  { file: 'dist/pay-checkout.js', gzip: 19 * 1024, note: 'script-tag build, lit and ky inside' },
  {
    file: 'dist/define.js',
    gzip: 14 * 1024,
    note: 'ESM entry + its static chunks, unminified, dependencies external',
  },
  {
    file: 'dist/pay-checkout.stream.js',
    gzip: 2.5 * 1024,
    note: 'lazy: live status stream, with the outcome screens and their texts',
  },
  {
    file: 'dist/pay-checkout.methods.js',
    gzip: 3 * 1024,
    note: 'lazy: the methods step, fetched alongside the session',
  },
  { file: 'dist/pay-checkout.qr-view.js', gzip: 2 * 1024, note: 'lazy: QR step' },
  { file: 'dist/pay-checkout.qr.js', gzip: 3.5 * 1024, note: 'lazy: QR encoder (text-only QR)' },
  ...['es', 'pt-BR', 'de', 'ar'].map((code) => ({
    file: `dist/pay-checkout.${code}.js`,
    gzip: 2 * 1024,
    note: `lazy: ${code} texts`,
  })),
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
    `${budget.file.padEnd(28)} raw ${kb(source.length).padStart(10)}  gzip ${kb(gzip).padStart(9)}` +
      `  budget ${kb(budget.gzip)}  ${over ? 'OVER' : 'ok'}  (${budget.note}` +
      `${files.length > 1 ? `; ${files.map((f) => relative(root, f)).join(' + ')}` : ''})`,
  );
}
process.exitCode = failed ? 1 : 0;
