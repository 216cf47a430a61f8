/**
 * @module
 * IXOPAY's configuration: the five `IXOPAY_*` variables of the contract, read together. IXOPAY
 * is on when its API key, API user name, password and shared secret are all set; setting only
 * some of them is an error that names the missing ones.
 */

/** IXOPAY's EU sandbox Transaction API base (`IXOPAY_API_URL` default). */
export const IXOPAY_SANDBOX_URL = 'https://sandbox.ixopay.com/api/v3';

/** IXOPAY credentials and endpoint. */
export interface IxopayConfig {
  /** Base URL of the API, ending in `/api/v3` for IXOPAY itself. */
  apiUrl: string;
  /** The connector's API key (a path segment of every call). */
  apiKey: string;
  /** The API user's Basic-auth name. */
  username: string;
  /** The API user's Basic-auth password. */
  password: string;
  /** The connector's shared secret: signs our requests and IXOPAY's callbacks. */
  sharedSecret: string;
}

const REQUIRED = [
  ['IXOPAY_API_KEY', 'apiKey'],
  ['IXOPAY_USERNAME', 'username'],
  ['IXOPAY_PASSWORD', 'password'],
  ['IXOPAY_SHARED_SECRET', 'sharedSecret'],
] as const;

/** Every IXOPAY variable. */
export const IXOPAY_VARIABLES: readonly string[] = [
  'IXOPAY_API_URL',
  ...REQUIRED.map(([variable]) => variable),
];

function parseBaseUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.search || url.hash || url.username || url.password) return null;
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/**
 * Reads IXOPAY's variables through `get` (trimmed, empty = unset) and reports each bad one
 * through `bad` (never with its value). Returns the config when IXOPAY is on, else undefined.
 */
export function readIxopayConfig(
  get: (name: string) => string | undefined,
  bad: (variable: string, reason: string) => void,
): IxopayConfig | undefined {
  let apiUrl = IXOPAY_SANDBOX_URL;
  const rawUrl = get('IXOPAY_API_URL');
  if (rawUrl !== undefined) {
    const parsed = parseBaseUrl(rawUrl);
    if (parsed === null) bad('IXOPAY_API_URL', 'must be an absolute http(s) URL');
    else apiUrl = parsed;
  }
  const values = REQUIRED.map(([variable]) => get(variable));
  const set = values.filter((v) => v !== undefined).length;
  if (set === 0) return undefined;
  if (set < REQUIRED.length) {
    REQUIRED.forEach(([variable], index) => {
      if (values[index] === undefined) {
        bad(variable, 'is required when any other IXOPAY_* credential is set');
      }
    });
    return undefined;
  }
  const [apiKey = '', username = '', password = '', sharedSecret = ''] = values;
  // The key is a path segment: anything that needs escaping is a pasting mistake.
  if (!/^[A-Za-z0-9._~-]{1,128}$/.test(apiKey)) {
    bad('IXOPAY_API_KEY', 'must be the connector API key (letters, digits, . _ ~ -)');
    return undefined;
  }
  if (username.includes(':')) {
    bad('IXOPAY_USERNAME', 'must not contain ":" (HTTP Basic authentication)');
    return undefined;
  }
  return { apiUrl, apiKey, username, password, sharedSecret };
}
