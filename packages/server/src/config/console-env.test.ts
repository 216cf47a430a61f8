/**
 * @module
 * `PAY_CHECKOUT_CONSOLE_KEY`: off unless set, a key of 24+ characters without spaces when set,
 * and a refusal that names the variable and never quotes the value otherwise.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../config.js';
import { consoleEnv } from './console-env.js';
import { problemsOf } from './env-schema.js';

const parse = (value?: string) =>
  consoleEnv.schema.safeParse(value === undefined ? {} : { PAY_CHECKOUT_CONSOLE_KEY: value });

describe('the console variable', () => {
  it('leaves the console off unless set', () => {
    expect(parse().data).toEqual({});
  });

  it('reads a key of 24 characters or more', () => {
    const key = 'k'.repeat(24);
    expect(parse(key).data).toEqual({ key });
  });

  it.each(['short-key', 'k'.repeat(23), `${'k'.repeat(12)} ${'k'.repeat(12)}`])(
    'refuses %j, naming the variable',
    (value) => {
      const result = parse(value);
      expect(result.success).toBe(false);
      if (result.success) return;
      const problems = problemsOf(result.error);
      expect(problems.map((p) => p.variable)).toEqual(['PAY_CHECKOUT_CONSOLE_KEY']);
      expect(JSON.stringify(problems)).not.toContain(value);
    },
  );

  it('reaches the server configuration, and a bad one stops loading', () => {
    const base = {
      PAY_CHECKOUT_SECRET_KEY: 'sk_test_0123456789abcdef',
      PAY_CHECKOUT_ALLOWED_ORIGINS: 'https://shop.example',
    };
    expect(loadConfig(base).console).toEqual({});
    const key = 'console-key-0123456789abcdef';
    expect(loadConfig({ ...base, PAY_CHECKOUT_CONSOLE_KEY: key }).console).toEqual({ key });
    expect(() => loadConfig({ ...base, PAY_CHECKOUT_CONSOLE_KEY: 'short' })).toThrow(ConfigError);
  });
});
