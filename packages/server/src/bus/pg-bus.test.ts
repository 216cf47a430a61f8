/**
 * @module
 * The PostgreSQL bus against a real server, one fresh database per test: which listeners a
 * notice wakes, that notices follow commits, several instances, and a listening connection that
 * is terminated, never reachable, reachable late, or silently dead (through a local TCP relay
 * that can refuse connections or stop forwarding).
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { pino, type Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  describePostgres,
  type TestDatabase,
} from '../test-support/postgres.js';
import type { SessionListener } from './bus.js';
import { createPostgresBus, reconnectDelay, type PostgresBus } from './pg-bus.js';
import { SESSION_NOTICE_CHANNEL } from './session-notice.js';

/** Fast back-off, so that reconnections happen within a test. */
const FAST_RECONNECT = { initialMs: 20, maxMs: 200 };

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

const WARN = 40;
const DEBUG = 20;

/** Resolves once `check` holds, polling; rejects after `ms` naming `what`. */
async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms = 5_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await sleep(10);
  }
}

/** A listener that records the session ids it is woken with. */
function recorder(): { listener: SessionListener; calls: string[] } {
  const calls: string[] = [];
  return { listener: (sessionId) => void calls.push(sessionId), calls };
}

/** Whether `promise` has settled, checked without waiting for it. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  const pending = Symbol('pending');
  const first = await Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    Promise.resolve(pending),
  ]);
  return first !== pending;
}

/** A port on 127.0.0.1 that nothing listens on. */
async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP relay in front of the test server. */
interface Relay {
  port: number;
  /** Forward new connections (true) or close them at once (false). */
  accept(forward: boolean): void;
  /** Stops forwarding on every open connection without closing it, like a dead network path. */
  blackhole(): void;
  close(): Promise<void>;
}

