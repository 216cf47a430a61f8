/**
 * @module
 * The persistence interface: repositories of rows, one per concept, and a unit of work that
 * runs several of them atomically. A store holds no business rule: which status an order may
 * take, when a session follows it, what a duplicate means — all that is decided in
 * core/ledger.ts, over `store.transaction(async (tx) => …)`.
 *
 * One implementation serves SQLite (better-sqlite3) and PostgreSQL (node-postgres) through
 * Kysely (./kysely); both run the same contract suites (store.contract-test.ts,
 * mandates.contract-test.ts).
 *
 * Locking: `{ lock: true }` reads take a row lock until the unit of work ends (`FOR UPDATE` on
 * PostgreSQL; on SQLite the whole unit of work already holds the write lock, `BEGIN
 * IMMEDIATE`). Units of work take locks in the order order → session → mandate.
 */
import type { OrderStatus, TransitionAnomaly } from '@pay-checkout/protocol/status';
import type { ProviderId } from '@pay-checkout/protocol';
import type {
  MandateRecord,
  OrderRecord,
  OutboxAttemptResult,
  OutboxMessage,
  OutboxStatus,
  OutboxType,
  SessionEvent,
  SessionRecord,
} from '../domain/records.js';

export { DuplicateReferenceError } from '../domain/records.js';

/** Options of a read inside a unit of work. */
export interface ReadOptions {
  /** Hold a row lock until the unit of work ends. */
  lock?: boolean;
}

export interface SessionRepository {
  /** Inserts a session; throws `DuplicateReferenceError` when its reference is taken. */
  insert(session: SessionRecord): Promise<void>;
  get(id: string, options?: ReadOptions): Promise<SessionRecord | null>;
  getByReference(reference: string): Promise<SessionRecord | null>;
  /** The newest session whose mandate request (`mandate.referenceId`) is `reference`. */
  findByMandateReference(reference: string): Promise<SessionRecord | null>;
  setStatus(id: string, status: OrderStatus): Promise<void>;
}

/** The columns of an order move, written only when the order is still in `from`. */
export interface OrderMove {
  from: OrderStatus;
  to: OrderStatus;
  version: number;
  lateSuccess: boolean;
  updatedAt: string;
}

export interface OrderRepository {
  /** Inserts an order; its (session, attempt) and provider reference are unique. */
  insert(order: OrderRecord): Promise<void>;
  get(id: string, options?: ReadOptions): Promise<OrderRecord | null>;
  findByProviderReference(
    provider: ProviderId,
    providerReference: string,
  ): Promise<OrderRecord | null>;
  /** Every order of a session, by attempt. */
  listBySession(sessionId: string): Promise<OrderRecord[]>;
  /** The highest attempt number of a session; 0 before its first order. */
  lastAttempt(sessionId: string): Promise<number>;
  /** Records the provider's id unless one is recorded already. */
  setProviderOrderId(id: string, providerOrderId: string): Promise<void>;
  flagReview(id: string, at: string): Promise<void>;
  /** Compare-and-set on the status: false when the order is no longer in `move.from`. */
  move(id: string, move: OrderMove): Promise<boolean>;
}

/** A provider notification as taken in. */
export interface ProviderEventRow {
  provider: ProviderId;
  dedupeKey: string;
  rawBody: string;
  orderId: string | null;
  status: string | null;
  source: string;
  receivedAt: string;
  /** Whether applying it moved its order (default false). */
  applied?: boolean;
  /** What was wrong with it, if anything (default none). */
  anomaly?: TransitionAnomaly | string | null;
}

export interface ProviderEventRepository {
  /**
   * Inserts the event unless its (provider, dedupe key) is known; returns its id, or null for
   * a copy. The unique key is what lets each notification apply once.
   */
  insertIfNew(event: ProviderEventRow): Promise<number | null>;
  exists(provider: ProviderId, dedupeKey: string): Promise<boolean>;
  count(): Promise<number>;
}

export interface SessionEventRepository {
  /**
   * Appends one line of a session's log; (session, seq) is unique. A store that serves
   * several instances also announces it to them when the unit of work commits.
   */
  append(event: SessionEvent): Promise<void>;
  latest(sessionId: string): Promise<SessionEvent | null>;
  /** Events with `seq > afterSeq`, in order. */
  listAfter(sessionId: string, afterSeq: number): Promise<SessionEvent[]>;
}

