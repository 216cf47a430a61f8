/**
 * @module
 * A crash between acknowledgement and processing loses nothing. The built server (through
 * test-support/server-on-cue.mjs, with a short inbox lease) is started again and again on one
 * database — a SQLite file, and a PostgreSQL database — while signed Ivy webhooks flow in, and
 * is killed with SIGKILL at a random moment 0–300 ms after the first one. A webhook that got no
 * 200 is sent again in a later run, as Ivy retries; some acknowledged ones are sent again too.
 * After the last run one more start takes what is still unacknowledged, and once the inbox is
 * drained the database must show every order paid, every event taken in once, one paid
 * transition per order, contiguous session events and one notification per order version.
 *
 * `KILL_RUNS=<n>` sets the number of runs per engine (defaults below, sized for CI);
 * `KILL_RUNS_SEED=<n>` replays one random mix — the seed is printed when a test fails.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { signIvyWebhook } from '@pay-checkout/emulator';
import { CreateOrderResponseSchema } from '@pay-checkout/protocol';
import { toMajorNumber } from '@pay-checkout/protocol/money';
import type { RunningProcess } from './test-support/binaries.js';
import { createSession, expectJson, postOrder } from './test-support/checkout-calls.js';
import { IVY_WEBHOOK_SECRET } from './test-support/config.js';
import { createTestDatabase, describePostgres } from './test-support/postgres.js';
import { readPostgres, readSqlite, type DatabaseReader } from './test-support/database-reader.js';
import {
  mapLimit,
  seedFromEnv,
  seededRandom,
  prepareNodeProcess,
  shuffle,
  sleep,
  until,
  type PreparedProcess,
} from './test-support/processes.js';
import { ivyServerEnv, serverEnv, startIvyEmulatorProcess } from './test-support/server-process.js';

/** The launcher of the built CLI with the inbox lease and poll taken from the environment. */
const SERVER_SCRIPT = fileURLToPath(new URL('./test-support/server-on-cue.mjs', import.meta.url));

/** Runs per engine: `KILL_RUNS`, or the default of the engine. */
function runsFor(fallback: number): number {
  const configured = Number(process.env.KILL_RUNS);
  return Number.isInteger(configured) && configured > 0 ? configured : fallback;
}

const ORDERS = 40;
/** Kill moment: uniform in [0, KILL_WINDOW_MS) after the first webhook of a run. */
const KILL_WINDOW_MS = 300;
/** New events per run, and at most this many acknowledged ones sent again. */
const FRESH_PER_RUN = 18;
const REPEATS_PER_RUN = 6;
/** One webhook leaves every GAP_MS, so that the flow spans the kill window. */
const GAP_MS = 12;
/** How long a dead instance's claim holds before a new instance takes the event over. */
const LEASE_MS = 1_500;
const POLL_MS = 200;

/*
 * The calls the test makes: creating orders through the server, settling them at the
 * emulator, and Ivy's signed `order_updated` webhooks.
 */

interface Payment {
  sessionId: string;
  orderId: string;
  /** Our reference at Ivy: `1-<session reference>`. */
  providerReference: string;
  ivyOrderId: string;
  amount: { value: number; currency: string };
}

/** A session with one Ivy order, settled `paid` at the emulator (whose own webhooks go nowhere). */
async function createPaidAtIvy(serverUrl: string, emulatorUrl: string): Promise<Payment> {
  const session = await createSession(serverUrl);
  const created = CreateOrderResponseSchema.parse(
    await expectJson(
      await postOrder(serverUrl, session.id, `kill-${session.id}`, { method: 'ivy:bank' }),
      201,
      `start an order of ${session.id}`,
    ),
  );
  if (created.action.type !== 'redirect') throw new Error('Ivy answers a redirect');
  const ivySession = new URL(created.action.url).searchParams.get('session');
  if (!ivySession) throw new Error(`no Ivy session in ${created.action.url}`);
  const settled = (await expectJson(
    await fetch(`${emulatorUrl}/_emulator/orders/ivy/${ivySession}/outcome`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'paid' }),
    }),
    200,
    `settle ${ivySession} at Ivy`,
  )) as { orderId?: string };
  if (!settled.orderId) throw new Error(`Ivy opened no order for ${ivySession}`);
  return {
    sessionId: session.id,
    orderId: created.order.id,
    providerReference: `1-${session.reference}`,
    ivyOrderId: settled.orderId,
    amount: session.amount,
  };
}

