/**
 * @module
 * Koywe's configuration: the six `KOYWE_*` variables of the contract, read together. Koywe is on
 * when its key, secret, organisation, merchant and webhook secret are all set; setting only some
 * of them is an error that names the missing ones.
 */
import {
  readBaseUrl,
  readCredentials,
  type EnvGetter,
  type EnvReporter,
} from '../config/provider-env.js';

/** Koywe's sandbox API base (`KOYWE_API_URL` default). */
export const KOYWE_SANDBOX_URL = 'https://api-sandbox.koywe.com/api/v1';

/** Koywe credentials and endpoint. */
export interface KoyweConfig {
  /** Base URL of the API, ending in `/api/v1` for Koywe itself. */
  apiUrl: string;
  apiKey: string;
  secret: string;
  orgId: string;
  merchantId: string;
  /** The secret of our webhook endpoint at Koywe (signs `Koywe-Signature`). */
  webhookSecret: string;
}

/** The credentials, all set or none. */
const CREDENTIALS = [
  'KOYWE_API_KEY',
  'KOYWE_SECRET',
  'KOYWE_ORG_ID',
  'KOYWE_MERCHANT_ID',
  'KOYWE_WEBHOOK_SECRET',
] as const;

/** Every Koywe variable. */
export const KOYWE_VARIABLES: readonly string[] = ['KOYWE_API_URL', ...CREDENTIALS];

/**
 * Reads Koywe's variables through `get` (trimmed, empty = unset) and reports each bad one
 * through `bad` (never with its value). Returns the config when Koywe is on, else undefined.
 */
export function readKoyweConfig(get: EnvGetter, bad: EnvReporter): KoyweConfig | undefined {
  const apiUrl = readBaseUrl(get, bad, 'KOYWE_API_URL', KOYWE_SANDBOX_URL) ?? KOYWE_SANDBOX_URL;
  const credentials = readCredentials(get, bad, CREDENTIALS);
  if (!credentials) return undefined;
  const [apiKey, secret, orgId, merchantId, webhookSecret] = credentials;
  for (const [variable, value] of [
    ['KOYWE_ORG_ID', orgId],
    ['KOYWE_MERCHANT_ID', merchantId],
  ] as const) {
    // Both end up in URL paths.
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(value)) {
      bad(variable, 'must be an id of letters, digits, "_" or "-"');
    }
  }
  if (webhookSecret.length < 8) bad('KOYWE_WEBHOOK_SECRET', 'must be at least 8 characters');
  return { apiUrl, apiKey, secret, orgId, merchantId, webhookSecret };
}
