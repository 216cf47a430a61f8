/**
 * @module
 * Output of a benchmark: an aligned text table on stdout and the full figures as JSON in
 * `.cache/bench/<name>.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR } from './processes.mjs';

/** Prints `rows` (arrays of cells) under `header`, right-aligning all but the first column. */
export function printTable(title, header, rows) {
  const all = [header, ...rows].map((row) => row.map((cell) => String(cell ?? '')));
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i]?.length ?? 0)));
  const line = (row) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.log(`\n${title}`);
  console.log(line(all[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of all.slice(1)) console.log(line(row));
}

/** Writes `.cache/bench/<name>.json` and returns its path. */
export function writeJson(name, data) {
  mkdirSync(CACHE_DIR, { recursive: true });
  const file = join(CACHE_DIR, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), ...data }, null, 2)}\n`);
  return file;
}

/** `a / b`, or NaN when either is not a finite number (a JSON `null` from an empty sample). */
export function ratio(a, b) {
  return typeof a === 'number' &&
    typeof b === 'number' &&
    Number.isFinite(a) &&
    Number.isFinite(b) &&
    b !== 0
    ? a / b
    : Number.NaN;
}

export const fmt = {
  int: (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–'),
  ms: (n) => (typeof n === 'number' && Number.isFinite(n) ? n.toFixed(2) : '–'),
  ratio: (n) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '–'),
  kb: (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(1)} KB` : '–'),
  mb: (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : '–'),
};

/** One line that says whether a target is met. */
export function verdict(label, ok, detail) {
  return `${ok ? 'MET' : 'NOT MET'}: ${label} (${detail})`;
}
