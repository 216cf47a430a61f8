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
});
