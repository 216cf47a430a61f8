/**
 * @module
 * The retention variables: production defaults unless set, values in range when set, and
 * refusals that name the variable — a provider-event horizon under 35 days above all.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { problemsOf } from './env-schema.js';
import { retentionEnv } from './retention-env.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

const parse = (env: Record<string, string> = {}) => retentionEnv.schema.safeParse(env);

describe('the retention variables', () => {
  it('keep 30 days of delivered notifications, 35 of provider events, 24 h of keys, 90 of history', () => {
    expect(parse().data).toEqual({
      intervalMs: 600_000,
      horizonsMs: {
        notifications: 30 * DAY_MS,
        provider_events: 35 * DAY_MS,
        webhook_inbox: 35 * DAY_MS,
        idempotency_keys: 24 * HOUR_MS,
        session_events: 90 * DAY_MS,
      },
      deadLetter: { afterMs: 72 * HOUR_MS, maxAttempts: 20 },
    });
  });

  it('read every variable', () => {
    const result = parse({
      PAY_CHECKOUT_NOTIFICATION_DEAD_AFTER_HOURS: '0.5',
      PAY_CHECKOUT_NOTIFICATION_MAX_ATTEMPTS: '3',
      PAY_CHECKOUT_RETENTION_INTERVAL_SECONDS: '0.2',
      PAY_CHECKOUT_RETENTION_NOTIFICATIONS_DAYS: '7',
      PAY_CHECKOUT_RETENTION_PROVIDER_EVENTS_DAYS: '40',
      PAY_CHECKOUT_RETENTION_IDEMPOTENCY_HOURS: '48',
      PAY_CHECKOUT_RETENTION_SESSION_EVENTS_DAYS: '365',
    });
    expect(result.data).toEqual({
      intervalMs: 200,
      horizonsMs: {
        notifications: 7 * DAY_MS,
        provider_events: 40 * DAY_MS,
        webhook_inbox: 40 * DAY_MS,
        idempotency_keys: 48 * HOUR_MS,
        session_events: 365 * DAY_MS,
      },
      deadLetter: { afterMs: 30 * 60 * 1000, maxAttempts: 3 },
    });
  });

  it('refuse a provider-event horizon under 35 days, saying why', () => {
    const result = parse({ PAY_CHECKOUT_RETENTION_PROVIDER_EVENTS_DAYS: '30' });
    expect(result.success).toBe(false);
    if (result.success) return;
    const [problem] = problemsOf(result.error);
    expect(problem?.variable).toBe('PAY_CHECKOUT_RETENTION_PROVIDER_EVENTS_DAYS');
    expect(problem?.reason).toMatch(/^must be at least 35 days: providers re-deliver/);
    expect(() =>
      loadConfig({
        PAY_CHECKOUT_SECRET_KEY: 'sk_test_0123456789abcdef',
        PAY_CHECKOUT_ALLOWED_ORIGINS: 'https://shop.example',
        PAY_CHECKOUT_RETENTION_PROVIDER_EVENTS_DAYS: '1',
      }),
    ).toThrow(/PAY_CHECKOUT_RETENTION_PROVIDER_EVENTS_DAYS must be at least 35 days/);
  });

  it.each([
    ['PAY_CHECKOUT_RETENTION_IDEMPOTENCY_HOURS', '12', /^must be at least 24 hours/],
    ['PAY_CHECKOUT_NOTIFICATION_MAX_ATTEMPTS', '0', /^must be a whole number from 1 to 1000$/],
    ['PAY_CHECKOUT_NOTIFICATION_MAX_ATTEMPTS', 'many', /^must be a whole number/],
    ['PAY_CHECKOUT_NOTIFICATION_DEAD_AFTER_HOURS', '0', /^must be a number from 0.001/],
    ['PAY_CHECKOUT_RETENTION_INTERVAL_SECONDS', '1e3', /^must be a number from 0.05/],
    ['PAY_CHECKOUT_RETENTION_NOTIFICATIONS_DAYS', '-1', /^must be a whole number/],
  ])('refuse %s=%s, naming the variable', (variable, value, reason) => {
    const result = parse({ [variable]: value });
    expect(result.success).toBe(false);
    if (result.success) return;
    const problems = problemsOf(result.error);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.variable).toBe(variable);
    expect(problems[0]?.reason).toMatch(reason);
  });
});
