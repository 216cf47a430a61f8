/**
 * @module
 * What the element remembers about a session across reloads of the same tab: the
 * Idempotency-Key of each attempt and whether the customer was sent to the provider.
 *
 * sessionStorage is per tab, so two tabs on the same checkout never share a key. Storage can be
 * unavailable (sandboxed iframes, strict privacy modes); memory then stands in for this page.
 */

const PREFIX = 'pay-checkout:';
const fallback = new Map<string, string>();

function storage(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined;
  }
}

function read(key: string): string | null {
  const store = storage();
  if (store) {
    try {
      return store.getItem(key);
    } catch {
      // Access denied at read time: fall through to memory.
    }
  }
  return fallback.get(key) ?? null;
}

function write(key: string, value: string): void {
  try {
    const store = storage();
    if (store) {
      store.setItem(key, value);
      return;
    }
  } catch {
    // Quota or access denied: memory keeps it for this page.
  }
  fallback.set(key, value);
}

function remove(key: string): void {
  fallback.delete(key);
  try {
    storage()?.removeItem(key);
  } catch {
    // Nothing to clean.
  }
}

const keyOf = (session: string, method: string) => `${PREFIX}${session}:key:${method}`;
const redirectedOf = (session: string) => `${PREFIX}${session}:redirected`;

/** The Idempotency-Key of the current attempt with `method`, created on first use. */
export function idempotencyKeyFor(session: string, method: string): string {
  const existing = read(keyOf(session, method));
  if (existing) return existing;
  const created = randomId();
  write(keyOf(session, method), created);
  return created;
}

/** Notes that the customer left for the provider's page from this session. */
export function markRedirected(session: string): void {
  write(redirectedOf(session), '1');
}

/** True when this tab sent the customer to the provider for this session. */
export function wasRedirected(session: string): boolean {
  return read(redirectedOf(session)) === '1';
}

/** Forgets every key and mark of the session, so the next attempt is a new one. */
export function forgetAttempts(session: string, methods: readonly string[]): void {
  for (const method of methods) remove(keyOf(session, method));
  remove(redirectedOf(session));
}

/** A random UUID v4; `crypto.randomUUID` exists only in secure contexts, so build one otherwise. */
export function randomId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
