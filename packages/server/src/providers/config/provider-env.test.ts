/**
 * @module
 * The shared parts of the providers' config readers: the base URL with its default, and
 * all-or-nothing credentials that name every missing variable.
 */
import { describe, expect, it } from 'vitest';
import { readBaseUrl, readCredentials } from './provider-env.js';

function reader(env: Record<string, string>) {
  const reports: [string, string][] = [];
  return {
    get: (name: string) => env[name],
    bad: (variable: string, reason: string) => void reports.push([variable, reason]),
    reports,
  };
}

describe('readBaseUrl', () => {
  it('answers the default when unset, and drops trailing slashes', () => {
    const { get, bad, reports } = reader({ B_URL: 'http://127.0.0.1:4010/b/v1//' });
    expect(readBaseUrl(get, bad, 'A_URL', 'https://a.example/v1')).toBe('https://a.example/v1');
    expect(readBaseUrl(get, bad, 'B_URL', 'https://b.example')).toBe('http://127.0.0.1:4010/b/v1');
    expect(reports).toEqual([]);
  });

  it.each([
    'not a url',
    'ftp://a.example',
    'https://a.example/?q=1',
    'https://a.example/#x',
    'https://u:p@a.example',
  ])('reports %s without its value', (raw) => {
    const { get, bad, reports } = reader({ A_URL: raw });
    expect(readBaseUrl(get, bad, 'A_URL', 'https://a.example')).toBeUndefined();
    expect(reports).toEqual([['A_URL', 'must be an absolute http(s) URL']]);
  });
});

describe('readCredentials', () => {
  const TRIO = ['ACME_KEY', 'ACME_USER', 'ACME_SECRET'] as const;

  it('is off when none is set and answers the values in order when all are', () => {
    const off = reader({});
    expect(readCredentials(off.get, off.bad, TRIO)).toBeUndefined();
    expect(off.reports).toEqual([]);
    const on = reader({ ACME_KEY: 'k', ACME_USER: 'u', ACME_SECRET: 's' });
    expect(readCredentials(on.get, on.bad, TRIO)).toEqual(['k', 'u', 's']);
  });

  it('names every missing variable of a group', () => {
    const { get, bad, reports } = reader({ ACME_USER: 'u' });
    expect(readCredentials(get, bad, TRIO)).toBeUndefined();
    expect(reports).toEqual([
      ['ACME_KEY', 'is required when any other ACME_* credential is set'],
      ['ACME_SECRET', 'is required when any other ACME_* credential is set'],
    ]);
  });

  it('names the other one of a pair, with a hint where given', () => {
    const PAIR = ['ACME_KEY', 'ACME_SECRET'] as const;
    const first = reader({ ACME_SECRET: 's' });
    readCredentials(first.get, first.bad, PAIR, { ACME_SECRET: 'hint' });
    expect(first.reports).toEqual([['ACME_KEY', 'is required when ACME_SECRET is set']]);
    const second = reader({ ACME_KEY: 'k' });
    readCredentials(second.get, second.bad, PAIR, { ACME_SECRET: 'hint' });
    expect(second.reports).toEqual([['ACME_SECRET', 'is required when ACME_KEY is set (hint)']]);
  });
});
