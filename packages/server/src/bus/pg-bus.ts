/**
 * @module
 * The {@link EventBus} of several server instances on one PostgreSQL database. The PostgreSQL
 * store sends a session notice (`pg_notify`, see ./session-notice.ts) in the transaction that
 * appends a session event, so PostgreSQL delivers it to every listening instance — the writing
 * one included — when, and only if, that transaction commits. Each instance keeps one dedicated
 * connection that runs `LISTEN` and wakes the listeners of the session named in each notice.
 *
 * PostgreSQL keeps no notices for a connection that is down. So whenever `LISTEN` becomes active
 * (after a dropped connection, a server restart, `pg_terminate_backend`, and at first start for
 * listeners that subscribed early), every subscribed listener is woken once: each stream then
 * re-reads its session from its cursor and catches up on whatever it missed. The connection is
 * re-established with exponential back-off and jitter, for as long as the bus is open; an
 * unreachable database delays {@link PostgresBus.ready} but never ends the process.
 *
 * The connection is checked periodically by running the same `LISTEN` again (a no-op for a
 * channel already listened to), which notices a connection that died without a word — a
 * failed-over host, a dropped network path — that TCP alone would take many minutes to report.
 * Being a `LISTEN`, it leaves the backend's last statement in `pg_stat_activity` a `LISTEN`, so
 * the listening connection stays easy to find there.
 */
import pg from 'pg';
import type { Logger } from 'pino';
import type { EventBus } from './bus.js';
import { createSubscriptions } from './memory-bus.js';
import { decodeSessionNotice, SESSION_NOTICE_CHANNEL } from './session-notice.js';

/** Back-off of reconnection attempts. */
export interface ReconnectPolicy {
  /** Delay after the first failure, in milliseconds (default 100); doubles with each one. */
  initialMs: number;
  /** Longest delay between two attempts, in milliseconds (default 5000). */
  maxMs: number;
}

export interface PostgresBusOptions {
  /** The connection URL; it holds the password, so it never appears in a log line. */
  url: string;
  /** Where connection failures (warn), reconnections (info) and ignored notices (debug) go. */
  logger?: Logger;
  reconnect?: Partial<ReconnectPolicy>;
  /** How the listening connection shows in `pg_stat_activity` (default `pay-checkout-bus`). */
  applicationName?: string;
  /**
   * How often the listening connection is checked (by repeating its `LISTEN`), and how long the
   * answer may take before the connection counts as lost, in milliseconds (default 30000; 0
   * turns the check off).
   */
  healthCheckMs?: number;
}

/** A PostgreSQL `LISTEN` bus: {@link EventBus} plus the state of its connection. */
export interface PostgresBus extends EventBus {
  /**
   * Resolves once `LISTEN` is first active; stays pending while the database is unreachable;
   * rejects if the bus is closed before that.
   */
  ready(): Promise<void>;
  /** Whether `LISTEN` is active right now (false while reconnecting and after `close()`). */
  connected(): boolean;
}

export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = { initialMs: 100, maxMs: 5_000 };
const DEFAULT_APPLICATION_NAME = 'pay-checkout-bus';
const DEFAULT_HEALTH_CHECK_MS = 30_000;
/** How long one connection attempt may take. */
const CONNECT_TIMEOUT_MS = 10_000;
/** How long `close()` waits for the connection to say goodbye. */
const CLOSE_TIMEOUT_MS = 2_000;
/** How much of an ignored payload is logged. */
const LOGGED_PAYLOAD_CHARS = 200;

