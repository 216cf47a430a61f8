/**
 * @module
 * `Idempotency-Key` semantics for provider APIs: the first response to a key is stored and
 * replayed for the same request; the same key with a different request is refused.
 */
import { createHash } from 'node:crypto';

/** A stored response, replayed byte for byte. */
export interface StoredResponse {
  status: number;
  body: string;
  contentType: string;
}

/** What to do with an incoming request that carries a key. */
export type IdempotencyDecision =
  | { kind: 'proceed' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'in_progress' };

interface Entry {
  fingerprint: string;
  response?: StoredResponse;
}

/** Remembers responses by idempotency key. */
export class IdempotencyStore {
  readonly #entries = new Map<string, Entry>();

  /** Fingerprint of a request: method, path and the exact body bytes. */
  static fingerprint(method: string, path: string, body: string): string {
    return createHash('sha256').update(`${method} ${path}\n`).update(body).digest('hex');
  }

  /** Claims `key` for a request, or tells how to answer it. */
  begin(key: string, fingerprint: string): IdempotencyDecision {
    const entry = this.#entries.get(key);
    if (!entry) {
      this.#entries.set(key, { fingerprint });
      return { kind: 'proceed' };
    }
    if (entry.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (!entry.response) return { kind: 'in_progress' };
    return { kind: 'replay', response: entry.response };
  }

  /** Stores the response of a request that {@link begin} let proceed. */
  complete(key: string, response: StoredResponse): void {
    const entry = this.#entries.get(key);
    if (entry) entry.response = response;
  }

  /** Releases a key whose request produced nothing worth replaying (e.g. a server error). */
  release(key: string): void {
    this.#entries.delete(key);
  }
}
