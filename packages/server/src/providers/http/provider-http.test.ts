/**
 * @module
 * The shared provider HTTP: what one call sends, how an answer is read (ok, try again later,
 * refused), how often a call is repeated, and the 502 errors with the provider's name.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from '../../core/api-error.js';
import {
  isUnavailable,
  oneLine,
  ProviderHttp,
  providerError,
  providerErrors,
  providerUnavailable,
  type HttpOutcome,
} from './provider-http.js';

interface Seen {
  url: string;
  init: RequestInit;
}

/** A fetch that records each request and answers from `answer`. */
function fakeFetch(answer: (call: number) => Response | Error) {
  const seen: Seen[] = [];
  const fn = async (input: string | URL | Request, init: RequestInit = {}) => {
    seen.push({ url: String(input), init });
    const result = answer(seen.length);
    if (result instanceof Error) throw result;
    return result;
  };
  return { seen, fn: fn as typeof fetch };
}

function http(fetcher: typeof fetch, redirect?: 'manual') {
  return new ProviderHttp({
    apiUrl: 'https://api.example/v1//',
    retryBaseMs: 1,
    fetch: fetcher,
    redirect,
  });
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });

describe('ProviderHttp.send', () => {
  it('sends JSON with the caller’s headers to apiUrl + path', async () => {
    const spy = fakeFetch(() => json(200, { id: 1 }));
    const outcome = await http(spy.fn, 'manual').send('POST', '/orders', {
      headers: { 'x-api-key': 'k' },
      json: { a: 1 },
    });
    expect(outcome).toEqual({ kind: 'ok', status: 200, body: { id: 1 } });
    const [{ url, init }] = spy.seen as [Seen];
    expect(url).toBe('https://api.example/v1/orders');
    expect(init.method).toBe('POST');
    expect(init.body).toBe('{"a":1}');
    expect(init.redirect).toBe('manual');
    expect(init.signal).toBeInstanceOf(AbortSignal);
    expect(init.headers).toEqual({
      Accept: 'application/json',
      'Content-Type': 'application/json',
      'x-api-key': 'k',
    });
  });

  it('sends a GET without body or content type, and a raw body as it is', async () => {
    const spy = fakeFetch(() => json(200, {}));
    await http(spy.fn).send('GET', '/x');
    await http(spy.fn).send('POST', '/y', { headers: { 'Content-Type': 'text/x' }, body: 'raw' });
    expect(spy.seen[0]?.init.body).toBeUndefined();
    expect(spy.seen[0]?.init.headers).toEqual({ Accept: 'application/json' });
    expect(spy.seen[0]?.init.redirect).toBeUndefined();
    expect(spy.seen[1]?.init.body).toBe('raw');
    expect(spy.seen[1]?.init.headers).toMatchObject({ 'Content-Type': 'text/x' });
  });

  it.each<[string, () => Response | Error, HttpOutcome]>([
    ['5xx', () => json(503, {}), { kind: 'unavailable', reason: 'HTTP 503', certain: false }],
    ['408', () => json(408, {}), { kind: 'unavailable', reason: 'HTTP 408', certain: false }],
    ['429', () => json(429, {}), { kind: 'unavailable', reason: 'HTTP 429', certain: true }],
    [
      'an empty 2xx',
      () => new Response('', { status: 200 }),
      { kind: 'unavailable', reason: 'unreadable answer', certain: false },
    ],
    [
      'a 2xx that is not JSON',
      () => new Response('<html>', { status: 200 }),
      { kind: 'unavailable', reason: 'unreadable answer', certain: false },
    ],
    [
      'a network error',
      () => new TypeError('fetch failed'),
      { kind: 'unavailable', reason: 'network error', certain: false },
    ],
    [
      'a refused connection',
      () => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }),
      { kind: 'unavailable', reason: 'network error', certain: true },
    ],
    [
      'a timeout',
      () => new DOMException('timed out', 'TimeoutError'),
      { kind: 'unavailable', reason: 'timeout', certain: false },
    ],
    [
      'a 4xx',
      () => json(422, { message: 'no' }),
      { kind: 'refused', status: 422, body: { message: 'no' } },
    ],
    [
      'a 4xx without JSON',
      () => new Response('nope', { status: 400 }),
      { kind: 'refused', status: 400, body: null },
    ],
  ])('reads %s', async (_, answer, expected) => {
    expect(await http(fakeFetch(answer).fn).send('GET', '/x')).toEqual(expected);
  });

  it('times out a slow provider', async () => {
    const slow = (async (_: unknown, init: RequestInit = {}) =>
      new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      })) as typeof fetch;
    const client = new ProviderHttp({ apiUrl: 'https://api.example', timeoutMs: 20, fetch: slow });
    expect(await client.send('GET', '/x')).toMatchObject({
      kind: 'unavailable',
      reason: 'timeout',
    });
  });
});

describe('ProviderHttp.repeat', () => {
  it('repeats while the outcome may be repeated, up to the attempts, and says which one', async () => {
    const spy = fakeFetch(() => json(503, {}));
    const client = http(spy.fn);
    const { outcome, attempt } = await client.repeat(() => client.send('GET', '/x'), isUnavailable);
    expect(outcome.kind).toBe('unavailable');
    expect(attempt).toBe(3);
    expect(spy.seen).toHaveLength(3);
  });

  it('stops at the first outcome that may not be repeated', async () => {
    const spy = fakeFetch((call) => (call === 1 ? json(502, {}) : json(200, { ok: true })));
    const client = http(spy.fn);
    const result = await client.repeat((n) => client.send('GET', `/x?n=${n}`), isUnavailable);
    expect(result).toEqual({
      outcome: { kind: 'ok', status: 200, body: { ok: true } },
      attempt: 2,
    });
    expect(spy.seen.map((s) => s.url)).toEqual([
      'https://api.example/v1/x?n=1',
      'https://api.example/v1/x?n=2',
    ]);
  });

  it('does not repeat what the predicate refuses, and honours `attempts`', async () => {
    const spy = fakeFetch(() => json(503, {}));
    const once = new ProviderHttp({ apiUrl: 'https://a.example', attempts: 1, fetch: spy.fn });
    await once.repeat(() => once.send('GET', '/x'), isUnavailable);
    const client = http(spy.fn);
    await client.repeat(
      () => client.send('POST', '/x'),
      (o) => o.kind === 'unavailable' && o.certain,
    );
    expect(spy.seen).toHaveLength(2);
  });
});

describe('provider errors', () => {
  it('are 502s, retryable only when the provider is unavailable', () => {
    expect(providerUnavailable('down')).toMatchObject({
      status: 502,
      code: 'provider_unavailable',
      message: 'down',
      retryable: true,
    });
    expect(providerError('no')).toMatchObject({
      status: 502,
      code: 'provider_error',
      message: 'no',
      retryable: false,
    });
  });

  it('name the provider', () => {
    const acme = providerErrors('Acme');
    expect(acme.unreachable('timeout').message).toBe('Acme is not reachable right now (timeout)');
    expect(acme.refused('bad amount').message).toBe('Acme refused the request: bad amount');
    expect(acme.parse(z.object({ id: z.string() }), { id: 'x' })).toEqual({ id: 'x' });
    let error: unknown;
    try {
      acme.parse(z.object({ id: z.string() }), { id: 1 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      code: 'provider_error',
      message: 'Acme answered with an unexpected body',
    });
  });

  it('keep provider text to one short line', () => {
    expect(oneLine('a\n  b\tc')).toBe('a b c');
    expect(oneLine('x'.repeat(300))).toHaveLength(200);
    expect(oneLine('abcdef', 3)).toBe('abc');
  });
});
