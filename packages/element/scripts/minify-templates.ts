/**
 * @module
 * A Vite plugin for the script-tag build: squeezes the whitespace out of the element's lit
 * templates (`html`, `svg`) and style sheets (`css`) before they are bundled. esbuild minifies
 * the JavaScript around them but leaves template text alone, and on a 15 KB budget the
 * indentation of templates and comments in CSS are worth removing.
 *
 * Only the static text of a template changes; `${…}` expressions are copied as they are (their
 * own nested templates are squeezed in turn). In markup, a run of whitespace that holds a line
 * break goes where it touches a tag, and becomes one space elsewhere: the element's templates put
 * line breaks only between blocks and flex items, where they render nothing.
 */
import type { Plugin } from 'vite';

const TAG = /\b(html|svg|css)`/g;

/** Squeezes every tagged template of `code`. */
export function minifyTemplates(code: string): string {
  let out = '';
  let last = 0;
  TAG.lastIndex = 0;
  for (let match = TAG.exec(code); match; match = TAG.exec(code)) {
    const start = match.index + match[0].length;
    const { text, end } = template(code, start, match[1] === 'css');
    out += code.slice(last, start) + text;
    last = end;
    TAG.lastIndex = end;
  }
  return out + code.slice(last);
}

/** Reads the template whose text begins at `start`; returns it squeezed and where it ends. */
function template(code: string, start: number, isCss: boolean): { text: string; end: number } {
  let out = '';
  let chunk = '';
  let i = start;
  const flush = () => {
    out += isCss ? squeezeCss(chunk) : squeezeMarkup(chunk);
    chunk = '';
  };
  while (i < code.length) {
    const c = code[i];
    if (c === '\\') {
      chunk += code.slice(i, i + 2);
      i += 2;
    } else if (c === '`') {
      flush();
      return { text: `${out}\``, end: i + 1 };
    } else if (c === '$' && code[i + 1] === '{') {
      flush();
      const expression = skipExpression(code, i + 2);
      out += `\${${minifyTemplates(code.slice(i + 2, expression))}}`;
      i = expression + 1;
    } else {
      chunk += c;
      i++;
    }
  }
  throw new Error('Unterminated template literal');
}

/** Index of the `}` that closes the expression starting at `start`. */
function skipExpression(code: string, start: number): number {
  let depth = 0;
  for (let i = start; i < code.length; i++) {
    const c = code[i];
    if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    } else if (c === "'" || c === '"') {
      for (i++; i < code.length && code[i] !== c; i++) if (code[i] === '\\') i++;
    } else if (c === '`') {
      i = template(code, i + 1, false).end - 1;
    }
  }
  throw new Error('Unterminated template expression');
}

function squeezeMarkup(text: string): string {
  return text
    .replace(/\s*\n\s*([<>])/g, '$1')
    .replace(/>\s*\n\s*/g, '>')
    .replace(/\s*\n\s*/g, ' ');
}

function squeezeCss(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,>])\s*/g, '$1')
    .replace(/([{;(]\s*[\w-]+): /g, '$1:')
    .replace(/([\s:,(])0\./g, '$1.')
    .replace(/#([\da-f])\1([\da-f])\2([\da-f])\3\b/gi, '#$1$2$3')
    .replace(/;}/g, '}')
    .trim();
}

/** The plugin: applies {@link minifyTemplates} to the element's own TypeScript sources. */
export function minifyTemplatesPlugin(): Plugin {
  return {
    name: 'pay-checkout-minify-templates',
    enforce: 'pre',
    transform(code, id) {
      if (!/\/packages\/element\/src\/.*\.ts$/.test(id) || !/\b(html|svg|css)`/.test(code)) {
        return null;
      }
      return { code: minifyTemplates(code), map: null };
    },
  };
}
