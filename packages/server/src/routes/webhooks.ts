/**
 * @module
 * `POST /webhooks/:provider`: verify the signature on the raw bytes, parse, find the order by
 * our reference, confirm a success with the provider when needed, and apply the status with the
 * event's dedupe key in one transaction. A bad signature writes nothing.
 */
import { Hono } from 'hono';
import { isNegative, isPaidFamily } from '@pay-checkout/protocol/status';
import type { ProviderId } from '@pay-checkout/protocol';
import { ApiError } from '../core/api-error.js';
import { applyMandateUpdate } from '../core/apply-mandate.js';
import { applyStatus } from '../core/apply-status.js';
import type { AppContext, AppEnv } from '../core/context.js';
import { WEBHOOKS } from '../core/metrics.js';
import type { ParsedWebhook, Provider } from '../providers/provider.js';

/** The webhook routes of every configured provider. */
export function webhookRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/webhooks/:provider', async (c) => {
    const provider = ctx.providers.get(c.req.param('provider') as ProviderId);
    if (!provider) throw new ApiError(404, 'not_found', 'No such webhook endpoint');
    const count = (outcome: string) =>
      ctx.metrics.inc(WEBHOOKS, 'Provider webhooks by outcome.', {
        provider: provider.id,
        outcome,
      });
    const raw = new Uint8Array(await c.req.arrayBuffer());
    if (!provider.verifyWebhook(raw, c.req.raw.headers)) {
      count('invalid_signature');
      throw new ApiError(401, 'invalid_signature', 'The webhook signature is missing or wrong');
    }
    let text: string;
    let parsed: ParsedWebhook;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
      parsed = provider.parseWebhook(text);
    } catch {
      count('invalid_body');
      throw new ApiError(400, 'invalid_request', 'The webhook body is not a known event');
    }
    const log = c.get('logger').child({ provider: provider.id, eventId: parsed.dedupeKey });
    const ack = (extra: Record<string, unknown> = {}) => {
      const custom = provider.acknowledge?.();
      if (custom) {
        return new Response(custom.body, {
          status: custom.status,
          headers: { 'Content-Type': custom.contentType },
        });
      }
      return c.json({ received: true, ...extra }, 200);
    };
    const event = { provider: provider.id, dedupeKey: parsed.dedupeKey, rawBody: text };

    if (parsed.mandate) {
      const { reference, status, providerMandateId, details, at, redactedBody } = parsed.mandate;
      const result = await applyMandateUpdate(
        ctx,
        {
          provider: provider.id,
          reference,
          status,
          ...(providerMandateId ? { providerMandateId } : {}),
          ...(details ? { details } : {}),
          ...(at ? { at } : {}),
          event: { ...event, rawBody: redactedBody },
          now: ctx.now(),
        },
        log,
      );
      if (result.outcome === 'not_found') {
        // The session that asked for this mandate is unknown (yet); the provider will retry.
        count('unknown_mandate');
        throw new ApiError(404, 'not_found', 'No mandate or session with this reference');
      }
      count(result.outcome);
      return ack({ duplicate: result.outcome === 'duplicate' });
    }

    if (parsed.status === null || parsed.reference === null) {
      const fresh = await ctx.ledger.recordProviderEvent({ ...event, now: ctx.now() });
      log.debug({ providerStatus: parsed.providerStatus, duplicate: !fresh }, 'event recorded');
      count(fresh ? 'recorded' : 'duplicate');
      return ack({ duplicate: !fresh });
    }

    const order = await ctx.ledger.findOrderByProviderReference(provider.id, parsed.reference);
    if (!order) {
      // The webhook may have beaten our own create call; the provider will retry.
      count('unknown_order');
      throw new ApiError(404, 'not_found', 'No order with this reference (yet)');
    }

    let status = parsed.status;
    let amount = parsed.amount;
    let confirmed = false;
    const lateSuccess = isNegative(order.status) && isPaidFamily(status);
    // Confirming costs a call to the provider: not for a copy of an event already taken in
    // (applyStatus then records it as a duplicate). The UNIQUE insert there stays the lock
    // against concurrent copies. The claimed status is not used to skip it: for some providers
    // only the fetched status counts.
    const worthConfirming =
      (parsed.confirmNeeded || lateSuccess) &&
      !(await ctx.ledger.hasProviderEvent(provider.id, parsed.dedupeKey));
    if (worthConfirming) {
      const truth = await confirm(provider, order);
      if (!truth) {
        const fresh = await ctx.ledger.recordProviderEvent({ ...event, now: ctx.now() });
        count(fresh ? 'unconfirmed' : 'duplicate');
        log.warn(
          { orderId: order.id, claimed: parsed.status },
          'provider did not confirm the reported status; nothing applied',
        );
        return ack({ duplicate: !fresh });
      }
      status = truth.status;
      amount = truth.amount;
      confirmed = true;
    }

    const result = await applyStatus(
      ctx,
      {
        orderId: order.id,
        status,
        ...(amount ? { amount } : {}),
        confirmed,
        source: 'webhook',
        event,
        now: ctx.now(),
      },
      log,
    );
    count(result.outcome);
    return ack({ duplicate: result.outcome === 'duplicate' });
  });

  return app;
}

async function confirm(provider: Provider, order: Parameters<Provider['fetchStatus']>[0]) {
  try {
    return await provider.fetchStatus(order);
  } catch {
    // Without the provider's word nothing is applied; a 503 makes the provider send it again.
    throw new ApiError(503, 'service_unavailable', 'Cannot confirm the status right now', {
      retryable: true,
    });
  }
}
