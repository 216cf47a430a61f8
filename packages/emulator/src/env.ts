/**
 * @module
 * `emulatorOptionsFromEnv`: the emulator's configuration from environment variables — the same
 * provider credentials the checkout server reads, plus the `EMULATOR_*` settings.
 * Every bad variable is reported in one error; secret values never appear in it.
 */
import { z } from 'zod';
import {
  DEFAULT_EMULATOR_HOST,
  DEFAULT_EMULATOR_PORT,
  type EmulatorCredentials,
} from './options.js';
import type { StartEmulatorOptions } from './start.js';

/** One invalid variable. */
export interface ConfigIssue {
  variable: string;
  message: string;
}

/** Thrown when the environment holds invalid configuration; lists every bad variable. */
export class EmulatorConfigError extends Error {
  override name = 'EmulatorConfigError';
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      `Invalid emulator configuration:\n${issues.map((i) => `  - ${i.variable}: ${i.message}`).join('\n')}`,
    );
  }
}

/** The configuration read from the environment: emulator options plus where to listen. */
export type EmulatorEnvOptions = StartEmulatorOptions & { port: number; host: string };

type Env = Readonly<Record<string, string | undefined>>;

/** A value with its surrounding blanks dropped; a blank value counts as unset. */
const trim = (value: unknown): unknown =>
  typeof value === 'string' ? value.trim() || undefined : value;

const optional = <T extends z.ZodType>(schema: T) => z.preprocess(trim, schema.optional());

const httpUrl = optional(z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }));

/** A plain decimal number (no hex, no exponent) for which `valid` holds. */
const decimal = (valid: (n: number) => boolean, message: string) =>
  optional(
    z
      .string()
      .regex(/^[+-]?(\d+\.?\d*|\.\d+)$/, message)
      .transform(Number)
      .refine(valid, message),
  );

const SETTINGS = z.object({
  EMULATOR_PORT: decimal(
    (n) => Number.isInteger(n) && n >= 0 && n <= 65535,
    'must be an integer port between 0 and 65535',
  ),
  EMULATOR_HOST: optional(z.string()),
  EMULATOR_PUBLIC_URL: httpUrl,
  EMULATOR_TIME_SCALE: decimal(
    (n) => Number.isFinite(n) && n >= 0,
    'must be a number ≥ 0 (1 = real time, 0.01 = a hundred times faster)',
  ),
  EMULATOR_SETTLE_DELAY_MS: decimal(
    (n) => Number.isInteger(n) && n >= 0,
    'must be a whole number of milliseconds ≥ 0',
  ),
  IVY_WEBHOOK_URL: httpUrl,
  PAY_CHECKOUT_PUBLIC_URL: httpUrl,
});

/**
 * One provider's credentials: off while none of its variables is set; once one is, each of
 * `required` must be set too (the error says what the provider `needs`).
 */
function credentials<const R extends string, C, const O extends string = never>(
  needs: string,
  required: readonly R[],
  make: (values: Record<R, string> & Partial<Record<O, string>>) => C,
  optionals: readonly O[] = [],
) {
  const names: readonly string[] = [...required, ...optionals];
  const present = z.string({ error: `must be set too: ${needs}` });
  const shape = Object.fromEntries([
    ...required.map((name) => [name, z.preprocess(trim, present)]),
    ...optionals.map((name) => [name, optional(z.string())]),
  ]);
  return z.preprocess(
    (env) => (names.some((name) => trim((env as Env)[name]) !== undefined) ? env : undefined),
    z
      .object(shape)
      .transform((values) => make(values as Record<R, string> & Partial<Record<O, string>>))
      .optional(),
  );
}

