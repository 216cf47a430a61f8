/**
 * @module
 * The open-redirect guard: a session's `returnUrl` must be an absolute http(s) URL whose
 * origin is exactly one of the merchant's allowed origins.
 */

/**
 * Returns null when `returnUrl` is acceptable, otherwise the reason. Rejects credentials in the
 * URL, backslashes, whitespace and control characters outright, because browsers and URL
 * parsers disagree about them (`https://shop.example\@evil.example`).
 */
export function checkReturnUrl(
  returnUrl: string,
  allowedOrigins: readonly string[],
): string | null {
  // eslint-disable-next-line no-control-regex
  if (/[\\\s\x00-\x1f\x7f]/.test(returnUrl)) {
    return 'must not contain backslashes, whitespace or control characters';
  }
  if (!/^https?:\/\/[^/]/i.test(returnUrl)) return 'must be an absolute http(s) URL';
  let url: URL;
  try {
    url = new URL(returnUrl);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return 'must be an absolute http(s) URL';
  }
  if (url.username || url.password) return 'must not contain credentials';
  if (!allowedOrigins.includes(url.origin)) {
    return 'must be on one of the allowed origins (PAY_CHECKOUT_ALLOWED_ORIGINS)';
  }
  return null;
}

/** `returnUrl` with `pay_checkout_session=<id>` added to its query (existing query kept). */
export function withSessionParam(returnUrl: string, sessionId: string): string {
  const url = new URL(returnUrl);
  url.searchParams.set('pay_checkout_session', sessionId);
  return url.toString();
}
