/**
 * @module
 * The console's built app (`@pay-checkout/console`'s `dist/`), served under `/console/`: files
 * by path, `index.html` for every other path (history-style deep links such as
 * `/console/orders/ord_x`), each read when asked for, so a rebuild needs no restart. The HTML
 * carries the console's strict Content-Security-Policy. Without a build, the app's paths answer
 * 503 with how to build it.
 */
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve, sep } from 'node:path';

/** The policy of the console's HTML. */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Where the built console is: the package's `dist/`, or null when the package is not found. */
export function consoleDistDir(): string | null {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('@pay-checkout/console/package.json')), 'dist');
  } catch {
    return null;
  }
}

const NOT_BUILT =
  'The operator console is not built. Build it with `pnpm --filter @pay-checkout/console build` ' +
  '(it writes packages/console/dist), then reload this page.';

/** A file of the build, or null when there is none at `relative`. */
async function fileOf(dist: string, relative: string): Promise<Buffer | null> {
  const path = resolve(dist, relative);
  if (path !== dist && !path.startsWith(dist + sep)) return null;
  try {
    if (!(await stat(path)).isFile()) return null;
    return await readFile(path);
  } catch {
    return null;
  }
}

/** The answer to `GET /console/<relative>` from the build in `dist`. */
export async function serveConsoleFile(dist: string | null, relative: string): Promise<Response> {
  const html = (body: Buffer | string, status = 200) =>
    new Response(new Uint8Array(typeof body === 'string' ? Buffer.from(body) : body), {
      status,
      headers: {
        'Content-Type': TYPES['.html'] as string,
        'Content-Security-Policy': CONSOLE_CSP,
        'Cache-Control': 'no-cache',
      },
    });
  const index = dist ? await fileOf(dist, 'index.html') : null;
  if (!dist || !index) {
    return new Response(NOT_BUILT, {
      status: 503,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    });
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    decoded = '';
  }
  if (decoded !== '' && decoded !== 'index.html' && !decoded.includes('\0')) {
    const file = await fileOf(dist, decoded);
    if (file) {
      const type = TYPES[extname(decoded).toLowerCase()] ?? 'application/octet-stream';
      if (type === TYPES['.html']) return html(file);
      return new Response(new Uint8Array(file), {
        headers: {
          'Content-Type': type,
          // Vite names assets by their content hash: they never change under their name.
          'Cache-Control': decoded.startsWith('assets/')
            ? 'public, max-age=31536000, immutable'
            : 'no-cache',
        },
      });
    }
    // A missing asset is a 404, not the app: a stale page would otherwise run HTML as script.
    if (decoded.startsWith('assets/') || /\.[a-z0-9]{1,8}$/i.test(decoded)) {
      return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain' } });
    }
  }
  return html(index);
}
