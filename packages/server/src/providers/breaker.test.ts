/**
 * @module
 * The provider guard: what opens the breaker (unavailable answers, not refusals), that an open
 * breaker refuses without calling the provider and says until when, the single half-open probe
 * that closes or reopens it, `Retry-After` holding it open exactly as long as asked, the
 * bulkhead, and the wiring into the provider HTTP client (explicitly, and through a wrapped
 * adapter) without which none of it would happen.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Provider } from './provider.js';
import {
  currentGuard,
  guardOf,
  guardProvider,
  ProviderGuard,
  ProviderGuards,
  type BreakerSettings,
} from './breaker.js';
import {
  ProviderHttp,
  providerErrors,
  providerNotReached,
  retryAfterOf,
  type HttpOutcome,
  type Sent,
} from './http/provider-http.js';

// The clock is the test's (the breaker's pauses are timed on Date.now()), so no test waits.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});
const sleep = (ms: number) => vi.setSystemTime(Date.now() + ms);

const down: HttpOutcome = { kind: 'unavailable', reason: 'HTTP 500', certain: false };
const refused: HttpOutcome = { kind: 'refused', status: 422, body: { error: 'bad iban' } };
const ok: HttpOutcome = { kind: 'ok', status: 200, body: { id: 'o1' } };

/** A provider call that answers `outcome` and counts how often it was really made. */
function provider(outcome: () => HttpOutcome) {
  const calls = { count: 0 };
  const send = async (): Promise<Sent> => {
    calls.count++;
    return { outcome: outcome(), attempt: 1 };
  };
  return { calls, send };
}

function guard(settings: Partial<BreakerSettings> = {}) {
  return new ProviderGuard('ivy', { failureThreshold: 3, halfOpenAfterMs: 80, ...settings });
}

