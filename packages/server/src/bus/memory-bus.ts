/**
 * @module
 * The in-process {@link EventBus}: a map of session id → listeners. Fits one server process.
 */
import type { EventBus, SessionListener } from './bus.js';

/** Creates an in-memory event bus. */
export function createMemoryBus(): EventBus {
  const listeners = new Map<string, Set<SessionListener>>();
  let count = 0;
  return {
    publish(sessionId) {
      const set = listeners.get(sessionId);
      if (!set) return;
      for (const listener of [...set]) {
        try {
          listener(sessionId);
        } catch {
          // One broken listener must not keep the others from hearing about the change.
        }
      }
    },
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
    async close() {
      listeners.clear();
      count = 0;
    },
  };
}