const CREDENTIALS = {
  ivy: credentials(
    'Ivy needs both IVY_API_KEY and IVY_WEBHOOK_SECRET',
    ['IVY_API_KEY', 'IVY_WEBHOOK_SECRET'],
    (v) => ({ apiKey: v.IVY_API_KEY, webhookSecret: v.IVY_WEBHOOK_SECRET }),
  ),
  ixopay: credentials(
    'IXOPAY needs its API key, username, password and shared secret',
    ['IXOPAY_API_KEY', 'IXOPAY_USERNAME', 'IXOPAY_PASSWORD', 'IXOPAY_SHARED_SECRET'],
    (v) => ({
      apiKey: v.IXOPAY_API_KEY,
      username: v.IXOPAY_USERNAME,
      password: v.IXOPAY_PASSWORD,
      sharedSecret: v.IXOPAY_SHARED_SECRET,
    }),
  ),
  // Without a webhook secret FuratPay signs with the API key, as its older versions did.
  furatpay: credentials(
    'FuratPay needs FURATPAY_API_KEY when FURATPAY_WEBHOOK_SECRET is set',
    ['FURATPAY_API_KEY'],
    (v) => ({
      apiKey: v.FURATPAY_API_KEY,
      webhookSecret: v.FURATPAY_WEBHOOK_SECRET ?? v.FURATPAY_API_KEY,
    }),
    ['FURATPAY_WEBHOOK_SECRET'],
  ),
  // The access token is both the bearer token it accepts and the webhook HMAC key.
  iwocapay: credentials(
    'iwocaPay needs IWOCAPAY_SUPPLIER_UUID and IWOCAPAY_ACCESS_TOKEN',
    ['IWOCAPAY_SUPPLIER_UUID', 'IWOCAPAY_ACCESS_TOKEN'],
    (v) => ({ supplierUuid: v.IWOCAPAY_SUPPLIER_UUID, accessToken: v.IWOCAPAY_ACCESS_TOKEN }),
  ),
  koywe: credentials(
    'Koywe needs its API key, secret, org id, merchant id and webhook secret',
    ['KOYWE_API_KEY', 'KOYWE_SECRET', 'KOYWE_ORG_ID', 'KOYWE_MERCHANT_ID', 'KOYWE_WEBHOOK_SECRET'],
    (v) => ({
      apiKey: v.KOYWE_API_KEY,
      secret: v.KOYWE_SECRET,
      orgId: v.KOYWE_ORG_ID,
      merchantId: v.KOYWE_MERCHANT_ID,
      webhookSecret: v.KOYWE_WEBHOOK_SECRET,
    }),
  ),
} satisfies { [K in keyof EmulatorCredentials]-?: z.ZodType<EmulatorCredentials[K]> };

/** Every part reads the whole environment: the settings and each provider's credentials. */
const ENV = z.preprocess(
  (env) => ({
    settings: env,
    credentials: Object.fromEntries(Object.keys(CREDENTIALS).map((id) => [id, env])),
  }),
  z.object({ settings: SETTINGS, credentials: z.object(CREDENTIALS) }),
);

/** Reads and validates the emulator's environment variables. */
export function emulatorOptionsFromEnv(env: Env = process.env): EmulatorEnvOptions {
  const result = ENV.safeParse(env);
  if (!result.success) {
    throw new EmulatorConfigError(
      result.error.issues.map((issue) => ({
        variable: String(issue.path.at(-1)),
        message: issue.message,
      })),
    );
  }
  const { settings: s, credentials: all } = result.data;
  return {
    port: s.EMULATOR_PORT ?? DEFAULT_EMULATOR_PORT,
    host: s.EMULATOR_HOST ?? DEFAULT_EMULATOR_HOST,
    credentials: Object.fromEntries(Object.entries(all).filter(([, c]) => c !== undefined)),
    ...(s.EMULATOR_PUBLIC_URL ? { publicUrl: s.EMULATOR_PUBLIC_URL } : {}),
    ...(s.IVY_WEBHOOK_URL ? { webhookUrls: { ivy: s.IVY_WEBHOOK_URL } } : {}),
    ...(s.PAY_CHECKOUT_PUBLIC_URL ? { checkoutServerUrl: s.PAY_CHECKOUT_PUBLIC_URL } : {}),
    ...(s.EMULATOR_TIME_SCALE !== undefined ? { timeScale: s.EMULATOR_TIME_SCALE } : {}),
    ...(s.EMULATOR_SETTLE_DELAY_MS !== undefined
      ? { settleDelayMs: s.EMULATOR_SETTLE_DELAY_MS }
      : {}),
  };
}
