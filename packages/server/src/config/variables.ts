/**
 * @module
 * Every configuration variable, section by section, in the two forms people read them: the
 * lines of `pay-checkout-server --help` and the rows of the README's configuration table (a
 * test keeps the README in step with the sections).
 */
import { CONFIG_SECTIONS } from '../config.js';
import type { EnvVariable } from './env-schema.js';

/** Every variable with the title of its section, in order. */
export function configVariables(): (EnvVariable & { section: string })[] {
  return CONFIG_SECTIONS.flatMap((section) =>
    section.variables.map((variable) => ({ ...variable, section: section.title })),
  );
}

/** The variables as `--help` lists them: one per line under each section's title. */
export function usageLines(): string {
  const width = Math.max(...configVariables().map((variable) => variable.name.length)) + 2;
  return CONFIG_SECTIONS.map((section) =>
    [
      `${section.title}:`,
      ...section.variables.map(
        (variable) =>
          `  ${variable.name.padEnd(width)}${variable.meaning.replace(/`/g, '')} (${variable.default.replace(/`/g, '')})`,
      ),
    ].join('\n'),
  ).join('\n');
}

/** The README's configuration table (Markdown, before formatting). */
export function markdownTable(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  // Values in code, words ("required", "off", "the secret key") as they are.
  const value = (text: string) => (/^(required|off|the |`)/.test(text) ? text : `\`${text}\``);
  const rows = configVariables().map(
    (variable) =>
      `| \`${variable.name}\` | ${cell(variable.section)} | ${cell(variable.meaning)} | ${cell(value(variable.default))} |`,
  );
  return ['| variable | for | meaning | default |', '| --- | --- | --- | --- |', ...rows].join(
    '\n',
  );
}
