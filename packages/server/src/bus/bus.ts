/**
 * @module
 * The change-notification bus behind the SSE stream. It only says "session X changed"; readers
 * then fetch the events after their cursor from the store, so a doubled or spurious
 * notification is harmless and only a missed one could delay a stream. Two implementations:
 * in-process for one server (./memory-bus.ts), and PostgreSQL `LISTEN`/`NOTIFY` for several
 * instances on one database (./pg-bus.ts).
 */

/** Called when a session has new events. */
export type SessionListener = (sessionId: string) => void;

export interface EventBus {
  /**
   * Announces that `sessionId` has new session events. Call it after the events are committed.
   * Buses whose store announces commits itself (PostgreSQL) may do nothing here.
   */
  publish(sessionId: string): void;
  /** Listens for one session; returns the function that stops listening (idempotent). */
  subscribe(sessionId: string, listener: SessionListener): () => void;
  /** Number of active subscriptions (for diagnostics and tests). */
  size(): number;
  /**
   * Whether changes made by other instances reach this bus right now (for `/readyz`). Absent on
   * buses that cannot lose their connection, which count as always connected.
   */
  connected?(): boolean;
  /** Stops the bus and drops every listener; idempotent. */
  close(): Promise<void>;
}
