/**
 * @module
 * The shared provider HTTP: what one call sends, how an answer is read (ok, try again later,
 * refused), which failures are repeated and how long we wait in between (full jitter, a bounded
 * `Retry-After`), hooks, and the 502 errors with the provider's name.
 */
import ky from 'ky';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ApiError } from '../../core/api-error.js';
import {
  oneLine,
  ProviderHttp,
  type ProviderHttpOptions,
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

function http(fetcher: typeof fetch, options: Partial<ProviderHttpOptions> = {}) {
  return new ProviderHttp({
    apiUrl: 'https://api.example/v1//',
    retryBaseMs: 1,
    fetch: fetcher,
    ...options,
  });
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers });

const refusedConnection = () =>
  Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });

const headersOf = (seen: Seen | undefined) => Object.fromEntries(new Headers(seen?.init.headers));

afterEach(() => {
  vi.restoreAllMocks();
});

/** A provider that never answers: each call waits until its signal aborts; counts calls. */
function neverAnswers() {
  const counter = { calls: 0 };
  const fn = (async (_: unknown, init: RequestInit = {}) => {
    counter.calls++;
    return new Promise<Response>((_resolve, reject) => {
      init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
    });
  }) as typeof fetch;
  return { fn, counter };
}

describe('ProviderHttp.call', () => {
  it('sends JSON with the caller’s headers to apiUrl + path', async () => {
    const spy = fakeFetch(() => json(200, { id: 1 }));
    const sent = await http(spy.fn, { redirect: 'manual' }).call('POST', '/orders', {
      headers: { 'x-api-key': 'k' },
      json: { a: 1 },
      repeat: 'unprocessed',
    });
    expect(sent).toEqual({ outcome: { kind: 'ok', status: 200, body: { id: 1 } }, attempt: 1 });
    const [{ url, init }] = spy.seen as [Seen];
    expect(url).toBe('https://api.example/v1/orders');
    expect(init.method).toBe('POST');
    expect(init.body).toBe('{"a":1}');
    expect(init.redirect).toBe('manual');
    expect(init.signal).toBeInstanceOf(AbortSignal);
    expect(headersOf(spy.seen[0])).toEqual({
      accept: 'application/json',
      'content-type': 'application/json',
      'x-api-key': 'k',
    });
  });

  it('sends a GET without body or content type, and a raw body as it is', async () => {
    const spy = fakeFetch(() => json(200, {}));
    await http(spy.fn).call('GET', '/x', { repeat: 'safe' });
    await http(spy.fn).call('POST', '/y', {
      headers: { 'Content-Type': 'text/x' },
      body: 'raw',
      repeat: 'unprocessed',
    });
    expect(spy.seen[0]?.init.body).toBeUndefined();
    expect(headersOf(spy.seen[0])).toEqual({ accept: 'application/json' });
    expect(spy.seen[0]?.init.redirect).toBe('follow');
    expect(spy.seen[1]?.init.body).toBe('raw');
    expect(headersOf(spy.seen[1])).toMatchObject({ 'content-type': 'text/x' });
  });

  it.each<[string, () => Response | Error, HttpOutcome]>([
    ['5xx', () => json(503, {}), { kind: 'unavailable', reason: 'HTTP 503', certain: false }],
    ['520', () => json(520, {}), { kind: 'unavailable', reason: 'HTTP 520', certain: false }],
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
      refusedConnection,
      { kind: 'unavailable', reason: 'network error', certain: true },
    ],
    [
      'a timeout of the fetch itself',
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
    const client = http(fakeFetch(answer).fn, { attempts: 1 });
    expect((await client.call('GET', '/x', { repeat: 'safe' })).outcome).toEqual(expected);
  });

  it('times out a slow provider, each attempt', async () => {
    const { fn: slow, counter } = neverAnswers();
    const client = http(slow, { timeoutMs: 20 });
    const started = Date.now();
    const sent = await client.call('GET', '/x', { repeat: 'safe' });
    expect(sent).toEqual({
      outcome: { kind: 'unavailable', reason: 'timeout', certain: false },
      attempt: 3,
    });
    expect(counter.calls).toBe(3);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('does not follow a redirect when told not to: the 3xx is a refusal', async () => {
    const spy = fakeFetch(() => new Response(null, { status: 302, headers: { location: '/a' } }));
    const sent = await http(spy.fn, { redirect: 'manual' }).call('GET', '/x', { repeat: 'safe' });
    expect(sent.outcome).toEqual({ kind: 'refused', status: 302, body: null });
    expect(spy.seen).toHaveLength(1);
    expect(spy.seen[0]?.init.redirect).toBe('manual');
  });
});

describe('ProviderHttp retries', () => {
  it('repeats a safe call while it fails for now, up to the attempts, and says which one', async () => {
    const spy = fakeFetch(() => json(503, {}));
    const sent = await http(spy.fn).call('POST', '/x', { repeat: 'safe' });
    expect(sent).toEqual({
      outcome: { kind: 'unavailable', reason: 'HTTP 503', certain: false },
      attempt: 3,
    });
    expect(spy.seen).toHaveLength(3);
  });

  it('stops at the first answer that is not a failure for now', async () => {
    const answers = [json(502, {}), new Response('', { status: 200 }), json(200, { ok: true })];
    const spy = fakeFetch((call) => answers[call - 1] ?? json(500, {}));
    const sent = await http(spy.fn, { attempts: 5 }).call('GET', '/x?n=1', { repeat: 'safe' });
    expect(sent).toEqual({ outcome: { kind: 'ok', status: 200, body: { ok: true } }, attempt: 3 });
    expect(spy.seen.map((s) => s.url)).toEqual(Array(3).fill('https://api.example/v1/x?n=1'));
  });

  it('repeats every try of a POST with its body', async () => {
    const spy = fakeFetch((call) => (call === 1 ? new TypeError('fetch failed') : json(201, {})));
    await http(spy.fn).call('POST', '/x', { json: { a: 1 }, repeat: 'safe' });
    expect(spy.seen.map((s) => s.init.body)).toEqual(['{"a":1}', '{"a":1}']);
  });

  it.each<[string, () => Response | Error]>([
    ['a 503', () => json(503, {})],
    ['a network error', () => new TypeError('fetch failed')],
    ['an unreadable 2xx', () => new Response('<html>', { status: 200 })],
    ['a 4xx', () => json(400, {})],
  ])('does not repeat an unsafe call after %s: it may have been processed', async (_, answer) => {
    const spy = fakeFetch(answer);
    const sent = await http(spy.fn).call('POST', '/x', { json: {}, repeat: 'unprocessed' });
    expect(sent.attempt).toBe(1);
    expect(spy.seen).toHaveLength(1);
  });

  it('does not repeat an unsafe call that timed out', async () => {
    const { fn: slow, counter } = neverAnswers();
    const sent = await http(slow, { timeoutMs: 20 }).call('POST', '/x', { repeat: 'unprocessed' });
    expect(sent.outcome).toMatchObject({ kind: 'unavailable', reason: 'timeout' });
    expect(counter.calls).toBe(1);
  });

  it.each<[string, () => Response | Error]>([
    ['a 429', () => json(429, {})],
    ['a refused connection', refusedConnection],
  ])('repeats even an unsafe call after %s: it was surely not processed', async (_, answer) => {
    const spy = fakeFetch((call) => (call === 1 ? answer() : json(201, { id: 'a' })));
    const sent = await http(spy.fn).call('POST', '/x', { json: {}, repeat: 'unprocessed' });
    expect(sent).toEqual({ outcome: { kind: 'ok', status: 201, body: { id: 'a' } }, attempt: 2 });
  });

  it('honours `attempts`', async () => {
    const spy = fakeFetch(() => json(503, {}));
    await http(spy.fn, { attempts: 1 }).call('GET', '/x', { repeat: 'safe' });
    expect(spy.seen).toHaveLength(1);
  });

  it('waits with full jitter: a random part of retryBaseMs × 2^(retry − 1)', async () => {
    const waits = recordWaits();
    vi.spyOn(Math, 'random').mockReturnValue(0.75);
    const spy = fakeFetch(() => json(503, {}));
    await http(spy.fn, { retryBaseMs: 20, attempts: 4 }).call('GET', '/x', { repeat: 'safe' });
    expect(waits()).toEqual([15, 30, 60]);
  });

  it('waits as Retry-After says, up to maxRetryAfterMs', async () => {
    const waits = recordWaits();
    const answers = [
      json(429, {}, { 'Retry-After': '0.04' }),
      json(503, {}, { 'Retry-After': '1' }),
      json(200, {}),
    ];
    const spy = fakeFetch((call) => answers[call - 1] ?? json(500, {}));
    const client = http(spy.fn, { retryBaseMs: 1_000, maxRetryAfterMs: 1_000 });
    const sent = await client.call('POST', '/x', { repeat: 'safe' });
    expect(sent.attempt).toBe(3);
    expect(waits()).toEqual([40, 1_000]);
  });

  it('does not call again inside the call when Retry-After asks for longer', async () => {
    const waits = recordWaits();
    const answers = [
      json(429, {}, { 'Retry-After': '0.04' }),
      json(503, {}, { 'Retry-After': '120' }),
      json(200, {}),
    ];
    const spy = fakeFetch((call) => answers[call - 1] ?? json(500, {}));
    const client = http(spy.fn, { retryBaseMs: 1_000, maxRetryAfterMs: 50 });
    const sent = await client.call('POST', '/x', { repeat: 'safe' });
    expect(sent).toEqual({
      outcome: { kind: 'unavailable', reason: 'HTTP 503', certain: false, retryAfterMs: 120_000 },
      attempt: 2,
    });
    expect(waits()).toEqual([40]);
  });

  it('bounds Retry-After by the back-off base by default, so tests stay fast', async () => {
    const waits = recordWaits();
    const spy = fakeFetch((call) =>
      call === 1 ? json(429, {}, { 'Retry-After': '3600' }) : json(200, {}),
    );
    const sent = await http(spy.fn, { retryBaseMs: 2 }).call('GET', '/x', { repeat: 'safe' });
    expect(sent.outcome).toMatchObject({ kind: 'unavailable', retryAfterMs: 3_600_000 });
    expect(spy.seen).toHaveLength(1);
    expect(waits()).toEqual([]);
  });
});

describe('ProviderHttp hooks', () => {
  it('runs the client’s hooks and the call’s hooks on every attempt', async () => {
    const spy = fakeFetch((call) => (call === 1 ? json(503, {}) : json(200, {})));
    const client = new ProviderHttp(
      { apiUrl: 'https://api.example', retryBaseMs: 1, fetch: spy.fn },
      {
        beforeRequest: [
          (request, _options, { retryCount }) => {
            request.headers.set('x-client', String(retryCount));
          },
        ],
      },
    );
    await client.call('GET', '/x', {
      repeat: 'safe',
      hooks: {
        beforeRequest: [
          (request, _options, { retryCount }) => {
            request.headers.set('x-call', String(retryCount));
          },
        ],
      },
    });
    expect(spy.seen.map((s) => [headersOf(s)['x-client'], headersOf(s)['x-call']])).toEqual([
      ['0', '0'],
      ['1', '1'],
    ]);
  });

  it('lets an afterResponse hook force a repeat', async () => {
    const spy = fakeFetch((call) => json(200, { busy: call === 1 }));
    const sent = await http(spy.fn).call('POST', '/x', {
      repeat: 'unprocessed',
      hooks: {
        afterResponse: [
          async (_request, _options, response) => {
            const body = (await response.json()) as { busy: boolean };
            return body.busy ? ky.retry() : undefined;
          },
        ],
      },
    });
    expect(sent).toEqual({
      outcome: { kind: 'ok', status: 200, body: { busy: false } },
      attempt: 2,
    });
  });

  it('throws what a hook throws, without repeating', async () => {
    const spy = fakeFetch(() => json(200, {}));
    const failure = new Error('no token');
    const call = http(spy.fn).call('GET', '/x', {
      repeat: 'safe',
      hooks: {
        beforeRequest: [
          () => {
            throw failure;
          },
        ],
      },
    });
    await expect(call).rejects.toBe(failure);
    expect(spy.seen).toHaveLength(0);
  });
});

/** Records the waits between attempts (every timer but the 10 s per-attempt timeout). */
function recordWaits(): () => number[] {
  const waits: number[] = [];
  const original = globalThis.setTimeout;
  vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
    if (ms !== 10_000) waits.push(ms ?? 0);
    return original(fn, ms);
  }) as typeof setTimeout);
  return () => waits;
}

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
