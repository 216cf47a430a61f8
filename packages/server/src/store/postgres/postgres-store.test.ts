/**
 * @module
 * Runs the store contracts against PostgreSQL, one fresh database per test (the store's
 * `close` drops it), plus what only PostgreSQL has: several pools on one database, row locks,
 * retried units of work, NOTIFY at commit, the statement timeout and the type parsers.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { SESSION_NOTICE_CHANNEL } from '../../bus/session-notice.js';
import type { OrderRecord, SessionRecord } from '../../domain/records.js';
import {
  createTestDatabase,
  describePostgres,
  type TestDatabase,
} from '../../test-support/postgres.js';
import { openPostgresTestStore } from '../../test-support/test-stores.js';
import { runInboxStoreContract } from '../inbox.contract-test.js';
import { runMandateStoreContract } from '../mandates.contract-test.js';
import { runRetentionStoreContract } from '../retention.contract-test.js';
import { runStoreContract } from '../store.contract-test.js';
import type { Store } from '../store.js';
import { MIGRATIONS } from './migrations.js';
import {
  createPostgresStore,
  parseTimestamptz,
  type PostgresStoreOptions,
} from './postgres-store.js';

const T0 = '2026-01-01T12:00:00.000Z';

function session(id: string, reference: string): SessionRecord {
  return {
    id,
    reference,
    amount: { value: 1999, currency: 'EUR' },
    country: 'DE',
    returnUrl: 'https://shop.example/done',
    status: 'created',
    createdAt: T0,
    expiresAt: '2026-01-01T13:00:00.000Z',
  };
}

function order(id: string, sessionId: string, attempt: number): OrderRecord {
  return {
    id,
    sessionId,
    attempt,
    provider: 'ivy',
    method: 'ivy:bank',
    providerReference: `${attempt}-${sessionId}`,
    providerOrderId: null,
    status: 'created',
    amount: { value: 1999, currency: 'EUR' },
    needsReview: false,
    lateSuccess: false,
    version: 0,
    createdAt: T0,
    updatedAt: T0,
  };
}

/** Resolves once `check` holds, polling; rejects after `ms`. */
async function eventually(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('Condition not met in time');
    await sleep(10);
  }
}

