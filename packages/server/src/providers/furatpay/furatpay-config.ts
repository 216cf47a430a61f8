/**
 * @module
 * FuratPay's configuration: `FURATPAY_API_URL`, `FURATPAY_API_KEY`, `FURATPAY_WEBHOOK_SECRET`.
 * FuratPay is on when the key and the webhook secret are set; one without the other is an
 * error naming the missing variable. Accounts whose webhooks are still signed with the API key
 * (older FuratPay versions) set `FURATPAY_WEBHOOK_SECRET` to the API key.
 */

/**
 * FuratPay's API base (`FURATPAY_API_URL` default). FuratPay publishes no sandbox host; this is
 * the base its own plugin suggests, and testing happens through services in "testing" mode.
 */
export const FURATPAY_DEFAULT_URL = 'https://api.furatpay.com/v1';

/** FuratPay credentials and endpoint. */
export interface FuratPayConfig {
  /** Base URL of the API (`…/v1` for FuratPay itself). */
  apiUrl: string;
  /** Sent as `x-api-key` on every call. */
  apiKey: string;
  /** Key of the webhooks' `X-Signature` HMAC. */
  webhookSecret: string;
}

/** Every FuratPay variable. */
export const FURATPAY_VARIABLES: readonly string[] = [
  'FURATPAY_API_URL',
  'FURATPAY_API_KEY',
  'FURATPAY_WEBHOOK_SECRET',
];

/**
 * Reads FuratPay's variables through `get` (trimmed, empty = unset) and reports each bad one
 * through `bad` (never with its value). Returns the config when FuratPay is on, else undefined.
 */
export function readFuratPayConfig(
  get: (name: string) => string | undefined,
  bad: (variable: string, reason: string) => void,
): FuratPayConfig | undefined {
  let apiUrl = FURATPAY_DEFAULT_URL;
  const rawUrl = get('FURATPAY_API_URL');
  if (rawUrl !== undefined) {
    let url: URL | null;
    try {
      url = new URL(rawUrl);
    } catch {
      url = null;
    }
    if (
      !url ||
      (url.protocol !== 'http:' && url.protocol !== 'https:') ||
      url.search ||
      url.hash ||
      url.username ||
      url.password
    ) {
      bad('FURATPAY_API_URL', 'must be an absolute http(s) URL');
    } else {
      apiUrl = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
    }
  }
  const apiKey = get('FURATPAY_API_KEY');
  const webhookSecret = get('FURATPAY_WEBHOOK_SECRET');
  if (apiKey === undefined && webhookSecret === undefined) return undefined;
  if (apiKey === undefined) {
    bad('FURATPAY_API_KEY', 'is required when FURATPAY_WEBHOOK_SECRET is set');
    return undefined;
  }
  if (webhookSecret === undefined) {
    bad(
      'FURATPAY_WEBHOOK_SECRET',
      'is required when FURATPAY_API_KEY is set (use the API key if your account signs with it)',
    );
    return undefined;
  }
  return { apiUrl, apiKey, webhookSecret };
}
