/**
 * @module
 * The console's sign-in and its guards. An operator signs in once with `PAY_CHECKOUT_CONSOLE_KEY`
 * (compared as SHA-256 digests with `timingSafeEqual`); the answer sets an HttpOnly,
 * SameSite=Strict cookie holding a random token, whose SHA-256 is stored in `console_sessions`,
 * so every instance on the database accepts it and a leaked table holds no usable token.
 *
 * Every state-changing call must carry `X-Console-Csrf: 1`, an `Origin` (when sent) equal to the
 * server's own and a `Sec-Fetch-Site` (when sent) of `same-origin` or `none` — a page of another
 * site can neither set the header without a CORS preflight (which the console never answers)
 * nor send the cookie (SameSite=Strict).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import type { AppContext, AppEnv } from '../core/context.js';
import type { ConsoleSession } from '../store/store.js';

/** The cookie's name. */
export const CONSOLE_COOKIE = 'pay_checkout_console';
/** How long a sign-in lasts: 12 hours. */
export const CONSOLE_SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** The label of the operator signed in with the key (there is one key, so one operator). */
export const OPERATOR = 'operator';
/** The header every state-changing call carries. */
export const CSRF_HEADER = 'x-console-csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Hex SHA-256 of `text`. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Whether `given` is the key, in time that does not depend on where they differ. */
export function keyMatches(given: string, key: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(key, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** A console error answer: the API's error body with a console code. */
export function consoleError(
  c: Context<AppEnv>,
  status: 400 | 401 | 403 | 404 | 409 | 429 | 502 | 503,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return c.json({ error: { code, message } }, status, headers);
}

/** Whether the request reached us over https (the public URL, or a trusted proxy's word). */
export function overHttps(c: Context<AppEnv>, ctx: AppContext): boolean {
  if (ctx.config.publicUrl.startsWith('https://')) return true;
  const hops = ctx.config.limits?.trustedProxyHops ?? 0;
  const forwarded = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  if (hops > 0 && forwarded === 'https') return true;
  return new URL(c.req.url).protocol === 'https:';
}

/** The `Set-Cookie` value of a sign-in (`token`), or of its end (`null`). */
export function sessionCookie(token: string | null, secure: boolean): string {
  const parts = [
    `${CONSOLE_COOKIE}=${token ?? ''}`,
    'HttpOnly',
    'SameSite=Strict',
    'Path=/console',
    `Max-Age=${token === null ? 0 : CONSOLE_SESSION_TTL_MS / 1000}`,
  ];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}

/** The token of the console cookie, if the request carries one. */
export function cookieToken(c: Context<AppEnv>): string | null {
  const header = c.req.header('cookie');
  if (!header) return null;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === CONSOLE_COOKIE) {
      const value = rest.join('=');
      return /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : null;
    }
  }
  return null;
}

/** Starts a sign-in: stores its hash and answers the token for the cookie. */
export async function startSession(
  ctx: AppContext,
): Promise<{ token: string; session: ConsoleSession }> {
  const token = randomBytes(32).toString('base64url');
  const now = ctx.now();
  const session: ConsoleSession = {
    idHash: sha256Hex(token),
    operator: OPERATOR,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + CONSOLE_SESSION_TTL_MS).toISOString(),
  };
  await ctx.store.consoleSessions.insert(session);
  // Expired sign-ins go a few at a time, with each new one.
  await ctx.store.consoleSessions.deleteExpired(now.toISOString(), 100);
  return { token, session };
}

/** The sign-in of the request's cookie, while it lasts; null otherwise. */
export async function currentSession(
  c: Context<AppEnv>,
  ctx: AppContext,
): Promise<ConsoleSession | null> {
  const token = cookieToken(c);
  if (token === null) return null;
  return ctx.store.consoleSessions.get(sha256Hex(token), ctx.now().toISOString());
}

/** The server's own origins as this request names them (its Host, and the public URL). */
function ownOrigins(c: Context<AppEnv>, ctx: AppContext): Set<string> {
  const origins = new Set<string>([new URL(ctx.config.publicUrl).origin]);
  const host = c.req.header('host');
  if (host) {
    origins.add(`${overHttps(c, ctx) ? 'https' : 'http'}://${host}`.toLowerCase());
    origins.add(`${new URL(c.req.url).protocol}//${host}`.toLowerCase());
  }
  return origins;
}

/** Why a state-changing request is refused as cross-site; null when it may go on. */
export function csrfRefusal(c: Context<AppEnv>, ctx: AppContext): string | null {
  if (SAFE_METHODS.has(c.req.method)) return null;
  if (c.req.header(CSRF_HEADER) !== '1') return `The ${CSRF_HEADER} header must be 1`;
  const origin = c.req.header('origin');
  if (origin !== undefined && !ownOrigins(c, ctx).has(origin.toLowerCase())) {
    return "The request's origin is not this server's";
  }
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return 'The request came from another site';
  }
  return null;
}
