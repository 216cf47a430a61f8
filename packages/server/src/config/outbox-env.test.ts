/**
 * @module
 * `PAY_CHECKOUT_NOTIFICATION_LEASE_MS`: 2 min unless set, whole milliseconds from 1 s to 1 h
 * when set, and a refusal that names the variable otherwise.
 */
import { describe, expect, it } from 'vitest';
import { problemsOf } from './env-schema.js';
import { outboxEnv } from './outbox-env.js';

const parse = (value?: string) =>
  outboxEnv.schema.safeParse(
    value === undefined ? {} : { PAY_CHECKOUT_NOTIFICATION_LEASE_MS: value },
  );

describe('the notification outbox variables', () => {
  it('hold a notification for 2 min unless told otherwise', () => {
    expect(parse().data).toEqual({ leaseMs: 120_000 });
  });

  it('read a lease from 1 s to 1 h', () => {
    expect(parse('1000').data).toEqual({ leaseMs: 1000 });
    expect(parse('3600000').data).toEqual({ leaseMs: 3_600_000 });
  });

  it.each(['999', '3600001', '2m', '-5', '1.5', ''])('refuse %j, naming the variable', (value) => {
    const result = parse(value);
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(problemsOf(result.error)).toEqual([
      {
        variable: 'PAY_CHECKOUT_NOTIFICATION_LEASE_MS',
        reason: 'must be a whole number from 1000 to 3600000',
      },
    ]);
  });
});
