/**
 * @module
 * FuratPay's configuration: `FURATPAY_API_URL`, `FURATPAY_API_KEY`, `FURATPAY_WEBHOOK_SECRET`.
 * FuratPay is on when the key and the webhook secret are set; one without the other is an
 * error naming the missing variable. Accounts whose webhooks are still signed with the API key
 * (older FuratPay versions) set `FURATPAY_WEBHOOK_SECRET` to the API key.
 */
import { z } from 'zod';
import { ALWAYS, allOf, baseUrl, envSection, text, together } from '../../config/env-schema.js';

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

const CREDENTIALS = ['FURATPAY_API_KEY', 'FURATPAY_WEBHOOK_SECRET'] as const;

/** FuratPay's variables; the section reads undefined while FuratPay is off. */
export const furatPayEnv = envSection<FuratPayConfig | undefined>({
  title: 'FuratPay',
  variables: [
    { name: 'FURATPAY_API_URL', meaning: "FuratPay's API base", default: FURATPAY_DEFAULT_URL },
    { name: 'FURATPAY_API_KEY', meaning: 'API key (`x-api-key`)', default: 'off' },
    {
      name: 'FURATPAY_WEBHOOK_SECRET',
      meaning: 'key of the webhooks’ `X-Signature` (the API key on older accounts)',
      default: 'off',
    },
  ],
  schema: z
    .object({
      FURATPAY_API_URL: baseUrl().default(FURATPAY_DEFAULT_URL),
      FURATPAY_API_KEY: text(),
      FURATPAY_WEBHOOK_SECRET: text(),
    })
    .superRefine(
      together(CREDENTIALS, {
        FURATPAY_WEBHOOK_SECRET: 'use the API key if your account signs with it',
      }),
      ALWAYS,
    )
    .transform((env) => {
      const credentials = allOf(env, CREDENTIALS);
      if (!credentials) return undefined;
      const [apiKey, webhookSecret] = credentials;
      return { apiUrl: env.FURATPAY_API_URL, apiKey, webhookSecret };
    }),
});