describePostgres('postgres store', () => {
  runStoreContract('postgres', () => openPostgresTestStore('contract', 8));
  runMandateStoreContract('postgres', () => openPostgresTestStore('mandates', 8));
  runRetentionStoreContract('postgres', () => openPostgresTestStore('retention', 8));
  runInboxStoreContract('postgres', () => openPostgresTestStore('inbox', 8));

  describe('postgres store specifics', () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const step of cleanup.splice(0).reverse()) await step();
    });

    /** A new database and `count` stores on it, all closed (and the database dropped) after. */
    async function sharedDatabase(
      count: number,
      options: Partial<PostgresStoreOptions> = {},
    ): Promise<{ database: TestDatabase; stores: Store[] }> {
      const database = await createTestDatabase('shared');
      cleanup.push(() => database.drop());
      const stores = Array.from({ length: count }, () =>
        createPostgresStore({
          url: database.url,
          poolSize: 8,
          statementTimeoutMs: 10_000,
          ...options,
        }),
      );
      for (const store of stores) cleanup.push(() => store.close());
      return { database, stores };
    }

    /** An admin client on `database`, ended after the test. */
    async function client(database: TestDatabase): Promise<pg.Client> {
      const c = new pg.Client({ connectionString: database.url });
      await c.connect();
      cleanup.push(() => c.end());
      return c;
    }

    it('migrates exactly once when several instances start together', async () => {
      const { database, stores } = await sharedDatabase(4);
      await Promise.all(stores.map((store) => store.migrate()));
      await Promise.all(stores.map((store) => store.migrate()));
      const admin = await client(database);
      const { rows } = await admin.query<{ version: number; name: string }>(
        'SELECT version, name FROM schema_migrations ORDER BY version',
      );
      expect(rows).toEqual(MIGRATIONS.map(({ version, name }) => ({ version, name })));
      // The advisory lock is free again.
      const locks = await admin.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory'");
      expect(locks.rowCount).toBe(0);
    });

    it('ends its connections on close, even when nothing but migrate ran', async () => {
      const { database, stores } = await sharedDatabase(1, { applicationName: 'pct-close' });
      const [store] = stores as [Store];
      await store.migrate();
      await store.close();
      const admin = await client(database);
      const open = async () =>
        (await admin.query("SELECT 1 FROM pg_stat_activity WHERE application_name = 'pct-close'"))
          .rowCount;
      // A backend leaves the view when its process has exited, a moment after the client left.
      let count = await open();
      for (let i = 0; i < 50 && count !== 0; i++) {
        await sleep(20);
        count = await open();
      }
      expect(count).toBe(0);
    });

    it('shows a row written through one pool to another', async () => {
      const { stores } = await sharedDatabase(2);
      const [a, b] = stores as [Store, Store];
      await a.migrate();
      await a.sessions.insert(session('cs_1', 'order-1'));
      expect(await b.sessions.get('cs_1')).toEqual(session('cs_1', 'order-1'));
      await b.sessions.setStatus('cs_1', 'pending');
      expect((await a.sessions.get('cs_1'))?.status).toBe('pending');
    });

    it('lets exactly one of many units of work that lock the same order move it', async () => {
      const { stores } = await sharedDatabase(2);
      const [a, b] = stores as [Store, Store];
      await a.migrate();
      await a.sessions.insert(session('cs_1', 'order-1'));
      await a.orders.insert(order('ord_1', 'cs_1', 1));
      const moves = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 ? a : b).transaction(async (tx) => {
            const current = await tx.orders.get('ord_1', { lock: true });
            // Hold the lock a moment, so that the others queue behind it.
            await sleep(5);
            if (current?.status !== 'created') return false;
            return tx.orders.move('ord_1', {
              from: 'created',
              to: 'pending',
              version: 1,
              lateSuccess: false,
              updatedAt: T0,
            });
          }),
        ),
      );
      expect(moves.filter(Boolean)).toHaveLength(1);
      expect(await a.orders.get('ord_1')).toMatchObject({ status: 'pending', version: 1 });
    });

    it('runs a unit of work again when PostgreSQL breaks a deadlock, and other errors once', async () => {
      const { stores } = await sharedDatabase(1);
      const [store] = stores as [Store];
      await store.migrate();
      await store.sessions.insert(session('cs_1', 'order-1'));
      await store.sessions.insert(session('cs_2', 'order-2'));
      let bothLocked!: () => void;
      const barrier = new Promise<void>((resolve) => {
        let waiting = 2;
        bothLocked = () => {
          if (--waiting === 0) resolve();
        };
      });
      const runs = { forward: 0, backward: 0 };
      // Each locks one session, waits until the other holds its own, then wants the other's.
      const lockBoth = (first: string, second: string, name: keyof typeof runs) =>
        store.transaction(async (tx) => {
          runs[name]++;
          await tx.sessions.get(first, { lock: true });
          bothLocked();
          await barrier;
          await tx.sessions.get(second, { lock: true });
          await tx.sessions.setStatus(first, 'pending');
          return name;
        });
      const results = await Promise.all([
        lockBoth('cs_1', 'cs_2', 'forward'),
        lockBoth('cs_2', 'cs_1', 'backward'),
      ]);
      expect(results).toEqual(['forward', 'backward']);
      expect(runs.forward + runs.backward).toBe(3);

      let plain = 0;
      await expect(
        store.transaction(async () => {
          plain++;
          throw new Error('not a conflict');
        }),
      ).rejects.toThrow('not a conflict');
      expect(plain).toBe(1);
    });

    it('notifies other instances of a session event at commit, and never after a rollback', async () => {
      const { database, stores } = await sharedDatabase(1);
      const [store] = stores as [Store];
      await store.migrate();
      await store.sessions.insert(session('cs_1', 'order-1'));
      const listener = await client(database);
      const received: string[] = [];
      listener.on('notification', (message) => {
        if (message.channel === SESSION_NOTICE_CHANNEL) received.push(message.payload ?? '');
      });
      await listener.query(`LISTEN ${SESSION_NOTICE_CHANNEL}`);
      const event = (seq: number) => ({
        sessionId: 'cs_1',
        seq,
        orderId: null,
        status: 'pending' as const,
        at: T0,
      });

      await store.transaction(async (tx) => {
        await tx.sessionEvents.append(event(1));
        await sleep(150);
        expect(received).toEqual([]);
      });
      await eventually(() => received.length === 1);
      expect(received).toEqual(['cs_1:1']);

      await expect(
        store.transaction(async (tx) => {
          await tx.sessionEvents.append(event(2));
          throw new Error('undo');
        }),
      ).rejects.toThrow('undo');
      expect(await store.sessionEvents.latest('cs_1')).toMatchObject({ seq: 1 });

      // Outside a unit of work the event is announced as soon as it is written.
      await store.sessionEvents.append(event(2));
      await eventually(() => received.length === 2);
      await sleep(100);
      expect(received).toEqual(['cs_1:1', 'cs_1:2']);
    });

    it('cancels a statement that runs longer than the statement timeout', async () => {
      const { stores } = await sharedDatabase(2, { statementTimeoutMs: 200 });
      const [holder, waiter] = stores as [Store, Store];
      await holder.migrate();
      await holder.sessions.insert(session('cs_1', 'order-1'));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const holding = holder.transaction(async (tx) => {
        await tx.sessions.get('cs_1', { lock: true });
        locked();
        await released;
      });
      await isLocked;
      const started = Date.now();
      const waiting = waiter.transaction((tx) => tx.sessions.get('cs_1', { lock: true }));
      await expect(waiting).rejects.toMatchObject({ code: '57014' });
      expect(Date.now() - started).toBeLessThan(5000);
      release();
      await holding;
    });

    it('round-trips BIGINT amounts, epoch milliseconds and timestamps', async () => {
      const { stores } = await sharedDatabase(1);
      const [store] = stores as [Store];
      await store.migrate();
      const big = {
        ...session('cs_big', 'big-1'),
        amount: { value: 2 ** 53 - 1, currency: 'IQD' },
      };
      big.createdAt = '1999-12-31T23:59:59.999Z';
      big.expiresAt = '2100-02-28T00:00:00.001Z';
      await store.sessions.insert(big);
      expect(await store.sessions.get('cs_big')).toEqual(big);

      const nextAttemptAt = Date.parse('2200-01-01T00:00:00.000Z');
      await store.outbox.append({
        id: 'msg_1',
        type: 'order.updated',
        subjectId: 'ord_1',
        data: '{"b":1,"a":2}',
        createdAt: T0,
        nextAttemptAt,
      });
      const [message] = await store.outbox.list();
      expect(message).toMatchObject({ nextAttemptAt, createdAt: T0, data: '{"b":1,"a":2}' });
      expect(typeof message?.seq).toBe('number');
      expect(await store.events.count()).toBe(0);
    });

    it('reads PostgreSQL timestamps in any zone, offset and precision as ISO 8601 in UTC', async () => {
      const { database } = await sharedDatabase(0);
      // The server's own text, read raw, compared with the instant the server computes.
      const raw = new pg.Client({
        connectionString: database.url,
        types: { getTypeParser: () => (value: string) => value },
      } as pg.ClientConfig);
      await raw.connect();
      cleanup.push(() => raw.end());
      const instants = [
        '2026-01-01 12:00:00.123456+00',
        '1999-12-31 23:59:59.999999+00',
        '2038-01-19 03:14:08+00',
        '1850-06-01 00:00:00+00',
        '0099-03-01 00:00:00.5+00',
        '0044-03-15 12:00:00+00 BC',
        '12026-01-01 00:00:00+00',
      ];
      const zones = ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Asia/Kathmandu', 'Europe/Berlin'];
      const seen = new Set<string>();
      for (const zone of zones) {
        await raw.query(`SET TimeZone = '${zone}'`);
        for (const instant of instants) {
          const { rows } = await raw.query<{ text: string; ms: string }>(
            'SELECT $1::timestamptz AS text, floor(extract(epoch FROM $1::timestamptz) * 1000) AS ms',
            [instant],
          );
          const { text, ms } = rows[0]!;
          seen.add(text.replace(/^.*\d([+-][\d:]+)( BC)?$/, '$1'));
          expect(Date.parse(parseTimestamptz(text)), `${text} (${zone})`).toBe(Number(ms));
        }
      }
      // The offsets met include half hours, quarter hours and local mean time (seconds).
      expect([...seen]).toEqual(expect.arrayContaining(['+00', '+05:30', '-03:30', '+05:45']));
      expect([...seen].some((offset) => /^[+-]\d\d:\d\d:\d\d$/.test(offset))).toBe(true);
      expect(parseTimestamptz('2026-01-01 12:00:00.123456+00')).toBe('2026-01-01T12:00:00.123Z');
      expect(parseTimestamptz('infinity')).toBe('infinity');
    });

    it('names itself to the server and keeps its session in UTC', async () => {
      const { database, stores } = await sharedDatabase(1, { applicationName: 'pct-test-app' });
      const [store] = stores as [Store];
      await store.migrate();
      await store.ping();
      const admin = await client(database);
      const { rows } = await admin.query(
        "SELECT 1 FROM pg_stat_activity WHERE application_name = 'pct-test-app'",
      );
      expect(rows.length).toBeGreaterThan(0);
      // A timestamp written with an offset comes back in UTC.
      await store.sessions.insert({
        ...session('cs_1', 'order-1'),
        createdAt: '2026-01-01T12:00:00+02:00',
      });
      expect((await store.sessions.get('cs_1'))?.createdAt).toBe('2026-01-01T10:00:00.000Z');
    });

    it('never shows the connection password in an error', async () => {
      const { database } = await sharedDatabase(0);
      const url = new URL(database.url);
      url.password = 'pw-that-must-not-leak';
      url.pathname = '/pct_no_such_database';
      const store = createPostgresStore({
        url: url.toString(),
        poolSize: 1,
        statementTimeoutMs: 1000,
      });
      cleanup.push(() => store.close());
      const error: unknown = await store.ping().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      const shown = `${String(error)} ${(error as Error).stack ?? ''} ${JSON.stringify(error)}`;
      expect(shown).not.toContain('pw-that-must-not-leak');
      expect(shown).not.toContain(url.toString());
    });

    it('closes once, and rejects calls after close', async () => {
      const { stores } = await sharedDatabase(1);
      const [store] = stores as [Store];
      await store.migrate();
      await store.close();
      await expect(store.close()).resolves.toBeUndefined();
      await expect(store.sessions.get('cs_1')).rejects.toThrow('The store is closed');
      await expect(store.ping()).rejects.toThrow('The store is closed');
      await expect(store.transaction(async () => 1)).rejects.toThrow('The store is closed');
    });
  });
});
