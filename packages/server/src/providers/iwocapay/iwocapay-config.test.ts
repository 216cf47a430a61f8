/**
 * @module
 * iwocaPay's variables: on when both credentials are set, the staging host by default, every
 * bad variable named and no value ever printed.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';
import { IWOCAPAY_SANDBOX_URL } from './iwocapay-config.js';

const BASE = {
  PAY_CHECKOUT_SECRET_KEY: 'sk_test_0123456789abcdef',
  PAY_CHECKOUT_ALLOWED_ORIGINS: 'https://shop.example',
};
const UUID = '6F1C2A52-3D4E-4B8F-9A1C-0D2E3F4A5B6C';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ ...BASE, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('iwocaPay configuration', () => {
  it('is off without credentials', () => {
    expect(loadConfig(BASE).providers.iwocapay).toBeUndefined();
  });

  it('is on with both credentials, against the staging host by default', () => {
    const config = loadConfig({
      ...BASE,
      IWOCAPAY_SUPPLIER_UUID: UUID,
      IWOCAPAY_ACCESS_TOKEN: 'tok',
    });
    expect(config.providers.iwocapay).toEqual({
      apiUrl: IWOCAPAY_SANDBOX_URL,
      supplierUuid: UUID.toLowerCase(),
      accessToken: 'tok',
    });
    expect(IWOCAPAY_SANDBOX_URL).toBe('https://stage.iwoca-dev.co.uk');
  });

  it('takes another API URL', () => {
    const config = loadConfig({
      ...BASE,
      IWOCAPAY_SUPPLIER_UUID: UUID,
      IWOCAPAY_ACCESS_TOKEN: 'tok',
      IWOCAPAY_API_URL: 'http://127.0.0.1:8788/iwocapay/',
    });
    expect(config.providers.iwocapay).toMatchObject({ apiUrl: 'http://127.0.0.1:8788/iwocapay' });
  });

  it.each([
    // iwocaPay's own integration guide sets the API's base path in the variable.
    ['https://stage.iwoca-dev.co.uk/api/lending/edge/', 'https://stage.iwoca-dev.co.uk'],
    ['https://stage.iwoca-dev.co.uk/api/lending/edge', 'https://stage.iwoca-dev.co.uk'],
    ['https://www.iwoca.co.uk', 'https://www.iwoca.co.uk'],
    ['http://127.0.0.1:8788/iwocapay/api/lending/edge/', 'http://127.0.0.1:8788/iwocapay'],
  ])('reads IWOCAPAY_API_URL=%s as the host %s', (raw, host) => {
    const config = loadConfig({
      ...BASE,
      IWOCAPAY_SUPPLIER_UUID: UUID,
      IWOCAPAY_ACCESS_TOKEN: 'tok',
      IWOCAPAY_API_URL: raw,
    });
    expect(config.providers.iwocapay?.apiUrl).toBe(host);
  });

  it('takes the token under the name of iwocaPay’s guide, IWOCAPAY_SUPPLIER_ACCESS_TOKEN', () => {
    const config = loadConfig({
      ...BASE,
      IWOCAPAY_SUPPLIER_UUID: UUID,
      IWOCAPAY_SUPPLIER_ACCESS_TOKEN: 'guide-token',
    });
    expect(config.providers.iwocapay?.accessToken).toBe('guide-token');
    const both = loadConfig({
      ...BASE,
      IWOCAPAY_SUPPLIER_UUID: UUID,
      IWOCAPAY_ACCESS_TOKEN: 'same',
      IWOCAPAY_SUPPLIER_ACCESS_TOKEN: 'same',
    });
    expect(both.providers.iwocapay?.accessToken).toBe('same');
    const differing = configError({
      IWOCAPAY_SUPPLIER_UUID: UUID,
      IWOCAPAY_ACCESS_TOKEN: 'one-token',
      IWOCAPAY_SUPPLIER_ACCESS_TOKEN: 'other-token',
    });
    expect(differing.variables).toEqual(['IWOCAPAY_SUPPLIER_ACCESS_TOKEN']);
    expect(differing.message).not.toMatch(/one-token|other-token/);
    expect(configError({ IWOCAPAY_SUPPLIER_ACCESS_TOKEN: 'tok' }).variables).toEqual([
      'IWOCAPAY_SUPPLIER_UUID',
    ]);
  });

  it('names every bad variable and never prints a value', () => {
    const error = configError({
      IWOCAPAY_SUPPLIER_UUID: 'not-a-uuid',
      IWOCAPAY_ACCESS_TOKEN: 'secret token value',
      IWOCAPAY_API_URL: 'ftp://example',
    });
    expect(error.variables.sort()).toEqual([
      'IWOCAPAY_ACCESS_TOKEN',
      'IWOCAPAY_API_URL',
      'IWOCAPAY_SUPPLIER_UUID',
    ]);
    for (const value of ['not-a-uuid', 'secret token value', 'ftp://example']) {
      expect(error.message).not.toContain(value);
    }
  });

  it('requires both credentials together', () => {
    expect(configError({ IWOCAPAY_ACCESS_TOKEN: 'tok' }).variables).toEqual([
      'IWOCAPAY_SUPPLIER_UUID',
    ]);
    expect(configError({ IWOCAPAY_SUPPLIER_UUID: UUID }).variables).toEqual([
      'IWOCAPAY_ACCESS_TOKEN',
    ]);
  });
});
