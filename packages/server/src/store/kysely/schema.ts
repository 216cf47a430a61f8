/**
 * @module
 * The tables as Kysely sees them, the same for SQLite and PostgreSQL. Both engines hand every
 * column to JavaScript as the same kind of value: text for ids, JSON documents and timestamps
 * (ISO 8601 in UTC), numbers for integers and epoch milliseconds (PostgreSQL's BIGINT is read as
 * a number, see postgres/postgres-store.ts). Only flags differ: PostgreSQL answers booleans,
 * SQLite 0 or 1, so a flag is read as either and written as a boolean (the SQLite driver binds it
 * as 1 or 0).
 */
import type { ColumnType, Generated } from 'kysely';

/** A boolean column: `true`/`false` from PostgreSQL, 1/0 from SQLite. */
export type Flag = ColumnType<boolean | number, boolean | undefined, boolean>;

/** A column with a default that every write names anyway. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface SessionsTable {
  id: string;
  reference: string;
  amount_value: number;
  currency: string;
  country: string;
  return_url: string;
  /** JSON: description, locale, customer, providers, mandate, metadata, chargeOf. */
  details: string;
  /** The session's `mandate.referenceId`, for the lookup of a mandate's first notification. */
  mandate_reference: string | null;
  status: string;
  created_at: string;
  expires_at: string;
}

export interface OrdersTable {
  id: string;
  session_id: string;
  attempt: number;
  provider: string;
  method: string;
  provider_reference: string;
  provider_order_id: string | null;
  status: string;
  amount_value: number;
  currency: string;
  needs_review: Flag;
  late_success: Flag;
  version: Defaulted<number>;
  mandate_id: string | null;
  created_at: string;
  updated_at: string;
  /** Epoch milliseconds of the next check at the provider; null once the order is settled. */
  next_check_at: number | null;
  /** Checks made so far. */
  checks: Defaulted<number>;
  /** The reconciler instance holding the check's lease. */
  check_claimed_by: string | null;
  /** Epoch milliseconds: when the lease ends. */
  check_claimed_until: number | null;
}

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  request_hash: string;
  state: 'in_progress' | 'done';
  response_status: number | null;
  response_body: string | null;
  created_at: string;
}

export interface ProviderEventsTable {
  id: Generated<number>;
  provider: string;
  dedupe_key: string;
  order_id: string | null;
  raw_body: string;
  status: string | null;
  source: string;
  anomaly: string | null;
  applied: Flag;
  received_at: string;
}

export interface SessionEventsTable {
  session_id: string;
  seq: number;
  order_id: string | null;
  status: string;
  at: string;
}

export interface MandatesTable {
  id: string;
  provider: string;
  reference: string;
  provider_mandate_id: string | null;
  session_id: string;
  status: 'pending' | 'active' | 'failed' | 'revoked';
  /** JSON: every member of `MandateDetails` that is set. */
  details: string;
  version: number;
  created_at: string;
  updated_at: string;
  activated_at: string | null;
  revoked_at: string | null;
}

export interface OutboxTable {
  seq: Generated<number>;
  id: string;
  type: string;
  subject_id: string;
  /** The JSON snapshot as sent to the merchant, kept byte for byte. */
  data: string;
  created_at: string;
  attempts: Defaulted<number>;
  /** Epoch milliseconds. */
  next_attempt_at: number;
  claimed_by: string | null;
  /** Epoch milliseconds. */
  claimed_until: number | null;
  delivered_at: string | null;
  last_status: number | null;
  last_error: string | null;
  /** When the message was parked as undeliverable; null while it is not. */
  dead_at: string | null;
  /** Failed attempts since the message was queued or re-queued (`attempts` is the total). */
  failed_attempts: Defaulted<number>;
  /** When the first of those failed attempts was made; null while there is none. */
  first_failed_at: string | null;
}

/** The lease of one background job (e.g. retention), so that one instance runs it at a time. */
export interface JobLeasesTable {
  name: string;
  owner: string;
  /** Epoch milliseconds: when the lease ends. */
  until_ms: number;
}

export interface WebhookInboxTable {
  id: Generated<number>;
  provider: string;
  dedupe_key: string;
  /** What the event is about (our order or mandate reference): processed in arrival order. */
  subject: string | null;
  /** The verified body, as text (redacted where the provider's event carries bank details). */
  body: string;
  /** JSON object: the request headers parsing the body needs. */
  headers: string;
  received_at: string;
  /** Bumped each time a coalesced event (an unsigned hint) arrives again. */
  revision: Defaulted<number>;
  attempts: Defaulted<number>;
  /** Epoch milliseconds of the next processing attempt; null once processed. */
  next_attempt_at: number | null;
  claimed_by: string | null;
  /** Epoch milliseconds. */
  claimed_until: number | null;
  processed_at: string | null;
  /** What processing came to (`applied`, `duplicate`, `unconfirmed`, …). */
  outcome: string | null;
  last_error: string | null;
}

/** One shared rate-limit counter: hits of one subject in one fixed window (core/limits.ts). */
export interface LimitCountersTable {
  /** `<bucket>:<subject>:<window start, epoch ms>`. */
  key: string;
  count: number;
  /** Epoch milliseconds the window ends at; the row is useless afterwards. */
  expires_at: number;
}

/** What the operator console tells of an order beyond its own rows (console/activity.ts). */
export interface OrderActivityTable {
  id: Generated<number>;
  /** Null when the happening could not be attributed to an order (a refused webhook). */
  order_id: string | null;
  provider: string | null;
  /** `provider_call`, `webhook`, `poll`, `notification`, `operator_action`. */
  kind: string;
  at: string;
  /** JSON object, masked before it was written. */
  detail: string;
}

/** An operator's console sign-in, by the SHA-256 (hex) of its cookie token. */
export interface ConsoleSessionsTable {
  id_hash: string;
  operator: string;
  created_at: string;
  expires_at: string;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: string;
}

export interface Database {
  sessions: SessionsTable;
  orders: OrdersTable;
  idempotency_keys: IdempotencyKeysTable;
  provider_events: ProviderEventsTable;
  session_events: SessionEventsTable;
  mandates: MandatesTable;
  outbox: OutboxTable;
  webhook_inbox: WebhookInboxTable;
  job_leases: JobLeasesTable;
  limit_counters: LimitCountersTable;
  order_activity: OrderActivityTable;
  console_sessions: ConsoleSessionsTable;
  schema_migrations: SchemaMigrationsTable;
}
