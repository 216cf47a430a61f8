/**
 * @module
 * Configuration from the environment.
 */
import { describe, expect, it } from 'vitest';
import { EmulatorConfigError, emulatorOptionsFromEnv } from './env.js';

describe('emulatorOptionsFromEnv', () => {
  it('has the documented defaults', () => {
    expect(emulatorOptionsFromEnv({})).toEqual({ port: 8788, host: '127.0.0.1', credentials: {} });
  });

  it('reads every variable', () => {
    expect(
      emulatorOptionsFromEnv({
        IVY_API_KEY: 'ivy_demo_key',
        IVY_WEBHOOK_SECRET: 'ivy_demo_webhook_secret',
        IVY_WEBHOOK_URL: 'http://127.0.0.1:9000/hooks/ivy',
        PAY_CHECKOUT_PUBLIC_URL: 'http://127.0.0.1:8787',
        EMULATOR_PORT: '0',
        EMULATOR_HOST: '0.0.0.0',
        EMULATOR_PUBLIC_URL: 'https://emulator.example',
        EMULATOR_TIME_SCALE: '0.01',
        EMULATOR_SETTLE_DELAY_MS: '500',
      }),
    ).toEqual({
      port: 0,
      host: '0.0.0.0',
      publicUrl: 'https://emulator.example',
      credentials: { ivy: { apiKey: 'ivy_demo_key', webhookSecret: 'ivy_demo_webhook_secret' } },
      webhookUrls: { ivy: 'http://127.0.0.1:9000/hooks/ivy' },
      checkoutServerUrl: 'http://127.0.0.1:8787',
      timeScale: 0.01,
      settleDelayMs: 500,
    });
  });

  it('lists every bad variable in one error without secret values', () => {
    let error: unknown;
    try {
      emulatorOptionsFromEnv({
        IVY_API_KEY: 'super-secret-key',
        EMULATOR_PORT: '99999',
        EMULATOR_TIME_SCALE: 'fast',
        EMULATOR_SETTLE_DELAY_MS: '-1',
        IVY_WEBHOOK_URL: 'ftp://x',
        EMULATOR_PUBLIC_URL: 'not a url',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EmulatorConfigError);
    const config = error as EmulatorConfigError;
    expect(config.issues.map((i) => i.variable).sort()).toEqual([
      'EMULATOR_PORT',
      'EMULATOR_PUBLIC_URL',
      'EMULATOR_SETTLE_DELAY_MS',
      'EMULATOR_TIME_SCALE',
      'IVY_WEBHOOK_SECRET',
      'IVY_WEBHOOK_URL',
    ]);
    expect(config.message).not.toContain('super-secret-key');
  });

  it('trims values and treats blank ones as unset', () => {
    expect(
      emulatorOptionsFromEnv({
        EMULATOR_PORT: '  ',
        EMULATOR_HOST: ' ',
        EMULATOR_PUBLIC_URL: '',
        IVY_API_KEY: '   ',
        FURATPAY_API_KEY: ' furat_key ',
        PAY_CHECKOUT_PUBLIC_URL: ' http://127.0.0.1:8787 ',
      }),
    ).toEqual({
      port: 8788,
      host: '127.0.0.1',
      credentials: { furatpay: { apiKey: 'furat_key', webhookSecret: 'furat_key' } },
      checkoutServerUrl: 'http://127.0.0.1:8787',
    });
  });

  it('reads the credentials of every provider', () => {
    const options = emulatorOptionsFromEnv({
      IXOPAY_API_KEY: 'ixo_key',
      IXOPAY_USERNAME: 'ixo_user',
      IXOPAY_PASSWORD: 'ixo_password',
      IXOPAY_SHARED_SECRET: 'ixo_shared',
      FURATPAY_API_KEY: 'furat_key',
      FURATPAY_WEBHOOK_SECRET: 'furat_webhook',
      KOYWE_API_KEY: 'koywe_key',
      KOYWE_SECRET: 'koywe_secret',
      KOYWE_ORG_ID: 'org_1',
      KOYWE_MERCHANT_ID: 'merchant_1',
      KOYWE_WEBHOOK_SECRET: 'koywe_webhook',
    });
    expect(options.credentials).toStrictEqual({
      ixopay: {
        apiKey: 'ixo_key',
        username: 'ixo_user',
        password: 'ixo_password',
        sharedSecret: 'ixo_shared',
      },
      furatpay: { apiKey: 'furat_key', webhookSecret: 'furat_webhook' },
      koywe: {
        apiKey: 'koywe_key',
        secret: 'koywe_secret',
        orgId: 'org_1',
        merchantId: 'merchant_1',
        webhookSecret: 'koywe_webhook',
      },
    });
  });

  it('names each missing credential of a provider that is half configured', () => {
    const error = configError({
      IXOPAY_PASSWORD: 'ixo_password_value',
      FURATPAY_WEBHOOK_SECRET: 'furat_webhook_value',
      KOYWE_ORG_ID: 'org_value',
    });
    expect(error.issues.map((i) => i.variable).sort()).toEqual([
      'FURATPAY_API_KEY',
      'IXOPAY_API_KEY',
      'IXOPAY_SHARED_SECRET',
      'IXOPAY_USERNAME',
      'KOYWE_API_KEY',
      'KOYWE_MERCHANT_ID',
      'KOYWE_SECRET',
      'KOYWE_WEBHOOK_SECRET',
    ]);
    expect(error.issues.find((i) => i.variable === 'FURATPAY_API_KEY')?.message).toBe(
      'must be set too: FuratPay needs FURATPAY_API_KEY when FURATPAY_WEBHOOK_SECRET is set',
    );
    for (const value of ['ixo_password_value', 'furat_webhook_value', 'org_value']) {
      expect(error.message).not.toContain(value);
    }
  });

  describe('iwocaPay', () => {
    const UUID = '6f1c2a52-3d4e-4b8f-9a1c-0d2e3f4a5b6c';

    it('takes the token under iwocaPay’s own name, IWOCAPAY_SUPPLIER_ACCESS_TOKEN', () => {
      expect(
        emulatorOptionsFromEnv({
          IWOCAPAY_SUPPLIER_UUID: UUID,
          IWOCAPAY_SUPPLIER_ACCESS_TOKEN: ' guide_token ',
        }).credentials.iwocapay,
      ).toStrictEqual({ supplierUuid: UUID, accessToken: 'guide_token' });
    });

    it('takes both token names when they hold the same token', () => {
      expect(
        emulatorOptionsFromEnv({
          IWOCAPAY_SUPPLIER_UUID: UUID,
          IWOCAPAY_ACCESS_TOKEN: 'same_token',
          IWOCAPAY_SUPPLIER_ACCESS_TOKEN: 'same_token',
        }).credentials.iwocapay,
      ).toStrictEqual({ supplierUuid: UUID, accessToken: 'same_token' });
    });

    it('refuses two different tokens without printing either', () => {
      const error = configError({
        IWOCAPAY_SUPPLIER_UUID: UUID,
        IWOCAPAY_ACCESS_TOKEN: 'first_token_value',
        IWOCAPAY_SUPPLIER_ACCESS_TOKEN: 'second_token_value',
      });
      expect(error.issues).toEqual([
        {
          variable: 'IWOCAPAY_SUPPLIER_ACCESS_TOKEN',
          message:
            'differs from IWOCAPAY_ACCESS_TOKEN (set one of the two, or both to the same token)',
        },
      ]);
      expect(error.message).not.toContain('first_token_value');
      expect(error.message).not.toContain('second_token_value');
    });

    it('names the token when only the UUID is set, and the UUID when only a token is', () => {
      const needs =
        'must be set too: iwocaPay needs IWOCAPAY_SUPPLIER_UUID and IWOCAPAY_ACCESS_TOKEN (or IWOCAPAY_SUPPLIER_ACCESS_TOKEN)';
      expect(configError({ IWOCAPAY_SUPPLIER_UUID: UUID }).issues).toEqual([
        { variable: 'IWOCAPAY_ACCESS_TOKEN', message: needs },
      ]);
      expect(configError({ IWOCAPAY_SUPPLIER_ACCESS_TOKEN: 'guide_token' }).issues).toEqual([
        { variable: 'IWOCAPAY_SUPPLIER_UUID', message: needs },
      ]);
    });

    it.each([
      ['signed', 'signed'],
      ['unsigned', 'unsigned'],
      [' Unsigned ', 'unsigned'],
    ])('reads EMULATOR_IWOCAPAY_WEBHOOK_FORMAT=%j', (value, format) => {
      expect(
        emulatorOptionsFromEnv({
          IWOCAPAY_SUPPLIER_UUID: UUID,
          IWOCAPAY_ACCESS_TOKEN: 'token',
          EMULATOR_IWOCAPAY_WEBHOOK_FORMAT: value,
        }).credentials.iwocapay,
      ).toStrictEqual({ supplierUuid: UUID, accessToken: 'token', webhookFormat: format });
    });

    it('refuses another webhook format, and the option without iwocaPay’s credentials', () => {
      expect(
        configError({
          IWOCAPAY_SUPPLIER_UUID: UUID,
          IWOCAPAY_ACCESS_TOKEN: 'token',
          EMULATOR_IWOCAPAY_WEBHOOK_FORMAT: 'hmac',
        }).issues,
      ).toEqual([
        { variable: 'EMULATOR_IWOCAPAY_WEBHOOK_FORMAT', message: 'must be signed or unsigned' },
      ]);
      expect(
        configError({ EMULATOR_IWOCAPAY_WEBHOOK_FORMAT: 'unsigned' })
          .issues.map((i) => i.variable)
          .sort(),
      ).toEqual(['IWOCAPAY_ACCESS_TOKEN', 'IWOCAPAY_SUPPLIER_UUID']);
    });
  });

  describe('IXOPAY', () => {
    const IXOPAY = {
      IXOPAY_API_KEY: 'ixo_key',
      IXOPAY_USERNAME: 'ixo_user',
      IXOPAY_PASSWORD: 'ixo_password',
      IXOPAY_SHARED_SECRET: 'ixo_shared',
    };

    it.each([
      ['true', true],
      ['1', true],
      ['YES', true],
      ['false', false],
      [' 0 ', false],
      ['no', false],
    ])('reads EMULATOR_IXOPAY_REDATE_RETRIES=%j', (value, redateRetries) => {
      expect(
        emulatorOptionsFromEnv({ ...IXOPAY, EMULATOR_IXOPAY_REDATE_RETRIES: value }).credentials
          .ixopay,
      ).toStrictEqual({
        apiKey: 'ixo_key',
        username: 'ixo_user',
        password: 'ixo_password',
        sharedSecret: 'ixo_shared',
        redateRetries,
      });
    });

    it('leaves redateRetries unset without the variable', () => {
      expect(emulatorOptionsFromEnv(IXOPAY).credentials.ixopay).not.toHaveProperty('redateRetries');
    });

    it('refuses a value that is not true or false, and the option without IXOPAY’s credentials', () => {
      expect(
        configError({ ...IXOPAY, EMULATOR_IXOPAY_REDATE_RETRIES: 'sometimes' }).issues,
      ).toEqual([{ variable: 'EMULATOR_IXOPAY_REDATE_RETRIES', message: 'must be true or false' }]);
      expect(
        configError({ EMULATOR_IXOPAY_REDATE_RETRIES: 'true' })
          .issues.map((i) => i.variable)
          .sort(),
      ).toEqual(['IXOPAY_API_KEY', 'IXOPAY_PASSWORD', 'IXOPAY_SHARED_SECRET', 'IXOPAY_USERNAME']);
    });
  });

  it.each([
    ['EMULATOR_PORT', '0x50', 'must be an integer port between 0 and 65535'],
    ['EMULATOR_PORT', '80.5', 'must be an integer port between 0 and 65535'],
    ['EMULATOR_PORT', '-1', 'must be an integer port between 0 and 65535'],
    [
      'EMULATOR_TIME_SCALE',
      '1e3',
      'must be a number ≥ 0 (1 = real time, 0.01 = a hundred times faster)',
    ],
    [
      'EMULATOR_TIME_SCALE',
      '-0.5',
      'must be a number ≥ 0 (1 = real time, 0.01 = a hundred times faster)',
    ],
    ['EMULATOR_SETTLE_DELAY_MS', '1.5', 'must be a whole number of milliseconds ≥ 0'],
    ['PAY_CHECKOUT_PUBLIC_URL', '/relative', 'must be an absolute http(s) URL'],
  ])('refuses %s=%s with one clear line', (variable, value, message) => {
    const error = configError({ [variable]: value });
    expect(error.issues).toEqual([{ variable, message }]);
    expect(error.message).toBe(`Invalid emulator configuration:\n  - ${variable}: ${message}`);
  });
});

function configError(env: Record<string, string>): EmulatorConfigError {
  try {
    emulatorOptionsFromEnv(env);
  } catch (error) {
    if (error instanceof EmulatorConfigError) return error;
    throw error;
  }
  throw new Error('expected an EmulatorConfigError');
}
