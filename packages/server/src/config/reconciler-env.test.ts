/**
 * @module
 * `PAY_CHECKOUT_RECONCILE_SCALE`: 1 unless set, a decimal in range when set, and a refusal that
 * names the variable otherwise.
 */
import { describe, expect, it } from 'vitest';
import { problemsOf } from './env-schema.js';
import { reconcilerEnv } from './reconciler-env.js';

const parse = (value?: string) =>
  reconcilerEnv.schema.safeParse(
    value === undefined ? {} : { PAY_CHECKOUT_RECONCILE_SCALE: value },
  );

describe('the order-check variables', () => {
  it('run the schedule at its own pace unless told otherwise', () => {
    expect(parse().data).toEqual({ scale: 1 });
  });

  it('read a scale from 0.0001 to 100', () => {
    expect(parse('0.01').data).toEqual({ scale: 0.01 });
    expect(parse('0.0001').data).toEqual({ scale: 0.0001 });
    expect(parse('100').data).toEqual({ scale: 100 });
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
});
