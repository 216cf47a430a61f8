/**
 * @module
 * Records what an order's story on the console tells beyond the checkout's own rows: provider
 * calls, refused and duplicate webhooks, polls, notification attempts and operator actions, in
 * the `order_activity` table (so every instance's record is one story). Details are masked
 * ({@link mask}) before they are written.
 *
 * Recording never holds up nor fails what it records: a write runs beside the work, and one
 * that fails is logged and dropped. Rows older than the provider events' retention horizon are
 * deleted by the retention job (core/retention.ts). {@link activityIdle} waits for the writes
 * under way (tests, and the console's own actions, which answer with the story up to date).
 */
import type { Logger } from 'pino';
import type { ActivityKind, ActivityRepository } from '../store/store.js';
import { mask } from './mask.js';

/** What recording needs: the repository and a logger (an `AppContext` has both). */
export interface ActivitySink {
  store: { activity: ActivityRepository };
  logger: Logger;
}

/** One happening to record. */
export interface ActivityEntry {
  orderId: string | null;
  provider: string | null;
  kind: ActivityKind;
  at: Date;
  detail: Record<string, unknown>;
}

const pending = new WeakMap<object, Set<Promise<void>>>();

/** Records `entry` beside the caller's work; never throws, never waits. */
export function recordActivity(sink: ActivitySink, entry: ActivityEntry): void {
  let set = pending.get(sink.store);
  if (!set) pending.set(sink.store, (set = new Set()));
  const write = (async () => {
    try {
      await sink.store.activity.record({
        orderId: entry.orderId,
        provider: entry.provider,
        kind: entry.kind,
        at: entry.at.toISOString(),
        detail: mask(entry.detail),
      });
    } catch (error) {
      sink.logger.warn({ err: error, kind: entry.kind }, 'cannot record order activity');
    }
  })();
  set.add(write);
  void write.finally(() => set.delete(write));
}

/** Resolves once every activity write under way on `sink`'s store has ended. */
export async function activityIdle(sink: Pick<ActivitySink, 'store'>): Promise<void> {
  const set = pending.get(sink.store);
  while (set && set.size > 0) await Promise.allSettled([...set]);
}

/** The HTTP status a provider failure names (`… (HTTP 503)`), when it names one. */
export function httpStatusOf(error: unknown): number | undefined {
  const message = error instanceof Error ? error.message : '';
  const match = /\bHTTP (\d{3})\b/.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** A short, masked account of an error for a detail. */
export function errorOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return `${typeof code === 'string' ? `${code}: ` : ''}${message}`.slice(0, 300);
}

/** A provider call as the registry reports it (providers/registry.ts `recordCalls`). */
export interface ProviderCallReport {
  provider: string;
  operation: string;
  orderId: string;
  startedAt: Date;
  durationMs: number;
  error?: unknown;
}

/** Records a provider call of an order. */
export function recordProviderCall(sink: ActivitySink, call: ProviderCallReport): void {
  const httpStatus = call.error === undefined ? undefined : httpStatusOf(call.error);
  recordActivity(sink, {
    orderId: call.orderId,
    provider: call.provider,
    kind: 'provider_call',
    at: call.startedAt,
    detail: {
      operation: call.operation,
      outcome: call.error === undefined ? 'ok' : 'error',
      ...(httpStatus !== undefined ? { httpStatus } : {}),
      durationMs: call.durationMs,
      ...(call.error !== undefined ? { error: errorOf(call.error) } : {}),
    },
  });
}

/** Records a notification attempt of an order (notify/outbox-deliverer.ts `onAttempt`). */
export function recordNotificationAttempt(
  sink: ActivitySink,
  attempt: {
    message: { id: string; type: string; subjectId: string };
    at: Date;
    outcome: string;
    httpStatus?: number;
    durationMs: number;
    error?: string;
  },
): void {
  if (attempt.message.type !== 'order.updated') return;
  recordActivity(sink, {
    orderId: attempt.message.subjectId,
    provider: null,
    kind: 'notification',
    at: attempt.at,
    detail: {
      notificationId: attempt.message.id,
      outcome: attempt.outcome,
      ...(attempt.httpStatus !== undefined ? { httpStatus: attempt.httpStatus } : {}),
      durationMs: attempt.durationMs,
      ...(attempt.error !== undefined ? { error: attempt.error } : {}),
    },
  });
}
