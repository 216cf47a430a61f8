/**
 * @module
 * core/raw-body.ts: where a webhook's raw bytes come from — the body Node read already, the
 * unread node request, or the Web `Request` — and that each path gives exactly the bytes sent,
 * holds a body to its declared length, and leaves a body someone else started reading alone.
 */
import { PassThrough, Readable } from 'node:stream';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { bodyKnownWithin, readRawBody } from './raw-body.js';

function app(): Hono {
  const hono = new Hono();
  hono.post('/raw', async (c) => {
    const bytes = await readRawBody(c);
    return c.text(Buffer.from(bytes).toString('utf8'));
  });
  hono.all('/known', (c) => c.text(String(bodyKnownWithin(c, 10))));
  hono.onError((error, c) =>
    error instanceof ApiError ? c.text(error.code, error.status) : c.text('failed', 500),
  );
  return hono;
}

function post(body: string, headers: Record<string, string> = {}): Request {
  return new Request('http://checkout.test/raw', {
    method: 'POST',
    headers: { 'content-length': String(Buffer.byteLength(body)), ...headers },
    body,
  });
}

/** A node request carrying `chunks` and the given headers. */
function incoming(chunks: string[], headers: Record<string, string>): Readable {
  return Object.assign(Readable.from(chunks.map((chunk) => Buffer.from(chunk))), { headers });
}

describe('readRawBody', () => {
  it('takes the body Node has read already, without reading the Web request', async () => {
    // Same length, other bytes: the answer shows which one was used.
    const node = Object.assign(new PassThrough(), {
      headers: { 'content-length': '9' },
      rawBody: Buffer.from('from-node'),
    });
    const response = await app().fetch(post('from-web!'), { incoming: node });
    expect(await response.text()).toBe('from-node');
  });

  it('reads an unread node request straight from its stream', async () => {
    const node = incoming(['{"a":', '1}'], { 'content-length': '7' });
    const response = await app().fetch(post('{"a":1}'), { incoming: node });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"a":1}');
    expect(node.readableEnded).toBe(true);
  });

  it('refuses more bytes than the request declared', async () => {
    const node = incoming(['abcd', 'efgh'], { 'content-length': '4' });
    const response = await app().fetch(post('abcd'), { incoming: node });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('invalid_request');
  });

  it('leaves a node request that is already being read to the Web request', async () => {
    const node = incoming(['other'], { 'content-length': '5' });
    node.on('data', () => {});
    const response = await app().fetch(post('hello'), { incoming: node });
    expect(await response.text()).toBe('hello');
  });

  it('uses the Web request without a declared length or without Node', async () => {
    const chunked = incoming(['x'], {});
    expect(await (await app().fetch(post('web'), { incoming: chunked })).text()).toBe('web');
    expect(await (await app().fetch(post('plain'))).text()).toBe('plain');
  });

  it('uses the Web request when a middleware has swapped it for one of another length', async () => {
    const node = Object.assign(new PassThrough(), {
      headers: { 'content-length': '3' },
      rawBody: Buffer.from('old'),
    });
    const response = await app().fetch(post('replaced'), { incoming: node });
    expect(await response.text()).toBe('replaced');
  });
});

describe('bodyKnownWithin', () => {
  const known = async (request: Request, env?: object) => (await app().fetch(request, env)).text();

  it('knows a GET or HEAD has no body to check', async () => {
    expect(await known(new Request('http://checkout.test/known'))).toBe('true');
  });

  it('knows a body Node has read, up to the limit only', async () => {
    const small = { incoming: { rawBody: Buffer.from('0123456789') } };
    const large = { incoming: { rawBody: Buffer.from('0123456789!') } };
    const request = () => new Request('http://checkout.test/known', { method: 'POST', body: 'x' });
    expect(await known(request(), small)).toBe('true');
    expect(await known(request(), large)).toBe('false');
  });

  it('does not know a body nobody has read yet', async () => {
    const request = new Request('http://checkout.test/known', { method: 'POST', body: 'x' });
    expect(await known(request)).toBe('false');
    expect(await known(request.clone(), { incoming: incoming(['x'], {}) })).toBe('false');
  });
});
