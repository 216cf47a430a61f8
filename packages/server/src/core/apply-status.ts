/**
 * @module
 * One way in for every status change: through the store's transaction (which also writes the
 * merchant's outbox message), then a bus notification for SSE readers, a nudge for the outbox
 * deliverer and a log line for anything an operator should see.
 */
import type { Logger } from 'pino';
import type { AppContext } from './context.js';
import type { ApplyStatusInput, ApplyStatusResult } from '../store/store.js';
import { ANOMALIES, TRANSITIONS } from './metrics.js';

/** Applies a status through the store, publishes the session change and logs anomalies. */
export async function applyStatus(
  ctx: AppContext,
  input: ApplyStatusInput,
  logger: Logger = ctx.logger,
): Promise<ApplyStatusResult> {
  const result = await ctx.store.applyStatus(input);
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
