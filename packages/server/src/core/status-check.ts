/**
 * @module
 * Asking a provider for an order's real status and applying the answer as the provider's own
 * word (`confirmed`, the status machine deciding as for a webhook). The customer's element asks
 * for it when it has waited too long for news; every order is then asked about once at a time
 * (callers during a check share it) and not more often than `minIntervalMs`, so a page left open
 * or a script calling in a loop costs the provider at most one read per order per interval.
 */
import type { Logger } from 'pino';
import { isPaidFamily } from '@pay-checkout/protocol/status';
import type { ApplyStatusResult, OrderRecord } from '../domain/records.js';
import type { ProviderStatus } from '../providers/provider.js';
import { ApiError } from './api-error.js';
import { applyStatus } from './apply-status.js';
import type { AppContext } from './context.js';
import { errorOf, recordActivity } from '../console/activity.js';

/** Who asked a provider: the reconciler's schedule, a refresh (the element, a return), an operator. */
export type PollSource = 'reconciler' | 'refresh' | 'operator';

/** Orders whose last check is remembered; the oldest are forgotten beyond this. */
const REMEMBERED = 10_000;

export interface StatusCheckerOptions {
  /** Shortest time between two provider reads of one order (default 5 000 ms). */
  minIntervalMs?: number;
}

/** The provider reads of one server, one at a time per order. */
export class StatusChecker {
  readonly #minIntervalMs: number;
  readonly #running = new Map<string, Promise<OrderRecord>>();
  /** When each order was last read from its provider (insertion order = age). */
  readonly #checkedAt = new Map<string, number>();

  constructor(options: StatusCheckerOptions = {}) {
    this.#minIntervalMs = options.minIntervalMs ?? 5_000;
  }

  /**
   * The order after its provider was asked, or as it stands when it was asked a moment ago
   * (unless `fresh`: the customer is back from the provider's page this very moment) or is paid. A provider that cannot be reached leaves the order as it is (the webhook will
   * settle it); the answer is then the order as stored.
   */
  check(
    ctx: AppContext,
    order: OrderRecord,
    logger: Logger = ctx.logger,
    { fresh = false }: { fresh?: boolean } = {},
  ): Promise<OrderRecord> {
    // Paid sticks: nothing a provider says can change it.
    if (isPaidFamily(order.status)) return Promise.resolve(order);
    const running = this.#running.get(order.id);
    if (running) return running;
    const last = this.#checkedAt.get(order.id);
    const now = ctx.now().getTime();
    if (!fresh && last !== undefined && now - last < this.#minIntervalMs) {
      return Promise.resolve(order);
    }
    const check = read(ctx, order, logger).finally(() => {
      this.#running.delete(order.id);
      this.#remember(order.id, ctx.now().getTime());
    });
    this.#running.set(order.id, check);
    return check;
  }

  #remember(orderId: string, at: number): void {
    this.#checkedAt.delete(orderId);
    this.#checkedAt.set(orderId, at);
    if (this.#checkedAt.size > REMEMBERED) {
      const oldest = this.#checkedAt.keys().next().value;
      if (oldest !== undefined) this.#checkedAt.delete(oldest);
    }
  }
}

/** What asking an order's provider gave: its answer (null: it knows nothing yet), applied. */
export interface ProviderAnswer {
  truth: ProviderStatus | null;
  /** The outcome of applying the answer; null when there was nothing to apply. */
  applied: ApplyStatusResult | null;
}

/**
 * Asks the order's provider for its real status and applies the answer through the status
 * machine as source `poll`, as the provider's own word (`confirmed`). Throws when the provider
 * is not configured or cannot be reached. Each ask is recorded in the order's activity, with
 * `source` (who asked) and what came of it.
 */
export async function askProvider(
  ctx: AppContext,
  order: OrderRecord,
  logger: Logger = ctx.logger,
  source: PollSource = 'refresh',
): Promise<ProviderAnswer> {
  const record = (at: Date, detail: Record<string, unknown>) =>
    recordActivity(ctx, {
      orderId: order.id,
      provider: order.provider,
      kind: 'poll',
      at,
      detail: { source, ...detail },
    });
  const provider = ctx.providers.get(order.provider);
  if (!provider) {
    record(ctx.now(), { outcome: 'error', error: 'provider not configured' });
    throw new ApiError(502, 'provider_unavailable', `${order.provider} is not configured`);
  }
  let truth: ProviderStatus | null;
  try {
    truth = await provider.fetchStatus(order);
  } catch (error) {
    record(ctx.now(), { outcome: 'error', error: errorOf(error) });
    throw error;
  }
  const now = ctx.now();
  if (!truth) {
    record(now, { outcome: 'unknown_at_provider' });
    return { truth: null, applied: null };
  }
  const applied = await applyStatus(
    ctx,
    {
      orderId: order.id,
      status: truth.status,
      ...(truth.amount ? { amount: truth.amount } : {}),
      source: 'poll',
      confirmed: true,
      now,
    },
    logger,
  );
  // Recorded at the time the answer was applied, so that a move it made reads as its doing.
  record(now, {
    outcome: applied.outcome,
    status: truth.status,
    providerStatus: truth.providerStatus,
  });
  return { truth, applied };
}

/** One read of the order's provider, applied. */
async function read(ctx: AppContext, order: OrderRecord, logger: Logger): Promise<OrderRecord> {
  if (!ctx.providers.has(order.provider)) return order;
  try {
    const { applied } = await askProvider(ctx, order, logger);
    return applied?.order ?? order;
  } catch (error) {
    logger.warn(
      { orderId: order.id, code: error instanceof ApiError ? error.code : 'internal_error' },
      'status check with the provider failed',
    );
    return (await ctx.ledger.getOrder(order.id)) ?? order;
  }
}