/** One Ivy event as sent: the same bytes and signature every time it is (re)sent. */
interface IvyEvent {
  eventId: string;
  orderId: string;
  status: 'processing' | 'paid';
  body: string;
  signature: string;
}

function ivyEvent(payment: Payment, eventId: string, status: IvyEvent['status']): IvyEvent {
  const body = JSON.stringify({
    id: eventId,
    type: 'order_updated',
    payload: {
      id: payment.ivyOrderId,
      referenceId: payment.providerReference,
      status,
      price: { total: toMajorNumber(payment.amount), currency: payment.amount.currency },
    },
    date: new Date().toISOString(),
  });
  return {
    eventId,
    orderId: payment.orderId,
    status,
    body,
    signature: signIvyWebhook(IVY_WEBHOOK_SECRET, body),
  };
}

/** How a sent webhook was answered: 200, another status, or 0 when no answer came. */
async function sendWebhook(serverUrl: string, event: IvyEvent): Promise<number> {
  try {
    const response = await fetch(`${serverUrl}/webhooks/ivy`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Ivy-Signature': event.signature },
      body: event.body,
      signal: AbortSignal.timeout(10_000),
    });
    await response.text();
    return response.status;
  } catch {
    return 0;
  }
}

/*
 * The scenario, for one engine.
 */

interface Engine {
  label: string;
  databaseUrl: string;
  reader: DatabaseReader;
  runs: number;
}

interface Tally {
  sent: number;
  acknowledged: number;
  resent: number;
  repeats: number;
  killsMidFlight: number;
  /** Kills after which the inbox held unprocessed rows. */
  killsLeavingRows: number;
  /** Inbox rows still unprocessed when an instance was killed, by event id. */
  leftAtKill: Set<string>;
  /** Of those, the ones whose webhook had been acknowledged (the crash this is about). */
  leftAcknowledged: Set<string>;
  /** Time spent waiting for instances to be ready, over all runs. */
  startMs: number;
  /** Answers other than 200 that were real HTTP answers (there should be none). */
  httpErrors: string[];
}

interface InboxRow {
  dedupe_key: string;
  next_attempt_at: number | string | null;
  processed_at: string | null;
  outcome: string | null;
  attempts: number | string;
}

const pendingCount = async (reader: DatabaseReader) =>
  Number(
    (
      await reader.all<{ n: number | string }>(
        'SELECT COUNT(*) AS n FROM webhook_inbox WHERE next_attempt_at IS NOT NULL',
      )
    )[0]?.n,
  );

