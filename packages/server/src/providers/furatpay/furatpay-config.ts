/**
 * @module
 * FuratPay's configuration: `FURATPAY_API_URL`, `FURATPAY_API_KEY`, `FURATPAY_WEBHOOK_SECRET`.
 * FuratPay is on when the key and the webhook secret are set; one without the other is an
 * error naming the missing variable. Accounts whose webhooks are still signed with the API key
 * (older FuratPay versions) set `FURATPAY_WEBHOOK_SECRET` to the API key.
 */
import {
  readBaseUrl,
  readCredentials,
  type EnvGetter,
  type EnvReporter,
} from '../config/provider-env.js';

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
export function readFuratPayConfig(get: EnvGetter, bad: EnvReporter): FuratPayConfig | undefined {
  const apiUrl =
    readBaseUrl(get, bad, 'FURATPAY_API_URL', FURATPAY_DEFAULT_URL) ?? FURATPAY_DEFAULT_URL;
  const credentials = readCredentials(get, bad, ['FURATPAY_API_KEY', 'FURATPAY_WEBHOOK_SECRET'], {
    FURATPAY_WEBHOOK_SECRET: 'use the API key if your account signs with it',
  });
  if (!credentials) return undefined;
  const [apiKey, webhookSecret] = credentials;
  return { apiUrl, apiKey, webhookSecret };
}
