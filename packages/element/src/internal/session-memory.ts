/**
 * @module
 * What the element remembers about a session across reloads of the same tab: the
 * Idempotency-Key of each attempt, whether the customer was sent to the provider or shown a QR
 * code, and which final events were already fired.
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
const qrOf = (session: string) => `${PREFIX}${session}:qr`;
const finalOf = (session: string, order: string) => `${PREFIX}${session}:final:${order}`;

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

/** Notes that this tab shows the QR code of an attempt with `method`, to show it again on reload. */
export function markQr(session: string, method: string): void {
  write(qrOf(session), method);
}

/** The method whose QR code this tab showed for the session, if any. */
export function qrMethod(session: string): string | null {
  return read(qrOf(session));
}

/** True when this tab sent the customer to the provider for this session. */
export function wasRedirected(session: string): boolean {
  return read(redirectedOf(session)) === '1';
}

/**
 * Records that the final event (`pay-success` or `pay-failure`) of an order was fired, and tells
 * whether it had been already: a reload or the way back from the provider must not fire it twice.
 */
export function claimFinalEvent(session: string, order: string): boolean {
  if (read(finalOf(session, order))) return false;
  write(finalOf(session, order), '1');
  return true;
}

/** Forgets every key and mark of the session, so the next attempt is a new one. */
export function forgetAttempts(session: string, methods: readonly string[]): void {
  for (const method of methods) remove(keyOf(session, method));
  remove(redirectedOf(session));
  remove(qrOf(session));
}

/**
 * A random UUID v4, or 32 random hex digits where `crypto.randomUUID` is missing (it exists only
 * in secure contexts): either is a fine Idempotency-Key.
 */
export function randomId(): string {
  return (
    crypto.randomUUID?.() ??
    Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
      b.toString(16).padStart(2, '0'),
    ).join('')
  );
}
