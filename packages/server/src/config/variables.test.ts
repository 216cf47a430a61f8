/**
 * @module
 * The README's configuration table is the sections' own list: every variable, in order, with
 * the same meaning and default — so a variable added to a section and not to the README, or the
 * other way round, fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_SECTIONS, loadConfig } from '../config.js';
import { USAGE } from '../run-cli.js';
import { configVariables, markdownTable } from './variables.js';

const README = new URL('../../../../README.md', import.meta.url);

/** The cells of a Markdown table's rows, trimmed, without the separator row. */
function rowsOf(lines: string[]): string[][] {
  return lines
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    )
    .filter((row) => !/^-+$/.test(row[0] ?? ''));
}

/** The lines of the first table after `## Configuration`. */
function readmeTable(): string[] {
  const text = readFileSync(README, 'utf8');
  const lines = text.slice(text.indexOf('\n## Configuration\n')).split('\n');
  const start = lines.findIndex((line) => line.startsWith('|'));
  const end = lines.findIndex((line, index) => index > start && !line.startsWith('|'));
  return lines.slice(start, end);
}

describe('the configuration table', () => {
  it('lists every variable of every section, as the sections describe them', () => {
    const expected = rowsOf(markdownTable().split('\n'));
    expect(rowsOf(readmeTable()), `README.md's table should read:\n${markdownTable()}`).toEqual(
      expected,
    );
  });

  it('covers every variable the server reads, each once', () => {
    const names = configVariables().map((variable) => variable.name);
    expect(new Set(names).size).toBe(names.length);
    // Each section's schema reads exactly the variables it documents.
    for (const section of CONFIG_SECTIONS) {
      const documented = section.variables.map((variable) => variable.name).sort();
      const read = readVariables(section.schema).sort();
      expect(read, section.title).toEqual(documented);
    }
  });

  it('is what --help prints', () => {
    for (const variable of configVariables()) expect(USAGE).toContain(variable.name);
  });
});

/** The keys of the object schema a section's transform reads from. */
function readVariables(schema: unknown): string[] {
  let current = schema as { def: { type: string; in?: unknown; shape?: object } } | undefined;
  while (current?.def.type === 'pipe') current = current.def.in as typeof current;
  return current?.def.type === 'object' && current.def.shape ? Object.keys(current.def.shape) : [];
}

it('loads with nothing but the two required variables', () => {
  expect(
    loadConfig({
      PAY_CHECKOUT_SECRET_KEY: 'sk_test_0123456789abcdef',
      PAY_CHECKOUT_ALLOWED_ORIGINS: 'https://shop.example',
    }).providers,
  ).toEqual({});
});
