/**
 * @module
 * `emulatorOptionsFromEnv`: the emulator's configuration from environment variables — the same
 * provider credentials the checkout server reads, plus the `EMULATOR_*` settings.
 * Every bad variable is reported in one error; secret values never appear in it.
 */
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

/** Reads and validates the emulator's environment variables. */
export function emulatorOptionsFromEnv(env: Env = process.env): EmulatorEnvOptions {
  const issues: ConfigIssue[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const url = (name: string): string | undefined => {
    const value = read(name);
    if (value === undefined) return undefined;
    if (!isHttpUrl(value)) {
      issues.push({ variable: name, message: 'must be an absolute http(s) URL' });
      return undefined;
    }
    return value;
  };
  const number = (
    name: string,
    check: (n: number) => boolean,
    message: string,
  ): number | undefined => {
    const value = read(name);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(value) || !check(parsed)) {
      issues.push({ variable: name, message });
      return undefined;
    }
    return parsed;
  };

  const credentials: EmulatorCredentials = {};
  const ivyKey = read('IVY_API_KEY');
  const ivySecret = read('IVY_WEBHOOK_SECRET');
  if (ivyKey && ivySecret) {
    credentials.ivy = { apiKey: ivyKey, webhookSecret: ivySecret };
  } else if (ivyKey || ivySecret) {
    issues.push({
      variable: ivyKey ? 'IVY_WEBHOOK_SECRET' : 'IVY_API_KEY',
      message: 'must be set too: Ivy needs both IVY_API_KEY and IVY_WEBHOOK_SECRET',
    });
  }

  const ixopay = {
    IXOPAY_API_KEY: read('IXOPAY_API_KEY'),
    IXOPAY_USERNAME: read('IXOPAY_USERNAME'),
    IXOPAY_PASSWORD: read('IXOPAY_PASSWORD'),
    IXOPAY_SHARED_SECRET: read('IXOPAY_SHARED_SECRET'),
  };
  const { IXOPAY_API_KEY, IXOPAY_USERNAME, IXOPAY_PASSWORD, IXOPAY_SHARED_SECRET } = ixopay;
  if (IXOPAY_API_KEY && IXOPAY_USERNAME && IXOPAY_PASSWORD && IXOPAY_SHARED_SECRET) {
    credentials.ixopay = {
      apiKey: IXOPAY_API_KEY,
      username: IXOPAY_USERNAME,
      password: IXOPAY_PASSWORD,
      sharedSecret: IXOPAY_SHARED_SECRET,
    };
  } else if (Object.values(ixopay).some((value) => value !== undefined)) {
    for (const [variable, value] of Object.entries(ixopay)) {
      if (value === undefined) {
        issues.push({
          variable,
          message:
            'must be set too: IXOPAY needs its API key, username, password and shared secret',
        });
      }
    }
  }

  const furatpayKey = read('FURATPAY_API_KEY');
  const furatpaySecret = read('FURATPAY_WEBHOOK_SECRET');
  if (furatpayKey) {
    // Without a webhook secret FuratPay signs with the API key, as its older versions did.
    credentials.furatpay = { apiKey: furatpayKey, webhookSecret: furatpaySecret ?? furatpayKey };
  } else if (furatpaySecret) {
    issues.push({
      variable: 'FURATPAY_API_KEY',
      message:
        'must be set too: FuratPay needs FURATPAY_API_KEY when FURATPAY_WEBHOOK_SECRET is set',
    });
  }

  const iwocaSupplier = read('IWOCAPAY_SUPPLIER_UUID');
  const iwocaToken = read('IWOCAPAY_ACCESS_TOKEN');
  if (iwocaSupplier && iwocaToken) {
    // The access token is both the bearer token it accepts and the webhook HMAC key.
    credentials.iwocapay = { supplierUuid: iwocaSupplier, accessToken: iwocaToken };
  } else if (iwocaSupplier || iwocaToken) {
    issues.push({
      variable: iwocaSupplier ? 'IWOCAPAY_ACCESS_TOKEN' : 'IWOCAPAY_SUPPLIER_UUID',
      message: 'must be set too: iwocaPay needs IWOCAPAY_SUPPLIER_UUID and IWOCAPAY_ACCESS_TOKEN',
    });
  }

  const koywe = {
    KOYWE_API_KEY: read('KOYWE_API_KEY'),
    KOYWE_SECRET: read('KOYWE_SECRET'),
    KOYWE_ORG_ID: read('KOYWE_ORG_ID'),
    KOYWE_MERCHANT_ID: read('KOYWE_MERCHANT_ID'),
    KOYWE_WEBHOOK_SECRET: read('KOYWE_WEBHOOK_SECRET'),
  };
  const { KOYWE_API_KEY, KOYWE_SECRET, KOYWE_ORG_ID, KOYWE_MERCHANT_ID, KOYWE_WEBHOOK_SECRET } =
    koywe;
  if (KOYWE_API_KEY && KOYWE_SECRET && KOYWE_ORG_ID && KOYWE_MERCHANT_ID && KOYWE_WEBHOOK_SECRET) {
    credentials.koywe = {
      apiKey: KOYWE_API_KEY,
      secret: KOYWE_SECRET,
      orgId: KOYWE_ORG_ID,
      merchantId: KOYWE_MERCHANT_ID,
      webhookSecret: KOYWE_WEBHOOK_SECRET,
    };
  } else if (Object.values(koywe).some((value) => value !== undefined)) {
    for (const [variable, value] of Object.entries(koywe)) {
      if (value === undefined) {
        issues.push({
          variable,
          message:
            'must be set too: Koywe needs its API key, secret, org id, merchant id and webhook secret',
        });
      }
    }
  }

  const ivyWebhookUrl = url('IVY_WEBHOOK_URL');
  const checkoutServerUrl = url('PAY_CHECKOUT_PUBLIC_URL');
  const publicUrl = url('EMULATOR_PUBLIC_URL');
  const port = number(
    'EMULATOR_PORT',
    (n) => Number.isInteger(n) && n >= 0 && n <= 65535,
    'must be an integer port between 0 and 65535',
  );
  const host = read('EMULATOR_HOST');
  const timeScale = number(
    'EMULATOR_TIME_SCALE',
    (n) => Number.isFinite(n) && n >= 0,
    'must be a number ≥ 0 (1 = real time, 0.01 = a hundred times faster)',
  );
  const settleDelayMs = number(
    'EMULATOR_SETTLE_DELAY_MS',
    (n) => Number.isInteger(n) && n >= 0,
    'must be a whole number of milliseconds ≥ 0',
  );

  if (issues.length > 0) throw new EmulatorConfigError(issues);
  return {
    port: port ?? DEFAULT_EMULATOR_PORT,
    host: host ?? DEFAULT_EMULATOR_HOST,
    credentials,
    ...(publicUrl ? { publicUrl } : {}),
    ...(ivyWebhookUrl ? { webhookUrls: { ivy: ivyWebhookUrl } } : {}),
    ...(checkoutServerUrl ? { checkoutServerUrl } : {}),
    ...(timeScale !== undefined ? { timeScale } : {}),
    ...(settleDelayMs !== undefined ? { settleDelayMs } : {}),
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const parsed = new URL(value);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}
