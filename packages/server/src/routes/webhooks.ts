/**
 * @module
 * `POST /webhooks/:provider`: verify the signature on the raw bytes, parse, find the order by
 * our reference, confirm a success with the provider when needed, and apply the status with the
 * event's dedupe key in one transaction. A bad signature writes nothing.
 *
 * A webhook the provider documents as unsigned (iwocaPay's) is a hint, never a fact: it only
 * names the order, which is then read back from the provider, and what the provider answers is
 * applied. Hints for one order are coalesced, so that a flood of them costs one read at a time.
 */
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { isNegative, isPaidFamily } from '@pay-checkout/protocol/status';
import type { ProviderId } from '@pay-checkout/protocol';
import { ApiError } from '../core/api-error.js';
import { applyMandateUpdate } from '../core/apply-mandate.js';
import { applyStatus } from '../core/apply-status.js';
import type { ApplyStatusResult, OrderRecord } from '../domain/records.js';
import type { AppContext, AppEnv } from '../core/context.js';
import { WEBHOOKS } from '../core/metrics.js';
import type { HeaderReader, ParsedWebhook, Provider } from '../providers/provider.js';

/**
 * Runs tasks per key so that a key's runs never overlap and a burst of calls costs at most two
 * runs: a call while none runs starts one; every call while one runs shares the single run
 * queued behind it, which starts when the current one has ended (so it sees everything that
 * happened before those calls).
 */
export class Coalescer<T> {
  readonly #slots = new Map<string, Slot<T>>();

  /** The result of the run of `task` (or of an equivalent task) that this call joins. */
  run(key: string, task: () => Promise<T>): Promise<T> {
    const slot = this.#slots.get(key);
    if (!slot) return this.#start(key, task);
    if (!slot.queued) {
      let resolve!: (value: T) => void;
      let reject!: (reason: unknown) => void;
      const promise = new Promise<T>((yes, no) => {
        resolve = yes;
        reject = no;
      });
      slot.queued = { task, promise, resolve, reject };
    }
    return slot.queued.promise;
  }

  /** How many keys have a run in flight. */
  get size(): number {
    return this.#slots.size;
  }

  #start(key: string, task: () => Promise<T>): Promise<T> {
    const slot: Slot<T> = { queued: null };
    this.#slots.set(key, slot);
    const running = Promise.resolve().then(task);
    const next = (): void => {
      this.#slots.delete(key);
      const queued = slot.queued;
      if (queued) this.#start(key, queued.task).then(queued.resolve, queued.reject);
    };
    running.then(next, next);
    return running;
  }
}

/** A key's run in flight, and the one run queued behind it. */
interface Slot<T> {
  queued: {
    task: () => Promise<T>;
    promise: Promise<T>;
    resolve: (value: T) => void;
    reject: (reason: unknown) => void;
  } | null;
}

/** The webhook routes of every configured provider. */
export function webhookRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const hints = new Coalescer<HintOutcome>();

  app.post('/webhooks/:provider', async (c) => {
    const provider = ctx.providers.get(c.req.param('provider') as ProviderId);
    if (!provider) throw new ApiError(404, 'not_found', 'No such webhook endpoint');
    const count = (outcome: string) =>
      ctx.metrics.inc(WEBHOOKS, 'Provider webhooks by outcome.', {
        provider: provider.id,
        outcome,
      });
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const headers: HeaderReader = c.req.raw.headers;
    const verdict = provider.verifyWebhook(raw, headers);
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

    if (verdict === 'unsigned' && provider.parseHint) {
      let reference: string;
      try {
        reference = provider.parseHint(
          new TextDecoder('utf-8', { fatal: true }).decode(raw),
        ).reference;
      } catch {
        count('invalid_body');
        throw new ApiError(400, 'invalid_request', 'The webhook body names no order');
      }
      const order = await ctx.ledger.findOrderByProviderReference(provider.id, reference);
      if (!order) {
        // As for signed webhooks: it may have beaten our own create call; the provider retries.
        count('unknown_order');
        throw new ApiError(404, 'not_found', 'No order with this reference (yet)');
      }
      const log = c.get('logger').child({ provider: provider.id, orderId: order.id });
      const outcome = await hints.run(`${provider.id}:${order.id}`, () =>
        readBack(ctx, provider, order.id, log),
      );
      count(`hint_${outcome}`);
      return ack();
    }
    if (verdict !== true) {
      count('invalid_signature');
      throw new ApiError(401, 'invalid_signature', 'The webhook signature is missing or wrong');
    }
    let text: string;
    let parsed: ParsedWebhook;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
      parsed = provider.parseWebhook(text, headers);
    } catch {
      count('invalid_body');
      throw new ApiError(400, 'invalid_request', 'The webhook body is not a known event');
    }
    const log = c.get('logger').child({ provider: provider.id, eventId: parsed.dedupeKey });
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

/** What reading an order back for a hint came to. */
type HintOutcome = ApplyStatusResult['outcome'] | 'unconfirmed';

/**
 * Reads the order back from the provider and applies what it answers (as the return route does);
 * the hint itself contributes nothing but the order. The order is loaded afresh, so a read
 * queued behind another one starts from what that one wrote.
 */
async function readBack(
  ctx: AppContext,
  provider: Provider,
  orderId: string,
  log: Logger,
): Promise<HintOutcome> {
  const order = await ctx.ledger.getOrder(orderId);
  if (!order) return 'not_found';
  const truth = await confirm(provider, order);
  if (!truth) {
    log.info('unsigned webhook: the provider reports nothing for this order; nothing applied');
    return 'unconfirmed';
  }
  const result = await applyStatus(
    ctx,
    {
      orderId: order.id,
      status: truth.status,
      ...(truth.amount ? { amount: truth.amount } : {}),
      confirmed: true,
      source: 'webhook',
      now: ctx.now(),
    },
    log,
  );
  log.debug({ providerStatus: truth.providerStatus, outcome: result.outcome }, 'order read back');
  return result.outcome;
}

async function confirm(provider: Provider, order: OrderRecord) {
  try {
    return await provider.fetchStatus(order);
  } catch {
    // Without the provider's word nothing is applied; a 503 makes the provider send it again.
    throw new ApiError(503, 'service_unavailable', 'Cannot confirm the status right now', {
      retryable: true,
    });
  }
}
