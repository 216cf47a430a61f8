/**
 * @module
 * IXOPAY's variables through `loadConfig`: on with all four credentials (sandbox by default),
 * every missing one named when only some are set, bad values refused without being printed.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';
import { IXOPAY_SANDBOX_URL } from './ixopay-config.js';

const BASE = {
  PAY_CHECKOUT_SECRET_KEY: 'sk_test_0123456789abcdef',
  PAY_CHECKOUT_ALLOWED_ORIGINS: 'https://shop.example',
};
const IXOPAY = {
  IXOPAY_API_KEY: 'connector-key',
  IXOPAY_USERNAME: 'api-user',
  IXOPAY_PASSWORD: 'hunter2-password',
  IXOPAY_SHARED_SECRET: 'very-secret-shared',
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

describe('IXOPAY configuration', () => {
  it('is off without credentials and on with all four, against the sandbox by default', () => {
    expect(loadConfig(BASE).providers.ixopay).toBeUndefined();
    const config = loadConfig({ ...BASE, ...IXOPAY });
    expect(config.providers.ixopay).toEqual({
      apiUrl: IXOPAY_SANDBOX_URL,
      apiKey: 'connector-key',
      username: 'api-user',
      password: 'hunter2-password',
      sharedSecret: 'very-secret-shared',
    });
    const custom = loadConfig({
      ...BASE,
      ...IXOPAY,
      IXOPAY_API_URL: 'https://gateway.ixopay.com/api/v3/',
    });
    expect(custom.providers.ixopay?.apiUrl).toBe('https://gateway.ixopay.com/api/v3');
  });

  it('names every missing credential when only some are set, and never prints a value', () => {
    const error = configError({
      ...BASE,
      IXOPAY_API_KEY: 'connector-key',
      IXOPAY_PASSWORD: 'hunter2-password',
    });
    expect(error.variables).toEqual(['IXOPAY_USERNAME', 'IXOPAY_SHARED_SECRET']);
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('connector-key');
  });

  it('refuses a bad URL, API key or user name', () => {
    expect(configError({ ...BASE, ...IXOPAY, IXOPAY_API_URL: 'ftp://x' }).variables).toEqual([
      'IXOPAY_API_URL',
    ]);
    expect(configError({ ...BASE, ...IXOPAY, IXOPAY_API_KEY: 'a/b' }).variables).toEqual([
      'IXOPAY_API_KEY',
    ]);
    const user = configError({ ...BASE, ...IXOPAY, IXOPAY_USERNAME: 'a:b' });
    expect(user.variables).toEqual(['IXOPAY_USERNAME']);
    expect(user.message).not.toContain('a:b');
  });
});
