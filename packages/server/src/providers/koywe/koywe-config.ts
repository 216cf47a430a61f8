/**
 * @module
 * Koywe's configuration: the six `KOYWE_*` variables of the contract, read together. Koywe is on
 * when its key, secret, organisation, merchant and webhook secret are all set; setting only some
 * of them is an error that names the missing ones.
 */
import { z } from 'zod';
import { ALWAYS, allOf, baseUrl, envSection, text, together } from '../../config/env-schema.js';

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

/** Both end up in URL paths. */
const pathId = () =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be an id of letters, digits, "_" or "-"')
    .optional();

/** Koywe's variables; the section reads undefined while Koywe is off. */
export const koyweEnv = envSection<KoyweConfig | undefined>({
  title: 'Koywe',
  variables: [
    { name: 'KOYWE_API_URL', meaning: "Koywe's API base", default: KOYWE_SANDBOX_URL },
    { name: 'KOYWE_API_KEY', meaning: 'API key (token request)', default: 'off' },
    { name: 'KOYWE_SECRET', meaning: 'API secret (token request)', default: 'off' },
    { name: 'KOYWE_ORG_ID', meaning: 'organisation id', default: 'off' },
    { name: 'KOYWE_MERCHANT_ID', meaning: 'merchant id', default: 'off' },
    {
      name: 'KOYWE_WEBHOOK_SECRET',
      meaning: 'secret of the `Koywe-Signature` HMAC (8+ characters)',
      default: 'off',
    },
  ],
  schema: z
    .object({
      KOYWE_API_URL: baseUrl().default(KOYWE_SANDBOX_URL),
      KOYWE_API_KEY: text(),
      KOYWE_SECRET: text(),
      KOYWE_ORG_ID: pathId(),
      KOYWE_MERCHANT_ID: pathId(),
      KOYWE_WEBHOOK_SECRET: z.string().min(8, 'must be at least 8 characters').optional(),
    })
    .superRefine(together(CREDENTIALS), ALWAYS)
    .transform((env) => {
      const credentials = allOf(env, CREDENTIALS);
      if (!credentials) return undefined;
      const [apiKey, secret, orgId, merchantId, webhookSecret] = credentials;
      return { apiUrl: env.KOYWE_API_URL, apiKey, secret, orgId, merchantId, webhookSecret };
    }),
});