async function runScenario(
  engine: Engine,
  emulatorUrl: string,
  random: () => number,
  diagnostics: string[],
): Promise<void> {
  const started = performance.now();
  const env = serverEnv(engine.databaseUrl, {
    ...ivyServerEnv(emulatorUrl),
    // Order checks would settle the orders from Ivy's API on their own: not within this test.
    PAY_CHECKOUT_RECONCILE_SCALE: '100',
    PAY_CHECKOUT_INBOX_LEASE_MS: String(LEASE_MS),
    PAY_CHECKOUT_INBOX_POLL_MS: String(POLL_MS),
  });
  let run = 0;
  // The next instance is spawned while the current one runs, and let go once it is dead.
  let spawned = 0;
  const prepare = () =>
    prepareNodeProcess(
      {
        name: `kill-${engine.label}-${spawned++}`,
        script: SERVER_SCRIPT,
        env,
        readyPath: '/readyz',
      },
      { gated: true },
    );
  let next: PreparedProcess | null = null;
  const startServer = async (): Promise<RunningProcess> => {
    const server = await (next ?? prepare()).start();
    next = run < engine.runs + 1 ? prepare() : null;
    const spare = next;
    // Nothing outlives a failed test: the running instance and the spare one are killed.
    leftovers.push(
      () => server.stop('SIGKILL'),
      () => spare?.cancel() ?? Promise.resolve(),
    );
    diagnostics.push(`--- run ${run} (pid ${server.pid}) ---`);
    void server.exited.then(() =>
      diagnostics.push(server.output().split('\n').slice(-20).join('\n')),
    );
    return server;
  };

  // Set-up, while the server is up: the orders, paid at Ivy.
  let server = await startServer();
  const payments = await mapLimit(Array.from({ length: ORDERS }), 8, () =>
    createPaidAtIvy(server.url, emulatorUrl),
  );
  await server.stop('SIGKILL');
  const setupMs = performance.now() - started;

  const tally: Tally = {
    sent: 0,
    acknowledged: 0,
    resent: 0,
    repeats: 0,
    killsMidFlight: 0,
    killsLeavingRows: 0,
    leftAtKill: new Set(),
    leftAcknowledged: new Set(),
    httpErrors: [],
    startMs: 0,
  };
  const everSent = new Map<string, IvyEvent>();
  const acknowledged = new Map<string, IvyEvent>();
  let unacknowledged: IvyEvent[] = [];
  let fresh = 0;
  const freshEvent = (): IvyEvent => {
    const payment = payments[Math.floor(random() * payments.length)] as Payment;
    const status = random() < 0.5 ? 'paid' : 'processing';
    return ivyEvent(payment, `evt_kill_${engine.label}_${fresh++}`, status);
  };
  const record = (event: IvyEvent, status: number) => {
    tally.sent++;
    if (status === 200) {
      tally.acknowledged++;
      acknowledged.set(event.eventId, event);
    } else if (status !== 0) {
      tally.httpErrors.push(`${event.eventId}: ${status}`);
    }
  };

  /** Counts what kind of send it is, and remembers the event as sent. */
  const sending = (event: IvyEvent) => {
    if (acknowledged.has(event.eventId)) tally.repeats++;
    else if (everSent.has(event.eventId)) tally.resent++;
    everSent.set(event.eventId, event);
  };

  const runsStarted = performance.now();
  for (run = 1; run <= engine.runs; run++) {
    const startAt = performance.now();
    server = await startServer();
    tally.startMs += performance.now() - startAt;
    const repeats = shuffle([...acknowledged.values()], random).slice(0, REPEATS_PER_RUN);
    const batch = shuffle(
      [...unacknowledged, ...Array.from({ length: FRESH_PER_RUN }, freshEvent), ...repeats],
      random,
    );
    let inFlight = 0;
    let killed = false;
    let killing: Promise<unknown> = Promise.resolve();
    const killAfter = random() * KILL_WINDOW_MS;
    const sends: Promise<void>[] = [];
    const target = server;
    for (const [i, event] of batch.entries()) {
      if (killed) break;
      if (i === 0) {
        setTimeout(() => {
          killed = true;
          if (inFlight > 0) tally.killsMidFlight++;
          killing = target.stop('SIGKILL');
        }, killAfter);
      }
      inFlight++;
      sending(event);
      sends.push(
        sendWebhook(target.url, event).then((status) => {
          inFlight--;
          record(event, status);
        }),
      );
      await sleep(GAP_MS);
    }
    await until(() => killed, 'the kill');
    const exit = await killing;
    expect(exit, `run ${run}`).toMatchObject({ signal: 'SIGKILL' });
    await Promise.all(sends);

    // Sent again next time: every event sent that never got a 200 (one not sent yet is not
    // known to anyone, and is dropped).
    unacknowledged = [...everSent.values()].filter((e) => !acknowledged.has(e.eventId));
    const left = await engine.reader.all<InboxRow>(
      'SELECT dedupe_key FROM webhook_inbox WHERE next_attempt_at IS NOT NULL',
    );
    if (left.length > 0) tally.killsLeavingRows++;
    for (const row of left) {
      tally.leftAtKill.add(row.dedupe_key);
      if (acknowledged.has(row.dedupe_key)) tally.leftAcknowledged.add(row.dedupe_key);
    }
  }
  const runsMs = performance.now() - runsStarted;

  // One more start: what is still unacknowledged, and a `paid` for any order that has none.
  run = engine.runs + 1;
  server = await startServer();
  const paidOrders = new Set(
    [...acknowledged.values()].filter((e) => e.status === 'paid').map((e) => e.orderId),
  );
  const last = [
    ...unacknowledged,
    ...payments
      .filter((p) => !paidOrders.has(p.orderId))
      .map((p) => ivyEvent(p, `evt_kill_${engine.label}_${fresh++}`, 'paid')),
  ];
  const finalAnswers = await mapLimit(last, 8, async (event) => {
    sending(event);
    const status = await sendWebhook(server.url, event);
    record(event, status);
    return `${event.eventId}: ${status}`;
  });
  expect(finalAnswers.filter((a) => !a.endsWith(': 200'))).toEqual([]);
  await until(async () => (await pendingCount(engine.reader)) === 0, 'the inbox drained', {
    timeoutMs: 30_000,
    status: async () => `${await pendingCount(engine.reader)} unprocessed`,
  });
  await server.stop('SIGTERM');
  const totalMs = performance.now() - started;

  await expectNothingLostNothingTwice(engine.reader, payments, everSent, tally);

  console.log(
    `inbox kill-runs (${engine.label}): ${engine.runs} runs, ${tally.sent} webhooks sent ` +
      `(${everSent.size} distinct, ${tally.resent} re-sent unacknowledged, ${tally.repeats} repeats), ` +
      `${tally.acknowledged} acknowledged, ${tally.killsMidFlight} kills with a webhook in flight, ` +
      `${tally.killsLeavingRows} leaving unprocessed rows; ` +
      `${tally.leftAtKill.size} inbox rows left unprocessed by a killed instance and taken by a ` +
      `later one (${tally.leftAcknowledged.size} of them acknowledged); set-up ${ms(setupMs)}, ` +
      `runs ${ms(runsMs)} (${ms(runsMs / engine.runs)}/run, of which ${ms(tally.startMs / engine.runs)} ` +
      `waiting for the instance to be ready), total ${ms(totalMs)}`,
  );
}

