/**
 * @module
 * The PostgreSQL schema as numbered migrations, recorded in `schema_migrations`; never edit a
 * released migration, add the next one. The first holds the tables, unique keys and checks of
 * SQLite's migrations 1–3 (../sqlite/migrations.ts) in PostgreSQL's own types: TEXT ids, BIGINT
 * amounts and epoch milliseconds, TIMESTAMPTZ timestamps, BOOLEAN flags, identity columns.
 *
 * `details` columns are JSON rather than JSONB: JSON keeps the document as written (key order
 * included, e.g. of a merchant's metadata), and nothing queries inside it.
 */

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Runs before any migration; records which ones are applied. */
export const SCHEMA_MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL
  )`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE sessions (
        id                TEXT PRIMARY KEY,
        reference         TEXT NOT NULL CONSTRAINT sessions_reference_key UNIQUE,
        amount_value      BIGINT NOT NULL,
        currency          TEXT NOT NULL,
        country           TEXT NOT NULL,
        return_url        TEXT NOT NULL,
        details           JSON NOT NULL,
        mandate_reference TEXT,
        status            TEXT NOT NULL,
        created_at        TIMESTAMPTZ NOT NULL,
        expires_at        TIMESTAMPTZ NOT NULL
      );
      CREATE INDEX sessions_by_mandate_reference ON sessions (mandate_reference, created_at);

      CREATE TABLE orders (
        id                 TEXT PRIMARY KEY,
        session_id         TEXT NOT NULL REFERENCES sessions (id),
        attempt            INTEGER NOT NULL,
        provider           TEXT NOT NULL,
        method             TEXT NOT NULL,
        provider_reference TEXT NOT NULL UNIQUE,
        provider_order_id  TEXT,
        status             TEXT NOT NULL,
        amount_value       BIGINT NOT NULL,
        currency           TEXT NOT NULL,
        needs_review       BOOLEAN NOT NULL DEFAULT FALSE,
        late_success       BOOLEAN NOT NULL DEFAULT FALSE,
        version            INTEGER NOT NULL DEFAULT 0,
        mandate_id         TEXT,
        created_at         TIMESTAMPTZ NOT NULL,
        updated_at         TIMESTAMPTZ NOT NULL,
        UNIQUE (session_id, attempt)
      );

      CREATE TABLE idempotency_keys (
        scope           TEXT NOT NULL,
        key             TEXT NOT NULL,
        request_hash    TEXT NOT NULL,
        state           TEXT NOT NULL CHECK (state IN ('in_progress', 'done')),
        response_status INTEGER,
        response_body   TEXT,
        created_at      TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (scope, key)
      );

      CREATE TABLE provider_events (
        id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        provider    TEXT NOT NULL,
        dedupe_key  TEXT NOT NULL,
        order_id    TEXT REFERENCES orders (id),
        raw_body    TEXT NOT NULL,
        status      TEXT,
        source      TEXT NOT NULL,
        anomaly     TEXT,
        applied     BOOLEAN NOT NULL DEFAULT FALSE,
        received_at TIMESTAMPTZ NOT NULL,
        UNIQUE (provider, dedupe_key)
      );

      CREATE TABLE session_events (
        session_id TEXT NOT NULL REFERENCES sessions (id),
        seq        INTEGER NOT NULL,
        order_id   TEXT REFERENCES orders (id),
        status     TEXT NOT NULL,
        at         TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (session_id, seq)
      );

      CREATE TABLE mandates (
        id                  TEXT PRIMARY KEY,
        provider            TEXT NOT NULL,
        reference           TEXT NOT NULL,
        provider_mandate_id TEXT,
        session_id          TEXT NOT NULL REFERENCES sessions (id),
        status              TEXT NOT NULL
                            CHECK (status IN ('pending', 'active', 'failed', 'revoked')),
        details             JSON NOT NULL,
        version             INTEGER NOT NULL,
        created_at          TIMESTAMPTZ NOT NULL,
        updated_at          TIMESTAMPTZ NOT NULL,
        activated_at        TIMESTAMPTZ,
        revoked_at          TIMESTAMPTZ,
        UNIQUE (provider, reference)
      );
      CREATE INDEX mandates_by_provider_id ON mandates (provider, provider_mandate_id);
      CREATE INDEX mandates_by_reference ON mandates (reference, created_at);

      CREATE TABLE outbox (
        seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id              TEXT NOT NULL UNIQUE,
        type            TEXT NOT NULL,
        subject_id      TEXT NOT NULL,
        data            TEXT NOT NULL,
        created_at      TIMESTAMPTZ NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at BIGINT NOT NULL,
        claimed_by      TEXT,
        claimed_until   BIGINT,
        delivered_at    TIMESTAMPTZ,
        last_status     INTEGER,
        last_error      TEXT
      );
      -- Only undelivered messages are ever looked for, so only they are indexed.
      CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;
      CREATE INDEX outbox_by_subject ON outbox (subject_id, seq) WHERE delivered_at IS NULL;
    `,
  },
  {
    version: 2,
    name: 'order checks at the provider, with leases',
    sql: `
      ALTER TABLE orders ADD COLUMN next_check_at BIGINT;
      ALTER TABLE orders ADD COLUMN checks INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE orders ADD COLUMN check_claimed_by TEXT;
      ALTER TABLE orders ADD COLUMN check_claimed_until BIGINT;
      -- Orders not settled yet are checked from now on, starting with the next look.
      UPDATE orders SET next_check_at = 0
        WHERE status IN ('created', 'pending', 'processing', 'authorized');
      -- Only orders still to be checked are ever looked for, so only they are indexed.
      CREATE INDEX orders_check_due ON orders (next_check_at) WHERE next_check_at IS NOT NULL;
    `,
  },
  {
    version: 3,
    name: 'webhook inbox, dead notifications, retention indexes',
    sql: `
      -- Verified provider webhooks, stored before they are acknowledged and processed after.
      CREATE TABLE webhook_inbox (
        id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        provider        TEXT NOT NULL,
        dedupe_key      TEXT NOT NULL,
        subject         TEXT,
        body            TEXT NOT NULL,
        headers         JSON NOT NULL,
        received_at     TIMESTAMPTZ NOT NULL,
        revision        INTEGER NOT NULL DEFAULT 0,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at BIGINT,
        claimed_by      TEXT,
        claimed_until   BIGINT,
        processed_at    TIMESTAMPTZ,
        outcome         TEXT,
        last_error      TEXT,
        UNIQUE (provider, dedupe_key)
      );
      -- Only events still to be processed are ever looked for, so only they are indexed.
      CREATE INDEX webhook_inbox_due ON webhook_inbox (next_attempt_at)
        WHERE next_attempt_at IS NOT NULL;
      CREATE INDEX webhook_inbox_processed ON webhook_inbox (processed_at)
        WHERE processed_at IS NOT NULL;
      -- An order's events are processed one at a time, in the order they came.
      CREATE INDEX webhook_inbox_by_subject ON webhook_inbox (provider, subject, id)
        WHERE next_attempt_at IS NOT NULL;

      -- A notification that could not be delivered for too long is parked, not retried.
      ALTER TABLE outbox ADD COLUMN dead_at TIMESTAMPTZ;
      DROP INDEX outbox_due;
      CREATE INDEX outbox_due ON outbox (next_attempt_at)
        WHERE delivered_at IS NULL AND dead_at IS NULL;
      CREATE INDEX outbox_dead ON outbox (dead_at) WHERE dead_at IS NOT NULL;
      CREATE INDEX outbox_delivered ON outbox (delivered_at) WHERE delivered_at IS NOT NULL;

      -- Retention deletes by age.
      CREATE INDEX provider_events_by_received ON provider_events (received_at);
      CREATE INDEX idempotency_keys_by_created ON idempotency_keys (created_at);
      CREATE INDEX sessions_by_expiry ON sessions (expires_at);
    `,
  },
  {
    version: 4,
    name: 'notification failure streaks and job leases',
    sql: `
      -- Failed attempts since the message was queued or re-queued, and when the first of them
      -- failed: what parks a message as dead. \`attempts\` stays the lifetime total.
      ALTER TABLE outbox ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE outbox ADD COLUMN first_failed_at TIMESTAMPTZ;
      UPDATE outbox SET failed_attempts = attempts, first_failed_at = created_at
        WHERE delivered_at IS NULL AND attempts > 0;

      -- One lease per background job (retention), so that one instance runs it per interval.
      CREATE TABLE job_leases (
        name     TEXT PRIMARY KEY,
        owner    TEXT NOT NULL,
        until_ms BIGINT NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: 'shared rate-limit counters',
    sql: `
      -- Hits per subject and fixed window, added to by every instance in batches
      -- (core/limits.ts); a row is worth nothing once its window has ended.
      CREATE TABLE limit_counters (
        key        TEXT PRIMARY KEY,
        count      INTEGER NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX limit_counters_by_expiry ON limit_counters (expires_at);
    `,
  },
  {
    version: 6,
    name: 'order activity and console sign-ins',
    sql: `
      -- What the operator console tells of an order beyond its own rows: provider calls,
      -- refused and duplicate webhooks, polls, notification attempts, operator actions.
      -- No foreign key: a refused webhook may name no order, and rows go by age alone.
      CREATE TABLE order_activity (
        id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        order_id TEXT,
        provider TEXT,
        kind     TEXT NOT NULL,
        at       TIMESTAMPTZ NOT NULL,
        detail   JSON NOT NULL
      );
      CREATE INDEX order_activity_by_order ON order_activity (order_id, id)
        WHERE order_id IS NOT NULL;
      CREATE INDEX order_activity_by_provider ON order_activity (kind, provider, at);
      CREATE INDEX order_activity_by_time ON order_activity (at);

      -- Operator sign-ins, by the SHA-256 of the cookie's token, so every instance accepts them.
      CREATE TABLE console_sessions (
        id_hash    TEXT PRIMARY KEY,
        operator   TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL
      );
      CREATE INDEX console_sessions_by_expiry ON console_sessions (expires_at);

      -- The console lists orders newest first.
      CREATE INDEX orders_by_created ON orders (created_at, id);
    `,
  },
  {
    version: 7,
    name: 'webhook inbox pending events in arrival order',
    sql: `
      -- The inbox looks for due events oldest first: without this index the look walks every
      -- processed event before the first pending one, so each look grows with the history.
      CREATE INDEX webhook_inbox_pending ON webhook_inbox (id) WHERE next_attempt_at IS NOT NULL;
    `,
  },
  {
    version: 8,
    name: 'console search by provider order id and reference prefix',
    sql: `
      -- The console's search finds an order by its provider's id, exactly, and by a prefix of
      -- its session's reference, as a range in byte order: the "C" collation, whatever the
      -- database's own, so that the range holds exactly the references that start with the text.
      CREATE INDEX orders_by_provider_order_id ON orders (provider_order_id)
        WHERE provider_order_id IS NOT NULL;
      CREATE INDEX sessions_by_reference_bytes ON sessions ((reference COLLATE "C"));
    `,
  },
  {
    version: 9,
    name: 'webhook inbox without the index of due times',
    sql: `
      -- Pending events are found through webhook_inbox_pending, in arrival order; the index of
      -- their due times served no query and was written by every insert and every attempt.
      DROP INDEX webhook_inbox_due;
    `,
  },
];
