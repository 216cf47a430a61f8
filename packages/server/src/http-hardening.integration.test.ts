/**
 * @module
 * The HTTP limits over real sockets: a server started with `startCheckoutServer` on port 0
 * (timeouts made small through their variables), spoken to byte by byte with `node:net`, so
 * what is asserted is what a client on the wire sees — the status, the `Connection` header,
 * whether the connection carries the next request, when it is closed. Then the built binary,
 * for the memory of many refused uploads at once, and bodies that are not UTF-8 on every
 * route that reads JSON.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from './app.js';
import { startCheckoutServer, type StartedCheckoutServer } from './node.js';
import { signIvyBody } from './providers/ivy/ivy-signature.js';
import { SERVER_BIN, startProcess, type RunningProcess } from './test-support/binaries.js';
import {
  IVY_API_KEY,
  IVY_WEBHOOK_SECRET,
  SECRET_KEY,
  SHOP_ORIGIN,
  sessionBody,
  testConfig,
} from './test-support/config.js';

/** What a client read off a connection: one answer, or how the connection ended. */
interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface Connection {
  socket: net.Socket;
  /** The next complete answer (headers and `Content-Length` body). */
  answer(timeoutMs?: number): Promise<Answer>;
  /** Resolves once the server has closed the connection (end, reset or close), with when. */
  closed: Promise<number>;
}

function connect(url: string): Promise<Connection> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      // A reset after the server closed is how some closings look; `closed` records it.
      socket.on('error', () => {});
      let buffered = Buffer.alloc(0);
      let waiting: ((chunk?: Buffer) => void) | null = null;
      socket.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        waiting?.();
      });
      const closed = new Promise<number>((done) => {
        const at = () => done(performance.now());
        socket.once('end', at);
        socket.once('close', at);
      });
      void closed.then(() => waiting?.());
      let ended = false;
      void closed.then(() => (ended = true));
      const answer = async (timeoutMs = 10_000): Promise<Answer> => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const end = buffered.indexOf('\r\n\r\n');
          if (end >= 0) {
            const [statusLine = '', ...lines] = buffered
              .subarray(0, end)
              .toString('latin1')
              .split('\r\n');
            const headers = Object.fromEntries(
              lines.map((line) => {
                const colon = line.indexOf(':');
                return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
              }),
            );
            const length = Number(headers['content-length'] ?? 0);
            if (buffered.length >= end + 4 + length) {
              const body = buffered.subarray(end + 4, end + 4 + length).toString('utf8');
              buffered = buffered.subarray(end + 4 + length);
              return { status: Number(statusLine.split(' ')[1]), headers, body };
            }
          }
          if (ended) throw new Error('the connection ended before a whole answer');
          if (Date.now() > deadline) throw new Error(`no answer within ${timeoutMs} ms`);
          await new Promise<void>((wake) => {
            const timer = setTimeout(wake, 50);
            waiting = () => {
              clearTimeout(timer);
              wake();
            };
          });
          waiting = null;
        }
      };
      resolve({ socket, answer, closed });
    });
  });
}

const TWO_MIB = 2 * 1024 * 1024;

function head(method: string, path: string, headers: Record<string, string | number>): string {
  const lines = Object.entries({ Host: 'pay.test', ...headers }).map(([k, v]) => `${k}: ${v}`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

const JSON_POST = { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'application/json' };

function chunk(bytes: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`${bytes.length.toString(16)}\r\n`),
    bytes,
    Buffer.from('\r\n'),
  ]);
}

const HEALTH = head('GET', '/healthz', {});

/** A session body whose `description` holds the bytes 0xFF 0xFE, which are never UTF-8. */
function brokenUtf8(json: string): Buffer {
  const bytes = Buffer.from(json);
  const at = bytes.indexOf('@@');
  expect(at).toBeGreaterThan(0);
  bytes[at] = 0xff;
  bytes[at + 1] = 0xfe;
  return bytes;
}

