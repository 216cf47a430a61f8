/**
 * @module
 * Two `pay-checkout-server` processes (A and B, the built binary) on one PostgreSQL database,
 * with the emulator binary as Ivy, a merchant endpoint and browsers' SSE streams in this
 * process. What one instance commits must reach the browsers and merchant of the other, once:
 * a webhook on A → `paid` on B's stream; 300 payments with shuffled, duplicated webhooks over
 * both → the oracle's outcome, one paid transition and one notification per change; the same
 * Idempotency-Key on both at once → one provider order; B's LISTEN connection terminated →
 * no missed event; A killed → its browsers resume on B without gap or repeat.
 *
 * `MULTI_INSTANCE_SEED=<n>` replays one random mix; the seed is printed when a test fails.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { signIvyWebhook } from '@pay-checkout/emulator';
import {
  CreateOrderResponseSchema,
  OrderViewSchema,
  SessionSchema,
  SessionWithOrdersSchema,
  StatusEventSchema,
  STATUS_EVENT,
  type CreateOrderResponse,
  type OrderView,
  type Session,
  type SessionWithOrders,
  type StatusEvent,
} from '@pay-checkout/protocol';
import { toMajorNumber } from '@pay-checkout/protocol/money';
import {
  IVY_API_KEY,
  IVY_WEBHOOK_SECRET,
  SECRET_KEY,
  SHOP_ORIGIN,
  sessionBody,
} from '../test-support/config.js';
import {
  EMULATOR_BIN,
  SERVER_BIN,
  startProcess,
  type RunningProcess,
} from '../test-support/binaries.js';
import {
  startTestMerchant,
  type ReceivedWebhook,
  type TestMerchant,
} from '../test-support/merchant-endpoint.js';
import {
  createTestDatabase,
  describePostgres,
  type TestDatabase,
} from '../test-support/postgres.js';
import {
  mapLimit,
  seededRandom,
  seedFromEnv,
  shuffle,
  sleep,
  until,
} from '../test-support/processes.js';

// Driving load: a seeded random source (so that a failing mix can be run again with
// `MULTI_INSTANCE_SEED`), shuffling, bounded concurrency and deadlines, from processes.ts.

/*
 * Where the emulator sends its own provider webhooks: a node:http endpoint on 127.0.0.1 that
 * records each delivery and answers 200, so that the tests decide which instance hears what.
 * Pointed at an instance (`forwardTo`), it passes deliveries on unchanged — bytes and signature
 * header — and answers what the instance answered.
 */

/** One delivery from the emulator. */
interface SinkDelivery {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The instance it was passed on to, or null when it was only recorded. */
  forwardedTo: string | null;
  /** What the sink answered the emulator. */
  status: number;
}

interface WebhookSink {
  /** The URL the emulator is given (`IVY_WEBHOOK_URL`). */
  url: string;
  received: SinkDelivery[];
  /** A `/webhooks/<provider>` URL deliveries are passed on to, or null to keep them here. */
  forwardTo: string | null;
  close(): Promise<void>;
}

/** Headers passed on with a forwarded delivery. */
const FORWARDED = new Set(['content-type', 'x-ivy-signature']);