const ms = (value: number) => `${Math.round(value)} ms`;

interface EventRow {
  dedupe_key: string;
  order_id: string | null;
  status: string | null;
  applied: number | boolean;
  source: string;
}

/** What the database must hold once the inbox is drained. */
async function expectNothingLostNothingTwice(
  reader: DatabaseReader,
  payments: readonly Payment[],
  everSent: ReadonlyMap<string, IvyEvent>,
  tally: Tally,
): Promise<void> {
  expect(tally.httpErrors).toEqual([]);
  const ours = new Set(payments.map((p) => p.orderId));

  // Every order paid.
  const orders = (
    await reader.all<{ id: string; status: string; version: number | string }>(
      'SELECT id, status, version FROM orders',
    )
  ).filter((o) => ours.has(o.id));
  expect(orders).toHaveLength(payments.length);
  expect(orders.filter((o) => o.status !== 'paid')).toEqual([]);

  // Every event sent taken in exactly once, and one applied `paid` per order.
  const events = await reader.all<EventRow>(
    "SELECT dedupe_key, order_id, status, applied, source FROM provider_events WHERE provider = 'ivy'",
  );
  const perKey = new Map<string, number>();
  for (const e of events) perKey.set(e.dedupe_key, (perKey.get(e.dedupe_key) ?? 0) + 1);
  expect([...perKey].filter(([, n]) => n !== 1)).toEqual([]);
  expect([...perKey.keys()].sort()).toEqual([...everSent.keys()].sort());
  const paidApplied = new Map<string, number>();
  for (const e of events) {
    if (e.status === 'paid' && Boolean(e.applied) && e.source === 'webhook' && e.order_id) {
      paidApplied.set(e.order_id, (paidApplied.get(e.order_id) ?? 0) + 1);
    }
  }
  expect(payments.map((p) => paidApplied.get(p.orderId) ?? 0)).toEqual(payments.map(() => 1));

  // Session events: contiguous from 1, once each, exactly one `paid`.
  const sessionEvents = await reader.all<{
    session_id: string;
    seq: number | string;
    status: string;
  }>('SELECT session_id, seq, status FROM session_events ORDER BY session_id, seq');
  for (const payment of payments) {
    const log = sessionEvents.filter((e) => e.session_id === payment.sessionId);
    expect(
      log.map((e) => Number(e.seq)),
      payment.sessionId,
    ).toEqual(log.map((_, i) => i + 1));
    expect(
      log.filter((e) => e.status === 'paid'),
      payment.sessionId,
    ).toHaveLength(1);
    expect(log.at(-1)?.status, payment.sessionId).toBe('paid');
  }

  // One notification per order version: `msg_<order>_1` … `msg_<order>_<version>`, one paid.
  const outbox = await reader.all<{ id: string; subject_id: string; data: string }>(
    "SELECT id, subject_id, data FROM outbox WHERE type = 'order.updated'",
  );
  for (const order of orders) {
    const messages = outbox.filter((m) => m.subject_id === order.id);
    const version = Number(order.version);
    expect(messages.map((m) => m.id).sort(), order.id).toEqual(
      Array.from({ length: version }, (_, i) => `msg_${order.id}_${i + 1}`).sort(),
    );
    const statuses = messages.map(
      (m) => (JSON.parse(m.data) as { order: { status: string } }).order.status,
    );
    expect(
      statuses.filter((s) => s === 'paid'),
      order.id,
    ).toHaveLength(1);
  }

  // The inbox: every row processed once, nothing set aside.
  const inbox = await reader.all<InboxRow>(
    "SELECT dedupe_key, next_attempt_at, processed_at, outcome, attempts FROM webhook_inbox WHERE provider = 'ivy'",
  );
  expect(inbox.map((r) => r.dedupe_key).sort()).toEqual([...everSent.keys()].sort());
  expect(
    inbox.filter(
      (r) => r.next_attempt_at !== null || r.processed_at === null || r.outcome === null,
    ),
  ).toEqual([]);
  expect(inbox.filter((r) => r.outcome === 'abandoned' || r.outcome === 'failed')).toEqual([]);
}