describe('a provider guard', () => {
  it('opens after the threshold of failures in a row, then refuses without calling', async () => {
    const g = guard();
    const p = provider(() => down);
    for (let i = 0; i < 3; i++) expect((await g.run(p.send)).outcome).toEqual(down);
    expect(g.state).toBe('open');
    const before = Date.now();

    const refusedCall = await g.run(p.send);
    expect(p.calls.count).toBe(3);
    expect(refusedCall.attempt).toBe(0);
    expect(refusedCall.outcome).toMatchObject({ kind: 'unavailable', certain: true });
    expect(g.rejected('circuit_open')).toBe(1);

    const availability = g.availability();
    expect(availability.available).toBe(false);
    const until = Date.parse((availability as { retryAfter: string }).retryAfter);
    expect(until).toBeGreaterThanOrEqual(before);
    expect(until).toBeLessThanOrEqual(before + 80);
  });

  it('counts refusals (4xx) and successes as the provider being up', async () => {
    const g = guard({ failureThreshold: 2 });
    const answers = [down, refused, down, ok, down, refused];
    const p = provider(() => answers.shift() ?? ok);
    for (let i = 0; i < 6; i++) await g.run(p.send);
    expect(g.state).toBe('closed');
    expect(g.availability()).toEqual({ available: true });
    expect(p.calls.count).toBe(6);
  });

  it('lets one probe through once the pause is over; its success closes the breaker', async () => {
    const g = guard({ failureThreshold: 1, halfOpenAfterMs: 50 });
    let healthy = false;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const p = provider(() => (healthy ? ok : down));
    await g.run(p.send);
    expect(g.state).toBe('open');
    sleep(70);
    // Due for its probe: the methods may be offered again, the next call being the probe.
    expect(g.availability()).toEqual({ available: true });

    healthy = true;
    const probe = g.run(async () => {
      await gate;
      return p.send();
    });
    expect(g.state).toBe('half_open');
    expect(g.availability()).toEqual({ available: false });
    // Meanwhile the others fail fast instead of waiting for the probe.
    const other = await g.run(p.send);
    expect(other.attempt).toBe(0);
    expect(g.rejected('half_open')).toBe(1);
    release();
    expect((await probe).outcome).toEqual(ok);
    expect(g.state).toBe('closed');
    expect(p.calls.count).toBe(2);
  });

  it('reopens when the probe fails', async () => {
    const g = guard({ failureThreshold: 1, halfOpenAfterMs: 50 });
    const p = provider(() => down);
    await g.run(p.send);
    sleep(70);
    await g.run(p.send);
    expect(p.calls.count).toBe(2);
    expect(g.state).toBe('open');
    await g.run(p.send);
    expect(p.calls.count).toBe(2);
  });

  it('honours a Retry-After: open at once, no call before it, a probe right after', async () => {
    const g = guard({ failureThreshold: 5, halfOpenAfterMs: 10_000 });
    const answers: HttpOutcome[] = [{ ...down, reason: 'HTTP 503', retryAfterMs: 150 }];
    const p = provider(() => answers.shift() ?? ok);
    const before = Date.now();
    await g.run(p.send);
    expect(g.state).toBe('open');
    const { retryAfter } = g.availability() as { retryAfter: string };
    expect(Date.parse(retryAfter) - before).toBeGreaterThanOrEqual(150);
    expect(Date.parse(retryAfter) - before).toBeLessThan(1_000);

    sleep(60);
    expect((await g.run(p.send)).attempt).toBe(0);
    expect(g.rejected('retry_after')).toBe(1);
    expect(p.calls.count).toBe(1);

    sleep(120);
    // The provider's word, not the configured 10 s pause, decides when to try again.
    expect((await g.run(p.send)).outcome).toEqual(ok);
    expect(p.calls.count).toBe(2);
    expect(g.state).toBe('closed');
  });

  it('cuts a Retry-After to the configured bound', async () => {
    const g = guard({ maxRetryAfterMs: 1_000 });
    const p = provider(() => ({ ...down, retryAfterMs: 86_400_000 }));
    const before = Date.now();
    await g.run(p.send);
    const { retryAfter } = g.availability() as { retryAfter: string };
    expect(Date.parse(retryAfter) - before).toBeLessThanOrEqual(1_100);
  });

  it('bounds the calls in flight; a full bulkhead refuses but opens nothing', async () => {
    const g = guard({ failureThreshold: 1, maxConcurrent: 2, maxQueued: 1 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const p = provider(() => ok);
    const slow = () => gate.then(p.send);
    const running = [g.run(slow), g.run(slow), g.run(slow)];
    const overflow = await g.run(slow);
    expect(overflow).toMatchObject({ attempt: 0, outcome: { kind: 'unavailable', certain: true } });
    expect(g.rejected('bulkhead_full')).toBe(1);
    expect(g.state).toBe('closed');
    release();
    for (const sent of await Promise.all(running)) expect(sent.outcome).toEqual(ok);
    expect(p.calls.count).toBe(3);
  });

  it('rethrows what the call throws, and does not count it', async () => {
    const g = guard({ failureThreshold: 1 });
    await expect(
      g.run(async () => {
        throw new Error('sign-in refused');
      }),
    ).rejects.toThrow('sign-in refused');
    expect(g.state).toBe('closed');
  });

  it('tells its listeners about refusals and state changes', async () => {
    const seen: string[] = [];
    const guards = new ProviderGuards(
      { failureThreshold: 1, halfOpenAfterMs: 10_000 },
      {
        onReject: (id, reason) => seen.push(`${id}:${reason}`),
        onStateChange: (id, state) => seen.push(`${id}:${state}`),
      },
    );
    const g = guards.of('koywe');
    expect(guards.of('koywe')).toBe(g);
    const p = provider(() => down);
    await g.run(p.send);
    await g.run(p.send);
    expect(seen).toEqual(['koywe:open', 'koywe:circuit_open']);
    expect(guards.all()).toEqual([g]);
  });
});

describe('the provider HTTP client behind a guard', () => {
  /** A provider API that answers `status` and counts the requests that reached it. */
  function api(status: () => number, headers: Record<string, string> = {}) {
    const seen = { count: 0 };
    const fetch = (async () => {
      seen.count++;
      return new Response(JSON.stringify({ ok: status() < 400 }), { status: status(), headers });
    }) as typeof globalThis.fetch;
    return { seen, fetch };
  }

  it('stops reaching a failing provider once its breaker opens', async () => {
    const g = guard({ failureThreshold: 2 });
    const provider = api(() => 500);
    const http = new ProviderHttp({
      apiUrl: 'https://api.example',
      retryBaseMs: 1,
      fetch: provider.fetch,
      guard: g,
    });
    for (let i = 0; i < 5; i++) await http.call('POST', '/orders', { repeat: 'unprocessed' });
    expect(provider.seen.count).toBe(2);
    expect(g.rejected('circuit_open')).toBe(3);
  });

  it('reads a 503 Retry-After and does not call again before it', async () => {
    const g = guard({ failureThreshold: 5, halfOpenAfterMs: 10_000 });
    const provider = api(() => 503, { 'retry-after': '120' });
    const http = new ProviderHttp({
      apiUrl: 'https://api.example',
      retryBaseMs: 1,
      maxRetryAfterMs: 10,
      fetch: provider.fetch,
      guard: g,
    });
    const first = await http.call('POST', '/orders', { repeat: 'unprocessed' });
    expect(first.outcome).toMatchObject({ kind: 'unavailable', retryAfterMs: 120_000 });
    const second = await http.call('GET', '/orders/1', { repeat: 'safe' });
    expect(second.attempt).toBe(0);
    expect(provider.seen.count).toBe(1);
    const { retryAfter } = g.availability() as { retryAfter: string };
    expect(Date.parse(retryAfter) - Date.now()).toBeGreaterThan(100_000);
  });

  it('turns a refused call into a 502 that says the provider never saw it', async () => {
    const g = guard({ failureThreshold: 1 });
    const provider = api(() => 500);
    const http = new ProviderHttp({
      apiUrl: 'https://api.example',
      fetch: provider.fetch,
      guard: g,
    });
    const ivy = providerErrors('Ivy');
    const failed = await http.call('POST', '/orders', { repeat: 'unprocessed' });
    const refusedNow = await http.call('POST', '/orders', { repeat: 'unprocessed' });
    const maybeSeen = ivy.of(failed.outcome as never);
    const neverSeen = ivy.of(refusedNow.outcome as never);
    expect(maybeSeen.code).toBe('provider_unavailable');
    expect(providerNotReached(maybeSeen)).toBe(false);
    expect(neverSeen).toMatchObject({ status: 502, code: 'provider_unavailable', retryable: true });
    expect(neverSeen.message).toBe('Ivy is not reachable right now (failing, paused for now)');
    expect(providerNotReached(neverSeen)).toBe(true);
  });

  it('goes through the guard of a wrapped adapter, and only then', async () => {
    const provider = api(() => 500);
    const http = new ProviderHttp({ apiUrl: 'https://api.example', fetch: provider.fetch });
    const adapter = {
      id: 'ivy',
      async fetchStatus() {
        await http.call('GET', '/orders/1', { repeat: 'unprocessed' });
        return null;
      },
    } as unknown as Provider;
    const g = guard({ failureThreshold: 1 });
    const wrapped = guardProvider(adapter, g);
    expect(guardOf(wrapped)).toBe(g);
    expect(wrapped.id).toBe('ivy');

    await wrapped.fetchStatus({} as never);
    await wrapped.fetchStatus({} as never);
    expect(provider.seen.count).toBe(1);
    // The bare adapter knows no guard: it still calls.
    await adapter.fetchStatus({} as never);
    expect(provider.seen.count).toBe(2);
  });

  it('runs what may reach the provider in the guard’s scope, and the local checks as they are', async () => {
    const seen: Record<string, ProviderGuard | undefined> = {};
    const adapter = {
      id: 'ivy',
      async fetchStatus() {
        seen.fetchStatus = currentGuard();
        return null;
      },
      verifyWebhook() {
        seen.verifyWebhook = currentGuard();
        return true;
      },
      parseWebhook(this: { id: string }) {
        seen.parseWebhook = currentGuard();
        return { id: this.id };
      },
    } as unknown as Provider;
    const g = guard();
    const wrapped = guardProvider(adapter, g);
    await wrapped.fetchStatus({} as never);
    expect(wrapped.verifyWebhook(new Uint8Array(), { get: () => null })).toBe(true);
    // Called unbound, as a route may: still the adapter's own `this`.
    const { parseWebhook } = wrapped;
    expect(parseWebhook('{}')).toEqual({ id: 'ivy' });
    expect(seen).toEqual({ fetchStatus: g, verifyWebhook: undefined, parseWebhook: undefined });
    // One function per member, not one per read.
    expect(wrapped.fetchStatus).toBe(wrapped.fetchStatus);
  });
});

describe('the methods of a wrapped adapter', () => {
  const session = (country: string, currency = 'EUR') =>
    ({ country, amount: { value: 100, currency } }) as never;
  const method = {
    id: 'koywe:PSE',
    provider: 'koywe',
    name: 'PSE',
    flow: 'redirect',
    kind: 'bank',
    fields: [{ name: 'documentNumber', label: 'Document number', type: 'text', value: '12' }],
  };

  it('answers the market’s last list while the provider is unavailable, and only then', async () => {
    let failing = false;
    const adapter = {
      id: 'koywe',
      async methods() {
        if (failing) throw new Error('Koywe is down');
        return [method];
      },
    } as unknown as Provider;
    const g = guard({ failureThreshold: 1, halfOpenAfterMs: 10_000 });
    const wrapped = guardProvider(adapter, g);
    expect(await wrapped.methods(session('CO', 'COP'))).toEqual([method]);

    failing = true;
    // Closed: the failure is the answer.
    await expect(wrapped.methods(session('CO', 'COP'))).rejects.toThrow('Koywe is down');
    await g.run(async () => ({ outcome: down, attempt: 1 }));
    expect(g.availability().available).toBe(false);
    // Open: the last list of that market, without the values of the session it came from.
    const { value: _value, ...field } = method.fields[0]!;
    expect(await wrapped.methods(session('CO', 'COP'))).toEqual([{ ...method, fields: [field] }]);
    // Another market was never listed.
    await expect(wrapped.methods(session('CO', 'USD'))).rejects.toThrow('Koywe is down');
  });
});

describe('a Retry-After value', () => {
  const now = Date.parse('2026-12-07T10:00:00Z');
  it.each([
    ['120', 120_000],
    [' 5 ', 5_000],
    ['Mon, 07 Dec 2026 10:00:30 GMT', 30_000],
    ['0', undefined],
    ['Mon, 07 Dec 2026 09:59:00 GMT', undefined],
    ['-1', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['12 s', undefined],
  ])('%j reads as %j ms', (value, expected) => {
    expect(retryAfterOf(value, now)).toBe(expected);
  });

  it('is absent without the header', () => {
    expect(retryAfterOf(null, now)).toBeUndefined();
  });
});
