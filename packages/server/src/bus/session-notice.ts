/**
 * @module
 * The notice a store sends to every instance when a session's log grows: the channel and its
 * payload, `<session id>:<seq>`. Only ids travel; readers fetch the events from the store.
 */

/** The PostgreSQL channel (`LISTEN`/`NOTIFY`) of session-log notices. */
export const SESSION_NOTICE_CHANNEL = 'pay_checkout_session_events';

export interface SessionNotice {
  sessionId: string;
  seq: number;
}

export function encodeSessionNotice(notice: SessionNotice): string {
  return `${notice.sessionId}:${notice.seq}`;
}

/** The notice in `payload`, or null when it is not one. Session ids hold no colon. */
export function decodeSessionNotice(payload: string): SessionNotice | null {
  const at = payload.lastIndexOf(':');
  if (at <= 0) return null;
  const seq = Number(payload.slice(at + 1));
  if (!Number.isSafeInteger(seq) || seq < 1) return null;
  return { sessionId: payload.slice(0, at), seq };
}