async function startRelay(target: URL): Promise<Relay> {
  let forward = false;
  const pairs = new Set<{ inbound: net.Socket; outbound: net.Socket }>();
  const server = net.createServer((inbound) => {
    if (!forward) {
      inbound.destroy();
      return;
    }
    const outbound = net.connect(Number(target.port || 5432), target.hostname);
    const pair = { inbound, outbound };
    pairs.add(pair);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
    const end = (): void => {
      pairs.delete(pair);
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('error', end).on('close', end);
    outbound.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    accept(value) {
      forward = value;
    },
    blackhole() {
      for (const { inbound, outbound } of pairs) {
        inbound.unpipe(outbound);
        outbound.unpipe(inbound);
        inbound.pause();
        outbound.pause();
      }
    },
    async close() {
      for (const { inbound, outbound } of pairs) {
        inbound.destroy();
        outbound.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('reconnectDelay', () => {
  const policy = { initialMs: 100, maxMs: 5_000 };

  it('doubles from the initial delay up to the cap', () => {
    const top = (failures: number): number => reconnectDelay(failures, policy, () => 1);
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(top)).toEqual([
      100, 200, 400, 800, 1600, 3200, 5000, 5000,
    ]);
  });

  it('spreads each delay over its upper half', () => {
    expect(reconnectDelay(1, policy, () => 0)).toBe(50);
    expect(reconnectDelay(3, policy, () => 0.5)).toBe(300);
    expect(reconnectDelay(30, policy, () => 0)).toBe(2500);
  });
});

describePostgres('postgres bus', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  let appCounter = 0;

  async function database(): Promise<TestDatabase> {
    const db = await createTestDatabase('bus');
    cleanup.push(() => db.drop());
    return db;
  }

  /** A plain client on `url`, ended after the test. */
  async function sqlClient(url: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    cleanup.push(() => client.end());
    return client;
  }

  function captureLogs(): { logger: Logger; lines: LogLine[] } {
    const lines: LogLine[] = [];
    const logger = pino(
      { level: 'debug' },
      { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
    );
    return { logger, lines };
  }

  interface OpenBus {
    bus: PostgresBus;
    lines: LogLine[];
    applicationName: string;
  }

  /** A bus on `url` with its own application name and captured logs, closed after the test. */
  function openBus(url: string, extra: { healthCheckMs?: number } = {}): OpenBus {
    const { logger, lines } = captureLogs();
    const applicationName = `pct-bus-${process.pid}-${++appCounter}`;
    const bus = createPostgresBus({
      url,
      logger,
      applicationName,
      reconnect: FAST_RECONNECT,
      ...extra,
    });
    cleanup.push(() => bus.close());
    return { bus, lines, applicationName };
  }

  function notify(client: pg.Client, payload: string): Promise<unknown> {
    return client.query('SELECT pg_notify($1, $2)', [SESSION_NOTICE_CHANNEL, payload]);
  }

  /** The backend pids of `applicationName` on the server. */
  async function backends(client: pg.Client, applicationName: string): Promise<number[]> {
    const { rows } = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    );
    return rows.map((row) => row.pid);
  }

  const warnings = (lines: LogLine[]): LogLine[] => lines.filter((line) => line.level === WARN);

  it('wakes the listeners of the notified session only, each subscription once', async () => {
    const db = await database();
    const { bus } = openBus(db.url);
    await bus.ready();
    expect(bus.connected()).toBe(true);
    const first = recorder();
    const other = recorder();
    bus.subscribe('ses_one', first.listener);
    // The same function twice: two subscriptions.
    bus.subscribe('ses_one', first.listener);
    bus.subscribe('ses_two', other.listener);
    expect(bus.size()).toBe(3);

    const writer = await sqlClient(db.url);
    await notify(writer, 'ses_one:1');
    await eventually('ses_one is woken twice', () => first.calls.length === 2);
    // Notices arrive in order: once ses_two's is in, no further ses_one wake-up is on its way.
    await notify(writer, 'ses_two:1');
    await eventually('ses_two is woken', () => other.calls.length === 1);
    expect(first.calls).toEqual(['ses_one', 'ses_one']);
    expect(other.calls).toEqual(['ses_two']);
  });

  it('stops one subscription at a time; stopping twice changes nothing', async () => {
    const db = await database();
    const { bus } = openBus(db.url);
    await bus.ready();
    const shared = recorder();
    const stopFirst = bus.subscribe('ses_one', shared.listener);
    bus.subscribe('ses_one', shared.listener);
    stopFirst();
    stopFirst();
    expect(bus.size()).toBe(1);

    const writer = await sqlClient(db.url);
    await notify(writer, 'ses_one:1');
    await eventually('ses_one is woken', () => shared.calls.length === 1);
    const barrier = recorder();
    bus.subscribe('ses_barrier', barrier.listener);
    await notify(writer, 'ses_barrier:1');
    await eventually('the barrier is woken', () => barrier.calls.length === 1);
    expect(shared.calls).toEqual(['ses_one']);
  });

  it('keeps waking the other listeners when one throws', async () => {
    const db = await database();
    const { bus, lines } = openBus(db.url);
    await bus.ready();
    const good = recorder();
    bus.subscribe('ses_one', () => {
      throw new Error('listener broke');
    });
    bus.subscribe('ses_one', good.listener);

    await notify(await sqlClient(db.url), 'ses_one:1');
    await eventually('the good listener is woken', () => good.calls.length === 1);
    expect(lines.some((line) => line.msg === 'session listener failed')).toBe(true);
  });

  it('ignores payloads that are no session notice, at debug', async () => {
    const db = await database();
    const { bus, lines } = openBus(db.url);
    await bus.ready();
    const listener = recorder();
    bus.subscribe('ses_one', listener.listener);

    const writer = await sqlClient(db.url);
    for (const payload of ['', 'ses_one', 'ses_one:0', 'ses_one:x', ':3']) {
      await notify(writer, payload);
    }
    await notify(writer, 'ses_one:7');
    await eventually('ses_one is woken', () => listener.calls.length === 1);
    const ignored = lines.filter((line) => line.msg.startsWith('ignored a session notice'));
    expect(ignored.map((line) => [line.level, line.payload])).toEqual(
      ['', 'ses_one', 'ses_one:0', 'ses_one:x', ':3'].map((payload) => [DEBUG, payload]),
    );
  });

  it('sends nothing on publish: the committed NOTIFY is what wakes this instance', async () => {
    const db = await database();
    const { bus } = openBus(db.url);
    await bus.ready();
    const listener = recorder();
    bus.subscribe('ses_one', listener.listener);
    bus.publish('ses_one');
    expect(listener.calls).toEqual([]);

    await notify(await sqlClient(db.url), 'ses_one:1');
    await eventually('ses_one is woken', () => listener.calls.length === 1);
    expect(listener.calls).toEqual(['ses_one']);
  });

  it('hears a notice sent in a transaction at COMMIT, and never after ROLLBACK', async () => {
    const db = await database();
    const { bus } = openBus(db.url);
    await bus.ready();
    const committed = recorder();
    const rolledBack = recorder();
    const barrier = recorder();
    bus.subscribe('ses_commit', committed.listener);
    bus.subscribe('ses_rollback', rolledBack.listener);
    bus.subscribe('ses_barrier', barrier.listener);
    const writer = await sqlClient(db.url);
    const other = await sqlClient(db.url);

    await writer.query('BEGIN');
    await notify(writer, 'ses_commit:1');
    // A notice committed later by another client arrives while the first is still pending.
    await notify(other, 'ses_barrier:1');
    await eventually('the first barrier is woken', () => barrier.calls.length === 1);
    expect(committed.calls).toEqual([]);
    await writer.query('COMMIT');
    await eventually('ses_commit is woken', () => committed.calls.length === 1);

    await writer.query('BEGIN');
    await notify(writer, 'ses_rollback:1');
    await writer.query('ROLLBACK');
    await notify(other, 'ses_barrier:2');
    await eventually('the second barrier is woken', () => barrier.calls.length === 2);
    expect(rolledBack.calls).toEqual([]);
    expect(committed.calls).toEqual(['ses_commit']);
  });

  it('delivers one notice to every instance', async () => {
    const db = await database();
    const a = openBus(db.url);
    const b = openBus(db.url);
    await Promise.all([a.bus.ready(), b.bus.ready()]);
    const onA = recorder();
    const onB = recorder();
    a.bus.subscribe('ses_one', onA.listener);
    b.bus.subscribe('ses_one', onB.listener);
    const barrierA = recorder();
    const barrierB = recorder();
    a.bus.subscribe('ses_barrier', barrierA.listener);
    b.bus.subscribe('ses_barrier', barrierB.listener);

    const writer = await sqlClient(db.url);
    await notify(writer, 'ses_one:1');
    await notify(writer, 'ses_barrier:1');
    await eventually(
      'both barriers are woken',
      () => barrierA.calls.length === 1 && barrierB.calls.length === 1,
    );
    expect(onA.calls).toEqual(['ses_one']);
    expect(onB.calls).toEqual(['ses_one']);
  });

  it('wakes listeners that subscribed before the first LISTEN once it is active', async () => {
    const db = await database();
    const { bus } = openBus(db.url);
    const early = recorder();
    bus.subscribe('ses_early', early.listener);
    await bus.ready();
    expect(early.calls).toEqual(['ses_early']);
  });

  it('reconnects after pg_terminate_backend, wakes every listener once, and hears what follows', async () => {
    const db = await database();
    const { bus, lines, applicationName } = openBus(db.url);
    await bus.ready();
    const admin = await sqlClient(db.url);
    const [pid] = await backends(admin, applicationName);
    expect(pid).toBeTypeOf('number');

    const one = recorder();
    const two = recorder();
    bus.subscribe('ses_one', one.listener);
    bus.subscribe('ses_one', one.listener);
    bus.subscribe('ses_two', two.listener);

    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await eventually(
      'every listener is woken by the reconnection',
      () => one.calls.length === 2 && two.calls.length === 1,
    );
    expect(bus.connected()).toBe(true);
    const after = await backends(admin, applicationName);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(pid);

    // Notices after the reconnection arrive; they are also the barrier showing no second wake-up.
    await notify(admin, 'ses_two:2');
    await eventually('ses_two hears the next notice', () => two.calls.length === 2);
    expect(one.calls).toEqual(['ses_one', 'ses_one']);
    expect(two.calls).toEqual(['ses_two', 'ses_two']);

    const warned = warnings(lines);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({
      attempt: 1,
      msg: 'session-notice listener lost its database connection; reconnecting',
      error: { code: '57P01' },
    });
  });

  it('comes back after every one of repeated terminations', async () => {
    const db = await database();
    const { bus, applicationName } = openBus(db.url);
    await bus.ready();
    const admin = await sqlClient(db.url);
    const listener = recorder();
    bus.subscribe('ses_one', listener.listener);

    for (let round = 1; round <= 3; round++) {
      const [pid] = await backends(admin, applicationName);
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await eventually(`reconnection ${round} wakes the listener`, () => {
        return listener.calls.length === round;
      });
    }
    await notify(admin, 'ses_one:1');
    await eventually('the notice after the last reconnection arrives', () => {
      return listener.calls.length === 4;
    });
  });

  it('keeps retrying an unreachable database without an unhandled error; close stops it', async () => {
    const port = await unusedPort();
    const url = `postgres://postgres:s3cr%3Ft@127.0.0.1:${port}/nowhere`;
    const unhandled: unknown[] = [];
    const record = (error: unknown): void => void unhandled.push(error);
    process.on('uncaughtException', record);
    process.on('unhandledRejection', record);
    cleanup.push(async () => {
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
    });

    const { bus, lines } = openBus(url);
    const ready = bus.ready();
    await eventually('three attempts have failed', () => warnings(lines).length >= 3);
    expect(await settled(ready)).toBe(false);
    expect(bus.connected()).toBe(false);
    const warned = warnings(lines);
    expect(warned.map((line) => line.attempt)).toEqual(warned.map((_, index) => index + 1));
    expect(warned[0]).toMatchObject({
      msg: 'session-notice listener could not connect to the database; retrying',
      error: { code: 'ECONNREFUSED' },
    });
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain('s3cr');
    expect(logged).not.toContain(url);

    await bus.close();
    await expect(ready).rejects.toThrow(/closed/);
    const attempts = warnings(lines).length;
    // That nothing more happens can only be seen over time: several of the longest delays.
    await sleep(FAST_RECONNECT.maxMs * 3);
    expect(warnings(lines)).toHaveLength(attempts);
    expect(unhandled).toEqual([]);
  });

  it('connects once a database that was unreachable at start comes up', async () => {
    const db = await database();
    const relay = await startRelay(new URL(db.url));
    cleanup.push(() => relay.close());
    const url = new URL(db.url);
    url.port = String(relay.port);
    const { bus, lines } = openBus(url.toString());
    const early = recorder();
    bus.subscribe('ses_one', early.listener);

    await eventually('two attempts have failed', () => warnings(lines).length >= 2);
    expect(await settled(bus.ready())).toBe(false);
    relay.accept(true);
    await bus.ready();
    expect(bus.connected()).toBe(true);
    expect(early.calls).toEqual(['ses_one']);
    expect(lines.some((line) => line.msg === 'session-notice listener is back')).toBe(true);

    await notify(await sqlClient(db.url), 'ses_one:1');
    await eventually('the notice arrives', () => early.calls.length === 2);
  });

  it('replaces a connection that stops answering, found by its health check', async () => {
    const db = await database();
    const relay = await startRelay(new URL(db.url));
    cleanup.push(() => relay.close());
    relay.accept(true);
    const url = new URL(db.url);
    url.port = String(relay.port);
    const { bus, lines } = openBus(url.toString(), { healthCheckMs: 200 });
    await bus.ready();
    const listener = recorder();
    bus.subscribe('ses_one', listener.listener);

    relay.blackhole();
    await eventually('the reconnection wakes the listener', () => listener.calls.length === 1);
    expect(bus.connected()).toBe(true);
    expect(warnings(lines)[0]).toMatchObject({
      msg: 'session-notice listener lost its database connection; reconnecting',
      error: { message: 'no answer to the health check in 200 ms' },
    });

    await notify(await sqlClient(db.url), 'ses_one:1');
    await eventually('the notice arrives', () => listener.calls.length === 2);
  });

  it('checks the connection with LISTEN itself, so pg_stat_activity still shows a LISTEN', async () => {
    const db = await database();
    const { bus, applicationName } = openBus(db.url, { healthCheckMs: 50 });
    await bus.ready();
    const admin = await sqlClient(db.url);
    const activity = async (): Promise<{ query: string; started: number }> => {
      const { rows } = await admin.query<{ query: string; query_start: Date }>(
        'SELECT query, query_start FROM pg_stat_activity WHERE application_name = $1',
        [applicationName],
      );
      expect(rows).toHaveLength(1);
      return { query: rows[0]!.query, started: rows[0]!.query_start.getTime() };
    };
    const first = await activity();
    await eventually('a health check has run', async () => {
      return (await activity()).started > first.started;
    });
    expect((await activity()).query).toBe('LISTEN "pay_checkout_session_events"');
    expect(bus.connected()).toBe(true);
  });

  it('closes idempotently: the connection ends, listeners are dropped, nothing reconnects', async () => {
    const db = await database();
    const { bus, lines, applicationName } = openBus(db.url);
    await bus.ready();
    const listener = recorder();
    bus.subscribe('ses_one', listener.listener);
    const admin = await sqlClient(db.url);
    expect(await backends(admin, applicationName)).toHaveLength(1);

    await Promise.all([bus.close(), bus.close()]);
    await bus.close();
    expect(bus.connected()).toBe(false);
    expect(bus.size()).toBe(0);
    await eventually(
      'the listening connection is gone',
      async () => (await backends(admin, applicationName)).length === 0,
    );
    await notify(admin, 'ses_one:1');
    expect(listener.calls).toEqual([]);
    expect(warnings(lines)).toEqual([]);
    await expect(bus.ready()).resolves.toBeUndefined();
  });
});
