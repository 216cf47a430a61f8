/**
 * @module
 * One way in for every mandate change: the store's transaction (mandate + outbox message), then
 * a nudge for the outbox deliverer and a log line.
 */
import type { Logger } from 'pino';
import type { MandateUpdateInput, MandateUpdateResult } from '../domain/records.js';
import type { AppContext } from './context.js';

/** Metric name of mandate changes applied. */
export const MANDATE_TRANSITIONS = 'pay_checkout_mandate_transitions_total';

/** Applies a mandate notification through the store and tells the deliverer. */
export async function applyMandateUpdate(
  ctx: AppContext,
  input: MandateUpdateInput,
  logger: Logger = ctx.logger,
): Promise<MandateUpdateResult> {
  const result = await ctx.ledger.applyMandateUpdate(input);
  const fields = {
    mandateId: result.mandate?.id,
    incoming: input.status,
    previous: result.previousStatus,
    outcome: result.outcome,
  };
  if (result.outcome === 'applied' && result.mandate) {
    ctx.metrics.inc(MANDATE_TRANSITIONS, 'Mandate status changes applied.', {
      to: result.mandate.status,
    });
    logger.info({ ...fields, status: result.mandate.status }, 'mandate status changed');
    ctx.notifier?.kick();
  } else {
    logger.debug(fields, 'mandate notification changed nothing');
  }
  return result;
}
