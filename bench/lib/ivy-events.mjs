/**
 * @module
 * Ivy `order_updated` webhooks as Ivy sends them: compact JSON, `X-Ivy-Signature` = lowercase
 * hex HMAC-SHA256 of the exact bytes with the webhook signing secret (shared/providers/ivy.md §5).
 */
import { createHmac } from 'node:crypto';

const EPOCH = Date.parse('2025-01-01T00:00:00.000Z');

/** The body of one `order_updated` event; the same arguments give the same bytes. */
export function ivyOrderUpdated({ eventId, referenceId, status, atMs = EPOCH }) {
  return JSON.stringify({
    id: eventId,
    type: 'order_updated',
    payload: { id: `ivy-${referenceId}`, referenceId, status },
    date: new Date(atMs).toISOString(),
  });
}

export function ivySignature(secret, body) {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * Event `k` of the ingestion sequence over `references`. Every event has its own id. The first
 * pass over the orders moves each one `pending → processing`, the second `processing → failed`;
 * later passes change nothing (late or out-of-order deliveries). With `redeliveries`, every
 * tenth event is instead an exact copy of the one sent 509 events earlier (a provider retry),
 * which the server must deduplicate.
 */
export function ingestionEvent(tag, references, k, { redeliveries = false } = {}) {
  const original = redeliveries && k % 10 === 9 && k >= 509 ? k - 509 : k;
  const count = references.length;
  const pass = Math.floor(original / count);
  const status =
    pass === 0
      ? 'processing'
      : pass === 1
        ? 'failed'
        : pass % 2 === 0
          ? 'waiting_for_bank_confirmation'
          : 'processing';
  return {
    duplicate: original !== k,
    body: ivyOrderUpdated({
      eventId: `evt-${tag}-${original}`,
      referenceId: references[original % count],
      status,
      atMs: EPOCH + original,
    }),
  };
}
