/**
 * @module
 * Ivy's configuration: `IVY_API_URL` (default Ivy's sandbox), `IVY_API_KEY` and
 * `IVY_WEBHOOK_SECRET`. Ivy is on when the key and the webhook secret are both set; one without
 * the other is an error naming the missing variable.
 */
import { z } from 'zod';
import { ALWAYS, allOf, baseUrl, envSection, text, together } from '../../config/env-schema.js';

/** Ivy credentials and endpoint. */
export interface IvyConfig {
  /** Base URL of Ivy's API, without a trailing slash. */
  apiUrl: string;
  /** Sent as `X-Ivy-Api-Key`. */
  apiKey: string;
  /** Key of the webhooks' `X-Ivy-Signature` HMAC. */
  webhookSecret: string;
}

/** Ivy's sandbox, the default of `IVY_API_URL`. */
export const IVY_SANDBOX_URL = 'https://api.sand.getivy.de';

const CREDENTIALS = ['IVY_API_KEY', 'IVY_WEBHOOK_SECRET'] as const;

/** Ivy's variables; the section reads undefined while Ivy is off. */
export const ivyEnv = envSection<IvyConfig | undefined>({
  title: 'Ivy',
  variables: [
    { name: 'IVY_API_URL', meaning: "Ivy's API base", default: IVY_SANDBOX_URL },
    { name: 'IVY_API_KEY', meaning: 'API key (`X-Ivy-Api-Key`)', default: 'off' },
    {
      name: 'IVY_WEBHOOK_SECRET',
      meaning: 'key of the webhooks’ `X-Ivy-Signature`',
      default: 'off',
    },
  ],
  schema: z
    .object({
      IVY_API_URL: baseUrl().default(IVY_SANDBOX_URL),
      IVY_API_KEY: text(),
      IVY_WEBHOOK_SECRET: text(),
    })
    .superRefine(together(CREDENTIALS), ALWAYS)
    .transform((env) => {
      const credentials = allOf(env, CREDENTIALS);
      if (!credentials) return undefined;
      const [apiKey, webhookSecret] = credentials;
      return { apiUrl: env.IVY_API_URL, apiKey, webhookSecret };
    }),
});
