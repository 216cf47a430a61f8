/**
 * @module
 * Configuration loading: defaults, every bad variable named, no value ever printed.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseOrigin } from './config.js';

const BASE = {
  PAY_CHECKOUT_SECRET_KEY: 'sk_live_secret_value_123',
  PAY_CHECKOUT_ALLOWED_ORIGINS: 'https://shop.example, http://localhost:5173',
};

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    const config = loadConfig(BASE);
    expect(config).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      publicUrl: 'http://127.0.0.1:8787',
      allowedOrigins: ['https://shop.example', 'http://localhost:5173'],
      database: { kind: 'sqlite', filename: './pay-checkout.db' },
      logLevel: 'info',
      providers: {},
    });
  });

  it('derives the public URL from HOST and PORT and trims a trailing slash when given', () => {
    expect(loadConfig({ ...BASE, HOST: '0.0.0.0', PORT: '9000' }).publicUrl).toBe(
      'http://0.0.0.0:9000',
    );
    expect(
      loadConfig({ ...BASE, PAY_CHECKOUT_PUBLIC_URL: 'https://pay.example/base/' }).publicUrl,
    ).toBe('https://pay.example/base');
  });

  it('turns Ivy on with key and secret, defaulting to the sandbox', () => {
    const config = loadConfig({ ...BASE, IVY_API_KEY: 'k', IVY_WEBHOOK_SECRET: 's' });
    expect(config.providers.ivy).toEqual({
      apiUrl: 'https://api.sand.getivy.de',
      apiKey: 'k',
      webhookSecret: 's',
    });
    const local = loadConfig({
      ...BASE,
      IVY_API_KEY: 'k',
      IVY_WEBHOOK_SECRET: 's',
      IVY_API_URL: 'http://127.0.0.1:8788/ivy/',
    });
    expect(local.providers.ivy?.apiUrl).toBe('http://127.0.0.1:8788/ivy');
  });

  it('reads sqlite URLs, including :memory:', () => {
    expect(loadConfig({ ...BASE, DATABASE_URL: 'sqlite::memory:' }).database.filename).toBe(
      ':memory:',
    );
    expect(loadConfig({ ...BASE, DATABASE_URL: 'sqlite:/var/db/pay.db' }).database.filename).toBe(
      '/var/db/pay.db',
    );
  });

  it('lists every bad variable by name in one message, never a value', () => {
    const error = configError({
      PAY_CHECKOUT_SECRET_KEY: 'short-secret',
      PAY_CHECKOUT_ALLOWED_ORIGINS: 'https://ok.example,https://evil.example/path',
      PORT: 'eighty',
      DATABASE_URL: 'postgres://user:hunter2@db/pay',
      LOG_LEVEL: 'loud',
      IVY_API_KEY: 'ivy-key-value',
      PAY_CHECKOUT_PUBLIC_URL: 'not a url',
    });
    expect(error.variables.sort()).toEqual(
      [
        'DATABASE_URL',
        'IVY_WEBHOOK_SECRET',
        'LOG_LEVEL',
        'PAY_CHECKOUT_ALLOWED_ORIGINS',
        'PAY_CHECKOUT_PUBLIC_URL',
        'PAY_CHECKOUT_SECRET_KEY',
        'PORT',
      ].sort(),
    );
    expect(error.message).toMatch(/not supported yet/);
    for (const secret of ['short-secret', 'hunter2', 'ivy-key-value', 'evil.example']) {
      expect(error.message).not.toContain(secret);
    }
  });

  it('requires the secret key and the allowed origins', () => {
    expect(configError({}).variables).toEqual([
      'PAY_CHECKOUT_SECRET_KEY',
      'PAY_CHECKOUT_ALLOWED_ORIGINS',
    ]);
  });

  it('requires Ivy key and secret together', () => {
    expect(configError({ ...BASE, IVY_WEBHOOK_SECRET: 'x' }).variables).toEqual(['IVY_API_KEY']);
  });

  it('names every missing variable of a half-configured provider, never a value', () => {
    let error: unknown;
    try {
      loadConfig({ ...BASE, IXOPAY_API_KEY: 'ixopay-key-value-1234' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/IXOPAY_USERNAME/);
    expect(message).toMatch(/IXOPAY_PASSWORD/);
    expect(message).toMatch(/IXOPAY_SHARED_SECRET/);
    expect(message).not.toContain('ixopay-key-value-1234');
  });
});

describe('parseOrigin', () => {
  it.each([
    ['https://shop.example', 'https://shop.example'],
    ['https://shop.example/', 'https://shop.example'],
    ['HTTPS://Shop.Example', 'https://shop.example'],
    ['http://localhost:5173', 'http://localhost:5173'],
  ])('accepts %s', (input, origin) => {
    expect(parseOrigin(input)).toBe(origin);
  });

  it.each([
    '*',
    'shop.example',
    'https://shop.example/path',
    'https://user@shop.example',
    'ftp://shop.example',
    'https://shop.example?x=1',
    'null',
    '',
  ])('rejects %j', (input) => {
    expect(parseOrigin(input)).toBeNull();
  });
});
