/**
 * @module
 * The domain records of the checkout server — sessions, orders, mandates, provider events,
 * session events, merchant notifications and idempotency keys — and the inputs and outcomes of
 * the rules that change them (core/ledger.ts). Stores persist these shapes; adapters, routes and
 * the outbox read them. Timestamps are ISO 8601 strings in UTC.
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
  /**
   * Set on the session behind a merchant-initiated charge: the mandate it charges and the
   * `Idempotency-Key` it was created with. Such a session offers no method to a browser.
   */
  chargeOf?: { mandateId: string; idempotencyKey: string };
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
  /** The mandate a merchant-initiated charge draws on; absent for customer checkouts. */
  mandateId?: string | null;
  /** Counts the order's applied status changes; names its merchant notifications. */
  version?: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * A mandate's life: `pending` while the customer's bank sets it up, `active` once it can be
 * charged, `failed` when set-up failed (a later set-up with the same reference may still
 * succeed), `revoked` for good (by the customer, the bank or a dispute).
 */
export type MandateStatus = 'pending' | 'active' | 'failed' | 'revoked';

/** What is known about a mandate besides its status. Never holds a full account number. */
export interface MandateDetails {
  /** The debtor's account for display: IBAN masked to its first and last four characters. */
  debtor?: { accountHolderName?: string; iban?: string; bic?: string };
  /** The creditor (the merchant as the bank knows it). */
  creditor?: { id?: string; name?: string; address?: unknown };
  /** The mandate reference printed on bank statements. */
  bankReference?: string;
  /** When the customer signed it. */
  signedAt?: string;
  /** The cadence the customer agreed to, from the checkout session. */
  cadence?: string;
  /** Why set-up failed. */
  failure?: { code?: string; message?: string };
  /** Why it was revoked: a dispute on one of its charges, or the provider said so. */
  revocationReason?: 'dispute' | 'provider';
}

/** A stored mandate. Timestamps are ISO 8601 strings in UTC. */
export interface MandateRecord extends MandateDetails {
  /** Our id (`mdt_…`); what `POST /v1/charges` takes. */
  id: string;
  provider: ProviderId;
  /** The merchant's mandate reference (Ivy's mandate `referenceId`). */
  reference: string;
  /** The provider's mandate id, once known. */
  providerMandateId: string | null;
  /** The checkout session that set it up. */
  sessionId: string;
  status: MandateStatus;
  /** Counts applied changes; names its merchant notifications. */
  version: number;
  createdAt: string;
  updatedAt: string;
  activatedAt: string | null;
  revokedAt: string | null;
}

/** A mandate notification from a provider. */
export interface MandateUpdateInput {
  provider: ProviderId;
  /** The merchant's mandate reference. */
  reference: string;
  status: MandateStatus;
  providerMandateId?: string;
  details?: MandateDetails;
  /** When the provider says it happened (e.g. `revokedAt`); default `now`. */
  at?: string;
  /** Records this notification in the same transaction; a duplicate changes nothing. */
  event?: ProviderEventInput;
  /** The order's session, when the caller has read the order: saves reading it twice. */
  sessionId?: string;
  now: Date;
}

export interface MandateUpdateResult {
  /**
   * `applied`: the mandate was created or moved. `unchanged`: recorded, status kept.
   * `duplicate`: seen before. `not_found`: no session set up a mandate with this reference.
   */
  outcome: 'applied' | 'unchanged' | 'duplicate' | 'not_found';
  mandate: MandateRecord | null;
  previousStatus: MandateStatus | null;
}

/** Input of `Ledger.createChargeOrder` (core/ledger.ts). */
export interface CreateChargeOrderInput {
  orderId: string;
  sessionId: string;
  mandateId: string;
  /** The merchant's reference of this charge (unique like a session reference). */
  reference: string;
  amount: Money;
  method: string;
  idempotencyKey: string;
  now: Date;
  expiresAt: Date;
}

/** Outcome of `Ledger.createChargeOrder` (core/ledger.ts). */
export type CreateChargeOrderResult =
  /** A new order in status `created`; `resumed` when the same key made it before. */
  | { kind: 'created' | 'resumed'; order: OrderRecord }
  | { kind: 'mandate_not_found' }
  | { kind: 'mandate_inactive'; status: MandateStatus }
  /** Another charge (or session) already uses this reference. */
  | { kind: 'duplicate_reference' };

/** Kinds of merchant notification. */
export type OutboxType = 'order.updated' | 'mandate.updated';

/** One merchant notification waiting in (or delivered from) the outbox. */
export interface OutboxMessage {
  /** Position in the outbox; orders messages of one subject. */
  seq: number;
  /** The stable event id (`webhook-id`): the same on every attempt. */
  id: string;
  type: OutboxType;
  /** The order or mandate id. */
  subjectId: string;
  /**
   * JSON snapshot taken in the transaction of the change: `{ order, reference }` for orders
   * (`reference` is the merchant's), `{ mandate }` for mandates.
   */
  data: string;
  createdAt: string;
  /** Delivery attempts made so far. */
  attempts: number;
  /** Epoch milliseconds of the next attempt. */
  nextAttemptAt: number;
  deliveredAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  /**
   * Failed attempts since the message was queued or last re-queued (`attempts` is the total);
   * the stores always set it, absent reads as 0.
   */
  failedAttempts?: number;
  /** When the first of those failed attempts was made; null (or absent) while there is none. */
  firstFailedAt?: string | null;
  /** When the message was parked as dead (no more attempts until re-queued); null otherwise. */
  deadAt?: string | null;
}

/** Where a merchant notification stands: waiting (or being tried), delivered, or parked dead. */
export type OutboxStatus = 'pending' | 'delivered' | 'dead';

/** The status of `message`. */
export function outboxStatus(message: Pick<OutboxMessage, 'deliveredAt' | 'deadAt'>): OutboxStatus {
  if (message.deliveredAt !== null) return 'delivered';
  return (message.deadAt ?? null) !== null ? 'dead' : 'pending';
}

export interface ClaimOutboxInput {
  /** Who claims (one id per deliverer instance). */
  owner: string;
  now: Date;
  /** How long the claim holds before another instance may take the message over. */
  leaseMs: number;
  limit: number;
}

/** Result of one delivery attempt. */
export interface OutboxAttemptResult {
  owner: string;
  now: Date;
  /** True when delivered (or nothing was left to deliver). */
  delivered: boolean;
  /** When not delivered: epoch milliseconds of the next attempt. */
  retryAt?: number;
  status?: number;
  error?: string;
  /** False when nothing was tried (handed back at shutdown); default true. */
  counted?: boolean;
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
  /** The order's session, when the caller has read the order: saves reading it twice. */
  sessionId?: string;
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
