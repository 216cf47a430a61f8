/**
 * @module
 * IXOPAY's configuration: the five `IXOPAY_*` variables of the contract, read together. IXOPAY
 * is on when its API key, API user name, password and shared secret are all set; setting only
 * some of them is an error that names the missing ones.
 */
import {
  readBaseUrl,
  readCredentials,
  type EnvGetter,
  type EnvReporter,
} from '../config/provider-env.js';

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

/** The credentials, all set or none. */
const CREDENTIALS = [
  'IXOPAY_API_KEY',
  'IXOPAY_USERNAME',
  'IXOPAY_PASSWORD',
  'IXOPAY_SHARED_SECRET',
] as const;

/** Every IXOPAY variable. */
export const IXOPAY_VARIABLES: readonly string[] = ['IXOPAY_API_URL', ...CREDENTIALS];

/**
 * Reads IXOPAY's variables through `get` (trimmed, empty = unset) and reports each bad one
 * through `bad` (never with its value). Returns the config when IXOPAY is on, else undefined.
 */
export function readIxopayConfig(get: EnvGetter, bad: EnvReporter): IxopayConfig | undefined {
  const apiUrl = readBaseUrl(get, bad, 'IXOPAY_API_URL', IXOPAY_SANDBOX_URL) ?? IXOPAY_SANDBOX_URL;
  const credentials = readCredentials(get, bad, CREDENTIALS);
  if (!credentials) return undefined;
  const [apiKey, username, password, sharedSecret] = credentials;
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
