/**
 * @module
 * The protocol runs in the browser (element) and in Node (server) alike, so its compiler
 * settings (`packages/protocol/tsconfig.json`) must reject Node-only and DOM-only globals while
 * keeping the ECMAScript library (`Intl` included) available.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const configPath = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
const srcDir = path.join(path.dirname(configPath), 'src');

const PROBES = {
  Buffer: "export const x = Buffer.from('a');",
  process: 'export const x = process.env;',
  document: 'export const x = document.title;',
  window: 'export const x = window.location;',
  URL: "export const x = new URL('https://example.com');",
  TextEncoder: 'export const x = new TextEncoder();',
  ecmascript:
    "export const x = new Intl.NumberFormat('en').format(1) + [1].at(0) + Object.hasOwn({}, 'a');",
} as const;

/**
 * Type-checks each probe as a file of the protocol, with the protocol's own compiler options,
 * in one program; the messages of each probe's errors.
 */
function diagnosticsOf(probes: Readonly<Record<string, string>>): Record<string, string[]> {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${configPath}`);
  const options = { ...parsed.options, noEmit: true, composite: false, declaration: false };
  const files = new Map(
    Object.entries(probes).map(([name, source]) => [
      path.join(srcDir, `__probe_${name}__.ts`),
      source,
    ]),
  );
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  host.getSourceFile = (name, version, onError, create) => {
    const source = files.get(name);
    return source !== undefined
      ? ts.createSourceFile(name, source, version)
      : getSourceFile(name, version, onError, create);
  };
  const program = ts.createProgram({ rootNames: [...files.keys()], options, host });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const result: Record<string, string[]> = {};
  for (const [name] of Object.entries(probes)) {
    const file = path.join(srcDir, `__probe_${name}__.ts`);
    result[name] = diagnostics
      .filter((d) => d.file?.fileName === file)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  }
  return result;
}

describe('protocol compiler settings', () => {
  let errors: Record<string, string[]>;
  beforeAll(() => {
    errors = diagnosticsOf(PROBES);
  });

  it.each(['Buffer', 'process', 'document', 'window', 'URL', 'TextEncoder'])(
    'rejects the Node or DOM global %s',
    (name) => {
      expect(errors[name]?.join('\n')).toMatch(new RegExp(`Cannot find name '${name}'`));
    },
  );

  it('keeps the ECMAScript library, Intl included', () => {
    expect(errors['ecmascript']).toEqual([]);
  });
});
