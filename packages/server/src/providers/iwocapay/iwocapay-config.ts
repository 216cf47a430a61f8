/**
 * @module
 * iwocaPay's configuration: `IWOCAPAY_API_URL` (default the staging host),
 * `IWOCAPAY_SUPPLIER_UUID` and the seller's access token — `IWOCAPAY_ACCESS_TOKEN`, or
 * `IWOCAPAY_SUPPLIER_ACCESS_TOKEN` as iwocaPay's own integration guide names it. iwocaPay is on
 * when the UUID and a token are set.
 *
 * iwocaPay's guide sets `IWOCAPAY_API_URL=https://stage.iwoca-dev.co.uk/api/lending/edge/`,
 * the API's base path included; a bare host works as well. Either way the adapter is given the
 * host and adds `/api/lending/edge/…` itself.
 */
import { z } from 'zod';
import { ALWAYS, baseUrl, envSection } from '../../config/env-schema.js';

/** iwocaPay credentials and endpoint. */
export interface IwocaPayConfig {
  /** Host of the iwoca API, without a trailing slash (the adapter adds `/api/lending/edge/…`). */
  apiUrl: string;
  /** The seller's UUID, issued by iwoca. */
  supplierUuid: string;
  /** The seller's bearer token; also the key of the webhook HMAC. */
  accessToken: string;
}

/** iwoca's staging host, the default of `IWOCAPAY_API_URL`. */
export const IWOCAPAY_SANDBOX_URL = 'https://stage.iwoca-dev.co.uk';

/** The API's base path, which iwocaPay's guide includes in `IWOCAPAY_API_URL`. */
const API_BASE_PATH = /\/api\/lending\/edge$/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const token = () => z.string().regex(/^\S+$/, 'must not contain spaces').optional();

/** iwocaPay's variables; the section reads undefined while iwocaPay is off. */
export const iwocaPayEnv = envSection<IwocaPayConfig | undefined>({
  title: 'iwocaPay',
  variables: [
    {
      name: 'IWOCAPAY_API_URL',
      meaning: 'iwoca host, with or without `/api/lending/edge/`',
      default: IWOCAPAY_SANDBOX_URL,
    },
    { name: 'IWOCAPAY_SUPPLIER_UUID', meaning: "the seller's UUID", default: 'off' },
    {
      name: 'IWOCAPAY_ACCESS_TOKEN',
      meaning: "the seller's access token (also the webhook HMAC key)",
      default: 'off',
    },
    {
      name: 'IWOCAPAY_SUPPLIER_ACCESS_TOKEN',
      meaning: 'the same token under the name of iwocaPay’s guide',
      default: 'off',
    },
  ],
  schema: z
    .object({
      IWOCAPAY_API_URL: baseUrl()
        .transform((url) => url.replace(API_BASE_PATH, ''))
        .default(IWOCAPAY_SANDBOX_URL),
      IWOCAPAY_SUPPLIER_UUID: z
        .string()
        .regex(UUID, 'must be the UUID iwoca issued for the seller')
        .transform((uuid) => uuid.toLowerCase())
        .optional(),
      IWOCAPAY_ACCESS_TOKEN: token(),
      IWOCAPAY_SUPPLIER_ACCESS_TOKEN: token(),
    })
    .superRefine((env, ctx) => {
      const { IWOCAPAY_ACCESS_TOKEN: ours, IWOCAPAY_SUPPLIER_ACCESS_TOKEN: theirs } = env;
      if (ours !== undefined && theirs !== undefined && ours !== theirs) {
        ctx.addIssue({
          code: 'custom',
          path: ['IWOCAPAY_SUPPLIER_ACCESS_TOKEN'],
          message: 'differs from IWOCAPAY_ACCESS_TOKEN (set one of the two)',
        });
      }
      const hasToken = ours !== undefined || theirs !== undefined;
      if (hasToken && env.IWOCAPAY_SUPPLIER_UUID === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['IWOCAPAY_SUPPLIER_UUID'],
          message: 'is required when IWOCAPAY_ACCESS_TOKEN is set',
        });
      } else if (!hasToken && env.IWOCAPAY_SUPPLIER_UUID !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['IWOCAPAY_ACCESS_TOKEN'],
          message: 'is required when IWOCAPAY_SUPPLIER_UUID is set',
        });
      }
    }, ALWAYS)
    .transform((env) => {
      const accessToken = env.IWOCAPAY_ACCESS_TOKEN ?? env.IWOCAPAY_SUPPLIER_ACCESS_TOKEN;
      const supplierUuid = env.IWOCAPAY_SUPPLIER_UUID;
      if (accessToken === undefined || supplierUuid === undefined) return undefined;
      return { apiUrl: env.IWOCAPAY_API_URL, supplierUuid, accessToken };
    }),
});
