/**
 * @module
 * `PAY_CHECKOUT_INBOX_LEASE_MS` and `PAY_CHECKOUT_INBOX_POLL_MS`: production defaults unless
 * set, whole milliseconds in range when set, and a refusal that names the variable otherwise.
 */
import { describe, expect, it } from 'vitest';
import { problemsOf } from './env-schema.js';
import { inboxEnv } from './inbox-env.js';

describe('the webhook inbox variables', () => {
  it('hold a lease 30 s and look every second unless told otherwise', () => {
    expect(inboxEnv.schema.safeParse({}).data).toEqual({ leaseMs: 30_000, pollMs: 1_000 });
  });

  it('read whole milliseconds in range', () => {
    expect(
      inboxEnv.schema.safeParse({
        PAY_CHECKOUT_INBOX_LEASE_MS: '1500',
        PAY_CHECKOUT_INBOX_POLL_MS: '50',
      }).data,
    ).toEqual({ leaseMs: 1_500, pollMs: 50 });
  });

  it.each(['999', '600001', '1.5', '-1', 'soon', ''])(
    'refuse a lease of %j, naming it',
    (value) => {
      const result = inboxEnv.schema.safeParse({ PAY_CHECKOUT_INBOX_LEASE_MS: value });
      expect(result.success).toBe(false);
      if (result.success) return;
      expect(problemsOf(result.error)).toEqual([
        {
          variable: 'PAY_CHECKOUT_INBOX_LEASE_MS',
          reason: 'must be whole milliseconds from 1000 to 600000',
        },
      ]);
    },
  );

  it('refuse a poll interval below 50 ms', () => {
    const result = inboxEnv.schema.safeParse({ PAY_CHECKOUT_INBOX_POLL_MS: '10' });
    expect(result.success).toBe(false);
  });
});
