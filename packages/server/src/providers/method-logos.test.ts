/**
 * @module
 * The method logos: small data: URIs of plain SVG that load nothing from anywhere.
 */
import { describe, expect, it } from 'vitest';
import { MAX_LOGO_BYTES, METHOD_LOGOS, logoOf, methodLogo, svgDataUri } from './method-logos.js';

const PREFIX = 'data:image/svg+xml,';
const SVG_NS = 'http://www.w3.org/2000/svg';

/** What a logo may be made of: shapes and text, nothing that can point elsewhere. */
const ELEMENTS = new Set(['svg', 'rect', 'path', 'circle', 'text', 'g', 'title']);
const ATTRIBUTES = new Set([
  'xmlns',
  'viewBox',
  'width',
  'height',
  'rx',
  'x',
  'y',
  'cx',
  'cy',
  'r',
  'd',
  'fill',
  'stroke',
  'stroke-width',
  'stroke-linecap',
  'font-family',
  'font-size',
  'font-weight',
  'text-anchor',
  'letter-spacing',
]);

const TOKEN =
  /<(\/?)([A-Za-z][\w:-]*)((?:\s+[A-Za-z][\w:-]*=(?:'[^'<]*'|"[^"<]*"))*)\s*(\/?)>|([^<]+)/gy;
const ATTRIBUTE = /([A-Za-z][\w:-]*)=(?:'([^']*)'|"([^"]*)")/g;

/**
 * Parses a logo's SVG strictly: well-formed, one `<svg>` root in the SVG namespace, only the
 * elements and attributes above, no entity but the five XML ones. Throws on anything else;
 * returns every attribute value and text it read.
 */
function parseSvg(svg: string): { elements: string[]; values: string[] } {
  const stack: string[] = [];
  const elements: string[] = [];
  const values: string[] = [];
  let rootClosed = false;
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < svg.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(svg);
    if (!match) throw new Error(`not well-formed at ${at}: ${svg.slice(at, at + 30)}`);
    const [, closing, name, attributes = '', selfClosing, text] = match;
    if (text !== undefined) {
      if (stack.length === 0 && text.trim()) throw new Error('text outside the root');
      if (/&(?!(?:amp|lt|gt|quot|apos);)/.test(text)) throw new Error('unknown entity');
      values.push(text);
      continue;
    }
    if (!name || !ELEMENTS.has(name)) throw new Error(`element <${name}> is not allowed`);
    if (closing) {
      if (stack.pop() !== name) throw new Error(`</${name}> closes nothing`);
      if (stack.length === 0) rootClosed = true;
      continue;
    }
    if (rootClosed || (stack.length === 0 && name !== 'svg')) {
      throw new Error('one <svg> root expected');
    }
    elements.push(name);
    for (const [, attribute = '', single, double] of attributes.matchAll(ATTRIBUTE)) {
      if (!ATTRIBUTES.has(attribute)) throw new Error(`attribute ${attribute} is not allowed`);
      const value = single ?? double ?? '';
      if (attribute === 'xmlns' && (name !== 'svg' || value !== SVG_NS)) {
        throw new Error('only the root declares the SVG namespace');
      }
      values.push(value);
    }
    if (stack.length === 0 && !/\sxmlns=/.test(attributes)) throw new Error('no SVG namespace');
    if (!selfClosing) stack.push(name);
  }
  if (!rootClosed || stack.length > 0) throw new Error('unclosed elements');
  return { elements, values };
}

describe('method logos', () => {
  it('are small data:image/svg+xml URIs of plain SVG with no external reference', () => {
    expect(METHOD_LOGOS.size).toBeGreaterThan(0);
    for (const [id, uri] of METHOD_LOGOS) {
      expect(uri.startsWith(PREFIX), id).toBe(true);
      expect(Buffer.byteLength(uri), id).toBeLessThanOrEqual(MAX_LOGO_BYTES);
      expect(uri, id).not.toMatch(/["\s#<>]/);
      const svg = decodeURIComponent(uri.slice(PREFIX.length));
      const { elements, values } = parseSvg(svg);
      expect(elements[0], id).toBe('svg');
      expect(svg, id).not.toMatch(/href|url\(|@import|<script|<style|javascript:/i);
      for (const value of values) {
        if (value !== SVG_NS) expect(value, id).not.toMatch(/https?:|\/\//i);
      }
    }
  });

  it('has a mark for every brand the adapters name', () => {
    for (const id of [
      'ivy:bank',
      'ixopay:card',
      'iwocapay:checkout',
      'koywe:PSE',
      'koywe:PIX_DYNAMIC',
      'koywe:SPEI',
      'koywe:KHIPU',
      'koywe:NEQUI',
      'furatpay:fib',
      'furatpay:fastpay',
      'furatpay:zaincash',
    ]) {
      expect(methodLogo(id), id).toBeDefined();
    }
  });

  it('gives no logo to a method without a known brand', () => {
    expect(methodLogo('koywe:CARD')).toBeUndefined();
    expect(methodLogo('furatpay:somewallet')).toBeUndefined();
    expect(logoOf('koywe:QRI')).toEqual({});
    expect(logoOf('ivy:bank')).toEqual({ logo: methodLogo('ivy:bank') });
  });

  it('encodes what a URI cannot carry and round-trips', () => {
    const svg = "<svg xmlns='http://www.w3.org/2000/svg'><text fill='#fff'>a&amp;b %</text></svg>";
    const uri = svgDataUri(svg);
    expect(uri).not.toMatch(/[#<>%\s](?![0-9A-F]{2})/);
    expect(decodeURIComponent(uri.slice(PREFIX.length))).toBe(svg);
  });

  it('refuses SVG that references anything, by its own checker', () => {
    expect(() =>
      parseSvg("<svg xmlns='http://www.w3.org/2000/svg'><image href='x'/></svg>"),
    ).toThrow(/not allowed/);
    expect(() =>
      parseSvg("<svg xmlns='http://www.w3.org/2000/svg'><rect style='fill:url(x)'/></svg>"),
    ).toThrow(/not allowed/);
    expect(() => parseSvg("<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>")).toThrow();
    expect(() => parseSvg('<svg><rect/></svg>')).toThrow(/namespace/);
  });
});
