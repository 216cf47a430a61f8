/**
 * @module
 * The webhooks the inbox does not keep, recorded for the console: refused ones (a signature
 * that does not verify, a body that is not an event, an order that is not ours) with the
 * reason and the masked body, and copies of events taken in before (the duplicate verdict).
 * A refused webhook is attributed to an order only when the reference its body names is one of
 * ours. A verified new webhook is not recorded here: its inbox row is its record.
 *
 * Everything happens beside the request, which is answered without waiting for it.
 */
import type { AppContext } from '../core/context.js';
import type { Provider } from '../providers/provider.js';
import { recordActivity } from './activity.js';

/** Most characters of a body kept with a refused webhook. */
const MAX_BODY_CHARS = 8_192;

/** Why a webhook was refused. */
export type RefusalReason = 'invalid_signature' | 'invalid_body' | 'unknown_order';

function bodyOf(raw: Uint8Array | string): string {
  const text = typeof raw === 'string' ? raw : new TextDecoder().decode(raw);
  return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}…` : text;
}

/** The reference a body names, as the provider would read it, or null. */
function referenceIn(provider: Provider, text: string): string | null {
  try {
    return provider.parseWebhook(text).reference;
  } catch {
    try {
      return provider.parseHint?.(text).reference ?? null;
    } catch {
      return null;
    }
  }
}

async function orderIdOf(
  ctx: AppContext,
  provider: Provider,
  reference: string | null,
): Promise<string | null> {
  if (reference === null) return null;
  const order = await ctx.ledger.findOrderByProviderReference(provider.id, reference);
  return order?.id ?? null;
}

/** Records a refused webhook (see the module comment); returns at once. */
export function recordRefusedWebhook(
  ctx: AppContext,
  provider: Provider,
  reason: RefusalReason,
  raw: Uint8Array | string,
): void {
  const at = ctx.now();
  void (async () => {
    const body = bodyOf(raw);
    let orderId: string | null = null;
    try {
      orderId = await orderIdOf(ctx, provider, referenceIn(provider, body));
    } catch {
      // Recorded without an order.
    }
    recordActivity(ctx, {
      orderId,
      provider: provider.id,
      kind: 'webhook',
      at,
      detail: { verdict: 'refused', reason, duplicate: false, body },
    });
  })();
}

/** Records a verified webhook whose event was taken in before; returns at once. */
export function recordDuplicateWebhook(
  ctx: AppContext,
  provider: Provider,
  event: { dedupeKey: string; reference: string | null; providerStatus?: string },
  rawBody: string,
): void {
  const at = ctx.now();
  void (async () => {
    let orderId: string | null = null;
    try {
      orderId = await orderIdOf(ctx, provider, event.reference);
    } catch {
      // Recorded without an order.
    }
    recordActivity(ctx, {
      orderId,
      provider: provider.id,
      kind: 'webhook',
      at,
      detail: {
        verdict: 'verified',
        duplicate: true,
        eventId: event.dedupeKey,
        ...(event.providerStatus !== undefined ? { type: event.providerStatus } : {}),
        body: bodyOf(rawBody),
      },
    });
  })();
}
