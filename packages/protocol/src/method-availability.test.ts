/**
 * @module
 * A method's availability on the wire: absent means available (older servers), `available:
 * false` comes with why and until when, a reason of a newer server is still read, and a bad
 * `retryAfter` is refused.
 */
import { describe, expect, it } from 'vitest';
import { MethodSchema } from './method.js';

const METHOD = { id: 'ivy:bank', provider: 'ivy', name: 'Bank transfer', flow: 'redirect' };

describe('a method’s availability', () => {
  it('is absent on a method of an older server', () => {
    const method = MethodSchema.parse(METHOD);
    expect(method.available).toBeUndefined();
    expect(method.unavailable).toBeUndefined();
  });

  it('says why and until when while the provider is paused', () => {
    const method = MethodSchema.parse({
      ...METHOD,
      available: false,
      unavailable: { reason: 'provider_unavailable', retryAfter: '2026-12-07T10:00:30.000Z' },
    });
    expect(method).toMatchObject({
      available: false,
      unavailable: { reason: 'provider_unavailable', retryAfter: '2026-12-07T10:00:30.000Z' },
    });
  });

  it('reads a reason this version does not know', () => {
    const parsed = MethodSchema.safeParse({
      ...METHOD,
      available: false,
      unavailable: { reason: 'maintenance' },
    });
    expect(parsed.success).toBe(true);
  });

  it.each([
    { reason: 'provider_unavailable', retryAfter: 'in a minute' },
    { reason: '' },
    { retryAfter: '2026-12-07T10:00:30.000Z' },
  ])('refuses %j', (unavailable) => {
    expect(MethodSchema.safeParse({ ...METHOD, available: false, unavailable }).success).toBe(
      false,
    );
  });
});
