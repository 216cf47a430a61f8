/**
 * @module
 * Koywe's variables through `loadConfig`: on when all five credentials are set, the sandbox URL
 * by default, every missing one named, no value ever in an error.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';

const BASE = {
  PAY_CHECKOUT_SECRET_KEY: 'sk_test_0123456789abcdef',
  PAY_CHECKOUT_ALLOWED_ORIGINS: 'https://shop.example',
};
const KOYWE = {
  KOYWE_API_KEY: 'koywe_key_value',
  KOYWE_SECRET: 'koywe_secret_value',
  KOYWE_ORG_ID: 'org_1',
  KOYWE_MERCHANT_ID: 'mer_1',
  KOYWE_WEBHOOK_SECRET: 'koywe_webhook_secret_value',
};

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('Koywe configuration', () => {
  it('is off without variables and on with all five, defaulting to the sandbox', () => {
    expect(loadConfig(BASE).providers.koywe).toBeUndefined();
    const config = loadConfig({ ...BASE, ...KOYWE });
    expect(config.providers.koywe).toEqual({
      apiUrl: 'https://api-sandbox.koywe.com/api/v1',
      apiKey: 'koywe_key_value',
      secret: 'koywe_secret_value',
      orgId: 'org_1',
      merchantId: 'mer_1',
      webhookSecret: 'koywe_webhook_secret_value',
    });
    expect(
      loadConfig({ ...BASE, ...KOYWE, KOYWE_API_URL: 'http://127.0.0.1:8788/koywe/' }).providers
        .koywe?.apiUrl,
    ).toBe('http://127.0.0.1:8788/koywe');
  });

  it('names every missing or bad variable and never a value', () => {
    const error = configError({
      ...BASE,
      KOYWE_API_KEY: 'koywe_key_value',
      KOYWE_SECRET: 'koywe_secret_value',
      KOYWE_API_URL: 'ftp://x',
    });
    expect(error.variables.sort()).toEqual([
      'KOYWE_API_URL',
      'KOYWE_MERCHANT_ID',
      'KOYWE_ORG_ID',
      'KOYWE_WEBHOOK_SECRET',
    ]);
    expect(error.message).not.toContain('koywe_key_value');
    expect(error.message).not.toContain('koywe_secret_value');
    const ids = configError({
      ...BASE,
      ...KOYWE,
      KOYWE_ORG_ID: '../x',
      KOYWE_WEBHOOK_SECRET: 'short',
    });
    expect(ids.variables.sort()).toEqual(['KOYWE_ORG_ID', 'KOYWE_WEBHOOK_SECRET']);
  });
});
