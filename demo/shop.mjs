/**
 * @module
 * The demo shop: one product, a cart total, and a merchant backend that creates checkout
 * sessions with the secret key — the way a real shop integrates pay-checkout. The checkout and
 * return pages embed `<pay-checkout>` in one of three ways, picked on the product page:
 * - `script` (default): the script-tag build, `<script src=".../pay-checkout.js" defer>`;
 * - `esm`: the npm package's ES modules, as a bundler-less app loads them (an import map);
 * - `strict`: the script tag on a page served with a strict Content-Security-Policy (no inline
 *   script or style, Trusted Types required), proving the element needs nothing more.
 *
 * Every page is shown in the customer's language (`lang`: demo/texts.mjs) and theme (`theme`:
 * light or dark, the element's `themes/dark.css` and the page's own colours), both kept in the
 * query string from page to page.
 *
 * The shop serves the element as a shop's web server would: compressed (brotli or gzip),
 * cached for a year under URLs that name the content's version (demo/assets.mjs), and the
 * checkout page asks for the session's methods from its `<head>` (`<link rel="preload">`), so
 * the request runs while the element's script downloads. `plain: true` (DEMO_PLAIN=1) turns all
 * of that off: files as they are, no cache headers, no preloads — a bare file server.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatMoney } from '@pay-checkout/protocol/money';
import { IMMUTABLE, REVALIDATE, createAssetStore } from './assets.mjs';
import { RTL_LANGUAGES, TEXTS } from './texts.mjs';

const elementDist = fileURLToPath(new URL('../packages/element/dist/', import.meta.url));
const elementThemes = fileURLToPath(new URL('../packages/element/src/themes/', import.meta.url));

/** The checkout page variants: how the page embeds the element (English names). */
export const PAGES = TEXTS.en.pages;

/** Languages the demo pages can be shown in (the element follows the page's `lang`). */
export const LANGUAGES = {
  en: 'English',
  es: 'Español',
  'pt-BR': 'Português (Brasil)',
  de: 'Deutsch',
  ar: 'العربية',
};

/** Themes of the pages: the element's own (`themes/<name>.css`), the page's colours with it. */
export const THEMES = ['light', 'dark'];

/** The files of the script-tag build: the script and the files it loads from next to itself. */
const SCRIPT_BUILD_FILE = /^pay-checkout(?:\.[\w-]+)?\.js$/;

/**
 * Package folders the ES-module page may load files from, by import-map prefix, with the
 * version their URLs carry: the published version of a dependency, a content hash of our own
 * builds (computed per page, so a rebuild gives new URLs).
 */
function npmFolders() {
  const require = createRequire(new URL('../packages/element/package.json', import.meta.url));
  const folderOf = (name, from = require) => {
    let dir = dirname(from.resolve(name));
    while (!existsSync(join(dir, 'package.json')) || !dir.endsWith(name.split('/').pop())) {
      dir = dirname(dir);
    }
    return dir;
  };
  const published = (dir) => ({
    dir,
    version: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version,
  });
  const lit = folderOf('lit');
  const fromLit = createRequire(join(lit, 'package.json'));
  return {
    lit: published(lit),
    'lit-html': published(folderOf('lit-html', fromLit)),
    'lit-element': published(folderOf('lit-element', fromLit)),
    '@lit/reactive-element': published(folderOf('@lit/reactive-element', fromLit)),
    ky: published(folderOf('ky')),
    // Our own packages: only their builds.
    '@pay-checkout/element': { dir: elementDist.replace(/[\\/]$/, ''), version: null },
    '@pay-checkout/protocol': {
      dir: fileURLToPath(new URL('../packages/protocol/dist', import.meta.url)),
      version: null,
    },
  };
}

/**
 * The import map of the ES-module page: bare specifiers → files under `/npm/`, each package's
 * prefix naming its version (`/npm/lit@3.3.1/`) unless `versionOf` gives none.
 * @param {(name: string) => string | null} versionOf
 */