export interface MandateRepository {
  insert(mandate: MandateRecord): Promise<void>;
  get(id: string, options?: ReadOptions): Promise<MandateRecord | null>;
  getByReference(
    provider: ProviderId,
    reference: string,
    options?: ReadOptions,
  ): Promise<MandateRecord | null>;
  /** The newest mandate with this reference, whichever its provider. */
  findByReference(reference: string): Promise<MandateRecord | null>;
  /** Writes `mandate` when the stored one still has `expectedVersion`; false otherwise. */
  update(mandate: MandateRecord, expectedVersion: number): Promise<boolean>;
}

/** A merchant notification to enqueue. */
export interface NewOutboxMessage {
  id: string;
  type: OutboxType;
  subjectId: string;
  data: string;
  createdAt: string;
  /** Epoch milliseconds. */
  nextAttemptAt: number;
}

export interface OutboxRepository {
  /** Enqueues a message; its id is unique. */
  append(message: NewOutboxMessage): Promise<void>;
  /**
   * Up to `limit` undelivered messages due at `nowMs` whose claim is free or expired, oldest
   * first, leaving out any with an older undelivered message of the same subject.
   */
  due(nowMs: number, limit: number): Promise<OutboxMessage[]>;
  /**
   * Claims a message for `owner` until `untilMs`, only while it is undelivered and its claim
   * is free or expired at `nowMs`; false when someone else holds it.
   */
  claim(id: string, owner: string, untilMs: number, nowMs: number): Promise<boolean>;
  /**
   * Records an attempt and frees the claim; ignored unless `result.owner` holds the claim. A
   * counted failure adds to the message's failure streak (`failedAttempts`, `firstFailedAt`).
   */
  finish(id: string, result: OutboxAttemptResult): Promise<void>;
  /**
   * Records a last failed attempt and parks the message as dead at `result.now` (no more
   * attempts; later messages of its subject keep waiting), freeing the claim. False (nothing
   * written) unless `result.owner` holds the claim of an undelivered message.
   */
  park(id: string, result: OutboxAttemptResult): Promise<boolean>;
  /**
   * Puts a dead message back in the queue, due at `nowMs` with a fresh failure streak; false
   * (nothing written) unless it is dead.
   */
  requeue(id: string, nowMs: number): Promise<boolean>;
  get(id: string): Promise<OutboxMessage | null>;
  /** Every message, oldest first. */
  list(): Promise<OutboxMessage[]>;
  /** Up to `query.limit` messages after `query.afterSeq` (when set), of a status, oldest first. */
  page(query: OutboxPageQuery): Promise<OutboxMessage[]>;
  /** How many messages are parked as dead. */
  countDead(): Promise<number>;
}

/** A page of the outbox, by position. */
export interface OutboxPageQuery {
  /** Only messages with this status; every message when absent. */
  status?: OutboxStatus;
  /** Only messages after this position (`seq`). */
  afterSeq?: number;
  limit: number;
}

/**
 * Deletes by age, a small batch per call (each call one statement, so that no lock is held
 * long); every method returns how many rows it deleted, fewer than `limit` once none is left.
 * Deleting is idempotent, so two instances running the same batch at once only share the work;
 * `claimJob` still lets one of them run per interval.
 */
export interface RetentionRepository {
  /** Notifications delivered before `before` (ISO 8601). */
  deleteDeliveredNotifications(before: string, limit: number): Promise<number>;
  /** Provider events received before `before`; no other row refers to them. */
  deleteProviderEvents(before: string, limit: number): Promise<number>;
  /** Webhook inbox events processed before `before`; unprocessed ones are kept whatever age. */
  deleteProcessedInbox(before: string, limit: number): Promise<number>;
  /** Idempotency keys created before `before`, finished or not. */
  deleteIdempotencyKeys(before: string, limit: number): Promise<number>;
  /**
   * Session events of sessions in one of `statuses` that expired before `before`, except each
   * session's latest (its current status and `seq`, which a late change or a stream resumes
   * from). Sessions themselves are kept.
   */
  deleteSessionEvents(
    before: string,
    statuses: readonly OrderStatus[],
    limit: number,
  ): Promise<number>;
  /**
   * Takes the lease of job `name` for `owner` until `untilMs`, when it is free or lapsed at
   * `nowMs` (or `owner` holds it); false when another holds it.
   */
  claimJob(name: string, owner: string, untilMs: number, nowMs: number): Promise<boolean>;
}

