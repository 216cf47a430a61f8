/**
 * @module
 * `emulatorOptionsFromEnv`: the emulator's configuration from environment variables — the same
 * provider credentials the checkout server reads (iwocaPay's token also under iwocaPay's own
 * name, `IWOCAPAY_SUPPLIER_ACCESS_TOKEN`), plus the `EMULATOR_*` settings, among them the
 * per-provider options `EMULATOR_IWOCAPAY_WEBHOOK_FORMAT` and `EMULATOR_IXOPAY_REDATE_RETRIES`.
 * Every bad variable is reported in one error; secret values never appear in it.
 */
import { z } from 'zod';
import {
  DEFAULT_EMULATOR_HOST,
  DEFAULT_EMULATOR_PORT,
  type EmulatorCredentials,
} from './options.js';
import { IWOCAPAY_WEBHOOK_FORMATS } from './providers/iwocapay/types.js';
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

/** `true`/`false` (also `1`/`0`, `yes`/`no`, any case), as the checkout server reads flags. */
const flag = (message: string) =>
  z
    .string()
    .refine((raw) => ['true', '1', 'yes', 'false', '0', 'no'].includes(raw.toLowerCase()), message)
    .transform((raw) => ['true', '1', 'yes'].includes(raw.toLowerCase()));

/** One of `choices`, in any case. */
const choice = <const T extends string>(choices: readonly [T, ...T[]], message: string) =>
  z
    .string()
    .transform((raw) => raw.toLowerCase())
    .pipe(z.enum(choices, message));

/** The variables of one provider, as `credentials` reads them. */
interface CredentialsSpec<
  R extends string,
  O extends Record<string, z.ZodType<unknown, string>>,
  C,
> {
  /** What the provider needs, for the message of a missing variable. */
  needs: string;
  /** The variables that must all be set once any of the provider's variables is. */
  required: readonly R[];
  /** The other variables it reads, each with its schema (applied to the trimmed value). */
  optionals?: O;
  /**
   * A rule across variables, run even when one of them failed (so one error names every bad
   * variable); it sees the trimmed values as set and reports with {@link issue}.
   */
  check?: (values: Readonly<Record<string, unknown>>, ctx: z.RefinementCtx) => void;
  /** The credentials from valid values. */
  make: (values: Record<R, string> & { [K in keyof O]?: z.output<O[K]> }) => C;
}

/**
 * One provider's credentials: off while none of its variables is set; once one is, each
 * required one must be set too, the optionals must be valid and the `check` must pass.
 */
function credentials<
  const R extends string,
  C,
  const O extends Record<string, z.ZodType<unknown, string>> = Record<never, never>,
>(spec: CredentialsSpec<R, O, C>) {
  const optionals = spec.optionals ?? ({} as O);
  const names: readonly string[] = [...spec.required, ...Object.keys(optionals)];
  const present = z.string({ error: `must be set too: ${spec.needs}` });
  const shape = Object.fromEntries([
    ...spec.required.map((name) => [name, z.preprocess(trim, present)]),
    ...Object.entries(optionals).map(([name, schema]) => [name, optional(schema)]),
  ]);
  const check = spec.check ?? (() => {});
  return z.preprocess(
    (env) => (names.some((name) => trim((env as Env)[name]) !== undefined) ? env : undefined),
    z
      .object(shape)
      .superRefine((values, ctx) => check(values, ctx), { when: () => true })
      .transform((values) =>
        spec.make(values as Record<R, string> & { [K in keyof O]?: z.output<O[K]> }),
      )
      .optional(),
  );
}

/** Reports `message` for `variable`; the value itself is never printed. */
function issue(ctx: z.RefinementCtx, variable: string, message: string): void {
  ctx.addIssue({ code: 'custom', path: [variable], message });
}

const IWOCAPAY_NEEDS =
  'iwocaPay needs IWOCAPAY_SUPPLIER_UUID and IWOCAPAY_ACCESS_TOKEN (or IWOCAPAY_SUPPLIER_ACCESS_TOKEN)';

