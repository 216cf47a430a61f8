/**
 * @module
 * The pieces of the configuration sections: base URLs, whole numbers, credentials that
 * go together, and problems that name variables, never values.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ALWAYS, baseUrl, cleanEnv, problemsOf, together, wholeNumber } from './env-schema.js';

describe('cleanEnv', () => {
  it('trims values and leaves out empty ones', () => {
    expect(cleanEnv({ A: ' a ', B: '', C: '   ', D: undefined })).toEqual({ A: 'a' });
  });
});

describe('baseUrl', () => {
  it('drops trailing slashes', () => {
    expect(baseUrl().parse('http://127.0.0.1:4010/b/v1//')).toBe('http://127.0.0.1:4010/b/v1');
    expect(baseUrl().parse('https://a.example')).toBe('https://a.example');
  });

  it.each([
    'not a url',
    'ftp://a.example',
    'https://a.example/?q=1',
    'https://a.example/#x',
    'https://u:p@a.example',
  ])('refuses %s without quoting it', (raw) => {
    const result = baseUrl().safeParse(raw);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'must be an absolute http(s) URL',
    ]);
    expect(JSON.stringify(result.error?.issues)).not.toContain(raw);
  });
});

describe('wholeNumber', () => {
  it('reads numbers within bounds only', () => {
    expect(wholeNumber(1, 100).parse('25')).toBe(25);
    for (const raw of ['0', '101', '1.5', '-1', '1e2', 'ten']) {
      expect(wholeNumber(1, 100).safeParse(raw).error?.issues[0]?.message).toBe(
        'must be a whole number from 1 to 100',
      );
    }
  });
});

describe('together', () => {
  const TRIO = ['ACME_KEY', 'ACME_USER', 'ACME_SECRET'] as const;
  const trio = z
    .object({
      ACME_KEY: z.string().optional(),
      ACME_USER: z.string().optional(),
      ACME_SECRET: z.string().optional(),
    })
    .superRefine(together(TRIO), ALWAYS);

  it('accepts none or all', () => {
    expect(trio.safeParse({}).success).toBe(true);
    expect(trio.safeParse({ ACME_KEY: 'k', ACME_USER: 'u', ACME_SECRET: 's' }).success).toBe(true);
  });

  it('names every missing variable of a group', () => {
    const result = trio.safeParse({ ACME_USER: 'u' });
    expect(problemsOf(result.error as z.ZodError)).toEqual([
      { variable: 'ACME_KEY', reason: 'is required when any other ACME_* credential is set' },
      { variable: 'ACME_SECRET', reason: 'is required when any other ACME_* credential is set' },
    ]);
  });

  it('names the other one of a pair, with a hint where given, beside other problems', () => {
    const pair = z
      .object({
        ACME_KEY: z.string().min(4, 'is too short').optional(),
        ACME_SECRET: z.string().optional(),
      })
      .superRefine(together(['ACME_KEY', 'ACME_SECRET'], { ACME_SECRET: 'hint' }), ALWAYS);
    expect(problemsOf(pair.safeParse({ ACME_SECRET: 's' }).error as z.ZodError)).toEqual([
      { variable: 'ACME_KEY', reason: 'is required when ACME_SECRET is set' },
    ]);
    // The short key fails on its own and the missing secret is still reported.
    expect(problemsOf(pair.safeParse({ ACME_KEY: 'k' }).error as z.ZodError)).toEqual([
      { variable: 'ACME_KEY', reason: 'is too short' },
      { variable: 'ACME_SECRET', reason: 'is required when ACME_KEY is set (hint)' },
    ]);
  });
});