/** Starts the sink. */
async function startWebhookSink(): Promise<WebhookSink> {
  const sink: WebhookSink = {
    url: '',
    received: [],
    forwardTo: null,
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string') headers[name] = value;
      }
      const target = sink.forwardTo;
      const record = (status: number) => {
        sink.received.push({
          path: req.url ?? '',
          headers,
          body: body.toString('utf8'),
          forwardedTo: target,
          status,
        });
        res.writeHead(status).end();
      };
      if (target === null) {
        record(200);
        return;
      }
      const forwarded = Object.fromEntries(
        Object.entries(headers).filter(([name]) => FORWARDED.has(name)),
      );
      fetch(target, { method: 'POST', headers: forwarded, body })
        .then(async (response) => {
          await response.body?.cancel();
          record(response.status);
        })
        .catch(() => record(502));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ivy`;
  sink.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return sink;
}

/*
 * A browser's view of `GET /v1/sessions/:id/events` over a real socket: the status messages
 * (`event: status`, integer `id`, JSON `data`) in arrival order, whether the connection is still
 * open, and a resume from `Last-Event-ID`. Reconnecting is left to the caller, who chooses the
 * instance.
 */

/** One status message as received. */
interface StatusMessage extends StatusEvent {
  id: number;
}

interface SessionStream {
  /** The instance the stream is open on. */
  baseUrl: string;
  sessionId: string;
  messages: StatusMessage[];
  /** Blocks with data that are not a well-formed status message (there should be none). */
  invalid: string[];
  /** Settles when the connection has ended, for whatever reason. */
  ended: Promise<void>;
  open(): boolean;
  /**
   * Resolves with the first message satisfying `predicate`; rejects after `timeoutMs`, or when
   * the connection ends first, naming `what` and listing what arrived.
   */
  waitFor(
    predicate: (message: StatusMessage) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<StatusMessage>;
  close(): void;
}

/** `id status` of each message, for failure messages. */
function describeMessages(messages: readonly StatusMessage[]): string {
  return messages.map((m) => `${m.id}:${m.status}`).join(' ') || '(none)';
}

/** Opens the stream of `sessionId` on `baseUrl`; throws unless it answers an event stream. */
async function openSessionStream(
  baseUrl: string,
  sessionId: string,
  options: { lastEventId?: number } = {},
): Promise<SessionStream> {
  const controller = new AbortController();
  const headers: Record<string, string> = { Accept: 'text/event-stream' };
  if (options.lastEventId !== undefined) headers['Last-Event-ID'] = String(options.lastEventId);
  const response = await fetch(`${baseUrl}/v1/sessions/${sessionId}/events`, {
    headers,
    signal: controller.signal,
  });
  const type = response.headers.get('content-type') ?? '';
  if (response.status !== 200 || !type.startsWith('text/event-stream') || !response.body) {
    const text = await response.text().catch(() => '');
    throw new Error(`events of ${sessionId} on ${baseUrl}: ${response.status} ${type} ${text}`);
  }

  const messages: StatusMessage[] = [];
  const invalid: string[] = [];
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };
  let isOpen = true;

  const parseBlock = (block: string) => {
    let event = 'message';
    let id: string | null = null;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'id') id = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length === 0) return;
    const text = data.join('\n');
    let parsed: ReturnType<typeof StatusEventSchema.safeParse> | null = null;
    try {
      parsed = StatusEventSchema.safeParse(JSON.parse(text));
    } catch {
      parsed = null;
    }
    if (event !== STATUS_EVENT || !parsed?.success || id === null || !/^\d+$/.test(id)) {
      invalid.push(block);
      return;
    }
    messages.push({ ...parsed.data, id: Number(id) });
  };

  const body = response.body;
  const ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          parseBlock(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        wake();
      }
    } catch {
      // Closed by us, or the instance went away.
    } finally {
      isOpen = false;
      wake();
    }
  })();

  return {
    baseUrl,
    sessionId,
    messages,
    invalid,
    ended,
    open: () => isOpen,
    waitFor(predicate, what, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const finish = (error: Error | null, found?: StatusMessage) => {
          waiters.delete(check);
          clearTimeout(timer);
          if (error) reject(error);
          else resolve(found as StatusMessage);
        };
        const failure = (reason: string) =>
          new Error(
            `${what} on ${baseUrl} for ${sessionId}: ${reason}; received ${describeMessages(messages)}`,
          );
        const check = () => {
          const found = messages.find(predicate);
          if (found) finish(null, found);
          else if (!isOpen) finish(failure('the stream ended first'));
        };
        const timer = setTimeout(() => finish(failure(`not within ${timeoutMs} ms`)), timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      controller.abort();
    },
  };
}

/** A session followed across connections, the way a browser's EventSource follows it. */
interface FollowedSession {
  sessionId: string;
  /** Every connection so far, oldest first. */
  connections: SessionStream[];
  /** The messages of every connection, in arrival order. */
  messages(): StatusMessage[];
  /** Opens a connection to `baseUrl`, with `Last-Event-ID` once a message has arrived. */
  connect(baseUrl: string): Promise<SessionStream>;
  /** Settles when the current connection has ended. */
  ended(): Promise<void>;
  waitFor(
    predicate: (message: StatusMessage) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<StatusMessage>;
  close(): void;
}

interface FollowOptions {
  /**
   * Where to reconnect after a connection ends (and after how long); without it the caller
   * reconnects with `connect()`.
   */
  reconnect?: { to: () => string; delayMs: number };
}

/** Follows `sessionId`; call `connect()` for the first connection. */
function followSession(sessionId: string, options: FollowOptions = {}): FollowedSession {
  const connections: SessionStream[] = [];
  let closed = false;
  const messages = () => connections.flatMap((connection) => connection.messages);

  const connect = async (baseUrl: string): Promise<SessionStream> => {
    const last = messages().at(-1)?.id;
    const stream = await openSessionStream(
      baseUrl,
      sessionId,
      last === undefined ? {} : { lastEventId: last },
    );
    connections.push(stream);
    if (closed) stream.close();
    const { reconnect } = options;
    if (reconnect) {
      void stream.ended.then(async () => {
        while (!closed) {
          await sleep(reconnect.delayMs);
          if (closed) return;
          try {
            await connect(reconnect.to());
            return;
          } catch {
            // The instance is not answering yet; try again.
          }
        }
      });
    }
    return stream;
  };

  return {
    sessionId,
    connections,
    messages,
    connect,
    ended: () => connections.at(-1)?.ended ?? Promise.resolve(),
    async waitFor(predicate, what, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages().find(predicate);
        if (found) return found;
        if (Date.now() > deadline) {
          throw new Error(
            `${what} for ${sessionId}: not within ${timeoutMs} ms over ${connections.length} connection(s); received ${describeMessages(messages())}`,
          );
        }
        await sleep(20);
      }
    },
    close() {
      closed = true;
      for (const connection of connections) connection.close();
    },
  };
}

/*
 * The calls the suite makes over HTTP: the merchant's and the browser's calls to one instance,
 * Ivy's webhooks (signed with the emulator's own signer, as Ivy would sign them), and the
 * emulator's control API. Every answer is written to a shared {@link HttpLog}, so that a test
 * can say that no call anywhere was answered 5xx.
 */

/** One answered call. */
interface LoggedCall {
  method: string;
  url: string;
  status: number;
}

/** Every call of a suite and its status. */
interface HttpLog {
  calls: LoggedCall[];
  /** The calls from index `from` on answered 5xx (or not answered at all, status 0). */
  failures(from?: number): LoggedCall[];
}

function createHttpLog(): HttpLog {
  const calls: LoggedCall[] = [];
  return {
    calls,
    failures: (from = 0) => calls.slice(from).filter((c) => c.status === 0 || c.status >= 500),
  };
}

/** An answer with its text. */
interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

async function call(
  log: HttpLog,
  method: string,
  url: string,
  init: { headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  try {
    const response = await fetch(url, {
      method,
      ...(init.headers ? { headers: init.headers } : {}),
      ...(init.body !== undefined ? { body: init.body } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    log.calls.push({ method, url, status: response.status });
    return { status: response.status, headers: response.headers, text };
  } catch (error) {
    log.calls.push({ method, url, status: 0 });
    throw error;
  }
}

function expectStatus(answer: Answer, status: number, what: string): void {
  if (answer.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${answer.status} ${answer.text}`);
  }
}

/** The calls to one instance. */
interface InstanceClient {
  name: string;
  url: string;
  /** `POST /v1/sessions` (merchant); expects 201. */
  createSession(overrides?: Record<string, unknown>): Promise<Session>;
  /** `POST /v1/sessions/:id/orders` (browser) with `key`; the raw answer. */
  postOrder(sessionId: string, key: string, method?: string): Promise<Answer>;
  /** {@link postOrder}, expecting 201, parsed. */
  startOrder(sessionId: string, key: string): Promise<CreateOrderResponse>;
  getOrder(orderId: string): Promise<OrderView>;
  getSession(sessionId: string): Promise<SessionWithOrders>;
  /** `POST /webhooks/ivy` with the body and its signature as given. */
  ivyWebhook(webhook: SignedWebhook): Promise<Answer>;
}