/*
 * The suites: one emulator for both.
 */

let emulator: RunningProcess;
/** Stops what a scenario may have left running when it failed. */
const leftovers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  // Its own webhooks go nowhere: only the test's reach the server.
  emulator = await startIvyEmulatorProcess();
});

afterAll(async () => {
  await Promise.allSettled(leftovers.splice(0).map((stop) => stop()));
  await emulator?.stop();
});

const seed = seedFromEnv('KILL_RUNS_SEED');

describe('inbox: SIGKILL at random moments while webhooks flow (SQLite file)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pay-checkout-kill-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loses no acknowledged event and applies none twice', async () => {
    const diagnostics: string[] = [];
    onTestFailed(() => {
      console.error(`KILL_RUNS_SEED=${seed}\n${diagnostics.slice(-40).join('\n')}`);
    });
    const file = join(dir, `kill-${randomBytes(4).toString('hex')}.db`);
    const reader = readSqlite(file);
    try {
      await runScenario(
        { label: 'sqlite', databaseUrl: `sqlite:${file}`, reader, runs: runsFor(100) },
        emulator.url,
        seededRandom(seed),
        diagnostics,
      );
    } finally {
      await reader.close();
    }
  }, 240_000);
});

describePostgres('inbox: SIGKILL at random moments while webhooks flow (PostgreSQL)', () => {
  it('loses no acknowledged event and applies none twice', async () => {
    const diagnostics: string[] = [];
    onTestFailed(() => {
      console.error(`KILL_RUNS_SEED=${seed}\n${diagnostics.slice(-40).join('\n')}`);
    });
    const database = await createTestDatabase('inbox_kill');
    const reader = await readPostgres(database.url, 'inbox-kill-test');
    try {
      await runScenario(
        { label: 'postgres', databaseUrl: database.url, reader, runs: runsFor(30) },
        emulator.url,
        seededRandom(seed ^ 0x5bd1e995),
        diagnostics,
      );
    } finally {
      await reader.close();
      await database.drop();
    }
  }, 240_000);
});
