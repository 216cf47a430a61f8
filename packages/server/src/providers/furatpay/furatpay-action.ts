/**
 * @module
 * What the customer gets from FuratPay's service-specific pay answer, as the contract's action
 * (docs/providers/furatpay.md):
 * - FIB: `qrCode` (PNG data URL), `readableCode`, three app links and `validUntil` → a QR action;
 * - FastPay: `data.qrText` (and `data.qrUrl` when it is a data URL) → a QR action whose deep link
 *   is `data.redirect_uri`; without QR data, a redirect there;
 * - QiCard `formUrl`, PayTabs `redirect_url`, ZainCash and the rest `data.redirect_uri` / `url` /
 *   `data.url` → a redirect.
 */
import type { Action, QrAction } from '@pay-checkout/protocol';
import { ApiError } from '../../core/api-error.js';

const MAX_IMAGE_CHARS = 2 * 1024 * 1024;
const UNSAFE_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:']);

const FIB_LINKS = [
  ['personalAppLink', 'FIB Personal'],
  ['businessAppLink', 'FIB Business'],
  ['corporateAppLink', 'FIB Corporate'],
] as const;

function text(value: unknown, max = 4096): string | undefined {
  return typeof value === 'string' && value.trim() !== '' && value.length <= max
    ? value.trim()
    : undefined;
}

function object(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** An http(s) URL, or undefined. */
function webUrl(value: unknown): string | undefined {
  const candidate = text(value, 2048);
  if (!candidate || !/^https?:\/\//i.test(candidate) || !URL.canParse(candidate)) return undefined;
  return candidate;
}

/** An app or web link that is safe to put in an `<a href>`, or undefined. */
function appLink(value: unknown): string | undefined {
  const candidate = text(value, 2048);
  if (!candidate || !URL.canParse(candidate)) return undefined;
  return UNSAFE_SCHEMES.has(new URL(candidate).protocol.toLowerCase()) ? undefined : candidate;
}

/** A `data:image/…;base64,` URL, or undefined. */
function imageDataUrl(value: unknown): string | undefined {
  const candidate = text(value, MAX_IMAGE_CHARS);
  return candidate &&
    /^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]+$/.test(candidate)
    ? candidate
    : undefined;
}

/** An ISO 8601 instant in UTC, or undefined. */
function instant(value: unknown): string | undefined {
  const candidate = text(value, 64);
  if (!candidate) return undefined;
  const ms = Date.parse(candidate);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** Reduces a FuratPay pay answer to the browser's next step; throws when there is none. */
export function furatPayAction(answer: Record<string, unknown>): Action {
  const data = object(answer['data']);
  const fib = { ...data, ...answer };
  const image = imageDataUrl(fib['qrCode']);
  const code = text(fib['readableCode'], 64);
  if (image || code) {
    const deepLinks = FIB_LINKS.flatMap(([field, label]) => {
      const url = appLink(fib[field]);
      return url ? [{ label, url }] : [];
    });
    const expiresAt = instant(fib['validUntil']);
    const action: QrAction = {
      type: 'qr',
      ...(image ? { image } : {}),
      ...(code ? { code } : {}),
      ...(deepLinks.length ? { deepLinks } : {}),
      ...(expiresAt ? { expiresAt } : {}),
    };
    return action;
  }

  const redirect =
    webUrl(answer['formUrl']) ??
    webUrl(answer['redirect_url']) ??
    webUrl(data['redirect_uri']) ??
    webUrl(answer['url']) ??
    webUrl(data['url']);
  const qrText = text(data['qrText']);
  const qrImage = imageDataUrl(data['qrUrl']);
  if (qrText || qrImage) {
    return {
      type: 'qr',
      ...(qrImage ? { image: qrImage } : {}),
      ...(qrText ? { text: qrText } : {}),
      ...(redirect ? { deepLinks: [{ label: 'FastPay', url: redirect }] } : {}),
    };
  }
  if (redirect) return { type: 'redirect', url: redirect };
  throw new ApiError(502, 'provider_error', 'FuratPay answered without a usable payment link', {
    retryable: false,
  });
}
