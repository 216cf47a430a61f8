/**
 * @module
 * The ledger: every rule that decides what is written, over a {@link Store} that only reads and
 * writes rows. Each change is one unit of work (`store.transaction`), so a status, its session
 * event, its provider event and its merchant notification commit together or not at all — on
 * SQLite under `BEGIN IMMEDIATE`, on PostgreSQL under row locks taken in the order
 * order → session → mandate.
 *
 * The rules: a success whose amount or currency differs from the order moves nothing and flags
 * it; the protocol's `transition()` decides every move; the session follows its latest moving
 * order, except that paid sticks; a session event is appended only when the session's status or
 * its order changes; every applied change writes one outbox message `msg_<subject>_<version>`;
 * a disputed charge revokes its mandate; a mandate is created by its first notification, for
 * the session that asked for it; idempotency keys expire after 24 h and an unfinished one is
 * taken over after 2 min; a charge with the same reference and key resumes its order; every
 * order not settled has a next check at its provider (due at once when the order is created, so
 * that the reconciler places it on its schedule), cleared in the unit of work that settles it.
 */
import { randomBytes } from 'node:crypto';
import { ORDER_STATUSES, isPaidFamily, isSettled, transition } from '@pay-checkout/protocol/status';
import { sameMoney } from '@pay-checkout/protocol/money';
import type { ProviderId } from '@pay-checkout/protocol';
import type {
  ApplyStatusInput,
  ApplyStatusResult,
  BeginIdempotencyInput,
  ClaimOutboxInput,
  CreateChargeOrderInput,
  CreateChargeOrderResult,
  CreateOrderInput,
  IdempotencyBegin,
  MandateDetails,
  MandateRecord,
  MandateStatus,
  MandateUpdateInput,
  MandateUpdateResult,
  OrderRecord,
  OutboxAttemptResult,
  OutboxMessage,
  OutboxType,
  ProviderEventInput,
  SessionEvent,
  SessionRecord,
} from '../domain/records.js';
import type {
  DueOrderCheck,
  OrderCheckState,
  OutboxPageQuery,
  Repositories,
  Store,
} from '../store/store.js';
import { judgeAttempt, unfinishedOrder } from './limits.js';
import { canMoveMandate } from './mandate-status.js';

/** How long an idempotency key is remembered. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** How long an unfinished idempotent request may hold its key before another takes it over. */
export const IDEMPOTENCY_STALE_MS = 2 * 60 * 1000;

/** The scope of the `Idempotency-Key`s of merchant-initiated charges (one merchant per server). */
export const CHARGE_IDEMPOTENCY_SCOPE = 'charges';

/** More writes of a caller's, in the unit of work that produced `result`. */
export type WithinUnit<T> = (tx: Repositories, result: T) => Promise<void>;

/** Input of {@link Ledger.claimOrderChecks}. */
export interface ClaimOrderChecksInput {
  /** Who claims (one id per reconciler instance). */
  owner: string;
  now: Date;
  /** How long the lease holds before another instance may take the check over. */
  leaseMs: number;
  limit: number;
}

/** Input of {@link Ledger.finishOrderCheck}. */
export interface FinishOrderCheckInput {
  orderId: string;
  owner: string;
  /** Epoch milliseconds of the next check; null for none. Ignored once the order is settled. */
  nextAt: number | null;
  /** Whether the provider was asked (counts the check); default true. */
  counted?: boolean;
}

/** What retention deletes, one kind per table (core/retention.ts). */
export type RetentionKind =
  'notifications' | 'provider_events' | 'webhook_inbox' | 'idempotency_keys' | 'session_events';

/** Outcome of {@link Ledger.retryNotification}. */
export type RetryNotificationResult =
  /** Dead before, due now with a fresh failure streak. */
  | { kind: 'requeued'; message: OutboxMessage }
  | { kind: 'not_found' }
  /** Delivered, or still being tried: nothing to re-queue. */
  | { kind: 'not_dead'; message: OutboxMessage };

