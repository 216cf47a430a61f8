/**
 * @module
 * The persistence interface. SQLite implements it today (./sqlite); a PostgreSQL store will
 * implement the same methods and run the same contract suite (store.contract-test.ts).
 *
 * Every method is async so that network-backed stores fit the same shape.
 */
import type { Money } from '@pay-checkout/protocol/money';
import type { OrderStatus, TransitionAnomaly } from '@pay-checkout/protocol/status';
import type { CreateSessionRequest, ProviderId } from '@pay-checkout/protocol';

/** A checkout session as stored. Timestamps are ISO 8601 strings in UTC. */
export interface SessionRecord {
  id: string;
  reference: string;
  amount: Money;
  country: string;
  returnUrl: string;
  description?: string;
  locale?: string;
  customer?: CreateSessionRequest['customer'];
  providers?: ProviderId[];
  mandate?: CreateSessionRequest['mandate'];
  metadata?: Record<string, string>;
  /** Status of the session: that of its latest order, `created` before any; paid sticks. */
  status: OrderStatus;
  createdAt: string;
  expiresAt: string;
}

/** One payment attempt of a session. */
export interface OrderRecord {
  id: string;
  sessionId: string;
  /** 1 for the session's first attempt, 2 for the next… */
  attempt: number;
  provider: ProviderId;
  method: string;
  /** The reference sent to the provider, unique per attempt: `<attempt>-<session reference>`. */
  providerReference: string;
  /** The provider's id for what we created (for Ivy: the checkout session id). */
  providerOrderId: string | null;
  status: OrderStatus;
  amount: Money;
  /** Set when a provider reported a success whose amount or currency differs from the order. */
  needsReview: boolean;
  /** Set when a failed/expired/cancelled order became paid on provider confirmation. */
  lateSuccess: boolean;
  createdAt: string;
  updatedAt: string;
}

/** One line of a session's status log, the SSE stream's source. `seq` starts at 1 per session. */
export interface SessionEvent {
  sessionId: string;
  seq: number;
  orderId: string | null;
  status: OrderStatus;
  at: string;
}

/** The stored outcome of an idempotent request. */
export type IdempotencyBegin =
  /** The caller owns the key now and must `completeIdempotency` or `releaseIdempotency`. */
  | { kind: 'started' }
  /** A finished request with the same key and body: answer exactly this. */
  | { kind: 'replay'; status: number; body: string }
  /** The same key is still being processed. */
  | { kind: 'in_progress' }
  /** The key was used with another body. */
  | { kind: 'mismatch' };

export interface BeginIdempotencyInput {
  /** What the key is scoped to (the session id for order creation). */
  scope: string;
  key: string;
  /** A hash of the canonical request body. */
  requestHash: string;
  now: Date;
  /** Records older than this are forgotten (default 24 h). */
  ttlMs?: number;
  /**
   * An unfinished record older than this is taken to belong to a crashed request and may be
   * taken over (default 2 min, longer than the slowest provider call with its retries).
   */
  staleAfterMs?: number;
}

/** A provider notification to record (and dedupe) together with a status change. */
export interface ProviderEventInput {
  provider: ProviderId;
  /** The provider's event id, or a synthesized key; UNIQUE per provider. */
  dedupeKey: string;
  rawBody: string;
}

export interface ApplyStatusInput {
  orderId: string;
  /** The unified status the provider reported. */
  status: OrderStatus;
  /** Where the status came from, for the log. */
  source: 'webhook' | 'poll' | 'create' | 'return';
  /** The provider's own API confirmed this status (needed for late success). */
  confirmed?: boolean;
  /** The amount the provider reported with it, when it reported one. */
  amount?: Money;
  /** Records the provider order id on the order (first time it is known). */
  providerOrderId?: string;
  /** Records this notification in the same transaction; a duplicate changes nothing. */
  event?: ProviderEventInput;
  now: Date;
}

export interface ApplyStatusResult {
  /**
   * `applied`: the order moved. `unchanged`: recorded, the machine kept the status.
   * `duplicate`: the event was seen before; nothing written. `needs_review`: amount or currency
   * mismatch on a success; flagged, not moved. `not_found`: no such order.
   */
  outcome: 'applied' | 'unchanged' | 'duplicate' | 'needs_review' | 'not_found';
  order: OrderRecord | null;
  previousStatus: OrderStatus | null;
  anomaly: TransitionAnomaly | null;
  /** The session event appended when the order moved. */
  sessionEvent: SessionEvent | null;
}

export interface CreateOrderInput {
  id: string;
  sessionId: string;
  provider: ProviderId;
  method: string;
  now: Date;
}

/** Thrown by `createSession` when the reference is taken. */
export class DuplicateReferenceError extends Error {
  override name = 'DuplicateReferenceError';
}

/** The persistence interface of the checkout server. */
export interface Store {
  /** Creates the schema or upgrades it; idempotent. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query, rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;

  /** Inserts a session; throws {@link DuplicateReferenceError} when the reference exists. */
  createSession(session: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | null>;

  /**
   * Inserts an order in status `created` with the next attempt number of its session and the
   * provider reference `<attempt>-<session reference>`, in one transaction.
   */
  createOrder(input: CreateOrderInput): Promise<OrderRecord>;
  getOrder(id: string): Promise<OrderRecord | null>;
  findOrderByProviderReference(
    provider: ProviderId,
    providerReference: string,
  ): Promise<OrderRecord | null>;
  /** Every order of a session, oldest first. */
  listOrders(sessionId: string): Promise<OrderRecord[]>;

  /**
   * Records the event (if any, deduplicated), compare-and-sets the order status through the
   * protocol's `transition()`, appends the session event and updates the session status, all
   * in one transaction.
   */
  applyStatus(input: ApplyStatusInput): Promise<ApplyStatusResult>;
  /** Records a provider event that moves no order; false when it was seen before. */
  recordProviderEvent(event: ProviderEventInput & { now: Date }): Promise<boolean>;
  countProviderEvents(): Promise<number>;

  /** Session events with `seq > afterSeq`, in order. */
  listSessionEvents(sessionId: string, afterSeq: number): Promise<SessionEvent[]>;
  latestSessionEvent(sessionId: string): Promise<SessionEvent | null>;

  beginIdempotency(input: BeginIdempotencyInput): Promise<IdempotencyBegin>;
  completeIdempotency(scope: string, key: string, status: number, body: string): Promise<void>;
  /** Forgets an unfinished key so that the client may try again. */
  releaseIdempotency(scope: string, key: string): Promise<void>;
}
