/**
 * @module
 * The demo shop: one product, a cart total, and a merchant backend that creates checkout
 * sessions with the secret key — the way a real shop integrates pay-checkout. The checkout and
 * return pages embed `<pay-checkout>` in one of three ways, picked on the product page:
 * - `script` (default): the script-tag build, `<script src=".../pay-checkout.js" defer>`;
 * - `esm`: the npm package's ES modules, as a bundler-less app loads them (an import map);
 * - `strict`: the script tag on a page served with a strict Content-Security-Policy (no inline
 *   script or style, Trusted Types required), proving the element needs nothing more.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatMoney } from '@pay-checkout/protocol/money';

const elementDist = fileURLToPath(new URL('../packages/element/dist/', import.meta.url));

/** The checkout page variants: how the page embeds the element. */
export const PAGES = {
  script: 'Script tag',
  esm: 'npm package (ES modules)',
  strict: 'Script tag, strict CSP',
};

/** Languages the demo pages can be shown in (the element follows the page's `lang`). */
export const LANGUAGES = {
  en: 'English',
  es: 'Español',
  'pt-BR': 'Português (Brasil)',
  de: 'Deutsch',
  ar: 'العربية',
};

/** Package folders the ES-module page may load files from, by import-map prefix. */
function npmFolders() {
  const require = createRequire(new URL('../packages/element/package.json', import.meta.url));
  const folderOf = (name, from = require) => {
    let dir = dirname(from.resolve(name));
    while (!existsSync(join(dir, 'package.json')) || !dir.endsWith(name.split('/').pop())) {
      dir = dirname(dir);
    }
    return dir;
  };
  const lit = folderOf('lit');
  const fromLit = createRequire(join(lit, 'package.json'));
  return {
    lit,
    'lit-html': folderOf('lit-html', fromLit),
    'lit-element': folderOf('lit-element', fromLit),
    '@lit/reactive-element': folderOf('@lit/reactive-element', fromLit),
    ky: folderOf('ky'),
    // Our own packages: only their builds.
    '@pay-checkout/element': fileURLToPath(new URL('../packages/element/dist', import.meta.url)),
    '@pay-checkout/protocol': fileURLToPath(new URL('../packages/protocol/dist', import.meta.url)),
  };
}

/** The import map of the ES-module page: bare specifiers → files under `/npm/`. */
const IMPORT_MAP = {
  imports: {
    lit: '/npm/lit/index.js',
    'lit/': '/npm/lit/',
    'lit-html': '/npm/lit-html/lit-html.js',
    'lit-html/': '/npm/lit-html/',
    'lit-element/': '/npm/lit-element/',
    '@lit/reactive-element': '/npm/@lit/reactive-element/reactive-element.js',
    '@lit/reactive-element/': '/npm/@lit/reactive-element/',
    ky: '/npm/ky/distribution/index.js',
    '@pay-checkout/element/define': '/npm/@pay-checkout/element/define.js',
    '@pay-checkout/protocol/money': '/npm/@pay-checkout/protocol/money.js',
    '@pay-checkout/protocol/status': '/npm/@pay-checkout/protocol/status.js',
  },
};

/** The module the ES-module page loads, as an application's own code would import the package. */
const ESM_ENTRY = `import '@pay-checkout/element/define';\n`;

/** What the shop sells. Prices live here, on the merchant's server, never in the browser. */
export const PRODUCT = {
  sku: 'espresso-beans-1kg',
  name: 'Espresso beans, 1 kg',
  description: 'Single-origin, roasted this week in Berlin.',
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

const STYLE = `
  :root { color-scheme: light; font-family: system-ui, sans-serif; }
  body { margin: 0; background: #f6f7f9; color: #1d2330; }
  header { background: #1d2330; color: #fff; padding: 1rem 2rem; }
  header a { color: inherit; text-decoration: none; font-weight: 600; }
  main { max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
  .card { background: #fff; border-radius: 12px; padding: 1.5rem; box-shadow: 0 1px 3px #0002; }
  .total { font-size: 1.25rem; font-weight: 600; }
  button, select { font: inherit; padding: .6rem 1rem; border-radius: 8px; }
  button { background: #2450d6; color: #fff; border: 0; cursor: pointer; }
  .muted { color: #5b6475; }
`;

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body, { script = false, variant = 'script', lang = 'en' } = {}) {
  const loader = !script
    ? ''
    : variant === 'esm'
      ? `<script type="importmap">${JSON.stringify(IMPORT_MAP)}</script>
<script type="module" src="/assets/esm-checkout.js"></script>`
      : '<script src="/assets/pay-checkout.js" defer></script>';
  return `<!doctype html>
<html lang="${escapeHtml(lang)}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — Demo Coffee</title>
<link rel="stylesheet" href="/assets/shop.css">
${loader}
</head>
<body>
<header><a href="/">Demo Coffee</a></header>
<main>${body}</main>
</body>
</html>`;
}