/** The statuses after which a session's outcome no longer changes by itself (`isSettled`). */
const SETTLED_STATUSES = ORDER_STATUSES.filter(isSettled);

/** The event id of a subject's n-th change: stable, so every attempt carries the same id. */
export function messageId(subjectId: string, version: number): string {
  return `msg_${subjectId}_${version}`;
}

function newMandateId(): string {
  return `mdt_${randomBytes(24).toString('base64url')}`;
}

/** Drops undefined members so that merged details stay compact. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** An order just created: status `created`, unknown to its provider, version 0. */
function newOrder(
  fields: Pick<
    OrderRecord,
    'id' | 'sessionId' | 'attempt' | 'provider' | 'method' | 'providerReference' | 'amount'
  > & { mandateId: string | null },
  at: string,
): OrderRecord {
  return {
    ...fields,
    providerOrderId: null,
    status: 'created',
    needsReview: false,
    lateSuccess: false,
    version: 0,
    createdAt: at,
    updatedAt: at,
  };
}

/** Input of {@link Ledger.createOrder}: the order, and the attempt limit to hold it to. */
export type CreateOrderAttemptInput = CreateOrderInput & {
  maxAttempts?: number;
  /** The `Idempotency-Key` of the request creating the order (scoped to the session). */
  idempotencyKey?: string;
};