describe('the HTTP limits, on a running server', () => {
  let started: StartedCheckoutServer;

  beforeAll(async () => {
    started = await startCheckoutServer(
      testConfig({
        PAY_CHECKOUT_BODY_TIMEOUT_MS: '1500',
        PAY_CHECKOUT_WEBHOOK_BODY_TIMEOUT_MS: '400',
        PAY_CHECKOUT_HEADERS_TIMEOUT_MS: '400',
        IVY_API_KEY,
        IVY_WEBHOOK_SECRET,
      }),
      { port: 0, host: '127.0.0.1' },
    );
  });
  afterAll(async () => {
    await started.close({ timeoutMs: 1_000 });
  });

  describe('a body over 1 MiB', () => {
    it('with a declared length is refused before a byte of it is sent, and the connection carries the next request', async () => {
      const connection = await connect(started.url);
      connection.socket.write(
        head('POST', '/v1/sessions', { ...JSON_POST, 'Content-Length': TWO_MIB }),
      );
      // Nothing of the body has been sent yet: the answer comes from the header alone.
      const refused = await connection.answer();
      expect(refused.status).toBe(413);
      expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'payload_too_large' } });
      expect(refused.headers.connection).toBe('keep-alive');
      // The body it announced is read and dropped; then the next request is answered.
      connection.socket.write(Buffer.alloc(TWO_MIB, 'a'));
      connection.socket.write(HEALTH);
      expect((await connection.answer()).status).toBe(200);
      connection.socket.destroy();
    });

    it('sent chunked is refused once it passes the limit, with Connection: close, and the connection closed', async () => {
      const connection = await connect(started.url);
      connection.socket.write(
        head('POST', '/v1/sessions', { ...JSON_POST, 'Transfer-Encoding': 'chunked' }),
      );
      // A whole 2 MiB body: reading on to its end would cost as much again as the client sends.
      for (let i = 0; i < 32; i++) connection.socket.write(chunk(Buffer.alloc(64 * 1024, 'a')));
      connection.socket.write('0\r\n\r\n');
      const refused = await connection.answer();
      expect(refused.status).toBe(413);
      expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'payload_too_large' } });
      expect(refused.headers.connection).toBe('close');
      await connection.closed;
    });

    it('with a declared length far over the limit is refused with Connection: close, and the connection closed', async () => {
      const connection = await connect(started.url);
      connection.socket.write(
        head('POST', '/v1/sessions', { ...JSON_POST, 'Content-Length': 64 * 1024 * 1024 }),
      );
      const refused = await connection.answer();
      expect(refused.status).toBe(413);
      expect(refused.headers.connection).toBe('close');
      await connection.closed;
    });

    it('sent chunked and never ending is refused without waiting for its end, with Connection: close', async () => {
      const connection = await connect(started.url);
      connection.socket.write(
        head('POST', '/v1/sessions', { ...JSON_POST, 'Transfer-Encoding': 'chunked' }),
      );
      connection.socket.write(chunk(Buffer.alloc(MAX_BODY_BYTES + 1, 'a')));
      // No last chunk: the body is left unread, so the connection cannot go on.
      const refused = await connection.answer();
      expect(refused.status).toBe(413);
      expect(refused.headers.connection).toBe('close');
      await connection.closed;
    });

    it('announced with Expect: 100-continue is refused without the 100, and the connection closed', async () => {
      const connection = await connect(started.url);
      connection.socket.write(
        head('POST', '/v1/sessions', {
          ...JSON_POST,
          'Content-Length': TWO_MIB,
          Expect: '100-continue',
        }),
      );
      const refused = await connection.answer();
      expect(refused.status).toBe(413);
      expect(refused.headers.connection).toBe('close');
      await connection.closed;
    });

    it('within the limit and Expect: 100-continue is told to go on, then handled', async () => {
      const body = Buffer.from(JSON.stringify(sessionBody()));
      const connection = await connect(started.url);
      connection.socket.write(
        head('POST', '/v1/sessions', {
          ...JSON_POST,
          'Content-Length': body.length,
          Expect: '100-continue',
        }),
      );
      expect((await connection.answer()).status).toBe(100);
      connection.socket.write(body);
      expect((await connection.answer()).status).toBe(201);
      connection.socket.destroy();
    });

    it('sent chunked by more clients at once than the memory budget holds are all handled in turn', async () => {
      // 24 chunked bodies reserve 24 MiB, more than the 16 MiB held at once: some wait unread.
      const connections = await Promise.all(Array.from({ length: 24 }, () => connect(started.url)));
      const bodies = connections.map(() => Buffer.from(JSON.stringify(sessionBody())));
      connections.forEach((connection, index) => {
        connection.socket.write(
          head('POST', '/v1/sessions', { ...JSON_POST, 'Transfer-Encoding': 'chunked' }),
        );
        connection.socket.write(chunk(bodies[index]!.subarray(0, 10)));
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      connections.forEach((connection, index) => {
        connection.socket.write(chunk(bodies[index]!.subarray(10)));
        connection.socket.write('0\r\n\r\n');
      });
      const answers = await Promise.all(connections.map((connection) => connection.answer()));
      expect(answers.map((answer) => answer.status)).toEqual(connections.map(() => 201));
      for (const connection of connections) connection.socket.destroy();
    });

    it('of exactly 1 MiB is read whole and handled', async () => {
      const json = JSON.stringify(sessionBody());
      const body = Buffer.alloc(MAX_BODY_BYTES, ' ');
      body.write(json);
      const response = await fetch(`${started.url}/v1/sessions`, {
        method: 'POST',
        headers: JSON_POST,
        body,
      });
      expect(response.status).toBe(201);
      const over = await fetch(`${started.url}/v1/sessions`, {
        method: 'POST',
        headers: JSON_POST,
        body: Buffer.concat([body, Buffer.from(' ')]),
      });
      expect(over.status).toBe(413);
    });
  });

  describe('a slow client', () => {
    /** Drips one byte of a 100-byte body every 200 ms; resolves with the answer and its time. */
    async function drip(path: string) {
      const connection = await connect(started.url);
      const startedAt = performance.now();
      connection.socket.write(head('POST', path, { ...JSON_POST, 'Content-Length': 100 }));
      const timer = setInterval(() => connection.socket.write('{'), 200);
      try {
        const answer = await connection.answer(10_000);
        await connection.closed;
        return { answer, ms: (await connection.closed) - startedAt };
      } finally {
        clearInterval(timer);
      }
    }

    it('dripping a body is answered 408 and closed at the body timeout', async () => {
      const { answer, ms } = await drip('/v1/sessions');
      expect(answer.status).toBe(408);
      expect(answer.headers.connection).toBe('close');
      expect(JSON.parse(answer.body)).toMatchObject({
        error: { code: 'invalid_request', retryable: true },
      });
      expect(ms).toBeGreaterThanOrEqual(1_400);
      expect(ms).toBeLessThan(1_500 + 1_500);
    });

    it('dripping a webhook body is cut off at the shorter webhook timeout', async () => {
      const { answer, ms } = await drip('/webhooks/ivy');
      expect(answer.status).toBe(408);
      expect(ms).toBeLessThan(1_400);
    });

    it('sending its headers slowly is cut off at the headers timeout', async () => {
      const connection = await connect(started.url);
      const startedAt = performance.now();
      connection.socket.write('GET /healthz HTTP/1.1\r\nHost: pay.test\r\n');
      const timer = setInterval(() => connection.socket.write('X-Slow: 1\r\n'), 100);
      try {
        const ms = (await connection.closed) - startedAt;
        expect(ms).toBeLessThan(400 + 2_000);
      } finally {
        clearInterval(timer);
      }
    });
  });

  describe('a JSON body that is not UTF-8', () => {
    it('is refused on POST /v1/sessions, and no session is created', async () => {
      const reference = `utf8-${Date.now()}`;
      const response = await fetch(`${started.url}/v1/sessions`, {
        method: 'POST',
        headers: JSON_POST,
        body: brokenUtf8(JSON.stringify(sessionBody({ reference, description: 'Order @@' }))),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: { code: 'invalid_request', message: 'The body is not valid UTF-8' },
      });
      expect(await started.server.store.sessions.getByReference(reference)).toBeNull();
    });

    it('is refused on POST /v1/sessions/:id/orders, and no order is created', async () => {
      const created = await fetch(`${started.url}/v1/sessions`, {
        method: 'POST',
        headers: JSON_POST,
        body: JSON.stringify(sessionBody()),
      });
      const session = (await created.json()) as { id: string };
      const response = await fetch(`${started.url}/v1/sessions/${session.id}/orders`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Idempotency-Key': `key-${Date.now()}`,
          Origin: SHOP_ORIGIN,
        },
        body: brokenUtf8(JSON.stringify({ method: 'ivy:bank', extra: '@@' })),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
        'The body is not valid UTF-8',
      );
      expect(await started.server.store.orders.listBySession(session.id)).toEqual([]);
    });

    it('is refused on a signed webhook, and nothing is stored', async () => {
      const body = brokenUtf8(
        JSON.stringify({ type: 'order_updated', payload: { id: 'ivy-1', note: '@@' } }),
      );
      const response = await fetch(`${started.url}/webhooks/ivy`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Ivy-Signature': signIvyBody(IVY_WEBHOOK_SECRET, body),
        },
        body,
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
        'The webhook body is not valid UTF-8',
      );
      expect(await started.server.store.inbox.due(Date.now() + 86_400_000, 10)).toEqual([]);
    });

    it('is read exactly when it is UTF-8, characters beyond ASCII included', async () => {
      const description = 'Bestellung für Zoë — 東京 🎉';
      const response = await fetch(`${started.url}/v1/sessions`, {
        method: 'POST',
        headers: JSON_POST,
        body: JSON.stringify(sessionBody({ description })),
      });
      expect(response.status).toBe(201);
      expect(((await response.json()) as { description: string }).description).toBe(description);
    });
  });
});

