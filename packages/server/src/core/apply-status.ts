/**
 * @module
 * One way in for every status change: through the store's transaction (which also writes the
 * merchant's outbox message), then a bus notification for SSE readers, a nudge for the outbox
 * deliverer and a log line for anything an operator should see.
 */
import type { Logger } from 'pino';
import type { OrderStatus } from '@pay-checkout/protocol/status';
import type { AppContext } from './context.js';
import type { WithinUnit } from './ledger.js';
import type { ApplyStatusInput, ApplyStatusResult } from '../domain/records.js';
import { providerNotReached } from '../providers/http/provider-http.js';
import { ApiError } from './api-error.js';
import { ANOMALIES, TRANSITIONS } from './metrics.js';

/**
 * Applies a status through the store (with `andThen`'s writes in the same unit of work),
 * publishes the session change and logs anomalies.
 */
export async function applyStatus(
  ctx: AppContext,
  input: ApplyStatusInput,
  logger: Logger = ctx.logger,
  andThen?: WithinUnit<ApplyStatusResult>,
): Promise<ApplyStatusResult> {
  const result = await ctx.ledger.applyStatus(input, andThen);
  if (result.sessionEvent) ctx.bus.publish(result.sessionEvent.sessionId);
  const fields = {
    orderId: input.orderId,
    source: input.source,
    incoming: input.status,
    previous: result.previousStatus,
    outcome: result.outcome,
  };
  if (result.outcome === 'applied' && result.order) {
    ctx.metrics.inc(TRANSITIONS, 'Order status changes applied.', { to: result.order.status });
  }
  const anomaly = result.outcome === 'needs_review' ? 'amount_mismatch' : result.anomaly;
  if (anomaly) ctx.metrics.inc(ANOMALIES, 'Statuses an operator should look at.', { anomaly });
  if (result.outcome === 'needs_review') {
    logger.warn(fields, 'amount or currency mismatch on a success; order flagged for review');
  } else if (result.anomaly) {
    logger.warn({ ...fields, anomaly: result.anomaly }, 'status anomaly');
  } else if (result.outcome === 'applied') {
    logger.info({ ...fields, status: result.order?.status }, 'order status changed');
  }
  // The change and its outbox message are committed together; the deliverer runs the
  // merchant's callback and webhook from there, so neither can undo nor delay the change.
  if (result.outcome === 'applied') ctx.notifier?.kick();
  return result;
}

/**
 * Starts an order at its provider (`start` creates the order or charges the mandate) and applies
 * the status the provider answers, as source `create`. When the provider refuses for good
 * (`provider_error`), or the request surely never reached it, the order fails: this attempt is
 * over. Any failure is logged with `failureMessage` and thrown on.
 */
export async function applyProviderStart<
  T extends { providerOrderId: string; status: OrderStatus },
>(
  ctx: AppContext,
  orderId: string,
  logger: Logger,
  failureMessage: string,
  start: () => Promise<T>,
): Promise<{ started: T; applied: ApplyStatusResult }> {
  let started: T;
  try {
    started = await start();
  } catch (error) {
    // Refused for good, or never sent (the provider's breaker was open, the connection was
    // refused): nothing exists at the provider to wait for, so this attempt is over.
    if (
      error instanceof ApiError &&
      (error.code === 'provider_error' || providerNotReached(error))
    ) {
      await applyStatus(
        ctx,
        { orderId, status: 'failed', source: 'create', now: ctx.now() },
        logger,
      );
    }
    logger.warn(
      { code: error instanceof ApiError ? error.code : 'internal_error' },
      failureMessage,
    );
    throw error;
  }
  const applied = await applyStatus(
    ctx,
    {
      orderId,
      status: started.status,
      source: 'create',
      providerOrderId: started.providerOrderId,
      now: ctx.now(),
    },
    logger,
  );
  return { started, applied };
}