/** Every rule of the checkout server's data, each as one unit of work. */
export interface Ledger {
  /** Inserts a session; throws `DuplicateReferenceError` when the reference exists. */
  createSession(session: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | null>;
  /**
   * Inserts an order in status `created` with the next attempt number of its session and the
   * provider reference `<attempt>-<session reference>`. With `maxAttempts`, throws
   * `AttemptRefused` (core/limits.ts), writing nothing, when the session has made that many
   * attempts, or when one of its orders is still `created`, younger than
   * {@link IDEMPOTENCY_STALE_MS}, and another request of the session (a key other than
   * `idempotencyKey`, begun no later than that order) is still running — judged under the
   * session's lock, so it holds under concurrency.
   */
  createOrder(input: CreateOrderAttemptInput): Promise<OrderRecord>;
  getOrder(id: string): Promise<OrderRecord | null>;
  findOrderByProviderReference(
    provider: ProviderId,
    providerReference: string,
  ): Promise<OrderRecord | null>;
  /** Every order of a session, oldest first. */
  listOrders(sessionId: string): Promise<OrderRecord[]>;
  /**
   * Records the event (if any, deduplicated), moves the order through the protocol's
   * `transition()`, appends the session event, updates the session and writes the
   * `order.updated` outbox message, together. A disputed charge revokes its mandate.
   * `andThen`, when given, writes the caller's own record of the outcome in the same unit of
   * work (the inbox marking its event processed), so that both commit or neither does.
   */
  applyStatus(
    input: ApplyStatusInput,
    andThen?: WithinUnit<ApplyStatusResult>,
  ): Promise<ApplyStatusResult>;
  /** Records a provider event that moves no order; false when it was seen before. */
  recordProviderEvent(event: ProviderEventInput & { now: Date }): Promise<boolean>;
  /** Whether this provider event was taken in before (a cheap look before costly work). */
  hasProviderEvent(provider: ProviderId, dedupeKey: string): Promise<boolean>;
  countProviderEvents(): Promise<number>;
  /** Session events with `seq > afterSeq`, in order. */
  listSessionEvents(sessionId: string, afterSeq: number): Promise<SessionEvent[]>;
  latestSessionEvent(sessionId: string): Promise<SessionEvent | null>;
  /**
   * Records the event (if any, deduplicated), creates the mandate on its first notification
   * (for the session that asked for it), moves it forward and writes the `mandate.updated`
   * outbox message, together.
   */
  applyMandateUpdate(input: MandateUpdateInput): Promise<MandateUpdateResult>;
  getMandate(id: string): Promise<MandateRecord | null>;
  findMandateByReference(reference: string): Promise<MandateRecord | null>;
  /**
   * Checks that the mandate exists and is active, then creates the charge's session and its
   * order (status `created`, provider reference `1-<reference>`). The same reference and key
   * again resume the existing order.
   */
  createChargeOrder(input: CreateChargeOrderInput): Promise<CreateChargeOrderResult>;
  /**
   * Claims up to `limit` due, undelivered messages for `owner` until the lease ends. A message
   * waits while an older one of the same subject is undelivered, so that each subject's
   * notifications arrive in the order of its changes.
   */
  claimOutbox(input: ClaimOutboxInput): Promise<OutboxMessage[]>;
  /** Records an attempt; ignored when `owner` no longer holds the claim. */
  finishOutboxAttempt(id: string, result: OutboxAttemptResult): Promise<void>;
  /** Every outbox message, oldest first (operations and tests). */
  listOutbox(): Promise<OutboxMessage[]>;
  /**
   * Records a claimed message's last failed attempt and parks it as dead: no more attempts,
   * and the later messages of its subject keep waiting behind it. False when `owner` no longer
   * holds the claim (nothing written).
   */
  parkOutbox(id: string, result: OutboxAttemptResult): Promise<boolean>;
  /** One merchant notification by its id (`msg_…`). */
  getNotification(id: string): Promise<OutboxMessage | null>;
  /** A page of merchant notifications by position, of one status or all. */
  listNotifications(query: OutboxPageQuery): Promise<OutboxMessage[]>;
  /** How many merchant notifications are parked as dead. */
  countDeadNotifications(): Promise<number>;
  /**
   * Re-queues a dead notification: due at `now`, with a fresh failure streak (so a full dead
   * horizon again); the later ones of its subject follow it in order.
   */
  retryNotification(id: string, now: Date): Promise<RetryNotificationResult>;
  /**
   * Deletes up to `limit` rows of `kind` older than `before`: notifications delivered, provider
   * events received, inbox events processed, idempotency keys created, or — for sessions settled
   * (paid or later, or a negative terminal) that expired — session events, each session's latest
   * kept. Returns how many.
   */
  prune(kind: RetentionKind, before: Date, limit: number): Promise<number>;
  /** Takes the lease of background job `name` (see `RetentionRepository.claimJob`). */
  claimJob(name: string, owner: string, untilMs: number, nowMs: number): Promise<boolean>;
  beginIdempotency(input: BeginIdempotencyInput): Promise<IdempotencyBegin>;
  completeIdempotency(scope: string, key: string, status: number, body: string): Promise<void>;
  /** Forgets an unfinished key so that the client may try again. */
  releaseIdempotency(scope: string, key: string): Promise<void>;
  /**
   * Leases up to `limit` due order checks to `owner` until the lease ends, soonest first. A
   * check whose lease lapsed (its instance died) is due again.
   */
  claimOrderChecks(input: ClaimOrderChecksInput): Promise<DueOrderCheck[]>;
  /**
   * Ends a leased check and sets the next one — none once the order is settled, whatever
   * `nextAt` says, so a check racing the change that settled the order cannot revive it.
   * False when `owner` no longer holds the lease (it lapsed and another took it over).
   */
  finishOrderCheck(input: FinishOrderCheckInput): Promise<boolean>;
  /** The order's check state (operations and tests). */
  getOrderCheck(orderId: string): Promise<OrderCheckState | null>;
  /**
   * Forgets the unfinished `Idempotency-Key` that started this order — a charge's own key, or
   * for a checkout order every key of its session begun no later than the order — so that the
   * client may try again. Returns how many keys were released.
   */
  releaseOrderKey(orderId: string): Promise<number>;
}

async function enqueue(
  tx: Repositories,
  type: OutboxType,
  subjectId: string,
  version: number,
  data: unknown,
  now: Date,
): Promise<void> {
  await tx.outbox.append({
    id: messageId(subjectId, version),
    type,
    subjectId,
    data: JSON.stringify(data),
    createdAt: now.toISOString(),
    nextAttemptAt: now.getTime(),
  });
}

/** Moves a locked mandate and enqueues its message. */
async function moveMandate(
  tx: Repositories,
  current: MandateRecord,
  status: MandateStatus,
  input: { providerMandateId?: string; details?: MandateDetails; at?: string; now: Date },
): Promise<MandateRecord> {
  const at = input.now.toISOString();
  const next: MandateRecord = {
    ...current,
    ...compact(input.details ?? {}),
    status,
    version: current.version + 1,
    updatedAt: at,
  };
  if (input.providerMandateId) next.providerMandateId = input.providerMandateId;
  if (status === 'active') {
    next.activatedAt = input.at ?? at;
    delete next.failure;
  }
  if (status === 'revoked') next.revokedAt = input.at ?? at;
  if (!(await tx.mandates.update(next, current.version))) {
    throw new Error(`Mandate ${current.id} changed underneath a transaction`);
  }
  await enqueue(tx, 'mandate.updated', next.id, next.version, { mandate: next }, input.now);
  return next;
}

async function applyStatusIn(
  tx: Repositories,
  input: ApplyStatusInput,
): Promise<ApplyStatusResult> {
  // Locks are taken session first, then order, as when an order is created: transactions on
  // the orders of one session then queue on the session instead of deadlocking on PostgreSQL.
  // A caller that read the order already names its session (an order never changes session).
  const sessionId = input.sessionId ?? (await tx.orders.get(input.orderId))?.sessionId;
  if (sessionId !== undefined) await tx.sessions.get(sessionId, { lock: true });
  const order = await tx.orders.get(input.orderId, { lock: true });
  if (!order) {
    return {
      outcome: 'not_found',
      order: null,
      previousStatus: null,
      anomaly: null,
      sessionEvent: null,
    };
  }
  if (input.sessionId !== undefined && order.sessionId !== input.sessionId) {
    throw new Error(`Order ${order.id} is not of session ${input.sessionId}`);
  }
  const unchanged = (anomaly: ApplyStatusResult['anomaly'] = null): ApplyStatusResult => ({
    outcome: 'unchanged',
    order,
    previousStatus: order.status,
    anomaly,
    sessionEvent: null,
  });
  const at = input.now.toISOString();
  const mismatch =
    isPaidFamily(input.status) &&
    input.amount !== undefined &&
    !sameMoney(input.amount, order.amount);
  const result = mismatch
    ? null
    : transition(order.status, input.status, { confirmed: input.confirmed === true });
  // The event is stored with what it did, in one statement.
  if (input.event) {
    const eventId = await tx.events.insertIfNew({
      provider: input.event.provider,
      dedupeKey: input.event.dedupeKey,
      rawBody: input.event.rawBody,
      orderId: order.id,
      status: input.status,
      source: input.source,
      receivedAt: at,
      applied: result?.applied ?? false,
      anomaly: result ? result.anomaly : 'amount_mismatch',
    });
    // A copy of a notification taken in before changes nothing.
    if (eventId === null) return { ...unchanged(), outcome: 'duplicate' };
  }
  if (input.providerOrderId && !order.providerOrderId) {
    await tx.orders.setProviderOrderId(order.id, input.providerOrderId);
    order.providerOrderId = input.providerOrderId;
  }

  if (!result) {
    await tx.orders.flagReview(order.id, at);
    return {
      outcome: 'needs_review',
      order: { ...order, needsReview: true, updatedAt: at },
      previousStatus: order.status,
      anomaly: null,
      sessionEvent: null,
    };
  }
  if (!result.applied) return unchanged(result.anomaly);

  const lateSuccess = result.anomaly === 'late_success';
  const version = (order.version ?? 0) + 1;
  const moved = await tx.orders.move(order.id, {
    from: order.status,
    to: result.status,
    version,
    lateSuccess,
    updatedAt: at,
  });
  if (!moved) throw new Error(`Order ${order.id} changed underneath a transaction`);
  // A settled order is not checked at its provider any more.
  if (isSettled(result.status)) await tx.checks.schedule(order.id, null);
  const updated: OrderRecord = {
    ...order,
    status: result.status,
    version,
    updatedAt: at,
    lateSuccess: order.lateSuccess || lateSuccess,
  };

  // The session follows its latest moving order, except that a paid session stays paid when
  // another attempt of it fails.
  const session = await tx.sessions.get(order.sessionId, { lock: true });
  if (!session) throw new Error(`Order ${order.id} has no session`);
  const nextSessionStatus =
    isPaidFamily(session.status) && !isPaidFamily(result.status) ? session.status : result.status;
  const last = await tx.sessionEvents.latest(order.sessionId);
  let sessionEvent: SessionEvent | null = null;
  if (nextSessionStatus !== session.status || (last?.orderId ?? null) !== order.id) {
    if (nextSessionStatus !== session.status) {
      await tx.sessions.setStatus(session.id, nextSessionStatus);
    }
    sessionEvent = {
      sessionId: session.id,
      seq: (last?.seq ?? 0) + 1,
      orderId: order.id,
      status: nextSessionStatus,
      at,
    };
    await tx.sessionEvents.append(sessionEvent);
  }
  await enqueue(
    tx,
    'order.updated',
    updated.id,
    version,
    { order: updated, reference: session.reference },
    input.now,
  );
  // A disputed charge makes its mandate unusable at once, before the provider says so.
  if (updated.mandateId && result.status === 'disputed') {
    const mandate = await tx.mandates.get(updated.mandateId, { lock: true });
    if (mandate && canMoveMandate(mandate.status, 'revoked')) {
      await moveMandate(tx, mandate, 'revoked', {
        details: { revocationReason: 'dispute' },
        now: input.now,
      });
    }
  }
  return {
    outcome: 'applied',
    order: updated,
    previousStatus: order.status,
    anomaly: result.anomaly,
    sessionEvent,
  };
}

async function applyMandateIn(
  tx: Repositories,
  input: MandateUpdateInput,
): Promise<MandateUpdateResult> {
  // The session that asked for the mandate is locked first, so that two first notifications
  // of one mandate create it once.
  const known = await tx.mandates.getByReference(input.provider, input.reference);
  const session = known
    ? await tx.sessions.get(known.sessionId, { lock: true })
    : await tx.sessions.findByMandateReference(input.reference);
  if (!session) return { outcome: 'not_found', mandate: null, previousStatus: null };
  if (!known) await tx.sessions.get(session.id, { lock: true });
  const current = await tx.mandates.getByReference(input.provider, input.reference, { lock: true });

  if (input.event) {
    const eventId = await tx.events.insertIfNew({
      provider: input.event.provider,
      dedupeKey: input.event.dedupeKey,
      rawBody: input.event.rawBody,
      orderId: null,
      status: input.status,
      source: 'webhook',
      receivedAt: input.now.toISOString(),
    });
    if (eventId === null) {
      return { outcome: 'duplicate', mandate: current, previousStatus: current?.status ?? null };
    }
  }
  if (!current) {
    // The first notification creates the mandate; it belongs to the session that asked for it.
    const cadence = session.mandate?.cadence;
    const at = input.now.toISOString();
    const created: MandateRecord = {
      ...compact({ ...(cadence ? { cadence } : {}), ...(input.details ?? {}) }),
      id: newMandateId(),
      provider: input.provider,
      reference: input.reference,
      providerMandateId: input.providerMandateId ?? null,
      sessionId: session.id,
      status: input.status,
      version: 1,
      createdAt: at,
      updatedAt: at,
      activatedAt: input.status === 'active' ? (input.at ?? at) : null,
      revokedAt: input.status === 'revoked' ? (input.at ?? at) : null,
    };
    await tx.mandates.insert(created);
    await enqueue(
      tx,
      'mandate.updated',
      created.id,
      created.version,
      { mandate: created },
      input.now,
    );
    return { outcome: 'applied', mandate: created, previousStatus: null };
  }
  if (!canMoveMandate(current.status, input.status)) {
    return { outcome: 'unchanged', mandate: current, previousStatus: current.status };
  }
  const moved = await moveMandate(tx, current, input.status, {
    ...(input.providerMandateId ? { providerMandateId: input.providerMandateId } : {}),
    ...(input.details ? { details: input.details } : {}),
    ...(input.at ? { at: input.at } : {}),
    now: input.now,
  });
  return { outcome: 'applied', mandate: moved, previousStatus: current.status };
}

async function createChargeOrderIn(
  tx: Repositories,
  input: CreateChargeOrderInput,
): Promise<CreateChargeOrderResult> {
  const mandate = await tx.mandates.get(input.mandateId, { lock: true });
  if (!mandate) return { kind: 'mandate_not_found' };
  const existing = await tx.sessions.getByReference(input.reference);
  if (existing) {
    const chargeOf = existing.chargeOf;
    const sameRequest =
      chargeOf?.mandateId === input.mandateId &&
      chargeOf.idempotencyKey === input.idempotencyKey &&
      sameMoney(input.amount, existing.amount);
    const order = sameRequest ? (await tx.orders.listBySession(existing.id))[0] : undefined;
    return order ? { kind: 'resumed', order } : { kind: 'duplicate_reference' };
  }
  if (mandate.status !== 'active') return { kind: 'mandate_inactive', status: mandate.status };
  const origin = await tx.sessions.get(mandate.sessionId);
  if (!origin) throw new Error(`Mandate ${mandate.id} has no session`);
  const at = input.now.toISOString();
  await tx.sessions.insert({
    id: input.sessionId,
    reference: input.reference,
    amount: input.amount,
    country: origin.country,
    returnUrl: origin.returnUrl,
    providers: [],
    chargeOf: { mandateId: mandate.id, idempotencyKey: input.idempotencyKey },
    status: 'created',
    createdAt: at,
    expiresAt: input.expiresAt.toISOString(),
  });
  const order = newOrder(
    {
      id: input.orderId,
      sessionId: input.sessionId,
      attempt: 1,
      provider: mandate.provider,
      method: input.method,
      providerReference: `1-${input.reference}`,
      amount: input.amount,
      mandateId: mandate.id,
    },
    at,
  );
  await tx.orders.insert(order);
  await tx.checks.schedule(order.id, input.now.getTime());
  return { kind: 'created', order };
}

async function beginIdempotencyIn(
  tx: Repositories,
  input: BeginIdempotencyInput,
): Promise<IdempotencyBegin> {
  const { scope, key, requestHash } = input;
  const nowMs = input.now.getTime();
  const createdAt = input.now.toISOString();
  let row = await tx.idempotency.get(scope, key, { lock: true });
  if (row && Date.parse(row.createdAt) + (input.ttlMs ?? IDEMPOTENCY_TTL_MS) <= nowMs) {
    // An expired key is forgotten: reusing it is a new request.
    await tx.idempotency.delete(scope, key);
    row = null;
  }
  if (!row) {
    if (await tx.idempotency.insertIfAbsent(scope, key, requestHash, createdAt)) {
      return { kind: 'started' };
    }
    // Another instance inserted it first and has committed since: judge its row.
    row = await tx.idempotency.get(scope, key, { lock: true });
    if (!row) return { kind: 'in_progress' };
  }
  if (row.requestHash !== requestHash) return { kind: 'mismatch' };
  if (row.state === 'done') {
    return { kind: 'replay', status: row.responseStatus ?? 200, body: row.responseBody ?? '' };
  }
  if (Date.parse(row.createdAt) + (input.staleAfterMs ?? IDEMPOTENCY_STALE_MS) > nowMs) {
    return { kind: 'in_progress' };
  }
  // An unfinished key this old belongs to a request that crashed: take it over.
  await tx.idempotency.delete(scope, key);
  await tx.idempotency.insertIfAbsent(scope, key, requestHash, createdAt);
  return { kind: 'started' };
}

/** The ledger over `store`. */
export function createLedger(store: Store): Ledger {
  const unit = <T>(work: (tx: Repositories) => Promise<T>): Promise<T> => store.transaction(work);
  return {
    createSession: (session) => store.sessions.insert(session),
    getSession: (id) => store.sessions.get(id),
    createOrder: (input) =>
      unit(async (tx) => {
        const session = await tx.sessions.get(input.sessionId, { lock: true });
        if (!session) throw new Error(`Unknown session ${input.sessionId}`);
        if (input.maxAttempts !== undefined) {
          const nowMs = input.now.getTime();
          const orders = await tx.orders.listBySession(session.id);
          // The request that created an unfinished order still runs while its key does; one
          // that ended without the provider's answer released its key.
          const unfinished = unfinishedOrder(orders, IDEMPOTENCY_STALE_MS, nowMs);
          const running =
            unfinished !== null &&
            (input.idempotencyKey === undefined ||
              (await tx.idempotency.hasStarted(
                session.id,
                new Date(nowMs - IDEMPOTENCY_STALE_MS).toISOString(),
                unfinished.createdAt,
                input.idempotencyKey,
              )));
          const policy = { maxAttempts: input.maxAttempts, inProgressMs: IDEMPOTENCY_STALE_MS };
          const refusal = judgeAttempt(session, orders, policy, nowMs, running);
          if (refusal) throw refusal;
        }
        const attempt = (await tx.orders.lastAttempt(session.id)) + 1;
        const order = newOrder(
          {
            id: input.id,
            sessionId: session.id,
            attempt,
            provider: input.provider,
            method: input.method,
            providerReference: `${attempt}-${session.reference}`,
            amount: session.amount,
            mandateId: null,
          },
          input.now.toISOString(),
        );
        await tx.orders.insert(order);
        await tx.checks.schedule(order.id, input.now.getTime());
        return order;
      }),
    getOrder: (id) => store.orders.get(id),
    findOrderByProviderReference: (provider, reference) =>
      store.orders.findByProviderReference(provider, reference),
    listOrders: (sessionId) => store.orders.listBySession(sessionId),
    applyStatus: (input, andThen) =>
      unit(async (tx) => {
        const result = await applyStatusIn(tx, input);
        if (andThen) await andThen(tx, result);
        return result;
      }),
    recordProviderEvent: async (event) =>
      (await store.events.insertIfNew({
        provider: event.provider,
        dedupeKey: event.dedupeKey,
        rawBody: event.rawBody,
        orderId: null,
        status: null,
        source: 'webhook',
        receivedAt: event.now.toISOString(),
      })) !== null,
    hasProviderEvent: (provider, dedupeKey) => store.events.exists(provider, dedupeKey),
    countProviderEvents: () => store.events.count(),
    listSessionEvents: (sessionId, afterSeq) => store.sessionEvents.listAfter(sessionId, afterSeq),
    latestSessionEvent: (sessionId) => store.sessionEvents.latest(sessionId),
    applyMandateUpdate: (input) => unit((tx) => applyMandateIn(tx, input)),
    getMandate: (id) => store.mandates.get(id),
    findMandateByReference: (reference) => store.mandates.findByReference(reference),
    createChargeOrder: (input) => unit((tx) => createChargeOrderIn(tx, input)),
    claimOutbox: (input) =>
      unit(async (tx) => {
        const nowMs = input.now.getTime();
        const claimed: OutboxMessage[] = [];
        for (const message of await tx.outbox.due(nowMs, input.limit)) {
          // Another instance may have claimed it since it was read; only a won claim counts.
          if (await tx.outbox.claim(message.id, input.owner, nowMs + input.leaseMs, nowMs)) {
            claimed.push(message);
          }
        }
        return claimed;
      }),
    finishOutboxAttempt: (id, result) => store.outbox.finish(id, result),
    listOutbox: () => store.outbox.list(),
    parkOutbox: (id, result) => store.outbox.park(id, result),
    getNotification: (id) => store.outbox.get(id),
    listNotifications: (query) => store.outbox.page(query),
    countDeadNotifications: () => store.outbox.countDead(),
    retryNotification: (id, now) =>
      unit(async (tx): Promise<RetryNotificationResult> => {
        const message = await tx.outbox.get(id);
        if (!message) return { kind: 'not_found' };
        if (!(await tx.outbox.requeue(id, now.getTime()))) return { kind: 'not_dead', message };
        const requeued = await tx.outbox.get(id);
        if (!requeued) throw new Error(`Notification ${id} vanished in a transaction`);
        return { kind: 'requeued', message: requeued };
      }),
    prune: (kind, before, limit) => {
      const at = before.toISOString();
      const { retention } = store;
      switch (kind) {
        case 'notifications':
          return retention.deleteDeliveredNotifications(at, limit);
        case 'provider_events':
          return retention.deleteProviderEvents(at, limit);
        case 'webhook_inbox':
          return retention.deleteProcessedInbox(at, limit);
        case 'idempotency_keys':
          return retention.deleteIdempotencyKeys(at, limit);
        case 'session_events':
          return retention.deleteSessionEvents(at, SETTLED_STATUSES, limit);
      }
    },
    claimJob: (name, owner, untilMs, nowMs) =>
      store.retention.claimJob(name, owner, untilMs, nowMs),
    beginIdempotency: (input) => unit((tx) => beginIdempotencyIn(tx, input)),
    completeIdempotency: (scope, key, status, body) =>
      store.idempotency.complete(scope, key, status, body),
    releaseIdempotency: (scope, key) => store.idempotency.release(scope, key),
    claimOrderChecks: (input) =>
      unit(async (tx) => {
        const nowMs = input.now.getTime();
        const claimed: DueOrderCheck[] = [];
        for (const check of await tx.checks.due(nowMs, input.limit)) {
          // Another instance may have claimed it since it was read; only a won claim counts.
          if (await tx.checks.claim(check.order.id, input.owner, nowMs + input.leaseMs, nowMs)) {
            claimed.push(check);
          }
        }
        return claimed;
      }),
    finishOrderCheck: (input) =>
      unit(async (tx) => {
        const order = await tx.orders.get(input.orderId, { lock: true });
        if (!order) return false;
        const next = isSettled(order.status) ? null : input.nextAt;
        return tx.checks.finish(order.id, input.owner, next, input.counted !== false);
      }),
    getOrderCheck: (orderId) => store.checks.get(orderId),
    releaseOrderKey: (orderId) =>
      unit(async (tx) => {
        const order = await tx.orders.get(orderId);
        if (!order) return 0;
        const session = await tx.sessions.get(order.sessionId);
        if (!session) return 0;
        if (session.chargeOf) {
          const key = await tx.idempotency.get(
            CHARGE_IDEMPOTENCY_SCOPE,
            session.chargeOf.idempotencyKey,
          );
          if (key?.state !== 'in_progress') return 0;
          await tx.idempotency.release(CHARGE_IDEMPOTENCY_SCOPE, session.chargeOf.idempotencyKey);
          return 1;
        }
        // A checkout order's key is begun just before the order is created; a key begun later
        // belongs to another attempt and is left alone.
        return tx.idempotency.releaseStarted(session.id, order.createdAt);
      }),
  };
}
