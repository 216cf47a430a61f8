/**
 * @module
 * Test configuration: an in-memory database, silent logs and the demo origins.
 */
import { loadConfig, type CheckoutServerConfig } from '../config.js';

export const SECRET_KEY = 'sk_test_0123456789abcdef';
export const SHOP_ORIGIN = 'https://shop.example';
export const IVY_API_KEY = 'ivy_test_key';
export const IVY_WEBHOOK_SECRET = 'ivy_test_webhook_secret';

/** A config from the given env (plus test defaults) and programmatic extras. */
export function testConfig(
  env: Record<string, string | undefined> = {},
  extras: Partial<CheckoutServerConfig> = {},
): CheckoutServerConfig {
  return {
    ...loadConfig({
      PAY_CHECKOUT_SECRET_KEY: SECRET_KEY,
      PAY_CHECKOUT_ALLOWED_ORIGINS: `${SHOP_ORIGIN},http://localhost:5173`,
      DATABASE_URL: 'sqlite::memory:',
      LOG_LEVEL: 'silent',
      ...env,
    }),
    ...extras,
  };
}

/** A valid `POST /v1/sessions` body. */
export function sessionBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    amount: { value: 1999, currency: 'EUR' },
    reference: `order-${Math.random().toString(36).slice(2, 10)}`,
    country: 'DE',
    returnUrl: `${SHOP_ORIGIN}/checkout/done?cart=7`,
    ...overrides,
  };
}
