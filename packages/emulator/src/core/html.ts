/**
 * @module
 * Helpers for the providers' hosted pages: one self-contained page layout (inline CSS,
 * no external assets, so pages work offline and under a strict CSP), the response that serves it,
 * and the Pay / Fail / Cancel buttons every emulated payment page offers.
 */
import type { Context } from 'hono';
import { html, raw } from 'hono/html';

/**
 * Markup built with Hono's `html` tagged template (`hono/html`), which escapes every interpolated
 * string unless it is itself such markup or marked with `raw` — never pass outside input to `raw`.
 */
export type SafeHtml = ReturnType<typeof html>;

/** Hosted pages interpolate no promises, so their markup is always ready. */
function settled(markup: SafeHtml): string {
  if (markup instanceof Promise) throw new TypeError('A hosted page cannot wait for markup');
  return markup.toString();
}

/** Options of {@link renderPage}. */
export interface PageOptions {
  /** The document title and the visible heading. */
  title: string;
  /** The provider's name, shown above the heading. */
  brand: string;
  /** The page's main content. */
  body: SafeHtml;
  /** Language of the page text. */
  lang?: string;
}

const STYLE = `
:root { color-scheme: light dark; --accent: #1f4d3a; --accent-text: #fff; --muted: #5b6470;
  --border: #d7dce1; --surface: #fff; --page: #f3f5f7; --danger: #9b1c1c; }
@media (prefers-color-scheme: dark) { :root { --accent: #7fd1ae; --accent-text: #0b1f17;
  --muted: #aab3bd; --border: #3a424b; --surface: #1b1f24; --page: #111417; --danger: #f08a8a; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; padding: 1.5rem;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--page); }
main { width: 100%; max-width: 26rem; background: var(--surface); border: 1px solid var(--border);
  border-radius: 12px; padding: 1.75rem; }
.brand { margin: 0 0 .25rem; font-size: .85rem; letter-spacing: .06em; text-transform: uppercase;
  color: var(--muted); }
h1 { margin: 0 0 1.25rem; font-size: 1.4rem; }
dl { display: grid; grid-template-columns: auto 1fr; gap: .4rem 1rem; margin: 0 0 1.5rem; }
dt { color: var(--muted); } dd { margin: 0; text-align: right; overflow-wrap: anywhere; }
.amount { font-size: 1.25rem; font-weight: 600; }
.actions { display: grid; gap: .6rem; }
form { margin: 0; }
button { width: 100%; padding: .75rem 1rem; font: inherit; font-weight: 600; border-radius: 8px;
  border: 1px solid var(--border); background: transparent; color: inherit; cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-text); }
button.danger { color: var(--danger); }
button:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.note { margin: 1.25rem 0 0; font-size: .85rem; color: var(--muted); }
a { color: inherit; }
`;

/** Renders a complete HTML document in the shared hosted-page layout. */
export function renderPage(options: PageOptions): string {
  const page = html`<!doctype html>
    <html lang="${options.lang ?? 'en'}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>${options.title} · ${options.brand}</title>
        <style>
          ${raw(STYLE)}
        </style>
      </head>
      <body>
        <main>
          <p class="brand">${options.brand}</p>
          <h1>${options.title}</h1>
          ${options.body}
        </main>
      </body>
    </html> `;
  return settled(page);
}

/** Headers every hosted page is served with: no caching, no framing, nothing loaded from elsewhere. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
});

/** The statuses a hosted page is served with. */
export type PageStatus = 200 | 400 | 404 | 409;

/** Serves a hosted page. */
export type PageResponder = (
  c: Context,
  status: PageStatus,
  title: string,
  body: SafeHtml,
) => Response;

/** A {@link PageResponder} for one provider: {@link renderPage} under `brand`, with {@link PAGE_HEADERS}. */
export function pageResponder(brand: string): PageResponder {
  return (c, status, title, body) =>
    c.body(renderPage({ title, brand, body }), status, { ...PAGE_HEADERS });
}

/** What the customer may choose on an emulated payment page. */
export type OutcomeAction = 'pay' | 'fail' | 'cancel';

/** True for `pay`, `fail` and `cancel`. */
export function isOutcomeAction(value: string): value is OutcomeAction {
  return value === 'pay' || value === 'fail' || value === 'cancel';
}

/** A form with one submit button that posts to `action` (a URL relative to the page). */
export function postButton(action: string, label: string, kind: string): SafeHtml {
  return html`<form method="post" action="${action}">
    <button type="submit" class="${kind}">${label}</button>
  </form>`;
}

/** The Pay, Fail and Cancel buttons, posting to `<base>/pay`, `<base>/fail` and `<base>/cancel`. */
export function outcomeButtons(base: string): SafeHtml {
  return html`<div class="actions" role="group" aria-label="Payment outcome">
    ${postButton(`${base}/pay`, 'Pay', 'primary')} ${postButton(`${base}/fail`, 'Fail', 'danger')}
    ${postButton(`${base}/cancel`, 'Cancel', 'secondary')}
  </div>`;
}
