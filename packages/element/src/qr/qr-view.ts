/**
 * @module
 * The QR code step of `<pay-checkout>`: the code (the provider's image, or one drawn from the
 * action's text), the readable payment code with a copy button, the app links, the countdown
 * and, once the time is up, the offer of a fresh code.
 *
 * Only QR methods need it, so it is a lazily loaded chunk. It is handed lit's template tags by
 * the element instead of importing lit, and its styles are a plain string the element adopts, so
 * that the script-tag build keeps a single copy of lit (one Trusted Types policy, one template
 * cache). App links only help on the phone that has the app, so they hide where a mouse points.
 */
import type { html as litHtml, nothing as litNothing, svg as litSvg, TemplateResult } from 'lit';
import type { QrAction } from '@pay-checkout/protocol';
import { enQr, type ElementTranslation } from '../translations/en.js';
import type { QrSvg } from './qr-encode.js';

/** The lit template tags the view renders with. */
export interface QrViewLit {
  html: typeof litHtml;
  svg: typeof litSvg;
  nothing: typeof litNothing;
}

/** What the view shows and what its buttons do. */
export interface QrViewState {
  /** The element's texts; English fills in what they lack of this step's own. */
  t: ElementTranslation;
  action: QrAction;
  /** The code drawn from `action.text`, once encoded. */
  qr: QrSvg | undefined;
  /** Milliseconds left before the code expires; `undefined` when it does not say. */
  left: number | undefined;
  copied: boolean;
  /** The code was copied; `announcement` says so in the element's language. */
  onCopied: (announcement: string) => void;
  onNewCode: () => void;
  onTryAnother: () => void;
  /** The element's own progress message. */
  message: TemplateResult;
}

/** A pointer that hovers precisely: a desktop, where the code is on another screen than the phone. */
const DESKTOP = '(hover:hover) and (pointer:fine)';

/** The QR step's styles, adopted by the element's shadow root when the step first loads. */
export const styles = `
.qr{display:grid;gap:.75rem;justify-items:center;text-align:center}
.qr-image{width:var(--pay-qr-size,12rem);max-width:100%;height:auto;aspect-ratio:1;image-rendering:pixelated}
.qr path{fill:var(--pay-color-qr,#000)}.qr-light{fill:var(--pay-color-qr-background,#fff)}
.code{display:flex;flex-wrap:wrap;align-items:center;justify-content:center;gap:.5rem}
.code strong{font-family:ui-monospace,monospace;font-size:1.125em;letter-spacing:.05em}
.small{min-height:2rem;padding:.125rem .75rem;font-size:.875em}
.links{display:flex;flex-wrap:wrap;justify-content:center;gap:.5rem;margin:0;padding:0;list-style:none}
.links a{color:var(--pay-color-primary,#1d4ed8);display:inline-block;padding:.5rem 1rem;border:1px solid;border-radius:var(--pay-radius-control,.5rem)}
@media ${DESKTOP}{.links,.phone{display:none}}
@media not (${DESKTOP}){.desk{display:none}.qr h2{order:-2}.links{order:-1}}
div.skeleton.qr-image{border-radius:var(--pay-radius-control,.5rem);background:var(--pay-color-surface,#f3f4f6);animation:pulse 1.5s ease-in-out infinite}
@media (prefers-reduced-motion:reduce){div.skeleton.qr-image{animation:none}}`;

// Schemes a deep link must never carry: they run code or smuggle content into the page.
const UNSAFE_SCHEMES = /^(javascript|data|vbscript|file|blob):$/;

/** What the live region says as the QR step appears: scan the code, or on a phone, pay in the app. */
export function qrAnnouncement(t: ElementTranslation): string {
  const texts = { ...enQr, ...t };
  return matchMedia(DESKTOP).matches ? texts.scanToPay : texts.payInApp;
}

/** What the live region says when the code runs out on screen. */
export function expiredText(t: ElementTranslation): string {
  return { ...enQr, ...t }.qrExpired;
}

/** Renders the QR step. */
export function renderQrView(
  { html, svg, nothing }: QrViewLit,
  state: QrViewState,
): TemplateResult {
  const { action, qr, left } = state;
  const t = { ...enQr, ...state.t };
  if (left === 0) {
    return html`
      <div part="status" class="status">
        <h2 part="heading" tabindex="-1" data-focus>${t.qrExpired}</h2>
        <button part="action" class="primary" type="button" @click=${state.onNewCode}>
          ${t.newCode}
        </button>
        <button part="action" class="secondary" type="button" @click=${state.onTryAnother}>
          ${t.tryAnotherMethod}
        </button>
      </div>
    `;
  }
  const image = action.image?.startsWith('data:image/') ? action.image : undefined;
  const links = (action.deepLinks ?? []).filter((link) => isSafeLink(link.url));
  const copy = (event: Event) => {
    const target = (event.currentTarget as HTMLElement).previousElementSibling;
    // Without the clipboard API (insecure page, old browser) the code is selected for copying.
    const select = () => target && getSelection()?.selectAllChildren(target);
    if (navigator.clipboard)
      navigator.clipboard.writeText(action.code ?? '').then(() => state.onCopied(t.copied), select);
    else select();
  };
  return html`
    <div part="qr" class="qr">
      <h2 part="heading" tabindex="-1" data-focus>
        <span class="desk">${t.scanToPay}</span><span class="phone">${t.payInApp}</span>
      </h2>
      ${
        image
          ? html`<img part="qr-image" class="qr-image" src=${image} alt=${t.qrImage} />`
          : qr
            ? html`<svg
                part="qr-image"
                class="qr-image"
                role="img"
                aria-label=${t.qrImage}
                viewBox="0 0 ${qr.size} ${qr.size}"
                shape-rendering="crispEdges"
              >
                ${svg`<rect width="100%" height="100%" class="qr-light"></rect><path d=${qr.path}></path>`}
              </svg>`
            : action.text
              ? html`<div class="qr-image skeleton" aria-hidden="true"></div>`
              : nothing
      }
      ${
        action.code
          ? html`<p class="code">
              <span>${t.paymentCode}:</span>
              <strong part="qr-code" dir="ltr">${action.code}</strong>
              <button part="copy" class="secondary small" type="button" @click=${copy}>
                ${state.copied ? t.copied : t.copy}
              </button>
            </p>`
          : nothing
      }
      ${
        links.length
          ? html`<ul part="links" class="links">
              ${links.map(
                (link) =>
                  html`<li>
                    <a href=${link.url} rel="noopener noreferrer">${t.openIn(link.label)}</a>
                  </li>`,
              )}
            </ul>`
          : nothing
      }
      ${
        left !== undefined
          ? html`<p part="countdown" class="muted" role="timer">${t.expiresIn(clock(left))}</p>`
          : nothing
      }
      ${state.message}
    </div>
  `;
}

/** `m:ss` for a duration in milliseconds, rounded up so "0:00" only shows when time is up. */
export function clock(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

function isSafeLink(url: string): boolean {
  try {
    return !UNSAFE_SCHEMES.test(new URL(url).protocol);
  } catch {
    return false;
  }
}