/** The delay before attempt `failures + 1`: exponential, capped, with equal jitter. */
export function reconnectDelay(
  failures: number,
  policy: ReconnectPolicy,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, failures - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/** The strings of `url` that must not be logged: the URL itself and its password. */
function secretsOf(url: string): string[] {
  const secrets = [url];
  try {
    const { password } = new URL(url);
    if (password) secrets.push(password, decodeURIComponent(password));
  } catch {
    // An unparsable URL is still hidden whole; the driver's own message says what is wrong.
  }
  return secrets.filter((secret) => secret.length > 0);
}

/** A failure as log fields: its message, without secrets, and its code. */
function describeFailure(error: unknown, secrets: readonly string[]): Record<string, string> {
  let message = error instanceof Error ? error.message : String(error);
  // A refused connection to a name with several addresses carries its reasons inside.
  if (message === '' && error instanceof AggregateError) {
    message = error.errors.map((inner: unknown) => (inner as Error)?.message).join('; ');
  }
  for (const secret of secrets) message = message.split(secret).join('***');
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? { message, code } : { message };
}

/** One connection: its client and the idempotent function that ends it. */
interface Connection {
  client: pg.Client;
  /** Ends the connection; reconnects later unless the bus is closed. */
  drop(error: unknown): Promise<void>;
}

/**
 * Creates a bus that listens for session notices on `options.url` and starts connecting at
 * once. Listeners can subscribe straight away; await `ready()` before relying on notices.
 *
 * @example
 * const bus = createPostgresBus({ url: process.env.DATABASE_URL!, logger });
 * await bus.ready();
 * const stop = bus.subscribe(sessionId, () => readFromCursor());
 */
export function createPostgresBus(options: PostgresBusOptions): PostgresBus {
  const log = options.logger;
  const policy: ReconnectPolicy = { ...DEFAULT_RECONNECT_POLICY, ...options.reconnect };
  const healthCheckMs = options.healthCheckMs ?? DEFAULT_HEALTH_CHECK_MS;
  const secrets = secretsOf(options.url);
  const listenStatement = `LISTEN ${pg.escapeIdentifier(SESSION_NOTICE_CHANNEL)}`;
  const subscriptions = createSubscriptions((error, sessionId) =>
    log?.error({ err: error, sessionId }, 'session listener failed'),
  );

  let closed = false;
  let closing: Promise<void> | undefined;
  let listening = false;
  let isReady = false;
  /** Failed attempts since `LISTEN` was last active. */
  let failures = 0;
  let current: Connection | undefined;
  let retryTimer: NodeJS.Timeout | undefined;

  let resolveReady!: () => void;
  let rejectReady!: (error: Error) => void;
  const readyPromise = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  // Nobody need wait for it: a bus closed before it listened is no unhandled rejection.
  readyPromise.catch(() => {});

  const onNotification = (message: pg.Notification): void => {
    if (message.channel !== SESSION_NOTICE_CHANNEL) return;
    const payload = message.payload ?? '';
    const notice = decodeSessionNotice(payload);
    if (!notice) {
      log?.debug(
        { payload: payload.slice(0, LOGGED_PAYLOAD_CHARS) },
        'ignored a session notice that is not one',
      );
      return;
    }
    subscriptions.wake(notice.sessionId);
  };

  const scheduleRetry = (error: unknown, wasListening: boolean): void => {
    failures++;
    const retryInMs = reconnectDelay(failures, policy);
    log?.warn(
      { attempt: failures, retryInMs, error: describeFailure(error, secrets) },
      wasListening
        ? 'session-notice listener lost its database connection; reconnecting'
        : 'session-notice listener could not connect to the database; retrying',
    );
    retryTimer = setTimeout(connect, retryInMs);
    // Nothing else to keep a process alive for: a server has its own socket open.
    retryTimer.unref();
  };

  function connect(): void {
    retryTimer = undefined;
    if (closed) return;
    let client: pg.Client;
    try {
      client = new pg.Client({
        connectionString: options.url,
        application_name: options.applicationName ?? DEFAULT_APPLICATION_NAME,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        keepAlive: true,
      });
    } catch (error) {
      scheduleRetry(error, false);
      return;
    }

    let dropped: Promise<void> | undefined;
    let active = false;
    let pingTimer: NodeJS.Timeout | undefined;
    let pingDeadline: NodeJS.Timeout | undefined;

    const connection: Connection = {
      client,
      drop(error) {
        if (dropped) return dropped;
        const wasListening = active;
        active = false;
        if (current === connection) {
          current = undefined;
          listening = false;
        }
        clearTimeout(pingTimer);
        clearTimeout(pingDeadline);
        client.off('notification', onNotification);
        // The 'error' handler stays: a broken socket may still report, and must not throw.
        dropped = Promise.race([
          client.end().catch(() => {}),
          new Promise<void>((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref()),
        ]);
        if (!closed) scheduleRetry(error, wasListening);
        return dropped;
      },
    };
    current = connection;

    const healthCheck = (): void => {
      if (healthCheckMs <= 0) return;
      pingTimer = setTimeout(() => {
        pingDeadline = setTimeout(
          () =>
            void connection.drop(new Error(`no answer to the health check in ${healthCheckMs} ms`)),
          healthCheckMs,
        );
        pingDeadline.unref();
        client.query(listenStatement).then(
          () => {
            clearTimeout(pingDeadline);
            if (active) healthCheck();
          },
          (error: unknown) => void connection.drop(error),
        );
      }, healthCheckMs);
      pingTimer.unref();
    };

    client.on('error', (error) => void connection.drop(error));
    client.on('end', () => void connection.drop(new Error('Connection ended')));
    client.on('notification', onNotification);
    client
      .connect()
      .then(() => client.query(listenStatement))
      .then(
        () => {
          if (dropped || closed) return;
          active = true;
          listening = true;
          if (failures > 0) log?.info({ attempts: failures }, 'session-notice listener is back');
          failures = 0;
          if (!isReady) {
            isReady = true;
            resolveReady();
          }
          // Whatever was committed while nobody listened is read by every stream now.
          subscriptions.wakeAll();
          healthCheck();
        },
        (error: unknown) => void connection.drop(error),
      );
  }

  connect();

  return {
    /**
     * Does nothing: the store's `NOTIFY`, committed with the event, reaches this instance like
     * every other, so waking the local listeners here too would only wake them twice.
     */
    publish() {},
    subscribe(sessionId, listener) {
      return subscriptions.subscribe(sessionId, listener);
    },
    size() {
      return subscriptions.size();
    },
    ready() {
      return readyPromise;
    },
    connected() {
      return listening;
    },
    close() {
      closing ??= (async () => {
        closed = true;
        clearTimeout(retryTimer);
        subscriptions.clear();
        if (!isReady) rejectReady(new Error('The PostgreSQL bus was closed before it listened'));
        await current?.drop(new Error('The bus is closed'));
      })();
      return closing;
    },
  };
}