function optionList(entries) {
  return Object.entries(entries)
    .map(([value, label]) => `<option value="${escapeHtml(value)}">${escapeHtml(label)}</option>`)
    .join('');
}

/** Loopback addresses only: the demo's control routes are for the machine it runs on. */
function isLoopback(address) {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function priceList() {
  return Object.entries(MARKETS)
    .map(
      ([code, market]) =>
        `<option value="${code}">${escapeHtml(market.label)} — ${escapeHtml(formatMoney(market.price, market.locale))}</option>`,
    )
    .join('');
}

/**
 * Starts the shop.
 * @param {{ port: number, host: string, serverUrl: string, browserServerUrl?: string,
 *   secretKey: string, restartServer?: () => Promise<void> }} options
 *   `serverUrl` is how the shop's backend reaches pay-checkout; `browserServerUrl` how the
 *   customer's browser does (the same unless behind a proxy). `restartServer`, when given, is
 *   offered to local callers as `POST /_demo/restart-server` (demos and tests of reconnection).
 */
export function startShop(options) {
  const { port, host, serverUrl, secretKey } = options;
  const browserServerUrl = options.browserServerUrl ?? serverUrl;
  let shopUrl = `http://${host}:${port}`;
  const npm = npmFolders();
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src ${new URL(browserServerUrl).origin}`,
    "img-src 'self' data:",
    "base-uri 'none'",
    "object-src 'none'",
    "form-action 'self'",
    "require-trusted-types-for 'script'",
  ].join('; ');

  async function createSession(country, quantity, scenario, variant, lang) {
    const market = MARKETS[country];
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
        returnUrl: `${shopUrl}/order/complete${pageQuery(variant, lang)}`,
        description: `${quantity} × ${PRODUCT.name}`,
        locale: market.locale,
        customer: { email: 'ana.demo@example.com', name: 'Ana Demo' },
      }),
    });
    const body = await response.json();
    if (!response.ok)
      throw new Error(`pay-checkout answered ${response.status}: ${JSON.stringify(body)}`);
    return body;
  }

  function pageQuery(variant, lang, first = '?') {
    const query = new URLSearchParams();
    if (variant !== 'script') query.set('page', variant);
    if (lang !== 'en') query.set('lang', lang);
    const text = query.toString();
    return text ? `${first}${text}` : '';
  }

  function checkoutBody(sessionId, heading) {
    return `<div class="card">
<h1>${escapeHtml(heading)}</h1>
<pay-checkout session="${escapeHtml(sessionId)}" server="${escapeHtml(browserServerUrl)}"></pay-checkout>
</div>
<p class="muted"><a href="/">Back to the shop</a></p>`;
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', shopUrl);
    const send = (status, type, body, headers = {}) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
      res.end(body);
    };
    try {
      if (req.method === 'GET' && url.pathname === '/') {
        return send(
          200,
          'text/html; charset=utf-8',
          page(
            'Shop',
            `<div class="card">
<h1>${escapeHtml(PRODUCT.name)}</h1>
<p class="muted">${escapeHtml(PRODUCT.description)}</p>
<form method="post" action="/checkout">
<p><label>Ship to <select name="market">${priceList()}</select></label></p>
<p><label>Quantity <select name="quantity">${[1, 2, 3]
              .map((n) => `<option value="${n}">${n}</option>`)
              .join('')}</select></label></p>
<p><label>Checkout page <select name="page">${optionList(PAGES)}</select></label></p>
<p><label>Language <select name="lang">${optionList(LANGUAGES)}</select></label></p>
<button type="submit">Buy now</button>
</form>
</div>`,
          ),
        );
      }
      if (req.method === 'POST' && url.pathname === '/checkout') {
        const form = new URLSearchParams(await readBody(req));
        const quantity = Number(form.get('quantity') ?? '1');
        if (!Number.isInteger(quantity) || quantity < 1 || quantity > 10) {
          return send(400, 'text/plain; charset=utf-8', 'Quantity must be between 1 and 10.');
        }
        const country = form.get('market') ?? 'DE';
        if (!Object.hasOwn(MARKETS, country)) {
          return send(400, 'text/plain; charset=utf-8', 'We do not ship there.');
        }
        const variant = Object.hasOwn(PAGES, form.get('page') ?? '') ? form.get('page') : 'script';
        const lang = Object.hasOwn(LANGUAGES, form.get('lang') ?? '') ? form.get('lang') : 'en';
        const session = await createSession(
          country,
          quantity,
          url.searchParams.get('scenario'),
          variant,
          lang,
        );
        return send(303, 'text/plain', '', {
          location: `/checkout?session=${encodeURIComponent(session.id)}${pageQuery(variant, lang, '&')}`,
        });
      }
      if (
        req.method === 'GET' &&
        (url.pathname === '/checkout' || url.pathname === '/order/complete')
      ) {
        const sessionId =
          url.searchParams.get('session') ?? url.searchParams.get('pay_checkout_session');
        if (!sessionId) return send(303, 'text/plain', '', { location: '/' });
        const heading = url.pathname === '/checkout' ? 'Checkout' : 'Your order';
        const variant = Object.hasOwn(PAGES, url.searchParams.get('page') ?? '')
          ? url.searchParams.get('page')
          : 'script';
        const lang = Object.hasOwn(LANGUAGES, url.searchParams.get('lang') ?? '')
          ? url.searchParams.get('lang')
          : 'en';
        return send(
          200,
          'text/html; charset=utf-8',
          page(heading, checkoutBody(sessionId, heading), { script: true, variant, lang }),
          variant === 'strict' ? { 'content-security-policy': csp } : {},
        );
      }
      if (req.method === 'POST' && url.pathname === '/_demo/restart-server') {
        if (!options.restartServer || !isLoopback(req.socket.remoteAddress)) {
          return send(404, 'text/plain; charset=utf-8', 'Not found');
        }
        await options.restartServer();
        return send(200, 'application/json', '{"restarted":true}');
      }
      if (req.method === 'GET' && url.pathname === '/assets/esm-checkout.js') {
        return send(200, 'text/javascript; charset=utf-8', ESM_ENTRY);
      }
      if (req.method === 'GET' && url.pathname.startsWith('/npm/')) {
        return serveNpm(url.pathname.slice('/npm/'.length), res, send);
      }
      if (req.method === 'GET' && url.pathname === '/assets/shop.css') {
        return send(200, 'text/css; charset=utf-8', STYLE);
      }
      // The script-tag build and the files it loads lazily (status stream, QR step, languages).
      const asset = /^\/assets\/(pay-checkout(?:\.[\w-]+)?\.js)$/.exec(url.pathname);
      if (req.method === 'GET' && asset) {
        const file = join(elementDist, asset[1]);
        if (!existsSync(file)) {
          return send(
            asset[1] === 'pay-checkout.js' ? 503 : 404,
            'text/plain',
            'The element is not built yet: run pnpm build.',
          );
        }
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
        return createReadStream(file).pipe(res);
      }
      if (req.method === 'GET' && url.pathname === '/favicon.ico') {
        return send(204, 'image/x-icon', '');
      }
      if (req.method === 'GET' && url.pathname === '/healthz') {
        return send(200, 'application/json', '{"status":"ok"}');
      }
      send(404, 'text/plain; charset=utf-8', 'Not found');
    } catch (error) {
      console.error('[shop]', error);
      send(502, 'text/plain; charset=utf-8', 'The payment service could not be reached.');
    }
  });

  /** Serves a `.js` file of one of the allowed packages, never anything outside its folder. */
  function serveNpm(path, res, send) {
    const name = Object.keys(npm).find((prefix) => path.startsWith(`${prefix}/`));
    if (!name || !path.endsWith('.js')) return send(404, 'text/plain', 'Not found');
    const folder = npm[name];
    const file = normalize(join(folder, path.slice(name.length + 1)));
    if (!file.startsWith(folder + sep) || !existsSync(file)) {
      return send(404, 'text/plain', 'Not found');
    }
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
    return createReadStream(file).pipe(res);
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      shopUrl = `http://${host}:${address.port}`;
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