/** A client of the instance at `url`. */
function instanceClient(log: HttpLog, name: string, url: () => string): InstanceClient {
  const bearer = { Authorization: `Bearer ${SECRET_KEY}` };
  const client: InstanceClient = {
    name,
    get url() {
      return url();
    },
    async createSession(overrides = {}) {
      const answer = await call(log, 'POST', `${url()}/v1/sessions`, {
        headers: { ...bearer, 'Content-Type': 'application/json' },
        body: JSON.stringify(sessionBody(overrides)),
      });
      expectStatus(answer, 201, `${name}: create session`);
      return SessionSchema.parse(JSON.parse(answer.text));
    },
    postOrder(sessionId, key, method = 'ivy:bank') {
      return call(log, 'POST', `${url()}/v1/sessions/${sessionId}/orders`, {
        headers: {
          'Content-Type': 'application/json',
          'Idempotency-Key': key,
          Origin: SHOP_ORIGIN,
        },
        body: JSON.stringify({ method }),
      });
    },
    async startOrder(sessionId, key) {
      const answer = await client.postOrder(sessionId, key);
      expectStatus(answer, 201, `${name}: start an order of ${sessionId}`);
      return CreateOrderResponseSchema.parse(JSON.parse(answer.text));
    },
    async getOrder(orderId) {
      const answer = await call(log, 'GET', `${url()}/v1/orders/${orderId}`);
      expectStatus(answer, 200, `${name}: read order ${orderId}`);
      return OrderViewSchema.parse(JSON.parse(answer.text));
    },
    async getSession(sessionId) {
      const answer = await call(log, 'GET', `${url()}/v1/sessions/${sessionId}`, {
        headers: bearer,
      });
      expectStatus(answer, 200, `${name}: read session ${sessionId}`);
      return SessionWithOrdersSchema.parse(JSON.parse(answer.text));
    },
    ivyWebhook(webhook) {
      return call(log, 'POST', `${url()}/webhooks/ivy`, {
        headers: { 'Content-Type': 'application/json', 'X-Ivy-Signature': webhook.signature },
        body: webhook.body,
      });
    },
  };
  return client;
}

/** A webhook body and the `X-Ivy-Signature` over its bytes. */
interface SignedWebhook {
  body: string;
  signature: string;
}

/** What an Ivy `order_updated` event says. */
interface IvyOrderEvent {
  eventId: string;
  /** Ivy's order id (from the emulator). */
  ivyOrderId: string;
  /** Our reference at Ivy (`<attempt>-<session reference>`). */
  referenceId: string;
  /** An Ivy order status (`processing`, `paid`, `failed`, `canceled` …). */
  status: string;
  /** In major units, as Ivy sends prices. */
  total: number;
  currency: string;
}

/** An Ivy `order_updated` webhook, signed with the webhook secret the instances share. */
function ivyOrderWebhook(event: IvyOrderEvent): SignedWebhook {
  const body = JSON.stringify({
    id: event.eventId,
    type: 'order_updated',
    payload: {
      id: event.ivyOrderId,
      referenceId: event.referenceId,
      status: event.status,
      price: { total: event.total, currency: event.currency },
    },
    date: new Date().toISOString(),
  });
  return { body, signature: signIvyWebhook(IVY_WEBHOOK_SECRET, body) };
}

/** One order the emulator holds (`GET /_emulator/orders`). */
interface EmulatedOrder {
  provider: string;
  /** For Ivy, the checkout session id. */
  id: string;
  reference: string;
  amount: { value: number; currency: string };
  status: string;
  orderId?: string;
}

/** The emulator's control API. */
interface EmulatorClient {
  orders(provider?: string): Promise<EmulatedOrder[]>;
  /** Settles an order (Ivy: by checkout session id) with a provider status; its new view. */
  outcome(provider: string, id: string, status: string): Promise<EmulatedOrder>;
}

function emulatorClient(log: HttpLog, url: string): EmulatorClient {
  return {
    async orders(provider) {
      const query = provider ? `?provider=${provider}` : '';
      const answer = await call(log, 'GET', `${url}/_emulator/orders${query}`);
      expectStatus(answer, 200, 'emulator: list orders');
      return JSON.parse(answer.text) as EmulatedOrder[];
    },
    async outcome(provider, id, status) {
      const answer = await call(log, 'POST', `${url}/_emulator/orders/${provider}/${id}/outcome`, {
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ status }),
      });
      expectStatus(answer, 200, `emulator: ${provider} ${id} → ${status}`);
      return JSON.parse(answer.text) as EmulatedOrder;
    },
  };
}

/** The Ivy checkout session id in an order's redirect action. */
function ivySessionOf(created: CreateOrderResponse): string {
  if (created.action.type !== 'redirect') throw new Error('Ivy answers a redirect');
  const id = new URL(created.action.url).searchParams.get('session');
  if (!id) throw new Error(`no Ivy session in ${created.action.url}`);
  return id;
}

/*
 * What the suite reads and does in PostgreSQL from the outside: the backends that are listening
 * (`LISTEN …` in `pg_stat_activity`), which instance each belongs to (the backend's client port,
 * matched against the TCP sockets that process holds, from Linux `/proc`), and terminating one.
 */

/** A backend of the test database, as `pg_stat_activity` shows it. */
interface Backend {
  pid: number;
  clientPort: number | null;
  applicationName: string;
  query: string;
  backendStart: string;
}

/** The local ports of the TCP connections process `pid` holds to `remotePort`. */
function tcpClientPorts(pid: number, remotePort: number): Set<number> {
  const inodes = new Set<string>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return new Set();
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // Closed meanwhile.
    }
  }
  const ports = new Set<number>();
  for (const table of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
    for (const line of text.split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      const [local, remote, inode] = [columns[1], columns[2], columns[9]];
      if (!local || !remote || !inode || !inodes.has(inode)) continue;
      if (Number.parseInt(remote.split(':')[1] ?? '', 16) !== remotePort) continue;
      ports.add(Number.parseInt(local.split(':')[1] ?? '', 16));
    }
  }
  return ports;
}

/** A connection of its own to the test database. */
interface DatabaseObserver {
  /** Every backend of this database whose last statement is a `LISTEN`. */
  listeners(): Promise<Backend[]>;
  /** The listening backends that belong to process `pid`. */
  listenersOf(pid: number): Promise<Backend[]>;
  /** `pg_terminate_backend(pid)`; whether a backend was signalled. */
  terminate(backendPid: number): Promise<boolean>;
  close(): Promise<void>;
}

