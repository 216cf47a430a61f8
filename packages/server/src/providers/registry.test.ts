/**
 * @module
 * The registry lists each provider once, and the configuration, the app and the emulator's
 * wiring follow from it.
 */
import { ProviderIdSchema } from '@pay-checkout/protocol';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createProviders, emulatorEnvironment, PROVIDER_ENTRIES, PROVIDERS } from './registry.js';

const BASE = {
  PAY_CHECKOUT_SECRET_KEY: 'sk_test_0123456789abcdef',
  PAY_CHECKOUT_ALLOWED_ORIGINS: 'https://shop.example',
};

describe('the provider registry', () => {
  it('lists every provider of the wire contract once, under its own id', () => {
    expect(PROVIDER_ENTRIES.map((entry) => entry.id).sort()).toEqual(
      [...ProviderIdSchema.options].sort(),
    );
    for (const [key, entry] of Object.entries(PROVIDERS)) expect(entry.id).toBe(key);
  });

  it("documents each provider's API URL variable in its own section", () => {
    for (const entry of PROVIDER_ENTRIES) {
      expect(entry.env.variables.map((variable) => variable.name)).toContain(entry.apiUrlVariable);
      expect(entry.env.title).toBe(entry.name);
    }
  });

  it('points every provider at the emulator, and a configuration built from that parses', () => {
    const env = emulatorEnvironment('http://127.0.0.1:8788/');
    expect(env).toMatchObject({
      IVY_API_URL: 'http://127.0.0.1:8788/ivy',
      IWOCAPAY_API_URL: 'http://127.0.0.1:8788/iwocapay',
      IXOPAY_API_URL: 'http://127.0.0.1:8788/ixopay',
      KOYWE_API_URL: 'http://127.0.0.1:8788/koywe',
      FURATPAY_API_URL: 'http://127.0.0.1:8788/furatpay',
    });
    const config = loadConfig({
      ...BASE,
      ...env,
      IVY_API_KEY: 'ivy-key',
      IVY_WEBHOOK_SECRET: 'ivy-secret',
    });
    expect(config.providers.ivy?.apiUrl).toBe('http://127.0.0.1:8788/ivy');
  });

  it('builds the adapters of the configured providers only', () => {
    const config = loadConfig({
      ...BASE,
      IVY_API_KEY: 'ivy-key',
      IVY_WEBHOOK_SECRET: 'ivy-secret',
      FURATPAY_API_KEY: 'furatpay-key',
      FURATPAY_WEBHOOK_SECRET: 'furatpay-secret',
    });
    const providers = createProviders(config.providers, {
      publicUrl: 'https://pay.shop.example',
      now: () => new Date(),
    });
    expect([...providers.keys()].sort()).toEqual(['furatpay', 'ivy']);
    for (const [id, provider] of providers) expect(provider.id).toBe(id);
  });
});
