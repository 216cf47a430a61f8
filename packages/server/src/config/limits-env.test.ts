/**
 * @module
 * The limits variables: the documented defaults unless set, whole numbers in range when set
 * (0 switching a rate limit off), and a refusal that names the variable otherwise.
 */
import { describe, expect, it } from 'vitest';
import { problemsOf } from './env-schema.js';
import { LIMITS_DEFAULTS, limitsEnv } from './limits-env.js';

describe('the limits variables', () => {
  it('allow ten attempts per session and count per minute unless told otherwise', () => {
    expect(limitsEnv.schema.safeParse({}).data).toEqual(LIMITS_DEFAULTS);
    expect(LIMITS_DEFAULTS).toMatchObject({
      maxAttempts: 10,
      windowMs: 60_000,
      trustedProxyHops: 0,
    });
  });

  it('read every limit', () => {
    expect(
      limitsEnv.schema.safeParse({
        PAY_CHECKOUT_MAX_ATTEMPTS: '3',
        PAY_CHECKOUT_RATE_WINDOW_SECONDS: '10',
        PAY_CHECKOUT_RATE_LIMIT_ADDRESS: '0',
        PAY_CHECKOUT_RATE_LIMIT_SESSION: '30',
        PAY_CHECKOUT_RATE_LIMIT_WEBHOOKS: '1000',
        PAY_CHECKOUT_RATE_LIMIT_FAILURES: '5',
        PAY_CHECKOUT_RATE_SYNC_MS: '50',
        PAY_CHECKOUT_TRUSTED_PROXY_HOPS: '2',
      }).data,
    ).toEqual({
      maxAttempts: 3,
      windowMs: 10_000,
      perAddress: 0,
      perSession: 30,
      perProvider: 1000,
      failures: 5,
      syncMs: 50,
      trustedProxyHops: 2,
    });
  });

  it.each([
    ['PAY_CHECKOUT_MAX_ATTEMPTS', '0', 'must be a whole number from 1 to 1000'],
    ['PAY_CHECKOUT_MAX_ATTEMPTS', '1001', 'must be a whole number from 1 to 1000'],
    ['PAY_CHECKOUT_RATE_WINDOW_SECONDS', '0.5', 'must be a whole number from 1 to 3600'],
    ['PAY_CHECKOUT_RATE_LIMIT_ADDRESS', '-1', 'must be a whole number from 0 to 1000000000'],
    ['PAY_CHECKOUT_RATE_LIMIT_WEBHOOKS', 'lots', 'must be a whole number from 0 to 1000000000'],
    ['PAY_CHECKOUT_RATE_SYNC_MS', '10', 'must be a whole number from 20 to 5000'],
    ['PAY_CHECKOUT_TRUSTED_PROXY_HOPS', '11', 'must be a whole number from 0 to 10'],
  ])('refuse %s=%j, naming it', (variable, value, reason) => {
    const result = limitsEnv.schema.safeParse({ [variable]: value });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(problemsOf(result.error)).toEqual([{ variable, reason }]);
  });
});