/** A verified provider webhook, stored to be processed after it was acknowledged. */
export interface InboxEvent {
  id: number;
  provider: ProviderId;
  dedupeKey: string;
  body: string;
  /** The request headers parsing the body needs (lower-case names). */
  headers: Record<string, string>;
  receivedAt: string;
  /** Bumped each time a coalesced event arrives again; processing counts for one revision. */
  revision: number;
  attempts: number;
  /** Epoch milliseconds of the next attempt; null once processed. */
  nextAttemptAt: number | null;
  processedAt: string | null;
  outcome: string | null;
  lastError: string | null;
}

/** A webhook to store. */
export interface NewInboxEvent {
  provider: ProviderId;
  dedupeKey: string;
  /**
   * What the event is about (our order or mandate reference), or null: a subject's events are
   * processed one at a time, in the order they were stored.
   */
  subject: string | null;
  body: string;
  headers: Record<string, string>;
  receivedAt: string;
  /** Epoch milliseconds: when it may first be processed. */
  nextAttemptAt: number;
  /**
   * Stored only if an order of `provider` has `subject` as its provider reference: an event
   * about an order that is not ours is answered {@link UNKNOWN_ORDER} and nothing is kept.
   */
  requireOrder?: boolean;
}

/** What storing an inbox event answers when it requires an order and there is none. */
export const UNKNOWN_ORDER = 'unknown_order';

/**
 * How processing a stored webhook ended: done (with its outcome) for the revision it read, or
 * to be tried again.
 */
export type InboxAttemptResult =
  | { processed: true; outcome: string; at: string; revision: number }
  | { processed: false; error: string; retryAtMs: number };

export interface InboxRepository {
  /**
   * Stores the event unless one with its provider and dedupe key exists: its id, or null; or
   * {@link UNKNOWN_ORDER} for an event that requires an order and has none.
   */
  insertIfNew(event: NewInboxEvent): Promise<number | null | typeof UNKNOWN_ORDER>;
  /**
   * {@link insertIfNew} for several events in one statement (one commit): per event, in order,
   * its id, null or {@link UNKNOWN_ORDER}. An event repeating the provider and dedupe key of an
   * earlier one of the same call is a duplicate too.
   */
  insertManyIfNew(
    events: readonly NewInboxEvent[],
  ): Promise<(number | null | typeof UNKNOWN_ORDER)[]>;
  /**
   * Stores the event, or when one with its provider and dedupe key exists, arms that one again
   * (a new revision, due at `event.nextAttemptAt` or sooner): its id either way. For events
   * that are only worth processing once at a time, such as a hint to read an order back.
   */
  upsertCoalesced(event: NewInboxEvent): Promise<number>;
  get(id: number): Promise<InboxEvent | null>;
  /**
   * Up to `limit` unprocessed events due at `nowMs` whose lease is free or lapsed, oldest first,
   * leaving out any with an older unprocessed event of the same subject.
   */
  due(nowMs: number, limit: number): Promise<InboxEvent[]>;
  /**
   * Leases the event to `owner` until `untilMs`, only while it is unprocessed, its lease is free
   * or lapsed at `nowMs` and no older event of its subject waits: the event as claimed, or null
   * when it could not be.
   */
  claim(id: number, owner: string, untilMs: number, nowMs: number): Promise<InboxEvent | null>;
  /**
   * Records an attempt and frees the lease; false (nothing written) unless `owner` holds it.
   * A processed result for a revision that is no longer current only frees the lease, so the
   * event is processed again for the revision that arrived meanwhile.
   */
  finish(id: number, owner: string, result: InboxAttemptResult): Promise<boolean>;
  /** How many events wait to be processed. */
  countPending(): Promise<number>;
}

/** The check of an order at its provider, as the reconciler sees it. */
export interface OrderCheckState {
  /** Epoch milliseconds of the next check; null once the order is settled. */
  nextCheckAt: number | null;
  /** Checks made so far. */
  checks: number;
  /** Who holds the check's lease, while someone does. */
  claimedBy: string | null;
  /** Epoch milliseconds: when the lease ends. */
  claimedUntil: number | null;
}

/** An order whose check is due, with what deciding the next one needs. */
export interface DueOrderCheck {
  order: OrderRecord;
  /** When the order's session expires (ISO 8601). */
  sessionExpiresAt: string;
  /** Checks made so far. */
  checks: number;
  /** Epoch milliseconds the check was due at. */
  dueAt: number;
}

