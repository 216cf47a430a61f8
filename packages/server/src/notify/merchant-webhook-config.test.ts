/**
 * @module
 * `MERCHANT_WEBHOOK_URL` / `MERCHANT_WEBHOOK_SECRET` through `loadConfig`: both or neither,
 * http(s) only, secrets validated, values never in the error.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';

const BASE = {
  PAY_CHECKOUT_SECRET_KEY: 'sk_test_0123456789abcdef',
  PAY_CHECKOUT_ALLOWED_ORIGINS: 'https://shop.example',
};
const WHSEC = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;

function problems(env: Record<string, string>): { variables: string[]; message: string } {
  try {
    loadConfig({ ...BASE, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return { variables: error.variables, message: error.message };
    throw error;
  }
  return { variables: [], message: '' };
}

describe('merchant webhook configuration', () => {
  it('is off without the variables and on with both', () => {
    expect(loadConfig(BASE).merchantWebhook).toBeUndefined();
    const config = loadConfig({
      ...BASE,
      MERCHANT_WEBHOOK_URL: 'https://merchant.example/hooks',
      MERCHANT_WEBHOOK_SECRET: WHSEC,
    });
    expect(config.merchantWebhook).toEqual({
      url: 'https://merchant.example/hooks',
      secrets: [WHSEC],
    });
  });

  it('accepts several secrets for rotation and a plain secret of 16+ characters', () => {
    const config = loadConfig({
      ...BASE,
      MERCHANT_WEBHOOK_URL: 'http://127.0.0.1:3000/hooks',
      MERCHANT_WEBHOOK_SECRET: `${WHSEC} a-plain-secret-1234`,
    });
    expect(config.merchantWebhook?.secrets).toEqual([WHSEC, 'a-plain-secret-1234']);
  });

  it('requires both, an http(s) URL and a usable secret, naming variables, never values', () => {
    expect(problems({ MERCHANT_WEBHOOK_URL: 'https://m.example/h' }).variables).toEqual([
      'MERCHANT_WEBHOOK_SECRET',
    ]);
    expect(problems({ MERCHANT_WEBHOOK_SECRET: WHSEC }).variables).toEqual([
      'MERCHANT_WEBHOOK_URL',
    ]);
    for (const url of ['ftp://m.example/h', 'not a url', 'https://user:pw@m.example/h']) {
      expect(
        problems({ MERCHANT_WEBHOOK_URL: url, MERCHANT_WEBHOOK_SECRET: WHSEC }).variables,
      ).toEqual(['MERCHANT_WEBHOOK_URL']);
    }
    for (const secret of ['short', 'whsec_not-base64!!', 'whsec_c2hvcnQ=']) {
      const result = problems({
        MERCHANT_WEBHOOK_URL: 'https://m.example/h',
        MERCHANT_WEBHOOK_SECRET: secret,
      });
      expect(result.variables).toEqual(['MERCHANT_WEBHOOK_SECRET']);
      expect(result.message).not.toContain(secret);
    }
  });
});
