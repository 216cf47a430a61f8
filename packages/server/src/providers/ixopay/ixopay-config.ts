/**
 * @module
 * IXOPAY's configuration: the five `IXOPAY_*` variables of the contract, read together. IXOPAY
 * is on when its API key, API user name, password and shared secret are all set; setting only
 * some of them is an error that names the missing ones.
 */
import { z } from 'zod';
import { ALWAYS, allOf, baseUrl, envSection, text, together } from '../../config/env-schema.js';

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

/** IXOPAY's variables; the section reads undefined while IXOPAY is off. */
export const ixopayEnv = envSection<IxopayConfig | undefined>({
  title: 'IXOPAY',
  variables: [
    {
      name: 'IXOPAY_API_URL',
      meaning: "IXOPAY's Transaction API base",
      default: IXOPAY_SANDBOX_URL,
    },
    { name: 'IXOPAY_API_KEY', meaning: "the connector's API key", default: 'off' },
    { name: 'IXOPAY_USERNAME', meaning: 'API user (HTTP Basic)', default: 'off' },
    { name: 'IXOPAY_PASSWORD', meaning: "API user's password", default: 'off' },
    {
      name: 'IXOPAY_SHARED_SECRET',
      meaning: "the connector's shared secret (signs requests and callbacks)",
      default: 'off',
    },
  ],
  schema: z
    .object({
      IXOPAY_API_URL: baseUrl().default(IXOPAY_SANDBOX_URL),
      // The key is a path segment: anything that needs escaping is a pasting mistake.
      IXOPAY_API_KEY: z
        .string()
        .regex(
          /^[A-Za-z0-9._~-]{1,128}$/,
          'must be the connector API key (letters, digits, . _ ~ -)',
        )
        .optional(),
      IXOPAY_USERNAME: z
        .string()
        .refine((name) => !name.includes(':'), 'must not contain ":" (HTTP Basic authentication)')
        .optional(),
      IXOPAY_PASSWORD: text(),
      IXOPAY_SHARED_SECRET: text(),
    })
    .superRefine(together(CREDENTIALS), ALWAYS)
    .transform((env) => {
      const credentials = allOf(env, CREDENTIALS);
      if (!credentials) return undefined;
      const [apiKey, username, password, sharedSecret] = credentials;
      return { apiUrl: env.IXOPAY_API_URL, apiKey, username, password, sharedSecret };
    }),
});
