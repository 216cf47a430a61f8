/**
 * @module
 * The in-process {@link EventBus}: a map of session id → listeners. Fits one server process.
 * The map itself ({@link createSubscriptions}) is shared with the PostgreSQL bus, which fills it
 * the same way and wakes it from `LISTEN` instead of from `publish`.
 */
import type { EventBus, SessionListener } from './bus.js';

/** The listeners of a bus, by session id. */
export interface Subscriptions {
  /** Adds one listener; returns the idempotent function that removes it. */
  subscribe(sessionId: string, listener: SessionListener): () => void;
  /** Number of active subscriptions. */
  size(): number;
  /** Calls every listener of `sessionId`. */
  wake(sessionId: string): void;
  /** Calls every listener of every session, each once. */
  wakeAll(): void;
  /** Removes every listener. */
  clear(): void;
}

/**
 * Creates an empty listener map. A listener that throws is reported to `onError` (if given) and
 * does not keep the others from hearing about the change.
 */
export function createSubscriptions(
  onError?: (error: unknown, sessionId: string) => void,
): Subscriptions {
  const listeners = new Map<string, Set<SessionListener>>();
  let count = 0;
  const call = (sessionId: string, listener: SessionListener): void => {
    try {
      listener(sessionId);
    } catch (error) {
      onError?.(error, sessionId);
    }
  };
  return {
    subscribe(sessionId, listener) {
      let set = listeners.get(sessionId);
      if (!set) listeners.set(sessionId, (set = new Set()));
      // Wrap so the same function subscribed twice gets two independent subscriptions.
      const entry: SessionListener = (id) => listener(id);
      set.add(entry);
      count++;
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        count--;
        set.delete(entry);
        if (set.size === 0 && listeners.get(sessionId) === set) listeners.delete(sessionId);
      };
    },
    size() {
      return count;
    },
    wake(sessionId) {
      const set = listeners.get(sessionId);
      if (!set) return;
      // A snapshot: listeners that subscribe or unsubscribe while being woken change nothing now.
      for (const listener of [...set]) call(sessionId, listener);
    },
    wakeAll() {
      const all = [...listeners].flatMap(([sessionId, set]) =>
        [...set].map((listener) => [sessionId, listener] as const),
      );
      for (const [sessionId, listener] of all) call(sessionId, listener);
    },
    clear() {
      listeners.clear();
      count = 0;
    },
  };
}

/** Creates an in-memory event bus. */
export function createMemoryBus(): EventBus {
  const subscriptions = createSubscriptions();
  return {
    publish(sessionId) {
      subscriptions.wake(sessionId);
    },
    subscribe(sessionId, listener) {
      return subscriptions.subscribe(sessionId, listener);
    },
    size() {
      return subscriptions.size();
    },
    async close() {
      subscriptions.clear();
    },
  };
}
