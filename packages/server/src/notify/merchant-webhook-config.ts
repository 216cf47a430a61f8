/**
 * @module
 * `MERCHANT_WEBHOOK_URL` and `MERCHANT_WEBHOOK_SECRET`: where merchant notifications go and the
 * secret(s) they are signed with. Both or neither; the URL is http(s) without credentials; a
 * secret is `whsec_<base64>` (Standard Webhooks) or a plain string of at least 16 characters,
 * and several separated by spaces sign side by side while the merchant rotates.
 */
import { secretKey } from './standard-webhooks.js';

/** Merchant notification settings. */
export interface MerchantWebhookConfig {
  url: string;
  /** Every secret signs each notification (one `v1,` entry each). */
  secrets: string[];
}

const MIN_KEY_BYTES = 16;

/** Reads the merchant webhook variables; reports problems through `bad`, never with values. */
export function readMerchantWebhookConfig(
  get: (name: string) => string | undefined,
  bad: (variable: string, reason: string) => void,
): MerchantWebhookConfig | undefined {
  const rawUrl = get('MERCHANT_WEBHOOK_URL');
  const rawSecret = get('MERCHANT_WEBHOOK_SECRET');
  if (rawUrl === undefined && rawSecret === undefined) return undefined;
  let url: string | undefined;
  if (rawUrl === undefined) {
    bad('MERCHANT_WEBHOOK_URL', 'is required when MERCHANT_WEBHOOK_SECRET is set');
  } else {
    let parsed: URL | null = null;
    try {
      parsed = new URL(rawUrl);
    } catch {
      parsed = null;
    }
    if (
      !parsed ||
      (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') ||
      parsed.username ||
      parsed.password ||
      parsed.hash
    ) {
      bad('MERCHANT_WEBHOOK_URL', 'must be an absolute http(s) URL without credentials');
    } else {
      url = parsed.toString();
    }
  }
  let secrets: string[] | undefined;
  if (rawSecret === undefined) {
    bad('MERCHANT_WEBHOOK_SECRET', 'is required when MERCHANT_WEBHOOK_URL is set');
  } else {
    const entries = rawSecret.split(/\s+/);
    const valid = entries.every((entry) => {
      const key = secretKey(entry);
      return key !== null && key.length >= MIN_KEY_BYTES;
    });
    if (valid) secrets = entries;
    else {
      bad(
        'MERCHANT_WEBHOOK_SECRET',
        'must be whsec_<base64 of at least 16 bytes> or at least 16 characters',
      );
    }
  }
  return url && secrets ? { url, secrets } : undefined;
}
