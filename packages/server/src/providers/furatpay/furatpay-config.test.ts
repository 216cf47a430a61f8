/**
 * @module
 * FuratPay's variables through `loadConfig`: off when unset, the sandbox-less default URL, both
 * credentials required together, and no secret value in any error.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';
import { FURATPAY_DEFAULT_URL } from './furatpay-config.js';

const BASE = {
  PAY_CHECKOUT_SECRET_KEY: 'sk_test_0123456789abcdef',
  PAY_CHECKOUT_ALLOWED_ORIGINS: 'https://shop.example',
};

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ ...BASE, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('FuratPay configuration', () => {
  it('is off without credentials', () => {
    expect(loadConfig(BASE).providers.furatpay).toBeUndefined();
  });

  it('reads key, secret and URL, defaulting the URL', () => {
    const env = {
      FURATPAY_API_KEY: 'furat_key_value',
      FURATPAY_WEBHOOK_SECRET: 'furat_secret_value',
    };
    expect(loadConfig({ ...BASE, ...env }).providers.furatpay).toEqual({
      apiUrl: FURATPAY_DEFAULT_URL,
      apiKey: 'furat_key_value',
      webhookSecret: 'furat_secret_value',
    });
    expect(
      loadConfig({ ...BASE, ...env, FURATPAY_API_URL: 'http://127.0.0.1:8788/furatpay/' }).providers
        .furatpay?.apiUrl,
    ).toBe('http://127.0.0.1:8788/furatpay');
  });

  it('names each missing or bad variable, never a value', () => {
    const noSecret = configError({ FURATPAY_API_KEY: 'furat_key_value' });
    expect(noSecret.variables).toEqual(['FURATPAY_WEBHOOK_SECRET']);
    expect(noSecret.message).not.toContain('furat_key_value');
    expect(configError({ FURATPAY_WEBHOOK_SECRET: 'furat_secret_value' }).variables).toEqual([
      'FURATPAY_API_KEY',
    ]);
    const badUrl = configError({
      FURATPAY_API_URL: 'ftp://x',
      FURATPAY_API_KEY: 'k',
      FURATPAY_WEBHOOK_SECRET: 's',
    });
    expect(badUrl.variables).toEqual(['FURATPAY_API_URL']);
  });
});
