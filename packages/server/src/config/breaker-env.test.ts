/**
 * @module
 * `PAY_CHECKOUT_BREAKER_*`: the production defaults unless set, whole numbers in range when set
 * (short ones for tests), and a refusal that names the variable otherwise.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { breakerEnv } from './breaker-env.js';
import { problemsOf } from './env-schema.js';

describe('the provider breaker variables', () => {
  it('pause a provider for 30 s after 5 failures, 20 calls at once, unless told otherwise', () => {
    expect(breakerEnv.schema.safeParse({}).data).toEqual({
      failureThreshold: 5,
      halfOpenAfterMs: 30_000,
      maxConcurrent: 20,
      maxQueued: 20,
      maxRetryAfterMs: 300_000,
    });
  });

  it('read short timings for tests', () => {
    expect(
      breakerEnv.schema.safeParse({
        PAY_CHECKOUT_BREAKER_FAILURES: '2',
        PAY_CHECKOUT_BREAKER_OPEN_MS: '100',
        PAY_CHECKOUT_BREAKER_MAX_CONCURRENT: '1',
        PAY_CHECKOUT_BREAKER_MAX_QUEUED: '0',
        PAY_CHECKOUT_BREAKER_MAX_RETRY_AFTER_MS: '1000',
      }).data,
    ).toEqual({
      failureThreshold: 2,
      halfOpenAfterMs: 100,
      maxConcurrent: 1,
      maxQueued: 0,
      maxRetryAfterMs: 1_000,
    });
  });

  it.each([
    ['PAY_CHECKOUT_BREAKER_FAILURES', '0', 'must be a whole number from 1 to 1000'],
    ['PAY_CHECKOUT_BREAKER_OPEN_MS', '99', 'must be whole milliseconds from 100 to 3600000'],
    ['PAY_CHECKOUT_BREAKER_OPEN_MS', '1.5', 'must be whole milliseconds from 100 to 3600000'],
    ['PAY_CHECKOUT_BREAKER_MAX_CONCURRENT', 'many', 'must be a whole number from 1 to 10000'],
    ['PAY_CHECKOUT_BREAKER_MAX_QUEUED', '-1', 'must be a whole number from 0 to 10000'],
    [
      'PAY_CHECKOUT_BREAKER_MAX_RETRY_AFTER_MS',
      '86400001',
      'must be whole milliseconds from 1000 to 86400000',
    ],
  ])('refuse %s=%j, naming it', (variable, value, reason) => {
    const result = breakerEnv.schema.safeParse({ [variable]: value });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(problemsOf(result.error)).toEqual([{ variable, reason }]);
  });

  it('reach the server configuration', () => {
    const config = loadConfig({
      PAY_CHECKOUT_SECRET_KEY: 'sk_test_0123456789abcdef',
      PAY_CHECKOUT_ALLOWED_ORIGINS: 'https://shop.example',
      PAY_CHECKOUT_BREAKER_OPEN_MS: '250',
    });
    expect(config.breaker).toMatchObject({ halfOpenAfterMs: 250, failureThreshold: 5 });
  });
});
