/**
 * @module
 * iwocaPay's configuration: `IWOCAPAY_API_URL` (default the staging host), `IWOCAPAY_SUPPLIER_UUID`,
 * `IWOCAPAY_ACCESS_TOKEN` (on when both are set) and `IWOCAPAY_ACCEPT_LEGACY_WEBHOOKS`.
 */
import {
  readBaseUrl,
  readCredentials,
  type EnvGetter,
  type EnvReporter,
} from '../config/provider-env.js';

/** iwocaPay credentials and endpoint. */
export interface IwocaPayConfig {
  /** Host of the iwoca API, without a trailing slash (the adapter adds `/api/lending/edge/…`). */
  apiUrl: string;
  /** The seller's UUID, issued by iwoca. */
  supplierUuid: string;
  /** The seller's bearer token; also the key of the webhook HMAC. */
  accessToken: string;
  /**
   * Accept the legacy unsigned webhook shape. Such a webhook only makes the server read the
   * order back from iwocaPay; it never sets a status by itself.
   */
  acceptLegacyWebhooks: boolean;
}

/** iwoca's staging host, the default of `IWOCAPAY_API_URL`. */
export const IWOCAPAY_SANDBOX_URL = 'https://stage.iwoca-dev.co.uk';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads iwocaPay's variables through `get`, reporting problems through `bad` (names only, never
 * values). Returns the config when iwocaPay is on, undefined when it is off or invalid.
 */
export function readIwocaPayConfig(get: EnvGetter, bad: EnvReporter): IwocaPayConfig | undefined {
  let ok = true;
  const apiUrl = readBaseUrl(get, bad, 'IWOCAPAY_API_URL', IWOCAPAY_SANDBOX_URL);

  let acceptLegacyWebhooks = false;
  const rawLegacy = get('IWOCAPAY_ACCEPT_LEGACY_WEBHOOKS');
  if (rawLegacy !== undefined) {
    const value = rawLegacy.toLowerCase();
    if (['true', '1', 'yes'].includes(value)) acceptLegacyWebhooks = true;
    else if (!['false', '0', 'no'].includes(value)) {
      bad('IWOCAPAY_ACCEPT_LEGACY_WEBHOOKS', 'must be true or false');
      ok = false;
    }
  }

  const credentials = readCredentials(get, bad, [
    'IWOCAPAY_SUPPLIER_UUID',
    'IWOCAPAY_ACCESS_TOKEN',
  ] as const);
  if (!credentials) return undefined;
  const [supplierUuid, accessToken] = credentials;
  if (!UUID.test(supplierUuid)) {
    bad('IWOCAPAY_SUPPLIER_UUID', 'must be the UUID iwoca issued for the seller');
    ok = false;
  }
  if (/\s/.test(accessToken)) {
    bad('IWOCAPAY_ACCESS_TOKEN', 'must not contain spaces');
    ok = false;
  }
  if (!ok || apiUrl === undefined) return undefined;
  return { apiUrl, supplierUuid: supplierUuid.toLowerCase(), accessToken, acceptLegacyWebhooks };
}
