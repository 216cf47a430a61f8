/**
 * @module
 * `POST /webhooks/:provider`: verify the signature on the raw bytes, parse, store the event in
 * the inbox (deduplicated by the provider's event id) and acknowledge at once. What the event
 * means — a confirmation read at the provider where one is needed, the status machine, the
 * session event, the merchant notification — is worked out right after, from the stored event
 * (core/inbox.ts), and tried again until it is. A bad signature or body writes nothing.
 *
 * A webhook the provider documents as unsigned (iwocaPay's) is a hint, never a fact: it only
 * names the order, which is then read back from the provider, and what the provider answers is
 * applied. Hints for one order share one stored event, so a flood of them costs one read at a
 * time.
 */
import { Hono } from 'hono';
import type { ProviderId } from '@pay-checkout/protocol';
import { ApiError } from '../core/api-error.js';
import type { AppContext, AppEnv } from '../core/context.js';
import { storeWebhook, type StoredWebhook } from '../core/inbox.js';
import { readRawBody } from '../core/raw-body.js';
import { WEBHOOKS } from '../core/metrics.js';
import { UNKNOWN_ORDER } from '../store/store.js';
import { decodeUtf8, notUtf8 } from '../http/strict-json.js';
import type { HeaderReader, ParsedWebhook } from '../providers/provider.js';
import { recordDuplicateWebhook, recordRefusedWebhook } from '../console/webhook-activity.js';

/** Request headers kept with a stored webhook, for the record. */
const KEPT_HEADERS = ['content-type', 'date', 'user-agent'] as const;

/** The webhook routes of every configured provider. */
export function webhookRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/webhooks/:provider', async (c) => {
    const provider = ctx.providers.get(c.req.param('provider') as ProviderId);
    if (!provider) throw new ApiError(404, 'not_found', 'No such webhook endpoint');
    const count = (outcome: string) =>
      ctx.metrics.inc(WEBHOOKS, 'Provider webhooks received, by outcome.', {
        provider: provider.id,
        outcome,
      });
    const raw = await readRawBody(c);
    const headers: HeaderReader = c.req.raw.headers;
    const verdict = provider.verifyWebhook(raw, headers);
    const ack = (duplicate: boolean) => {
      const custom = provider.acknowledge?.();
      if (custom) {
        return new Response(custom.body, {
          status: custom.status,
          headers: { 'Content-Type': custom.contentType },
        });
      }
      return c.json({ received: true, duplicate }, 200);
    };
    const store = async (webhook: StoredWebhook) => {
      const kept = Object.fromEntries(
        KEPT_HEADERS.flatMap((name) => {
          const value = headers.get(name);
          return value === null ? [] : [[name, value.slice(0, 200)]];
        }),
      );
      const id = await storeWebhook(ctx, provider.id, webhook, kept);
      if (id === UNKNOWN_ORDER) {
        // Not one of our orders (another integration on the same provider account): the
        // provider is told, and nothing is kept.
        count('unknown_order');
        if (webhook.kind === 'event') {
          recordRefusedWebhook(ctx, provider, 'unknown_order', webhook.rawBody);
        }
        throw new ApiError(404, 'not_found', 'No order with this reference');
      }
      if (id === null) {
        count('duplicate');
        if (webhook.kind === 'event') {
          recordDuplicateWebhook(ctx, provider, webhook.event, webhook.rawBody);
        }
        return ack(true);
      }
      ctx.inbox?.submit(id);
      count('stored');
      return ack(false);
    };

    if (verdict === 'unsigned' && provider.parseHint) {
      let reference: string;
      try {
        reference = provider.parseHint(
          new TextDecoder('utf-8', { fatal: true }).decode(raw),
        ).reference;
      } catch {
        count('invalid_body');
        recordRefusedWebhook(ctx, provider, 'invalid_body', raw);
        throw new ApiError(400, 'invalid_request', 'The webhook body names no order');
      }
      // Only hints about our own orders are kept: anyone can send an unsigned webhook.
      if (!(await ctx.ledger.findOrderByProviderReference(provider.id, reference))) {
        count('unknown_order');
        recordRefusedWebhook(ctx, provider, 'unknown_order', raw);
        throw new ApiError(404, 'not_found', 'No order with this reference');
      }
      return store({ kind: 'hint', reference });
    }
    if (verdict !== true) {
      count('invalid_signature');
      recordRefusedWebhook(ctx, provider, 'invalid_signature', raw);
      throw new ApiError(401, 'invalid_signature', 'The webhook signature is missing or wrong');
    }
    // Strict UTF-8: bytes that are not are refused, never stored as U+FFFD.
    const text = decodeUtf8(raw);
    if (text === null) {
      count('invalid_body');
      throw notUtf8('The webhook body');
    }
    let parsed: ParsedWebhook;
    try {
      parsed = provider.parseWebhook(text, headers);
    } catch {
      count('invalid_body');
      recordRefusedWebhook(ctx, provider, 'invalid_body', text);
      throw new ApiError(400, 'invalid_request', 'The webhook body is not a known event');
    }
    if (parsed.mandate) {
      // Account numbers and signature tokens are never stored.
      return store({ kind: 'event', event: parsed, rawBody: parsed.mandate.redactedBody });
    }
    // A status event about an order that is not ours is refused by the store (UNKNOWN_ORDER),
    // which looks for the orders of the webhooks stored together in one query.
    return store({ kind: 'event', event: parsed, rawBody: text });
  });

  return app;
}