describe('200 concurrent 2 MiB uploads, on the built binary', () => {
  let server: RunningProcess;

  beforeAll(async () => {
    server = await startProcess({
      name: 'http-hardening',
      bin: SERVER_BIN,
      env: {
        PORT: '0',
        HOST: '127.0.0.1',
        PAY_CHECKOUT_SECRET_KEY: SECRET_KEY,
        PAY_CHECKOUT_ALLOWED_ORIGINS: SHOP_ORIGIN,
        DATABASE_URL: 'sqlite::memory:',
        LOG_LEVEL: 'warn',
      },
      readyPath: '/readyz',
    });
  });
  afterAll(async () => {
    await server.stop();
  });

  /** VmRSS of the server process, in bytes. */
  async function rss(): Promise<number> {
    const { readFile } = await import('node:fs/promises');
    const status = await readFile(`/proc/${server.pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]) * 1024;
  }

  async function upload(body: Buffer, framing: 'declared' | 'chunked'): Promise<number> {
    const connection = await connect(server.url);
    try {
      if (framing === 'declared') {
        connection.socket.write(
          head('POST', '/v1/sessions', { ...JSON_POST, 'Content-Length': body.length }),
        );
        connection.socket.write(body);
      } else {
        connection.socket.write(
          head('POST', '/v1/sessions', { ...JSON_POST, 'Transfer-Encoding': 'chunked' }),
        );
        connection.socket.write(chunk(body));
        connection.socket.write('0\r\n\r\n');
      }
      return (await connection.answer(30_000)).status;
    } finally {
      connection.socket.destroy();
    }
  }

  // A declared length is refused before a byte is read; a chunked body is read up to the limit,
  // then refused and its connection closed, so each costs at most the limit, read once.
  it.runIf(process.platform === 'linux').each(['declared', 'chunked'] as const)(
    'sent %s are each refused 413 while the server grows by less than 50 MiB',
    async (framing) => {
      const body = Buffer.alloc(TWO_MIB, 'a');
      // Once first, so that what is measured is the uploads, not the first use of the code.
      await Promise.all(Array.from({ length: 10 }, () => upload(body, framing)));
      const before = await rss();
      let peak = before;
      const sampler = setInterval(() => {
        void rss().then((value) => (peak = Math.max(peak, value)));
      }, 10);
      const statuses = await Promise.all(Array.from({ length: 200 }, () => upload(body, framing)));
      clearInterval(sampler);
      peak = Math.max(peak, await rss());
      expect(statuses.every((status) => status === 413)).toBe(true);
      expect(peak - before).toBeLessThan(50 * 1024 * 1024);
    },
    60_000,
  );
});
