/**
 * @module
 * Koywe's configuration: the six `KOYWE_*` variables of the contract, read together. Koywe is on
 * when its key, secret, organisation, merchant and webhook secret are all set; setting only some
 * of them is an error that names the missing ones.
 */

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

const REQUIRED = [
  ['KOYWE_API_KEY', 'apiKey'],
  ['KOYWE_SECRET', 'secret'],
  ['KOYWE_ORG_ID', 'orgId'],
  ['KOYWE_MERCHANT_ID', 'merchantId'],
  ['KOYWE_WEBHOOK_SECRET', 'webhookSecret'],
] as const;

/** Every Koywe variable. */
export const KOYWE_VARIABLES: readonly string[] = [
  'KOYWE_API_URL',
  ...REQUIRED.map(([variable]) => variable),
];

/**
 * Reads Koywe's variables through `get` (trimmed, empty = unset) and reports each bad one
 * through `bad` (never with its value). Returns the config when Koywe is on, else undefined.
 */
export function readKoyweConfig(
  get: (name: string) => string | undefined,
  bad: (variable: string, reason: string) => void,
): KoyweConfig | undefined {
  let apiUrl = KOYWE_SANDBOX_URL;
  const rawUrl = get('KOYWE_API_URL');
  if (rawUrl !== undefined) {
    let url: URL | null = null;
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
      bad('KOYWE_API_URL', 'must be an absolute http(s) URL');
    } else {
      apiUrl = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
    }
  }
  const values = REQUIRED.map(([variable]) => get(variable));
  const set = values.filter((v) => v !== undefined).length;
  if (set === 0) return undefined;
  if (set < REQUIRED.length) {
    REQUIRED.forEach(([variable], index) => {
      if (values[index] === undefined) {
        bad(variable, 'is required when any other KOYWE_* credential is set');
      }
    });
    return undefined;
  }
  const [apiKey = '', secret = '', orgId = '', merchantId = '', webhookSecret = ''] = values;
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
