/**
 * @module
 * `MERCHANT_WEBHOOK_URL` and `MERCHANT_WEBHOOK_SECRET`: where merchant notifications go and the
 * secret(s) they are signed with. Both or neither; the URL is http(s) without credentials; a
 * secret is `whsec_<base64>` (Standard Webhooks) or a plain string of at least 16 characters,
 * and several separated by spaces sign side by side while the merchant rotates.
 */
import { z } from 'zod';
import { ALWAYS, envSection, httpUrl, together } from '../config/env-schema.js';
import { secretKey } from './standard-webhooks.js';

/** Merchant notification settings. */
export interface MerchantWebhookConfig {
  url: string;
  /** Every secret signs each notification (one `v1,` entry each). */
  secrets: string[];
}

const MIN_KEY_BYTES = 16;

const VARIABLES = ['MERCHANT_WEBHOOK_URL', 'MERCHANT_WEBHOOK_SECRET'] as const;

/** The merchant webhook's variables; the section reads undefined while notifications are off. */
export const merchantWebhookEnv = envSection<MerchantWebhookConfig | undefined>({
  title: 'Merchant notifications',
  variables: [
    {
      name: 'MERCHANT_WEBHOOK_URL',
      meaning: 'where order and mandate changes are POSTed',
      default: 'off',
    },
    {
      name: 'MERCHANT_WEBHOOK_SECRET',
      meaning: 'Standard Webhooks secret(s), `whsec_…`, space-separated while rotating',
      default: 'off',
    },
  ],
  schema: z
    .object({
      MERCHANT_WEBHOOK_URL: z
        .string()
        .transform((raw, ctx) => {
          const url = httpUrl(raw);
          if (!url || url.username || url.password || url.hash) {
            ctx.addIssue({
              code: 'custom',
              message: 'must be an absolute http(s) URL without credentials',
            });
            return z.NEVER;
          }
          return url.toString();
        })
        .optional(),
      MERCHANT_WEBHOOK_SECRET: z
        .string()
        .transform((raw) => raw.split(/\s+/))
        .refine(
          (entries) => entries.every((entry) => (secretKey(entry)?.length ?? 0) >= MIN_KEY_BYTES),
          'must be whsec_<base64 of at least 16 bytes> or at least 16 characters',
        )
        .optional(),
    })
    .superRefine(together(VARIABLES), ALWAYS)
    .transform(({ MERCHANT_WEBHOOK_URL: url, MERCHANT_WEBHOOK_SECRET: secrets }) =>
      url !== undefined && secrets !== undefined ? { url, secrets } : undefined,
    ),
});