async function observeDatabase(url: string): Promise<DatabaseObserver> {
  const client = new pg.Client({ connectionString: url, application_name: 'multi-instance-test' });
  await client.connect();
  const serverPort = Number(new URL(url).port || 5432);
  const listeners = async (): Promise<Backend[]> => {
    const { rows } = await client.query<{
      pid: number;
      client_port: number | null;
      application_name: string;
      query: string;
      backend_start: Date;
    }>(
      `SELECT pid, client_port, application_name, query, backend_start
         FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()
          AND query ILIKE 'LISTEN%'`,
    );
    return rows.map((row) => ({
      pid: row.pid,
      clientPort: row.client_port,
      applicationName: row.application_name,
      query: row.query,
      backendStart: row.backend_start.toISOString(),
    }));
  };
  return {
    listeners,
    async listenersOf(pid) {
      const all = await listeners();
      const ports = tcpClientPorts(pid, serverPort);
      return all.filter((backend) => backend.clientPort !== null && ports.has(backend.clientPort));
    },
    async terminate(backendPid) {
      const { rows } = await client.query<{ done: boolean }>(
        'SELECT pg_terminate_backend($1) AS done',
        [backendPid],
      );
      return rows[0]?.done === true;
    },
    close: () => client.end(),
  };
}

/*
 * A started Ivy payment as the suite tracks it: the session, its order, Ivy's checkout session
 * and our reference at Ivy; settling it on Ivy's side; and its `order_updated` webhooks.
 */

interface Payment {
  sessionId: string;
  reference: string;
  orderId: string;
  /** Ivy's checkout session id (from the redirect URL). */
  ivySessionId: string;
  /** Our reference at Ivy: `<attempt>-<session reference>`. */
  providerReference: string;
  /** Ivy's order id, once the payment is settled on Ivy's side. */
  ivyOrderId: string | null;
  amount: { value: number; currency: string };
}

/** Creates a session through `creator` and starts its first order through `starter`. */
async function startPayment(creator: InstanceClient, starter: InstanceClient): Promise<Payment> {
  const session = await creator.createSession();
  return startAttempt(starter, session, 1);
}

/** Starts attempt `attempt` of a session through `starter`. */
async function startAttempt(
  starter: InstanceClient,
  session: { id: string; reference: string; amount: { value: number; currency: string } },
  attempt: number,
): Promise<Payment> {
  const created = await starter.startOrder(session.id, `attempt-${attempt}-${session.id}`);
  return {
    sessionId: session.id,
    reference: session.reference,
    orderId: created.order.id,
    ivySessionId: ivySessionOf(created),
    providerReference: `${attempt}-${session.reference}`,
    ivyOrderId: null,
    amount: session.amount,
  };
}

/** Gives the payment's Ivy order `ivyStatus` (Ivy then reports it from its API too). */
async function settleAtIvy(
  emulator: EmulatorClient,
  payment: Payment,
  ivyStatus: string,
): Promise<void> {
  const settled = await emulator.outcome('ivy', payment.ivySessionId, ivyStatus);
  if (!settled.orderId) throw new Error(`Ivy opened no order for ${payment.ivySessionId}`);
  payment.ivyOrderId = settled.orderId;
}

/** Ivy's `order_updated` webhook for the payment (settled first), with its own event id. */
function paymentWebhook(payment: Payment, eventId: string, ivyStatus: string): SignedWebhook {
  if (!payment.ivyOrderId) throw new Error(`${payment.orderId} is not settled at Ivy`);
  return ivyOrderWebhook({
    eventId,
    ivyOrderId: payment.ivyOrderId,
    referenceId: payment.providerReference,
    status: ivyStatus,
    total: toMajorNumber(payment.amount),
    currency: payment.amount.currency,
  });
}

/*
 * The deployment under test: the emulator binary and two `pay-checkout-server` processes, A and
 * B, on one database, with the merchant's webhook endpoint and the sink of the emulator's own
 * webhooks in this process. Both instances get the same environment; only their ports differ.
 */

type InstanceName = 'a' | 'b';

interface Cluster {
  http: HttpLog;
  merchant: TestMerchant;
  sink: WebhookSink;
  emulator: EmulatorClient;
  a: InstanceClient;
  b: InstanceClient;
  /** The running processes (an instance's entry is replaced when it is restarted). */
  processes: { emulator: RunningProcess } & Record<InstanceName, RunningProcess>;
  /** Starts a stopped (or killed) instance again, on a new port. */
  restart(name: InstanceName): Promise<void>;
  /** The recent output of every process, for a failure report. */
  diagnostics(): string;
  close(): Promise<void>;
}

interface ClusterOptions {
  /** `postgres://…` (or `sqlite:<file>` to try the harness on one instance). */
  databaseUrl: string;
  /** Start only instance A (SQLite cannot be shared by two processes). */
  single?: boolean;
}

