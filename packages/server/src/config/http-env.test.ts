/**
 * @module
 * The HTTP limits' variables: production defaults unless set, whole milliseconds in range when
 * set, a refusal that names the variable otherwise; and the Node server options they become.
 */
import { describe, expect, it } from 'vitest';
import { bodyTimeoutFor, nodeServerOptions } from '../http/limits.js';
import { problemsOf } from './env-schema.js';
import { httpEnv } from './http-env.js';

describe('the HTTP limits variables', () => {
  it('give bodies 30 s, webhook bodies 10 s and headers 20 s unless told otherwise', () => {
    expect(httpEnv.schema.safeParse({}).data).toEqual({
      bodyTimeoutMs: 30_000,
      webhookBodyTimeoutMs: 10_000,
      headersTimeoutMs: 20_000,
    });
  });

  it('read whole milliseconds in range', () => {
    expect(
      httpEnv.schema.safeParse({
        PAY_CHECKOUT_BODY_TIMEOUT_MS: '100',
        PAY_CHECKOUT_WEBHOOK_BODY_TIMEOUT_MS: '2500',
        PAY_CHECKOUT_HEADERS_TIMEOUT_MS: '600000',
      }).data,
    ).toEqual({ bodyTimeoutMs: 100, webhookBodyTimeoutMs: 2_500, headersTimeoutMs: 600_000 });
  });

  it.each(['99', '600001', '1.5', '-1', 'soon', '1e4'])(
    'refuse a body timeout of %j, naming it',
    (value) => {
      const result = httpEnv.schema.safeParse({ PAY_CHECKOUT_WEBHOOK_BODY_TIMEOUT_MS: value });
      expect(result.success).toBe(false);
      if (result.success) return;
      expect(problemsOf(result.error)).toEqual([
        {
          variable: 'PAY_CHECKOUT_WEBHOOK_BODY_TIMEOUT_MS',
          reason: 'must be whole milliseconds from 100 to 600000',
        },
      ]);
    },
  );
});

describe('the limits', () => {
  const limits = { bodyTimeoutMs: 30_000, webhookBodyTimeoutMs: 10_000, headersTimeoutMs: 20_000 };

  it('give webhook routes their own body timeout, in origin and absolute form', () => {
    expect(bodyTimeoutFor('/webhooks/ivy', limits)).toBe(10_000);
    expect(bodyTimeoutFor('http://pay.example/webhooks/ivy?x=1', limits)).toBe(10_000);
    expect(bodyTimeoutFor('/v1/sessions', limits)).toBe(30_000);
    expect(bodyTimeoutFor('/v1/webhooks/ivy', limits)).toBe(30_000);
  });

  it("set Node's headers timeout, with the whole-request timeout only as a backstop", () => {
    expect(nodeServerOptions(limits)).toEqual({
      headersTimeout: 20_000,
      requestTimeout: 55_000,
      connectionsCheckingInterval: 1_000,
    });
    expect(
      nodeServerOptions({ ...limits, headersTimeoutMs: 100 }).connectionsCheckingInterval,
    ).toBe(100);
  });
});
