/**
 * @module
 * Views tell the app what screen-reader users should hear (a live update, an action's result);
 * the app speaks it through its one polite live region.
 */

/** Event name; `detail` is the sentence to announce. */
export const ANNOUNCE = 'console-announce';

export type AnnounceEvent = CustomEvent<string>;

/** Asks the app to announce `message` from `from` (the event crosses shadow roots). */
export function announce(from: EventTarget, message: string): void {
  from.dispatchEvent(new CustomEvent(ANNOUNCE, { detail: message, bubbles: true, composed: true }));
}

declare global {
  interface HTMLElementEventMap {
    [ANNOUNCE]: AnnounceEvent;
  }
}