export interface OrderCheckRepository {
  /** Sets the order's next check (epoch milliseconds), or clears it with null. */
  schedule(orderId: string, atMs: number | null): Promise<void>;
  /**
   * Up to `limit` orders whose check is due at `nowMs` and whose lease is free or lapsed,
   * soonest first.
   */
  due(nowMs: number, limit: number): Promise<DueOrderCheck[]>;
  /**
   * Leases the order's check to `owner` until `untilMs`, only while it is due and its lease is
   * free or lapsed at `nowMs`; false when someone else holds it.
   */
  claim(orderId: string, owner: string, untilMs: number, nowMs: number): Promise<boolean>;
  /**
   * Records a finished check: the next one at `nextAtMs` (null: none), `checks` plus one when
   * `counted`, and the lease freed. False (and nothing written) unless `owner` holds the lease.
   */
  finish(
    orderId: string,
    owner: string,
    nextAtMs: number | null,
    counted: boolean,
  ): Promise<boolean>;
  get(orderId: string): Promise<OrderCheckState | null>;
}

/** A stored idempotency key. */
export interface IdempotencyRow {
  scope: string;
  key: string;
  requestHash: string;
  state: 'in_progress' | 'done';
  responseStatus: number | null;
  responseBody: string | null;
  createdAt: string;
}

export interface IdempotencyRepository {
  get(scope: string, key: string, options?: ReadOptions): Promise<IdempotencyRow | null>;
  /** Inserts an `in_progress` key; false when the key exists (or another unit of work won). */
  insertIfAbsent(
    scope: string,
    key: string,
    requestHash: string,
    createdAt: string,
  ): Promise<boolean>;
  delete(scope: string, key: string): Promise<void>;
  complete(scope: string, key: string, status: number, body: string): Promise<void>;
  /** Deletes the key only while it is `in_progress`. */
  release(scope: string, key: string): Promise<void>;
  /**
   * Deletes every `in_progress` key of `scope` created at or before `createdAt` (ISO 8601);
   * returns how many.
   */
  releaseStarted(scope: string, createdAt: string): Promise<number>;
  /**
   * Whether `scope` holds an `in_progress` key other than `exceptKey` created from `from` to
   * `to` (ISO 8601, both included): a request of the scope still running.
   */
  hasStarted(scope: string, from: string, to: string, exceptKey: string): Promise<boolean>;
}

/** Hits to add to one shared counter (see core/limits.ts). */
export interface CounterIncrement {
  key: string;
  count: number;
  /** Epoch milliseconds the counter's window ends at. */
  expiresAt: number;
}

/** Shared rate-limit counters: one row per subject and window. */
export interface LimitCounterRepository {
  /**
   * Adds each increment to its counter (creating it) in one statement and returns every
   * counter's new total, by key. Keys must be distinct.
   */
  add(increments: readonly CounterIncrement[]): Promise<Map<string, number>>;
  /** Deletes up to `limit` counters whose window ended before `nowMs`; returns how many. */
  deleteExpired(nowMs: number, limit: number): Promise<number>;
}

/** What the console's story of an order records beyond the checkout's own rows. */
export type ActivityKind =
  'provider_call' | 'webhook' | 'poll' | 'notification' | 'operator_action';

/** One recorded happening (console/activity.ts). */
export interface NewActivity {
  /** The order it is about; null when it could not be attributed (a refused webhook). */
  orderId: string | null;
  provider: string | null;
  kind: ActivityKind;
  /** ISO 8601. */
  at: string;
  /** Kind-specific JSON object, masked before it is written. */
  detail: Record<string, unknown>;
}

/** A recorded happening as read back. */
export interface Activity extends NewActivity {
  id: number;
}

/** Provider calls of a period, for the console's providers page. */
export interface ProviderCallStats {
  calls: number;
  errors: number;
  /** Every call's duration in milliseconds, ascending. */
  durationsMs: number[];
}

export interface ActivityRepository {
  record(entry: NewActivity): Promise<void>;
  /** An order's activity, oldest first. */
  listByOrder(orderId: string, limit: number): Promise<Activity[]>;
  /** The `provider_call` activity of `provider` at or after `since` (ISO 8601). */
  providerCalls(provider: string, since: string): Promise<ProviderCallStats>;
  /** Deletes up to `limit` rows recorded before `before` (ISO 8601); returns how many. */
  deleteBefore(before: string, limit: number): Promise<number>;
}

