/**
 * @module
 * The SQLite schema as numbered migrations. Each runs once, in order, recorded in
 * `schema_migrations`; never edit a released migration, add the next one.
 */

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE sessions (
        id           TEXT PRIMARY KEY,
        reference    TEXT NOT NULL UNIQUE,
        amount_value INTEGER NOT NULL,
        currency     TEXT NOT NULL,
        country      TEXT NOT NULL,
        return_url   TEXT NOT NULL,
        details      TEXT NOT NULL,
        status       TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        expires_at   TEXT NOT NULL
      ) STRICT;

      CREATE TABLE orders (
        id                 TEXT PRIMARY KEY,
        session_id         TEXT NOT NULL REFERENCES sessions(id),
        attempt            INTEGER NOT NULL,
        provider           TEXT NOT NULL,
        method             TEXT NOT NULL,
        provider_reference TEXT NOT NULL UNIQUE,
        provider_order_id  TEXT,
        status             TEXT NOT NULL,
        amount_value       INTEGER NOT NULL,
        currency           TEXT NOT NULL,
        needs_review       INTEGER NOT NULL DEFAULT 0,
        late_success       INTEGER NOT NULL DEFAULT 0,
        created_at         TEXT NOT NULL,
        updated_at         TEXT NOT NULL,
        UNIQUE (session_id, attempt)
      ) STRICT;

      CREATE TABLE idempotency_keys (
        scope           TEXT NOT NULL,
        key             TEXT NOT NULL,
        request_hash    TEXT NOT NULL,
        state           TEXT NOT NULL CHECK (state IN ('in_progress', 'done')),
        response_status INTEGER,
        response_body   TEXT,
        created_at      TEXT NOT NULL,
        PRIMARY KEY (scope, key)
      ) STRICT;

      CREATE TABLE provider_events (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        provider    TEXT NOT NULL,
        dedupe_key  TEXT NOT NULL,
        order_id    TEXT REFERENCES orders(id),
        raw_body    TEXT NOT NULL,
        status      TEXT,
        source      TEXT NOT NULL,
        anomaly     TEXT,
        applied     INTEGER NOT NULL DEFAULT 0,
        received_at TEXT NOT NULL,
        UNIQUE (provider, dedupe_key)
      ) STRICT;

      CREATE TABLE session_events (
        session_id TEXT NOT NULL REFERENCES sessions(id),
        seq        INTEGER NOT NULL,
        order_id   TEXT REFERENCES orders(id),
        status     TEXT NOT NULL,
        at         TEXT NOT NULL,
        PRIMARY KEY (session_id, seq)
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'mandates, charge orders and the merchant outbox',
    sql: `
      ALTER TABLE orders ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE orders ADD COLUMN mandate_id TEXT;

      CREATE TABLE mandates (
        id                  TEXT PRIMARY KEY,
        provider            TEXT NOT NULL,
        reference           TEXT NOT NULL,
        provider_mandate_id TEXT,
        session_id          TEXT NOT NULL REFERENCES sessions(id),
        status              TEXT NOT NULL
                            CHECK (status IN ('pending', 'active', 'failed', 'revoked')),
        details             TEXT NOT NULL,
        version             INTEGER NOT NULL,
        created_at          TEXT NOT NULL,
        updated_at          TEXT NOT NULL,
        activated_at        TEXT,
        revoked_at          TEXT,
        UNIQUE (provider, reference)
      ) STRICT;
      CREATE INDEX mandates_by_provider_id ON mandates (provider, provider_mandate_id);

      CREATE TABLE outbox (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        id              TEXT NOT NULL UNIQUE,
        type            TEXT NOT NULL,
        subject_id      TEXT NOT NULL,
        data            TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        claimed_by      TEXT,
        claimed_until   INTEGER,
        delivered_at    TEXT,
        last_status     INTEGER,
        last_error      TEXT
      ) STRICT;
      CREATE INDEX outbox_due ON outbox (delivered_at, next_attempt_at);
      CREATE INDEX outbox_by_subject ON outbox (subject_id, seq);
    `,
  },
  {
    version: 3,
    name: 'sessions by mandate reference',
    sql: `
      ALTER TABLE sessions ADD COLUMN mandate_reference TEXT;
      UPDATE sessions SET mandate_reference = json_extract(details, '$.mandate.referenceId');
      CREATE INDEX sessions_by_mandate_reference ON sessions (mandate_reference, created_at);
    `,
  },
  {
    version: 4,
    name: 'order checks at the provider, with leases',
    sql: `
      ALTER TABLE orders ADD COLUMN next_check_at INTEGER;
      ALTER TABLE orders ADD COLUMN checks INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE orders ADD COLUMN check_claimed_by TEXT;
      ALTER TABLE orders ADD COLUMN check_claimed_until INTEGER;
      -- Orders not settled yet are checked from now on, starting with the next look.
      UPDATE orders SET next_check_at = 0
        WHERE status IN ('created', 'pending', 'processing', 'authorized');
      CREATE INDEX orders_check_due ON orders (next_check_at) WHERE next_check_at IS NOT NULL;
    `,
  },
  {
    version: 5,
    name: 'webhook inbox, dead notifications, retention indexes',
    sql: `
      -- Verified provider webhooks, stored before they are acknowledged and processed after.
      CREATE TABLE webhook_inbox (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        provider        TEXT NOT NULL,
        dedupe_key      TEXT NOT NULL,
        subject         TEXT,
        body            TEXT NOT NULL,
        headers         TEXT NOT NULL,
        received_at     TEXT NOT NULL,
        revision        INTEGER NOT NULL DEFAULT 0,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER,
        claimed_by      TEXT,
        claimed_until   INTEGER,
        processed_at    TEXT,
        outcome         TEXT,
        last_error      TEXT,
        UNIQUE (provider, dedupe_key)
      ) STRICT;
      CREATE INDEX webhook_inbox_due ON webhook_inbox (next_attempt_at)
        WHERE next_attempt_at IS NOT NULL;
      CREATE INDEX webhook_inbox_processed ON webhook_inbox (processed_at)
        WHERE processed_at IS NOT NULL;
      -- An order's events are processed one at a time, in the order they came.
      CREATE INDEX webhook_inbox_by_subject ON webhook_inbox (provider, subject, id)
        WHERE next_attempt_at IS NOT NULL;

      -- A notification that could not be delivered for too long is parked, not retried.
      ALTER TABLE outbox ADD COLUMN dead_at TEXT;
      CREATE INDEX outbox_dead ON outbox (dead_at) WHERE dead_at IS NOT NULL;
      CREATE INDEX outbox_delivered ON outbox (delivered_at) WHERE delivered_at IS NOT NULL;

      -- Retention deletes by age.
      CREATE INDEX provider_events_by_received ON provider_events (received_at);
      CREATE INDEX idempotency_keys_by_created ON idempotency_keys (created_at);
      CREATE INDEX sessions_by_expiry ON sessions (expires_at);
    `,
  },
  {
    version: 6,
    name: 'notification failure streaks and job leases',
    sql: `
      -- Failed attempts since the message was queued or re-queued, and when the first of them
      -- failed: what parks a message as dead. \`attempts\` stays the lifetime total.
      ALTER TABLE outbox ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE outbox ADD COLUMN first_failed_at TEXT;
      UPDATE outbox SET failed_attempts = attempts, first_failed_at = created_at
        WHERE delivered_at IS NULL AND attempts > 0;

      -- One lease per background job (retention), so that one instance runs it per interval.
      CREATE TABLE job_leases (
        name     TEXT PRIMARY KEY,
        owner    TEXT NOT NULL,
        until_ms INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 7,
    name: 'shared rate-limit counters',
    sql: `
      -- Hits per subject and fixed window, added to by every instance in batches
      -- (core/limits.ts); a row is worth nothing once its window has ended.
      CREATE TABLE limit_counters (
        key        TEXT PRIMARY KEY,
        count      INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX limit_counters_by_expiry ON limit_counters (expires_at);
    `,
  },
  {
    version: 8,
    name: 'order activity and console sign-ins',
    sql: `
      -- What the operator console tells of an order beyond its own rows: provider calls,
      -- refused and duplicate webhooks, polls, notification attempts, operator actions.
      -- No foreign key: a refused webhook may name no order, and rows go by age alone.
      CREATE TABLE order_activity (
        id       INTEGER PRIMARY KEY AUTOINCREMENT,
        order_id TEXT,
        provider TEXT,
        kind     TEXT NOT NULL,
        at       TEXT NOT NULL,
        detail   TEXT NOT NULL
      ) STRICT;
      CREATE INDEX order_activity_by_order ON order_activity (order_id, id)
        WHERE order_id IS NOT NULL;
      CREATE INDEX order_activity_by_provider ON order_activity (kind, provider, at);
      CREATE INDEX order_activity_by_time ON order_activity (at);

      -- Operator sign-ins, by the SHA-256 of the cookie's token, so every instance accepts them.
      CREATE TABLE console_sessions (
        id_hash    TEXT PRIMARY KEY,
        operator   TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX console_sessions_by_expiry ON console_sessions (expires_at);

      -- The console lists orders newest first.
      CREATE INDEX orders_by_created ON orders (created_at, id);
    `,
  },
  {
    version: 9,
    name: 'webhook inbox pending events in arrival order',
    sql: `
      -- The inbox looks for due events oldest first: without this index the look walks every
      -- processed event before the first pending one, so each look grows with the history.
      CREATE INDEX webhook_inbox_pending ON webhook_inbox (id) WHERE next_attempt_at IS NOT NULL;
    `,
  },
  {
    version: 10,
    name: 'console search by provider order id',
    sql: `
      -- The console's search finds an order by its provider's id, exactly (its other terms go
      -- by the primary key, (session_id, attempt) and the unique index on sessions.reference).
      CREATE INDEX orders_by_provider_order_id ON orders (provider_order_id)
        WHERE provider_order_id IS NOT NULL;
    `,
  },
  {
    version: 11,
    name: 'webhook inbox without the index of due times',
    sql: `
      -- Pending events are found through webhook_inbox_pending, in arrival order; the index of
      -- their due times served no query and was written by every insert and every attempt.
      DROP INDEX webhook_inbox_due;
    `,
  },
];