/** Starts everything; on a failure stops what was started and throws. */
async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const merchantSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const http = createHttpLog();
  const started: { stop(): Promise<unknown> }[] = [];
  const stopAll = async () => {
    for (const item of started.splice(0).reverse()) {
      try {
        await item.stop();
      } catch {
        // Stop the rest regardless.
      }
    }
  };
  try {
    const merchant = await startTestMerchant(merchantSecret);
    started.push({ stop: () => merchant.close() });
    const sink = await startWebhookSink();
    started.push({ stop: () => sink.close() });
    const emulatorProcess = await startProcess({
      name: 'emulator',
      bin: EMULATOR_BIN,
      readyPath: '/_emulator/healthz',
      env: {
        EMULATOR_PORT: '0',
        EMULATOR_HOST: '127.0.0.1',
        IVY_API_KEY,
        IVY_WEBHOOK_SECRET,
        IVY_WEBHOOK_URL: sink.url,
        // The simulated bank step after Pay: 0.2 s instead of 2 s; expiries stay real.
        EMULATOR_SETTLE_DELAY_MS: '200',
      },
    });
    started.push({ stop: () => emulatorProcess.stop() });

    const serverEnv: Record<string, string> = {
      PORT: '0',
      HOST: '127.0.0.1',
      PAY_CHECKOUT_SECRET_KEY: SECRET_KEY,
      PAY_CHECKOUT_ALLOWED_ORIGINS: SHOP_ORIGIN,
      DATABASE_URL: options.databaseUrl,
      LOG_LEVEL: 'warn',
      IVY_API_KEY,
      IVY_WEBHOOK_SECRET,
      IVY_API_URL: `${emulatorProcess.url}/ivy`,
      MERCHANT_WEBHOOK_URL: merchant.url,
      MERCHANT_WEBHOOK_SECRET: merchantSecret,
      // Every shopper of this battery comes from one address, at a rate no shopper has.
      PAY_CHECKOUT_RATE_LIMIT_ADDRESS: '0',
    };
    const startInstance = (name: InstanceName) =>
      startProcess({
        name: `server-${name}`,
        bin: SERVER_BIN,
        readyPath: '/readyz',
        env: serverEnv,
      });
    const a = await startInstance('a');
    const processes = { emulator: emulatorProcess, a, b: a };
    started.push({ stop: () => processes.a.stop() });
    if (!options.single) {
      processes.b = await startInstance('b');
      started.push({ stop: () => processes.b.stop() });
    }

    return {
      http,
      merchant,
      sink,
      emulator: emulatorClient(http, emulatorProcess.url),
      a: instanceClient(http, 'A', () => processes.a.url),
      b: instanceClient(http, options.single ? 'A' : 'B', () => processes.b.url),
      processes,
      async restart(name) {
        await processes[name].stop('SIGKILL');
        processes[name] = await startInstance(name);
      },
      diagnostics() {
        return Object.entries(processes)
          .map(([name, child]) => {
            const tail = child.output().split('\n').slice(-60).join('\n');
            return `--- ${name} (pid ${child.pid}, ${child.running() ? 'running' : 'exited'}) ---\n${tail}`;
          })
          .join('\n');
      },
      close: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

const seed = seedFromEnv('MULTI_INSTANCE_SEED');
const random = seededRandom(seed);

/** How long a duplicate (a second SSE message, a second notification) gets to show up. */
const QUIET_MS = 1_500;

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The ids of `messages` go up by one, from the first. */
function expectContiguous(messages: readonly StatusMessage[], what: string): void {
  const first = messages[0]?.id ?? 0;
  expect(
    messages.map((m) => m.id),
    `${what}: ${describeMessages(messages)}`,
  ).toEqual(messages.map((_, i) => first + i));
}

/** What a payment's webhooks say, in Ivy's words, per scenario. */
const SCENARIOS = {
  paid: ['processing', 'paid'],
  failed: ['processing', 'failed'],
  cancelled: ['canceled'],
  processing: ['processing'],
} as const;
type Scenario = keyof typeof SCENARIOS;

/** The Ivy order status each scenario leaves at Ivy (what Ivy's API reports). */
const IVY_FINAL: Record<Scenario, string> = {
  paid: 'paid',
  failed: 'failed',
  cancelled: 'canceled',
  processing: 'processing',
};

function pickScenario(): Scenario {
  const r = random();
  return r < 0.5 ? 'paid' : r < 0.7 ? 'failed' : r < 0.8 ? 'cancelled' : 'processing';
}

/** Ivy's words in ours. */
const UNIFIED: Record<string, string> = {
  processing: 'processing',
  paid: 'paid',
  failed: 'failed',
  canceled: 'cancelled',
};

/**
 * The oracle: where the order ends, from the Ivy statuses sent for it in any order and any
 * number of times. Forward only; `paid` wins over everything; a failure or cancellation is
 * final against `processing`.
 */
function expectedFinal(sent: readonly string[]): string {
  const unified = new Set(sent.map((status) => UNIFIED[status]));
  if (unified.has('paid')) return 'paid';
  if (unified.has('failed')) return 'failed';
  if (unified.has('cancelled')) return 'cancelled';
  return 'processing';
}

/**
 * The status sequences the session may go through after `pending`, given the statuses sent:
 * the forward chain in rank order, where any intermediate step may be skipped when a later one
 * arrived first, and nothing after a terminal one.
 */
function allowedSequences(sent: readonly string[]): string[][] {
  const final = expectedFinal(sent);
  const unified = new Set(sent.map((status) => UNIFIED[status]));
  if (final === 'processing') return [['processing']];
  return unified.has('processing') ? [['processing', final], [final]] : [[final]];
}

describePostgres('two pay-checkout-server processes on one PostgreSQL database', () => {
  let database: TestDatabase;
  let cluster: Cluster;
  let observer: DatabaseObserver;
  let a: InstanceClient;
  let b: InstanceClient;
  const open: { close(): void }[] = [];
  const track = <T extends { close(): void }>(stream: T): T => {
    open.push(stream);
    return stream;
  };

  beforeAll(async () => {
    database = await createTestDatabase('multi_instance');
    try {
      cluster = await startCluster({ databaseUrl: database.url });
      observer = await observeDatabase(database.url);
    } catch (error) {
      await cluster?.close();
      await database.drop();
      throw error;
    }
    ({ a, b } = cluster);
  }, 90_000);

  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      console.error(`multi-instance: seed ${seed}\n${cluster?.diagnostics() ?? ''}`);
    });
  });

  afterEach(() => {
    for (const stream of open.splice(0)) stream.close();
    if (cluster) cluster.sink.forwardTo = null;
  });

  afterAll(async () => {
    await observer?.close();
    await cluster?.close();
    await database?.drop();
  }, 60_000);

  it('a webhook applied on A reaches a browser streaming from B, once', async () => {
    const session = await a.createSession();
    const stream = track(await openSessionStream(b.url, session.id));
    await stream.waitFor((m) => m.status === 'created', 'the snapshot on B');

    const created = await a.startOrder(session.id, `first-${session.id}`);
    const orderId = created.order.id;
    await stream.waitFor((m) => m.status === 'pending', 'pending, committed by A');

    // Ivy's own webhooks (signed by the emulator) go to A only.
    const forwardTo = `${a.url}/webhooks/ivy`;
    const delivered = cluster.sink.received.length;
    cluster.sink.forwardTo = forwardTo;
    const settled = await cluster.emulator.outcome('ivy', ivySessionOf(created), 'paid');
    expect(settled.status).toBe('paid');
    const paid = await stream.waitFor((m) => m.status === 'paid', 'paid, applied by A');
    await sleep(QUIET_MS);

    expect(paid.orderId).toBe(orderId);
    expect(stream.messages.map((m) => [m.status, m.orderId])).toEqual([
      ['created', null],
      ['pending', orderId],
      ['paid', orderId],
    ]);
    expectContiguous(stream.messages, 'B’s stream');
    expect(stream.invalid).toEqual([]);
    expect(stream.open()).toBe(true);
    const toA = cluster.sink.received.slice(delivered);
    expect(toA.length).toBeGreaterThan(0);
    expect(toA.map((d) => [d.forwardedTo, d.status])).toEqual(toA.map(() => [forwardTo, 200]));
    expect((await b.getOrder(orderId)).status).toBe('paid');

    // The merchant hears `pending` and `paid` once each, from whichever outbox.
    const notifications = () =>
      cluster.merchant.received.filter(
        (r) => r.event?.type === 'order.updated' && r.event.data.order.id === orderId,
      );
    await until(
      () =>
        notifications().some(
          (r) => r.event?.type === 'order.updated' && r.event.data.order.status === 'paid',
        ),
      'the paid notification',
    );
    await sleep(QUIET_MS);
    expect(
      notifications()
        .map((r) => (r.event?.type === 'order.updated' ? r.event.data.order.status : r.id))
        .sort(),
    ).toEqual(['paid', 'pending']);
    expect(new Set(notifications().map((r) => r.id)).size).toBe(2);
  }, 60_000);

  it('300 payments, webhooks shuffled over A and B with 30 % sent twice: the oracle’s outcome, one paid transition, every notification once, no 5xx', async () => {
    const { emulator, merchant, http } = cluster;
    const instances = [a, b];
    const pick = () => instances[Math.floor(random() * 2)] as InstanceClient;
    const callsBefore = http.calls.length;
    const notificationsBefore = merchant.received.length;
    const count = 300;

    // Sessions through alternating instances, each order through either.
    const payments = await mapLimit(range(count), 32, (i) =>
      startPayment(instances[i % 2] as InstanceClient, pick()),
    );
    const atIvy = new Map((await emulator.orders('ivy')).map((o) => [o.id, o]));
    for (const payment of payments) {
      expect(atIvy.get(payment.ivySessionId)?.reference).toBe(payment.providerReference);
    }

    // Ivy's side of each payment, so that Ivy's API confirms what its webhooks say.
    const plans = payments.map((payment) => ({ payment, scenario: pickScenario() }));
    await mapLimit(plans, 32, (plan) =>
      settleAtIvy(emulator, plan.payment, IVY_FINAL[plan.scenario]),
    );

    // A browser per session, on the instance that did not create it.
    const streams = await mapLimit(plans, 32, async (plan, i) => {
      const stream = track(
        await openSessionStream(
          (instances[(i + 1) % 2] as InstanceClient).url,
          plan.payment.sessionId,
        ),
      );
      await stream.waitFor((m) => m.status === 'pending', 'the snapshot');
      return stream;
    });

    // Every webhook once, 30 % of them twice, shuffled, each copy to either instance.
    const webhooks = plans.flatMap((plan, i) =>
      SCENARIOS[plan.scenario].map((ivyStatus, k) => ({
        plan,
        ivyStatus,
        eventId: `evt_mass_${i}_${k}`,
        signed: paymentWebhook(plan.payment, `evt_mass_${i}_${k}`, ivyStatus),
      })),
    );
    const sends = shuffle(
      webhooks.flatMap((webhook) => (random() < 0.3 ? [webhook, webhook] : [webhook])),
      random,
    );
    const started = performance.now();
    const answers = await mapLimit(sends, 32, async (webhook) => {
      const target = pick();
      const answer = await target.ivyWebhook(webhook.signed);
      return { webhook, target: target.name, answer };
    });
    const sendMs = performance.now() - started;

    const sent = new Map<Payment, string[]>();
    for (const { webhook } of answers) {
      sent.set(webhook.plan.payment, [
        ...(sent.get(webhook.plan.payment) ?? []),
        webhook.ivyStatus,
      ]);
    }
    const final = new Map(plans.map((plan) => [plan, expectedFinal(sent.get(plan.payment) ?? [])]));

    // Every stream reaches the oracle's final status; every order's last notification arrives.
    const orderIds = new Set(payments.map((p) => p.orderId));
    const ours = () =>
      merchant.received
        .slice(notificationsBefore)
        .filter((r) => r.event?.type === 'order.updated' && orderIds.has(r.event.data.order.id));
    await Promise.all(
      plans.map((plan, i) =>
        (streams[i] as SessionStream).waitFor(
          (m) => m.status === final.get(plan),
          `${final.get(plan)} (${plan.scenario})`,
          60_000,
        ),
      ),
    );
    await until(
      () => {
        const done = new Set(
          ours().flatMap((r) =>
            r.event?.type === 'order.updated'
              ? [`${r.event.data.order.id}:${r.event.data.order.status}`]
              : [],
          ),
        );
        return plans.every((plan) => done.has(`${plan.payment.orderId}:${final.get(plan)}`));
      },
      'every order’s final notification',
      { timeoutMs: 60_000, status: () => `${ours().length} notifications so far` },
    );
    await sleep(QUIET_MS);

    // Webhooks: all acknowledged, and each event taken in exactly once across both instances.
    expect(answers.filter((x) => x.answer.status !== 200).map((x) => x.answer)).toEqual([]);
    const takenIn = new Map<string, number>();
    for (const { webhook, answer } of answers) {
      const { duplicate } = JSON.parse(answer.text) as { duplicate: boolean };
      takenIn.set(webhook.eventId, (takenIn.get(webhook.eventId) ?? 0) + (duplicate ? 0 : 1));
    }
    expect([...takenIn].filter(([, n]) => n !== 1)).toEqual([]);

    // Read back from either instance: the oracle's status, on the order and on its session.
    const readBack = await mapLimit(plans, 32, async (plan) => {
      const order = await pick().getOrder(plan.payment.orderId);
      const session = await pick().getSession(plan.payment.sessionId);
      return {
        order: order.status,
        session: session.status,
        orders: session.orders.map((o) => o.status),
      };
    });
    expect(readBack).toEqual(
      plans.map((plan) => ({
        order: final.get(plan),
        session: final.get(plan),
        orders: [final.get(plan)],
      })),
    );

    // Streams: after the snapshot, one allowed sequence, each event once, ids without gaps.
    plans.forEach((plan, i) => {
      const stream = streams[i] as SessionStream;
      const what = `${plan.payment.sessionId} (${plan.scenario}, sent ${sent.get(plan.payment)?.join(',')})`;
      expect(stream.invalid, what).toEqual([]);
      expectContiguous(stream.messages, what);
      const after = stream.messages.slice(1).map((m) => m.status);
      expect(
        allowedSequences(sent.get(plan.payment) ?? []),
        `${what}: ${after.join(',')}`,
      ).toContainEqual(after);
      expect(after.filter((s) => s === 'paid').length, what).toBe(
        final.get(plan) === 'paid' ? 1 : 0,
      );
      expect(stream.open(), what).toBe(true);
    });

    // Notifications: verified, each id delivered once, per order `pending` then the same
    // changes as the stream (one paid at most), whichever instance's outbox sent them.
    const received = ours();
    expect(merchant.received.slice(notificationsBefore).filter((r) => r.failure !== null)).toEqual(
      [],
    );
    const deliveries = new Map<string, ReceivedWebhook[]>();
    for (const r of received) deliveries.set(r.id, [...(deliveries.get(r.id) ?? []), r]);
    expect([...deliveries].filter(([, list]) => list.length !== 1).map(([id]) => id)).toEqual([]);
    const byOrder = new Map<string, string[]>();
    for (const r of received) {
      if (r.event?.type !== 'order.updated') continue;
      const { id, status } = r.event.data.order;
      byOrder.set(id, [...(byOrder.get(id) ?? []), status]);
    }
    plans.forEach((plan, i) => {
      const stream = streams[i] as SessionStream;
      const statuses = [...(byOrder.get(plan.payment.orderId) ?? [])].sort();
      const expected = ['pending', ...stream.messages.slice(1).map((m) => m.status)].sort();
      expect(statuses, plan.payment.orderId).toEqual(expected);
    });

    expect(http.failures(callsBefore)).toEqual([]);
    console.info(
      `multi-instance: ${count} payments, ${sends.length} webhooks (${webhooks.length} distinct) in ${Math.round(sendMs)} ms, ${received.length} notifications, seed ${seed}`,
    );
  }, 120_000);

  it('the same Idempotency-Key sent to A and B at once creates one provider order; the answers agree or one is a clean 409', async () => {
    const count = 24;
    const sessions = await mapLimit(range(count), 8, (i) => (i % 2 ? a : b).createSession());
    const races = await mapLimit(sessions, 4, async (session) => {
      const key = `race-${session.id}`;
      const [fromA, fromB] = await Promise.all([
        a.postOrder(session.id, key),
        b.postOrder(session.id, key),
      ]);
      return { session, key, answers: [fromA, fromB] as const };
    });

    let inProgress = 0;
    for (const { session, key, answers } of races) {
      const statuses = answers.map((x) => x.status);
      const winner = answers.find((x) => x.status === 201);
      expect(winner, `${session.id}: ${statuses.join(', ')}`).toBeDefined();
      if (statuses.every((s) => s === 201)) {
        // One ran, the other answered its answer again.
        expect(answers[0].text).toBe(answers[1].text);
        const replayed = answers.map((x) => x.headers.get('idempotent-replayed'));
        expect(
          replayed.filter((h) => h === 'true'),
          session.id,
        ).toHaveLength(1);
        expect(
          replayed.filter((h) => h === null),
          session.id,
        ).toHaveLength(1);
      } else {
        inProgress++;
        const loserIndex = statuses.indexOf(409);
        expect(loserIndex, `${session.id}: ${statuses.join(', ')}`).not.toBe(-1);
        const loser = answers[loserIndex];
        expect(JSON.parse(loser?.text ?? '{}')).toMatchObject({
          error: { code: 'idempotency_key_in_progress' },
        });
        // Once the first is done, the same key on the instance that said 409 replays it.
        const again = await (loserIndex === 0 ? a : b).postOrder(session.id, key);
        expect(again.status).toBe(201);
        expect(again.text).toBe(winner?.text);
        expect(again.headers.get('idempotent-replayed')).toBe('true');
      }
    }

    // Ivy was asked once per session, and the database holds one order per session.
    const atIvy = await cluster.emulator.orders('ivy');
    for (const session of sessions) {
      const attempts = atIvy.filter((o) => o.reference.endsWith(`-${session.reference}`));
      expect(
        attempts.map((o) => o.reference),
        session.id,
      ).toEqual([`1-${session.reference}`]);
      expect((await a.getSession(session.id)).orders, session.id).toHaveLength(1);
    }
    console.info(`multi-instance: ${count} key races, ${inProgress} answered 409 in progress`);
  }, 60_000);

  it('B’s streams miss nothing while its LISTEN connection is terminated again and again, changes coming in through A', async () => {
    const count = 24;
    const payments = await mapLimit(range(count), 8, () => startPayment(a, a));
    await mapLimit(payments, 8, (payment) => settleAtIvy(cluster.emulator, payment, 'paid'));
    const followers = await mapLimit(payments, 8, async (payment) => {
      const follower = track(
        followSession(payment.sessionId, { reconnect: { to: () => b.url, delayMs: 100 } }),
      );
      await follower.connect(b.url);
      await follower.waitFor((m) => m.status === 'pending', 'the snapshot');
      return follower;
    });

    // One dedicated LISTEN connection per instance.
    const bPid = cluster.processes.b.pid;
    const aPid = cluster.processes.a.pid;
    const listenersStatus = async () => JSON.stringify(await observer.listeners());
    let snapshot = '';
    await until(
      async () => {
        snapshot = await listenersStatus();
        return (
          (await observer.listenersOf(bPid)).length === 1 &&
          (await observer.listenersOf(aPid)).length === 1
        );
      },
      'one LISTEN backend for each instance',
      { status: () => snapshot },
    );

    // For at least a second, every LISTEN backend of B is terminated as soon as it shows up,
    // while A applies: `processing` for every payment, then `paid` for the first half.
    const killed: Backend[] = [];
    let terminating = true;
    const terminator = (async () => {
      while (terminating) {
        for (const backend of await observer.listenersOf(bPid)) {
          if (await observer.terminate(backend.pid)) killed.push(backend);
        }
        await sleep(5);
      }
    })();
    const windowStart = Date.now();
    const early = payments.slice(0, count / 2);
    const late = payments.slice(count / 2);
    for (const [group, ivyStatus] of [
      [payments, 'processing'],
      [early, 'paid'],
    ] as const) {
      await mapLimit(group, 4, async (payment) => {
        const answer = await a.ivyWebhook(
          paymentWebhook(payment, `evt_listen_${payment.orderId}_${ivyStatus}`, ivyStatus),
        );
        expect(answer.status).toBe(200);
        await sleep(15);
      });
    }
    await sleep(Math.max(0, 1_000 - (Date.now() - windowStart)));
    terminating = false;
    await terminator;
    expect(killed.length).toBeGreaterThan(0);

    // B listens again on a new connection and says it is ready.
    await until(
      async () =>
        (await observer.listenersOf(bPid)).some((l) => !killed.some((k) => k.pid === l.pid)),
      'B listening again',
      { timeoutMs: 30_000, status: () => snapshot },
    );
    await until(async () => (await fetch(`${b.url}/readyz`)).status === 200, 'B ready again', {
      timeoutMs: 30_000,
    });

    // After: `paid` for the second half, through A.
    await mapLimit(late, 8, async (payment) => {
      const answer = await a.ivyWebhook(
        paymentWebhook(payment, `evt_listen_${payment.orderId}_paid`, 'paid'),
      );
      expect(answer.status).toBe(200);
    });

    await Promise.all(
      followers.map((f) => f.waitFor((m) => m.status === 'paid', 'paid on B', 30_000)),
    );
    await sleep(QUIET_MS);
    payments.forEach((payment, i) => {
      const follower = followers[i] as FollowedSession;
      const messages = follower.messages();
      expectContiguous(messages, payment.sessionId);
      expect(
        messages.map((m) => [m.status, m.orderId]),
        payment.sessionId,
      ).toEqual([
        ['pending', payment.orderId],
        ['processing', payment.orderId],
        ['paid', payment.orderId],
      ]);
    });
    const reconnected = followers.filter((f) => f.connections.length > 1).length;
    console.info(
      `multi-instance: B's LISTEN connection terminated ${killed.length}× in ${Date.now() - windowStart} ms; ${reconnected}/${count} streams reconnected`,
    );
  }, 60_000);

  it('SIGKILL of A: its browsers resume on B with Last-Event-ID and see every event once, in order', async () => {
    const count = 16;
    const { emulator } = cluster;
    const first = await mapLimit(range(count), 8, (i) => startPayment(i % 2 ? a : b, b));
    await mapLimit(first, 8, (payment) => settleAtIvy(emulator, payment, 'failed'));
    const followers = await mapLimit(first, 8, async (payment) => {
      const follower = track(followSession(payment.sessionId));
      await follower.connect(a.url);
      await follower.waitFor((m) => m.status === 'pending', 'the snapshot on A');
      return follower;
    });

    // Live through A's stream: `processing`, applied by B.
    await mapLimit(first, 8, async (payment) => {
      const answer = await b.ivyWebhook(
        paymentWebhook(payment, `evt_kill_${payment.orderId}_processing`, 'processing'),
      );
      expect(answer.status).toBe(200);
    });
    await Promise.all(
      followers.map((f) => f.waitFor((m) => m.status === 'processing', 'processing on A')),
    );

    const aUrl = a.url;
    const exit = await cluster.processes.a.stop('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    await Promise.all(followers.map((f) => f.ended()));

    // While no browser is connected: the first attempt fails, a second one starts (on B).
    await mapLimit(first, 8, async (payment) => {
      const answer = await b.ivyWebhook(
        paymentWebhook(payment, `evt_kill_${payment.orderId}_failed`, 'failed'),
      );
      expect(answer.status).toBe(200);
      // Acknowledged once stored; the order fails as soon as B has processed it.
      await until(
        async () => (await b.getOrder(payment.orderId)).status === 'failed',
        `${payment.orderId} failed on B`,
      );
    });
    const second = await mapLimit(first, 8, async (payment) => {
      const retry = await startAttempt(
        b,
        { id: payment.sessionId, reference: payment.reference, amount: payment.amount },
        2,
      );
      await settleAtIvy(emulator, retry, 'paid');
      return retry;
    });

    // The browsers come back on B, resuming after the last id they saw.
    const missedFrom = followers.map((f) => (f.messages().at(-1)?.id ?? 0) + 1);
    await mapLimit(followers, 8, (f) => f.connect(b.url));
    await mapLimit(second, 8, async (payment) => {
      for (const ivyStatus of ['processing', 'paid']) {
        const answer = await b.ivyWebhook(
          paymentWebhook(payment, `evt_kill_${payment.orderId}_${ivyStatus}`, ivyStatus),
        );
        expect(answer.status).toBe(200);
      }
    });
    await Promise.all(
      followers.map((f) => f.waitFor((m) => m.status === 'paid', 'paid on B', 30_000)),
    );
    await sleep(QUIET_MS);

    const logs: StatusMessage[][] = [];
    for (const [i, follower] of followers.entries()) {
      const one = first[i] as Payment;
      const two = second[i] as Payment;
      const messages = follower.messages();
      expectContiguous(messages, one.sessionId);
      expect(
        messages.map((m) => [m.status, m.orderId]),
        one.sessionId,
      ).toEqual([
        ['pending', one.orderId],
        ['processing', one.orderId],
        ['failed', one.orderId],
        ['pending', two.orderId],
        ['processing', two.orderId],
        ['paid', two.orderId],
      ]);
      expect(follower.connections.map((c) => c.baseUrl)).toEqual([aUrl, b.url]);
      // The resumed stream starts with the first event missed, not with a snapshot.
      expect(follower.connections[1]?.messages[0]?.id).toBe(missedFrom[i]);

      // What the browser saw is the session's log as B replays it from the start.
      const log = track(await openSessionStream(b.url, one.sessionId, { lastEventId: 0 }));
      await log.waitFor((m) => m.status === 'paid', 'the whole log on B');
      expect(messages).toEqual(log.messages.filter((m) => m.id >= (messages[0]?.id ?? 0)));
      logs.push(log.messages);
    }

    // A, started again on the same database, replays the same logs.
    await cluster.restart('a');
    for (const [i, follower] of followers.entries()) {
      const log = track(await openSessionStream(a.url, follower.sessionId, { lastEventId: 0 }));
      await log.waitFor((m) => m.status === 'paid', 'the whole log on A after its restart');
      expect(log.messages, follower.sessionId).toEqual(logs[i]);
    }
  }, 60_000);
});
