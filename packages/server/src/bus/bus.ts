/**
 * @module
 * The change-notification bus behind the SSE stream. It only says "session X changed"; readers
 * then fetch the events after their cursor from the store, so a lost or doubled notification
 * can cause neither a gap nor a repeat. In-process today (./memory-bus.ts); a PostgreSQL
 * LISTEN/NOTIFY bus will implement the same interface for several instances.
 */

/** Called when a session has new events. */
export type SessionListener = (sessionId: string) => void;

export interface EventBus {
  /** Announces that `sessionId` has new session events. */
  publish(sessionId: string): void;
  /** Listens for one session; returns the function that stops listening. */
  subscribe(sessionId: string, listener: SessionListener): () => void;
  /** Number of active subscriptions (for diagnostics and tests). */
  size(): number;
  close(): Promise<void>;
}