const CREDENTIALS = {
  ivy: credentials({
    needs: 'Ivy needs both IVY_API_KEY and IVY_WEBHOOK_SECRET',
    required: ['IVY_API_KEY', 'IVY_WEBHOOK_SECRET'],
    make: (v) => ({ apiKey: v.IVY_API_KEY, webhookSecret: v.IVY_WEBHOOK_SECRET }),
  }),
  ixopay: credentials({
    needs: 'IXOPAY needs its API key, username, password and shared secret',
    required: ['IXOPAY_API_KEY', 'IXOPAY_USERNAME', 'IXOPAY_PASSWORD', 'IXOPAY_SHARED_SECRET'],
    // Each callback retry dated when it is sent, instead of keeping the first attempt's `Date`.
    optionals: { EMULATOR_IXOPAY_REDATE_RETRIES: flag('must be true or false') },
    make: (v) => ({
      apiKey: v.IXOPAY_API_KEY,
      username: v.IXOPAY_USERNAME,
      password: v.IXOPAY_PASSWORD,
      sharedSecret: v.IXOPAY_SHARED_SECRET,
      ...(v.EMULATOR_IXOPAY_REDATE_RETRIES !== undefined
        ? { redateRetries: v.EMULATOR_IXOPAY_REDATE_RETRIES }
        : {}),
    }),
  }),
  // Without a webhook secret FuratPay signs with the API key, as its older versions did.
  furatpay: credentials({
    needs: 'FuratPay needs FURATPAY_API_KEY when FURATPAY_WEBHOOK_SECRET is set',
    required: ['FURATPAY_API_KEY'],
    optionals: { FURATPAY_WEBHOOK_SECRET: z.string() },
    make: (v) => ({
      apiKey: v.FURATPAY_API_KEY,
      webhookSecret: v.FURATPAY_WEBHOOK_SECRET ?? v.FURATPAY_API_KEY,
    }),
  }),
  // The access token is both the bearer token it accepts and the webhook HMAC key; it may be
  // set under iwocaPay's own name for it, IWOCAPAY_SUPPLIER_ACCESS_TOKEN, too.
  iwocapay: credentials({
    needs: IWOCAPAY_NEEDS,
    required: ['IWOCAPAY_SUPPLIER_UUID'],
    optionals: {
      IWOCAPAY_ACCESS_TOKEN: z.string(),
      IWOCAPAY_SUPPLIER_ACCESS_TOKEN: z.string(),
      EMULATOR_IWOCAPAY_WEBHOOK_FORMAT: choice(
        IWOCAPAY_WEBHOOK_FORMATS,
        `must be ${IWOCAPAY_WEBHOOK_FORMATS.join(' or ')}`,
      ),
    },
    check: (v, ctx) => {
      const { IWOCAPAY_ACCESS_TOKEN: ours, IWOCAPAY_SUPPLIER_ACCESS_TOKEN: theirs } = v;
      if (ours === undefined && theirs === undefined) {
        issue(ctx, 'IWOCAPAY_ACCESS_TOKEN', `must be set too: ${IWOCAPAY_NEEDS}`);
      } else if (ours !== undefined && theirs !== undefined && ours !== theirs) {
        issue(
          ctx,
          'IWOCAPAY_SUPPLIER_ACCESS_TOKEN',
          'differs from IWOCAPAY_ACCESS_TOKEN (set one of the two, or both to the same token)',
        );
      }
    },
    make: (v) => ({
      supplierUuid: v.IWOCAPAY_SUPPLIER_UUID,
      // One of the two is set: `check` refused the environment otherwise.
      accessToken: v.IWOCAPAY_ACCESS_TOKEN ?? v.IWOCAPAY_SUPPLIER_ACCESS_TOKEN ?? '',
      ...(v.EMULATOR_IWOCAPAY_WEBHOOK_FORMAT !== undefined
        ? { webhookFormat: v.EMULATOR_IWOCAPAY_WEBHOOK_FORMAT }
        : {}),
    }),
  }),
  koywe: credentials({
    needs: 'Koywe needs its API key, secret, org id, merchant id and webhook secret',
    required: [
      'KOYWE_API_KEY',
      'KOYWE_SECRET',
      'KOYWE_ORG_ID',
      'KOYWE_MERCHANT_ID',
      'KOYWE_WEBHOOK_SECRET',
    ],
    make: (v) => ({
      apiKey: v.KOYWE_API_KEY,
      secret: v.KOYWE_SECRET,
      orgId: v.KOYWE_ORG_ID,
      merchantId: v.KOYWE_MERCHANT_ID,
      webhookSecret: v.KOYWE_WEBHOOK_SECRET,
    }),
  }),
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
