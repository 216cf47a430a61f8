/**
 * @module
 * `PAY_CHECKOUT_RECONCILE_SCALE` and `PAY_CHECKOUT_RECONCILE_LEASE_MS`: the default unless set, in range when set, and a refusal that
 * names the variable otherwise.
 */
import { describe, expect, it } from 'vitest';
import { problemsOf } from './env-schema.js';
import { reconcilerEnv } from './reconciler-env.js';

const parse = (value?: string) =>
  reconcilerEnv.schema.safeParse(
    value === undefined ? {} : { PAY_CHECKOUT_RECONCILE_SCALE: value },
  );
const parseLease = (value: string) =>
  reconcilerEnv.schema.safeParse({ PAY_CHECKOUT_RECONCILE_LEASE_MS: value });

describe('the order-check variables', () => {
  it('run the schedule at its own pace unless told otherwise', () => {
    expect(parse().data).toEqual({ scale: 1, leaseMs: 120_000 });
  });

  it('read a scale from 0.0001 to 100', () => {
    expect(parse('0.01').data?.scale).toBe(0.01);
    expect(parse('0.0001').data?.scale).toBe(0.0001);
    expect(parse('100').data?.scale).toBe(100);
  });

  it.each(['0', '0.00001', '101', '-1', '1e-2', 'fast', '.5', '0,5'])(
    'refuse %s, naming the variable',
    (value) => {
      const result = parse(value);
      expect(result.success).toBe(false);
      if (result.success) return;
      expect(problemsOf(result.error)).toEqual([
        {
          variable: 'PAY_CHECKOUT_RECONCILE_SCALE',
          reason: 'must be a decimal number from 0.0001 to 100',
        },
      ]);
    },
  );

  it('read a check lease from 1 s to 1 h', () => {
    expect(parseLease('3000').data).toEqual({ scale: 1, leaseMs: 3000 });
    expect(parseLease('3600000').data?.leaseMs).toBe(3_600_000);
  });

  it.each(['999', '3600001', '2m', '-5', '1.5'])(
    'refuse a lease of %s, naming the variable',
    (value) => {
      const result = parseLease(value);
      expect(result.success).toBe(false);
      if (result.success) return;
      expect(problemsOf(result.error)).toEqual([
        {
          variable: 'PAY_CHECKOUT_RECONCILE_LEASE_MS',
          reason: 'must be a whole number from 1000 to 3600000',
        },
      ]);
    },
  );
});
