/**
 * @module
 * The logos `payment_service/linked/list` links to: `GET /logos/<service id>.svg`, a small
 * self-contained SVG badge with the service's name, so the list carries a real image URL (as
 * FuratPay's does) without anything loaded from elsewhere.
 */
import { Hono } from 'hono';
import type { ProviderContext } from '../../core/provider.js';
import { FURATPAY_SERVICES } from './types.js';

/** Where the emulator serves the logo of service `id`. */
export function logoUrl(ctx: ProviderContext, id: number): string {
  return `${ctx.publicUrl()}/furatpay/logos/${id}.svg`;
}

/** Service names are fixed ASCII words; anything else is refused rather than escaped. */
const SAFE_NAME = /^[A-Za-z0-9 ]{1,20}$/;

function badge(name: string): string {
  const width = 24 + name.length * 11;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${name}" ` +
    `width="${width}" height="40" viewBox="0 0 ${width} 40">` +
    `<rect width="${width}" height="40" rx="8" fill="#1f4d3a"/>` +
    `<text x="${width / 2}" y="26" text-anchor="middle" font-family="system-ui, sans-serif" ` +
    `font-size="18" font-weight="600" fill="#fff">${name}</text></svg>`
  );
}

/** Builds the logo routes (mounted at the provider prefix). */
export function createFuratPayLogos(): Hono {
  const app = new Hono();
  app.get('/logos/:file', (c) => {
    const match = /^(\d{1,4})\.svg$/.exec(c.req.param('file'));
    const service = match && FURATPAY_SERVICES.find((s) => s.id === Number(match[1]));
    if (!service || !SAFE_NAME.test(service.name)) return c.notFound();
    return c.body(badge(service.name), 200, {
      'Content-Type': 'image/svg+xml',
      'Cache-Control': 'public, max-age=86400',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
      'X-Content-Type-Options': 'nosniff',
    });
  });
  return app;
}