/** An operator's console sign-in, stored by the SHA-256 of its cookie token. */
export interface ConsoleSession {
  idHash: string;
  operator: string;
  createdAt: string;
  expiresAt: string;
}

export interface ConsoleSessionRepository {
  insert(session: ConsoleSession): Promise<void>;
  /** The sign-in with this hash when it has not expired at `now` (ISO 8601). */
  get(idHash: string, now: string): Promise<ConsoleSession | null>;
  delete(idHash: string): Promise<void>;
  /** Deletes up to `limit` sign-ins expired before `now`; returns how many. */
  deleteExpired(now: string, limit: number): Promise<number>;
}

/** The filters of the console's order list. */
export interface ConsoleOrderQuery {
  status?: OrderStatus;
  provider?: string;
  method?: string;
  /** Created at or after (ISO 8601). */
  from?: string;
  /** Created before (ISO 8601). */
  to?: string;
  anomaly?: 'needs_review' | 'late_success' | 'stuck';
  /** Merchant reference, session id, order id or provider order id: exact or prefix. */
  q?: string;
  /** Only orders before this position, newest first. */
  before?: { createdAt: string; id: string };
  /** Now (ISO 8601): an order is stuck when not final and its session expired before now. */
  now: string;
  limit: number;
}

/** An order with what the console's list shows of its session. */
export interface ConsoleOrderRow {
  order: OrderRecord;
  reference: string;
  sessionExpiresAt: string;
}

/** A stored webhook as the console shows it. */
export interface ConsoleInboxRow {
  id: number;
  dedupeKey: string;
  body: string;
  receivedAt: string;
  outcome: string | null;
}

/** A provider event as the console reads it. */
export interface ConsoleProviderEvent {
  status: string | null;
  source: string;
  applied: boolean;
  anomaly: string | null;
  receivedAt: string;
}

/** The console's reads across the checkout's tables. */
export interface ConsoleReadRepository {
  /** Orders matching `query`, newest first. */
  listOrders(query: ConsoleOrderQuery): Promise<ConsoleOrderRow[]>;
  /** Orders matching `query` but its status and position, counted by status. */
  countByStatus(query: ConsoleOrderQuery): Promise<Partial<Record<OrderStatus, number>>>;
  /** Orders updated at or after `since` (ISO 8601), oldest change first. */
  ordersUpdatedSince(since: string, limit: number): Promise<ConsoleOrderRow[]>;
  /** Verified webhooks stored at or after `since` with their provider and subject. */
  inboxSince(
    since: string,
    limit: number,
  ): Promise<{ provider: string; subject: string | null; receivedAt: string }[]>;
  /** The stored webhooks of a provider about `subject` (our provider reference), oldest first. */
  inboxBySubject(provider: string, subject: string, limit: number): Promise<ConsoleInboxRow[]>;
  /** The provider events recorded for an order, oldest first. */
  providerEvents(orderId: string): Promise<ConsoleProviderEvent[]>;
  /** The outbox messages about `subjectId`, oldest first. */
  outboxBySubject(subjectId: string): Promise<OutboxMessage[]>;
}

/** Every repository, as seen inside (or outside) a unit of work. */
export interface Repositories {
  sessions: SessionRepository;
  orders: OrderRepository;
  events: ProviderEventRepository;
  sessionEvents: SessionEventRepository;
  mandates: MandateRepository;
  outbox: OutboxRepository;
  idempotency: IdempotencyRepository;
  checks: OrderCheckRepository;
  inbox: InboxRepository;
  retention: RetentionRepository;
  limits: LimitCounterRepository;
  activity: ActivityRepository;
  consoleSessions: ConsoleSessionRepository;
  consoleReads: ConsoleReadRepository;
}

/** A database: repositories (each call its own statement), units of work and lifecycle. */
export interface Store extends Repositories {
  readonly engine: 'sqlite' | 'postgres';
  /** Creates the schema or upgrades it; idempotent, and safe when instances start together. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query, rejects otherwise. */
  ping(): Promise<void>;
  /**
   * Runs `work` as one atomic unit over `tx`: all of its writes commit, or none. On SQLite it
   * holds the write lock from the start (`BEGIN IMMEDIATE`); on PostgreSQL it is READ
   * COMMITTED with row locks, retried from the start on a serialization failure or deadlock,
   * so `work` must not have effects outside `tx`.
   */
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