function importMap(versionOf) {
  const at = (name) => {
    const version = versionOf(name);
    return `/npm/${name}${version ? `@${version}` : ''}/`;
  };
  return {
    imports: {
      lit: `${at('lit')}index.js`,
      'lit/': at('lit'),
      'lit-html': `${at('lit-html')}lit-html.js`,
      'lit-html/': at('lit-html'),
      'lit-element/': at('lit-element'),
      '@lit/reactive-element': `${at('@lit/reactive-element')}reactive-element.js`,
      '@lit/reactive-element/': at('@lit/reactive-element'),
      ky: `${at('ky')}distribution/index.js`,
      '@pay-checkout/element/define': `${at('@pay-checkout/element')}define.js`,
      '@pay-checkout/protocol/money': `${at('@pay-checkout/protocol')}money.js`,
      '@pay-checkout/protocol/status': `${at('@pay-checkout/protocol')}status.js`,
    },
  };
}

/** The module the ES-module page loads, as an application's own code would import the package. */
const ESM_ENTRY = `import '@pay-checkout/element/define';\n`;

/** What the shop sells. Prices live here, on the merchant's server, never in the browser. */
export const PRODUCT = {
  sku: 'espresso-beans-1kg',
  name: TEXTS.en.productName,
  description: TEXTS.en.productDescription,
};

/**
 * Where the shop sells, each market with its own price list in minor units (ISO 4217:
 * CLP has no decimals, IQD three). The market decides which payment methods fit.
 */
export const MARKETS = {
  DE: { label: 'Germany (EUR)', price: { value: 2400, currency: 'EUR' }, locale: 'en' },
  GB: { label: 'United Kingdom (GBP)', price: { value: 2100, currency: 'GBP' }, locale: 'en-GB' },
  CO: { label: 'Colombia (COP)', price: { value: 9900000, currency: 'COP' }, locale: 'es-CO' },
  CL: { label: 'Chile (CLP)', price: { value: 24000, currency: 'CLP' }, locale: 'es-CL' },
  BR: { label: 'Brazil (BRL)', price: { value: 12900, currency: 'BRL' }, locale: 'pt-BR' },
  MX: { label: 'Mexico (MXN)', price: { value: 45000, currency: 'MXN' }, locale: 'es-MX' },
  IQ: { label: 'Iraq (IQD)', price: { value: 32000000, currency: 'IQD' }, locale: 'ar-IQ' },
};

/**
 * The shop's style sheet. Colours are custom properties, set again for the dark theme (the class
 * the element's `themes/dark.css` reads, on `<html>`), so page and element change together. The
 * element brings its own box: the page puts nothing around it.
 */
const STYLE = `
  :root {
    color-scheme: light;
    font-family: system-ui, sans-serif;
    --shop-background: #f6f7f9;
    --shop-text: #1d2330;
    --shop-muted: #5b6475;
    --shop-surface: #fff;
    --shop-border: #c9ced8;
    --shop-header: #1d2330;
    --shop-on-header: #fff;
    --shop-accent: #2450d6;
    --shop-on-accent: #fff;
    --shop-link: #2450d6;
  }
  :root.pay-theme-dark {
    color-scheme: dark;
    --shop-background: #0b1220;
    --shop-text: #f3f4f6;
    --shop-muted: #b6bcc8;
    --shop-surface: #111827;
    --shop-border: #374151;
    --shop-header: #020617;
    --shop-on-header: #f3f4f6;
    --shop-accent: #93b4ff;
    --shop-on-accent: #0b1220;
    --shop-link: #93b4ff;
  }
  body { margin: 0; background: var(--shop-background); color: var(--shop-text); }
  a { color: var(--shop-link); }
  header {
    background: var(--shop-header); color: var(--shop-on-header); padding: .75rem 2rem;
    display: flex; flex-wrap: wrap; gap: .75rem 1.5rem; align-items: center;
    justify-content: space-between;
  }
  header .brand { color: inherit; text-decoration: none; font-weight: 600; }
  header form { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; }
  header select, header button { padding: .3rem .6rem; }
  main { max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
  .card {
    background: var(--shop-surface); border-radius: 12px; padding: 1.5rem;
    box-shadow: 0 1px 3px #0002;
  }
  .total { font-size: 1.25rem; font-weight: 600; }
  button, select { font: inherit; padding: .6rem 1rem; border-radius: 8px; }
  select {
    background: var(--shop-surface); color: var(--shop-text); border: 1px solid var(--shop-border);
  }
  button { background: var(--shop-accent); color: var(--shop-on-accent); border: 0; cursor: pointer; }
  button.secondary {
    background: transparent; color: var(--shop-text); border: 1px solid var(--shop-border);
  }
  /* On the header's own background, in the header's text colour. */
  header button.secondary { color: inherit; border-color: currentColor; }
  .actions { display: flex; flex-wrap: wrap; gap: .75rem; }
  .muted { color: var(--shop-muted); }
`;

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function optionList(entries, selected) {
  return Object.entries(entries)
    .map(
      ([value, label]) =>
        `<option value="${escapeHtml(value)}"${value === selected ? ' selected' : ''}>${escapeHtml(label)}</option>`,
    )
    .join('');
}

/** Loopback addresses only: the demo's control routes are for the machine it runs on. */
function isLoopback(address) {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function priceList(texts, selected) {
  return Object.entries(MARKETS)
    .map(
      ([code, market]) =>
        `<option value="${code}"${code === selected ? ' selected' : ''}>${escapeHtml(
          `${texts.markets[code]} (${market.price.currency})`,
        )} — ${escapeHtml(formatMoney(market.price, market.locale))}</option>`,
    )
    .join('');
}

/** A query parameter when it is one of `allowed`, else `fallback`. */
function pick(value, allowed, fallback) {
  return value !== null && value !== undefined && allowed.includes(value) ? value : fallback;
}

/**
 * The query string that carries the page variant, language and theme from page to page (only
 * what differs from the defaults, in this order), starting with `first`.
 */
function pageQuery({ variant, lang, theme }, first = '?') {
  const query = new URLSearchParams();
  if (variant !== 'script') query.set('page', variant);
  if (lang !== 'en') query.set('lang', lang);
  if (theme !== 'light') query.set('theme', theme);
  const text = query.toString();
  return text ? `${first}${text}` : '';
}

/**
 * Starts the shop.
 * @param {{ port: number, host: string, serverUrl: string, browserServerUrl?: string,
 *   secretKey: string, restartServer?: () => Promise<void>, plain?: boolean }} options
 *   `serverUrl` is how the shop's backend reaches pay-checkout; `browserServerUrl` how the
 *   customer's browser does (the same unless behind a proxy). `restartServer`, when given, is
 *   offered to local callers as `POST /_demo/restart-server` (demos and tests of reconnection).
 *   `plain` serves the files as they are: no compression, no cache headers, no versioned URLs,
 *   no preloads.
 */
export function startShop(options) {
  const { port, host, serverUrl, secretKey } = options;
  const plain = options.plain ?? false;
  const browserServerUrl = options.browserServerUrl ?? serverUrl;
  // The element's own reading of its `server` attribute (new URL(server).href, without the
  // trailing slashes): the preloaded URL has to be the very one it asks for.
  const browserServerBase = new URL(browserServerUrl).href.replace(/\/+$/, '');
  const browserServerOrigin = new URL(browserServerUrl).origin;
  let shopUrl = `http://${host}:${port}`;
  const npm = npmFolders();
  const assets = createAssetStore({ compress: !plain });
  assets.define('shop.css', STYLE);
  assets.define('esm-checkout.js', ESM_ENTRY);
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src ${browserServerOrigin}`,
    "img-src 'self' data:",
    "base-uri 'none'",
    "object-src 'none'",
    "form-action 'self'",
    "require-trusted-types-for 'script'",
  ].join('; ');

  /** The files of the script-tag build, and the version their URLs share. */
  function scriptBuild() {
    const files = assets.list(elementDist, (name) => SCRIPT_BUILD_FILE.test(name));
    return { files, version: assets.version(files) };
  }

  /** The version in the URLs of one package under /npm/. */
  function npmVersion(name) {
    const folder = npm[name];
    if (!folder) return null;
    if (folder.version) return folder.version;
    return assets.version(assets.list(folder.dir, (file) => file.endsWith('.js')));
  }

  /** The version (12 hex digits) of a shop file (`shop:<name>`) or of a file on disk. */
  function fileVersion(path) {
    const hash = path.startsWith('shop:')
      ? assets.definedHash(path.slice('shop:'.length))
      : assets.hash(path);
    return hash?.slice(0, 12) ?? null;
  }

  /** The URL of a shop asset (`/assets/<version>/<name>`; unversioned when plain). */
  function assetUrl(name, version) {
    return plain || !version ? `/assets/${name}` : `/assets/${version}/${name}`;
  }

  /** Files under `/assets/`, by name: where each is read from and how its version is found. */
  const ASSET_FILES = {
    'shop.css': 'shop:shop.css',
    'esm-checkout.js': 'shop:esm-checkout.js',
    'themes/light.css': join(elementThemes, 'light.css'),
    'themes/dark.css': join(elementThemes, 'dark.css'),
  };

  /** `Cache-Control` of a file whose URL names `requested` while its content is `current`. */
  function cacheFor(requested, current) {
    if (plain) return undefined;
    return requested && requested === current ? IMMUTABLE : REVALIDATE;
  }

  /**
   * The file behind a `/npm/<package>[@<version>]/<path>` URL, never outside the package's
   * folder, with whether the URL names the current version; null when there is none.
   */
  function npmFile(path) {
    const name = Object.keys(npm).find(
      (prefix) => path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}@`),
    );
    if (!name || !path.endsWith('.js')) return null;
    let rest = path.slice(name.length);
    let requested = null;
    if (rest.startsWith('@')) {
      const slash = rest.indexOf('/');
      if (slash < 0) return null;
      requested = rest.slice(1, slash);
      rest = rest.slice(slash);
    }
    const folder = npm[name].dir;
    const file = normalize(join(folder, rest.slice(1)));
    if (!file.startsWith(folder + sep) || !existsSync(file)) return null;
    return { file, name, requested };
  }

  /**
   * Every module the ES-module page loads before the element runs (the static imports from the
   * entry on, resolved through the import map), so that all of them can be fetched at once
   * instead of one level of imports after the other. Only files that exist are listed.
   */
  function staticModuleGraph(entryUrl, map) {
    const resolve = (specifier, parent) => {
      if (/^(\.{1,2})?\//.test(specifier))
        return new URL(specifier, `http://shop${parent}`).pathname;
      if (Object.hasOwn(map.imports, specifier)) return map.imports[specifier];
      const prefix = Object.keys(map.imports)
        .filter((key) => key.endsWith('/') && specifier.startsWith(key))
        .sort((a, b) => b.length - a.length)[0];
      return prefix ? map.imports[prefix] + specifier.slice(prefix.length) : null;
    };
    const seen = new Set([entryUrl]);
    const queue = [entryUrl];
    const found = [];
    while (queue.length > 0) {
      const url = queue.shift();
      const text = url.startsWith('/assets/')
        ? ESM_ENTRY
        : (() => {
            const target = npmFile(url.slice('/npm/'.length));
            return target ? readFileSync(target.file, 'utf8') : null;
          })();
      if (text === null) continue;
      found.push(url);
      // Static imports and re-exports only (`import x from '…'`, `import '…'`, `export … from
      // '…'`); `import('…')` is left to run when the element asks for it.
      const pattern =
        /(?:^|[;\s}])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"'\n]+)["']/g;
      for (const [, specifier] of text.matchAll(pattern)) {
        const next = resolve(specifier, url);
        if (next && !seen.has(next) && next.startsWith('/npm/')) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    return found;
  }

  /**
   * `<head>` lines that load the element and start its first request, for one page: `hints`
   * (connection, preload) go first, before the style sheets; `scripts` after them.
   */
  function loaderTags({ variant, lang, sessionId, showsMethods }, requestOrigin) {
    const hints = [];
    const tags = [];
    if (!plain) {
      if (browserServerOrigin !== requestOrigin) {
        hints.push(
          `<link rel="preconnect" href="${escapeHtml(browserServerOrigin)}" crossorigin="anonymous">`,
        );
      }
      // The element's first request, the same URL and mode (cors, no cookies sent to another
      // origin), so that the element's fetch picks up this answer instead of asking again.
      const methods = `${browserServerBase}/v1/sessions/${encodeURIComponent(sessionId)}/methods`;
      hints.push(
        `<link rel="preload" href="${escapeHtml(methods)}" as="fetch" crossorigin="anonymous">`,
      );
    }
    if (variant === 'esm') {
      const map = importMap(plain ? () => null : npmVersion);
      const entry = assetUrl('esm-checkout.js', fileVersion(ASSET_FILES['esm-checkout.js']));
      tags.push(`<script type="importmap">${JSON.stringify(map)}</script>`);
      if (!plain) {
        for (const url of staticModuleGraph(entry, map)) {
          tags.push(`<link rel="modulepreload" href="${escapeHtml(url)}">`);
        }
      }
      tags.push(`<script type="module" src="${escapeHtml(entry)}"></script>`);
      return { hints, scripts: tags };
    }
    const build = plain ? { files: [], version: null } : scriptBuild();
    const script = assetUrl('pay-checkout.js', build.version);
    tags.push(
      plain
        ? `<script src="${escapeHtml(script)}" defer></script>`
        : `<script src="${escapeHtml(script)}" defer fetchpriority="high"></script>`,
    );
    if (!plain) {
      // What the script loads as soon as it runs, next to itself: the methods step and the
      // page's language.
      const wanted = [showsMethods ? 'methods' : null, lang === 'en' ? null : lang].filter(Boolean);
      for (const part of wanted) {
        const name = `pay-checkout.${part}.js`;
        if (build.files.includes(join(elementDist, name))) {
          tags.push(
            `<link rel="modulepreload" href="${escapeHtml(assetUrl(name, build.version))}">`,
          );
        }
      }
    }
    return { hints, scripts: tags };
  }

  /**
   * A whole page.
   * @param {{ lang: string, theme: string, title: string, body: string,
   *   head?: { hints: string[], scripts: string[] }, header?: string, query: string }} view
   *   `query` carries the page variant, language and theme to the links.
   */
  function page({
    lang,
    theme,
    title,
    body,
    head = { hints: [], scripts: [] },
    header = '',
    query,
  }) {
    const texts = TEXTS[lang];
    const styles = [
      `<link rel="stylesheet" href="${escapeHtml(assetUrl('shop.css', fileVersion(ASSET_FILES['shop.css'])))}">`,
    ];
    if (theme !== 'light') {
      const name = `themes/${theme}.css`;
      styles.push(
        `<link rel="stylesheet" href="${escapeHtml(assetUrl(name, fileVersion(ASSET_FILES[name])))}">`,
      );
    }
    return `<!doctype html>
<html lang="${escapeHtml(lang)}" dir="${RTL_LANGUAGES.has(lang) ? 'rtl' : 'ltr'}"${
      theme === 'light' ? '' : ` class="pay-theme-${escapeHtml(theme)}"`
    }>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — ${escapeHtml(texts.brand)}</title>
${[...head.hints, ...styles, ...head.scripts].join('\n')}
</head>
<body>
<header><a class="brand" href="/${escapeHtml(query)}">${escapeHtml(texts.brand)}</a>${header}</header>
<main>${body}</main>
</body>
</html>`;
  }

  /** The language and theme pickers of the checkout and return pages (a GET form to itself). */
  function displayPickers(url, lang, theme) {
    const texts = TEXTS[lang];
    const kept = [...url.searchParams].filter(([name]) => name !== 'lang' && name !== 'theme');
    return `<form method="get" action="${escapeHtml(url.pathname)}" aria-label="${escapeHtml(texts.display)}">
${kept.map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('\n')}
<label>${escapeHtml(texts.language)} <select name="lang">${optionList(LANGUAGES, lang)}</select></label>
<label>${escapeHtml(texts.theme)} <select name="theme">${optionList(themeNames(texts), theme)}</select></label>
<button type="submit" class="secondary">${escapeHtml(texts.apply)}</button>
</form>`;
  }

  function themeNames(texts) {
    return Object.fromEntries(THEMES.map((name) => [name, texts.themes[name]]));
  }

  /** The product page; `selection` preselects what the customer chose before (`Apply`). */
  function productPage(selection) {
    const { lang, theme } = selection;
    const texts = TEXTS[lang];
    return page({
      lang,
      theme,
      query: pageQuery(selection),
      title: texts.shopTitle,
      body: `<div class="card">
<h1>${escapeHtml(texts.productName)}</h1>
<p class="muted">${escapeHtml(texts.productDescription)}</p>
<form method="post" action="/checkout">
<p><label>${escapeHtml(texts.shipTo)} <select name="market">${priceList(texts, selection.market)}</select></label></p>
<p><label>${escapeHtml(texts.quantity)} <select name="quantity">${[1, 2, 3]
        .map(
          (n) => `<option value="${n}"${n === selection.quantity ? ' selected' : ''}>${n}</option>`,
        )
        .join('')}</select></label></p>
<p><label>${escapeHtml(texts.checkoutPage)} <select name="page">${optionList(texts.pages, selection.variant)}</select></label></p>
<p><label>${escapeHtml(texts.language)} <select name="lang">${optionList(LANGUAGES, lang)}</select></label></p>
<p><label>${escapeHtml(texts.theme)} <select name="theme">${optionList(themeNames(texts), theme)}</select></label></p>
<p class="actions"><button type="submit">${escapeHtml(texts.buyNow)}</button>
<button type="submit" class="secondary" formmethod="get" formaction="/">${escapeHtml(texts.apply)}</button></p>
</form>
</div>`,
    });
  }

  async function createSession(country, quantity, scenario, view) {
    const market = MARKETS[country];
    const texts = TEXTS[view.lang];
    const amount = { value: market.price.value * quantity, currency: market.price.currency };
    // The shop's own order number. A "-fail" suffix is the provider sandbox's failure trigger.
    const reference = `demo-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}${
      scenario === 'fail' ? '-fail' : ''
    }`;
    const response = await fetch(`${serverUrl}/v1/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        amount,
        reference,
        country,
        returnUrl: `${shopUrl}/order/complete${pageQuery(view)}`,
        description: texts.orderDescription(quantity, texts.productName),
        locale: market.locale,
        customer: { email: 'ana.demo@example.com', name: 'Ana Demo' },
      }),
    });
    const body = await response.json();
    if (!response.ok)
      throw new Error(`pay-checkout answered ${response.status}: ${JSON.stringify(body)}`);
    return body;
  }

  /** Page variant, language and theme of a request (query string or form), defaults if absent. */
  function viewOf(params) {
    return {
      variant: pick(params.get('page'), Object.keys(PAGES), 'script'),
      lang: pick(params.get('lang'), Object.keys(LANGUAGES), 'en'),
      theme: pick(params.get('theme'), THEMES, 'light'),
    };
  }

  async function serveAsset(req, res, path, cacheControl, send, texts) {
    const sent = await assets.send(req, res, path, { cacheControl });
    if (!sent) send(404, 'text/plain; charset=utf-8', texts.errors.notFound);
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', shopUrl);
    const send = (status, type, body, headers = {}) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
      res.end(body);
    };
    const view = viewOf(url.searchParams);
    let texts = TEXTS[view.lang];
    const isGet = req.method === 'GET' || req.method === 'HEAD';
    try {
      if (isGet && url.pathname === '/') {
        const quantity = Number(url.searchParams.get('quantity'));
        return send(
          200,
          'text/html; charset=utf-8',
          productPage({
            ...view,
            market: pick(url.searchParams.get('market'), Object.keys(MARKETS), 'DE'),
            quantity: [1, 2, 3].includes(quantity) ? quantity : 1,
          }),
        );
      }
      if (req.method === 'POST' && url.pathname === '/checkout') {
        const form = new URLSearchParams(await readBody(req));
        const chosen = viewOf(form);
        texts = TEXTS[chosen.lang];
        const quantity = Number(form.get('quantity') ?? '1');
        if (!Number.isInteger(quantity) || quantity < 1 || quantity > 10) {
          return send(400, 'text/plain; charset=utf-8', texts.errors.quantity);
        }
        const country = form.get('market') ?? 'DE';
        if (!Object.hasOwn(MARKETS, country)) {
          return send(400, 'text/plain; charset=utf-8', texts.errors.market);
        }
        const session = await createSession(
          country,
          quantity,
          url.searchParams.get('scenario'),
          chosen,
        );
        return send(303, 'text/plain', '', {
          location: `/checkout?session=${encodeURIComponent(session.id)}${pageQuery(chosen, '&')}`,
        });
      }
      if (isGet && (url.pathname === '/checkout' || url.pathname === '/order/complete')) {
        const sessionId =
          url.searchParams.get('session') ?? url.searchParams.get('pay_checkout_session');
        if (!sessionId) return send(303, 'text/plain', '', { location: `/${pageQuery(view)}` });
        const checkout = url.pathname === '/checkout';
        const heading = checkout ? texts.checkoutTitle : texts.orderTitle;
        const query = pageQuery(view);
        const head = loaderTags(
          { ...view, sessionId, showsMethods: checkout },
          `http://${req.headers.host ?? `${host}:${port}`}`,
        );
        return send(
          200,
          'text/html; charset=utf-8',
          page({
            lang: view.lang,
            theme: view.theme,
            query,
            title: heading,
            head,
            header: displayPickers(url, view.lang, view.theme),
            body: `<h1>${escapeHtml(heading)}</h1>
<pay-checkout session="${escapeHtml(sessionId)}" server="${escapeHtml(browserServerUrl)}"></pay-checkout>
<p class="muted"><a href="/${escapeHtml(query)}">${escapeHtml(texts.backToShop)}</a></p>`,
          }),
          view.variant === 'strict' ? { 'content-security-policy': csp } : {},
        );
      }
      if (req.method === 'POST' && url.pathname === '/_demo/restart-server') {
        if (!options.restartServer || !isLoopback(req.socket.remoteAddress)) {
          return send(404, 'text/plain; charset=utf-8', texts.errors.notFound);
        }
        await options.restartServer();
        return send(200, 'application/json', '{"restarted":true}');
      }
      if (isGet && url.pathname.startsWith('/npm/')) {
        const target = npmFile(url.pathname.slice('/npm/'.length));
        if (!target) return send(404, 'text/plain', texts.errors.notFound);
        return serveAsset(
          req,
          res,
          target.file,
          cacheFor(target.requested, npmVersion(target.name)),
          send,
          texts,
        );
      }
      // The shop's own files and the element's themes, under /assets/[<version>/]<name>.
      const own =
        /^\/assets\/(?:([0-9a-f]{12})\/)?(shop\.css|esm-checkout\.js|themes\/(?:light|dark)\.css)$/.exec(
          url.pathname,
        );
      if (isGet && own) {
        const path = ASSET_FILES[own[2]];
        const cacheControl = plain
          ? path.startsWith('shop:')
            ? 'no-store'
            : undefined
          : cacheFor(own[1] ?? null, fileVersion(path));
        return serveAsset(req, res, path, cacheControl, send, texts);
      }
      // The script-tag build and the files it loads lazily (status stream, methods step, QR
      // step, languages), which share the script's version: they are loaded next to it.
      const asset = /^\/assets\/(?:([0-9a-f]{12})\/)?(pay-checkout(?:\.[\w-]+)?\.js(\.map)?)$/.exec(
        url.pathname,
      );
      if (isGet && asset) {
        const file = join(elementDist, asset[2]);
        if (!existsSync(file)) {
          return send(
            asset[2] === 'pay-checkout.js' ? 503 : 404,
            'text/plain; charset=utf-8',
            texts.errors.notBuilt,
          );
        }
        return serveAsset(
          req,
          res,
          file,
          cacheFor(asset[1] ?? null, scriptBuild().version),
          send,
          texts,
        );
      }
      if (isGet && url.pathname === '/favicon.ico') {
        return send(204, 'image/x-icon', '');
      }
      if (isGet && url.pathname === '/healthz') {
        return send(200, 'application/json', '{"status":"ok"}');
      }
      send(404, 'text/plain; charset=utf-8', texts.errors.notFound);
    } catch (error) {
      console.error('[shop]', error);
      if (res.headersSent) res.destroy();
      else send(502, 'text/plain; charset=utf-8', texts.errors.unreachable);
    }
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      shopUrl = `http://${host}:${address.port}`;
      // The script-tag build is compressed before the first customer asks for it.
      assets.warm(scriptBuild().files).catch((error) => console.error('[shop]', error));
      resolve({
        url: shopUrl,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > 16_384) {
        reject(new Error('form too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
