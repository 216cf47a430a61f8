/**
 * @module
 * What the console shows of an order: its list row (with its anomalies), its page (the order,
 * its session and its story) and the support summary. The story is assembled at read time from
 * every record the server keeps about the order, in time order:
 *
 * - `created`: the order itself;
 * - `provider_call`, `poll`, `operator_action`, refused and duplicate `webhook`s: its activity
 *   (console/activity.ts);
 * - verified `webhook`s: the webhook inbox rows about its provider reference;
 * - `transition`s: the `order.updated` notifications, one per move, each with the order as it
 *   became (the source is the provider event applied at that moment, else a poll);
 * - `stream_event`s: the session's status log lines of this order (what SSE sent);
 * - `notification`s: the outbox messages about it, each with every attempt made.
 *
 * Every detail is masked (console/mask.ts) before it is answered.
 */
import type { z } from 'zod';
import {
  ConsoleNotificationAttemptSchema,
  ConsoleOperatorActionDetailSchema,
  ConsolePollDetailSchema,
  ConsoleProviderCallDetailSchema,
  ConsoleWebhookDetailSchema,
  CONSOLE_TRANSITION_SOURCES,
  type ConsoleAnomaly,
  type ConsoleOrderRow,
  type ConsoleOrderSession,
  type ConsoleStoryDetail,
  type ConsoleStoryEntry,
  type ConsoleStoryKind,
} from '@pay-checkout/protocol/console';
import { toDecimalString } from '@pay-checkout/protocol/money';
import { OrderStatusSchema } from '@pay-checkout/protocol';
import { isSettled, type OrderStatus } from '@pay-checkout/protocol/status';
import type { AppContext } from '../core/context.js';
import { effectiveStatus } from '../core/views.js';
import {
  outboxStatus,
  type OrderRecord,
  type OutboxMessage,
  type SessionRecord,
} from '../domain/records.js';
import type { Activity, ConsoleOrderRow as StoredOrderRow } from '../store/store.js';
import { mask } from './mask.js';

/** What caused a status change, as the story names it. */
type TransitionSource = (typeof CONSOLE_TRANSITION_SOURCES)[number];

/** Most activity rows read for one story. */
const MAX_ACTIVITY = 2_000;

/** The order's anomalies: flagged for review, a late success, or not final past its session. */
export function anomaliesOf(
  order: OrderRecord,
  sessionExpiresAt: string,
  now: Date,
): ConsoleAnomaly[] {
  const anomalies: ConsoleAnomaly[] = [];
  if (order.needsReview) anomalies.push('needs_review');
  if (order.lateSuccess) anomalies.push('late_success');
  if (!isSettled(order.status) && Date.parse(sessionExpiresAt) < now.getTime()) {
    anomalies.push('stuck');
  }
  return anomalies;
}

/** The list row of an order. */
export function orderRow(row: StoredOrderRow, now: Date): ConsoleOrderRow {
  const { order } = row;
  return {
    id: order.id,
    sessionId: order.sessionId,
    reference: row.reference,
    provider: order.provider,
    method: order.method,
    status: order.status,
    amount: { value: order.amount.value, currency: order.amount.currency },
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    anomalies: anomaliesOf(order, row.sessionExpiresAt, now),
  };
}

/** The list row of an order read on its own. */
export function orderRowOf(order: OrderRecord, session: SessionRecord, now: Date): ConsoleOrderRow {
  return orderRow(
    { order, reference: session.reference, sessionExpiresAt: session.expiresAt },
    now,
  );
}

/** A body held as text, as JSON when it is JSON; masked either way. */
function maskedBody(text: string): unknown {
  try {
    return mask(JSON.parse(text) as unknown);
  } catch {
    return mask(text);
  }
}

/** The kind order among entries of the same moment: cause before effect. */
const KIND_ORDER: Record<ConsoleStoryKind, number> = {
  created: 0,
  provider_call: 1,
  webhook: 2,
  poll: 3,
  transition: 4,
  stream_event: 5,
  notification: 6,
  operator_action: 7,
};

/**
 * A stored detail as the contract reads it, or null when it does not read (a row written by an
 * older release, say): such an entry is left out of the story rather than answered malformed.
 */
function detailOf<T>(schema: z.ZodType<T>, value: unknown): T | null {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

function activityEntry(activity: Activity): ConsoleStoryEntry | null {
  const { at } = activity;
  const provider = activity.provider ?? 'the provider';
  switch (activity.kind) {
    case 'provider_call': {
      const d = detailOf(ConsoleProviderCallDetailSchema, activity.detail);
      if (!d) return null;
      const status = d.httpStatus !== undefined ? `, HTTP ${d.httpStatus}` : '';
      return {
        at,
        kind: 'provider_call',
        title: `Called ${provider} (${d.operation}): ${
          d.outcome === 'ok' ? 'answered' : 'failed'
        }${status} in ${d.durationMs} ms.`,
        detail: d,
      };
    }
    case 'webhook': {
      const { body } = activity.detail;
      const d = detailOf(ConsoleWebhookDetailSchema, {
        ...activity.detail,
        body: typeof body === 'string' ? maskedBody(body) : body,
      });
      if (!d) return null;
      return {
        at,
        kind: 'webhook',
        title:
          d.verdict === 'refused'
            ? `Refused a webhook from ${provider}: ${(d.reason ?? 'refused').replace(/_/g, ' ')}.`
            : `Received a copy of a webhook already taken in${d.eventId ? ` (${d.eventId})` : ''}.`,
        detail: d,
      };
    }
    case 'poll': {
      const d = detailOf(ConsolePollDetailSchema, activity.detail);
      if (!d) return null;
      const who =
        d.source === 'reconciler'
          ? 'The reconciler'
          : d.source === 'operator'
            ? 'An operator'
            : 'A status refresh';
      const says = d.status ? `; it says ${d.status}` : '';
      return {
        at,
        kind: 'poll',
        title: `${who} asked ${provider}: ${d.outcome.replace(/_/g, ' ')}${says}.`,
        detail: d,
      };
    }
    case 'operator_action': {
      const d = detailOf(ConsoleOperatorActionDetailSchema, activity.detail);
      if (!d) return null;
      return {
        at,
        kind: 'operator_action',
        title: `${d.operator} ${
          d.action === 'recheck'
            ? 'asked the provider for the status'
            : d.action === 'requeue_notification'
              ? 're-queued a dead notification'
              : 'copied the support summary'
        }: ${d.result || 'done'}.`,
        detail: d,
      };
    }
    default:
      // Notification attempts are told inside their notification.
      return null;
  }
}

/** A transition's source as the contract names it; an unknown one reads as a poll. */
function transitionSource(raw: string): TransitionSource {
  return (CONSOLE_TRANSITION_SOURCES as readonly string[]).includes(raw)
    ? (raw as TransitionSource)
    : 'poll';
}

/** The order's story, in time order (see the module comment). */
export async function storyOf(
  ctx: AppContext,
  order: OrderRecord,
  session: SessionRecord,
): Promise<ConsoleStoryEntry[]> {
  const reads = ctx.store.consoleReads;
  const [activity, inbox, events, outbox, sessionEvents] = await Promise.all([
    ctx.store.activity.listByOrder(order.id, MAX_ACTIVITY),
    reads.inboxBySubject(order.provider, order.providerReference, MAX_ACTIVITY),
    reads.providerEvents(order.id),
    reads.outboxBySubject(order.id),
    ctx.ledger.listSessionEvents(session.id, 0),
  ]);
  const created: ConsoleStoryDetail<'created'> = {
    attempt: order.attempt,
    provider: order.provider,
    method: order.method,
    amount: { value: order.amount.value, currency: order.amount.currency },
  };
  const story: ConsoleStoryEntry[] = [
    {
      at: order.createdAt,
      kind: 'created',
      title: `Order created: attempt ${order.attempt} with ${order.method} at ${order.provider}.`,
      detail: created,
    },
  ];
  for (const row of activity) {
    const entry = activityEntry(row);
    if (entry) story.push(entry);
  }
  for (const row of inbox) {
    let stored: { kind?: string; event?: { providerStatus?: string }; rawBody?: string } = {};
    try {
      stored = JSON.parse(row.body) as typeof stored;
    } catch {
      // Shown as it is.
    }
    const hint = stored.kind === 'hint';
    const providerStatus =
      typeof stored.event?.providerStatus === 'string' ? stored.event.providerStatus : undefined;
    story.push({
      at: row.receivedAt,
      kind: 'webhook',
      title: hint
        ? `Received an unsigned notice from ${order.provider}; the order is read back from it.`
        : `Received a verified webhook from ${order.provider}${
            providerStatus ? ` (${providerStatus})` : ''
          }${row.outcome ? `: ${row.outcome.replace(/_/g, ' ')}` : ''}.`,
      detail: {
        verdict: 'verified',
        duplicate: false,
        eventId: row.dedupeKey,
        ...(providerStatus ? { type: providerStatus } : {}),
        ...(row.outcome ? { outcome: row.outcome } : {}),
        body: maskedBody(
          typeof stored.rawBody === 'string' ? stored.rawBody : hint ? '' : row.body,
        ),
      },
    });
  }
  const polls = activity.filter((row) => row.kind === 'poll');
  let from: OrderStatus = 'created';
  let lastAt = '';
  for (const message of outbox) {
    if (message.type !== 'order.updated') continue;
    let to: OrderStatus | undefined;
    try {
      const data = JSON.parse(message.data) as { order?: { status?: unknown } };
      const parsed = OrderStatusSchema.safeParse(data.order?.status);
      to = parsed.success ? parsed.data : undefined;
    } catch {
      to = undefined;
    }
    if (!to || to === from) continue;
    const event = events.find(
      (e) => e.applied && e.status === to && e.receivedAt === message.createdAt,
    );
    const poll = polls.find((p) => p.at === message.createdAt);
    const source = transitionSource(
      event?.source ??
        (poll
          ? `poll:${String(poll.detail.source ?? 'refresh')}`
          : from === 'created'
            ? 'create'
            : 'poll'),
    );
    // Moves are numbered (their notifications go in order); a move's clock may read a moment
    // earlier than the one before it when both raced for the order, so its time is not earlier.
    lastAt = message.createdAt > lastAt ? message.createdAt : lastAt;
    story.push({
      at: lastAt,
      kind: 'transition',
      title: `Status ${from} → ${to} (${source.replace(':', ', ')}).`,
      detail: { from, to, source },
    });
    from = to;
  }
  for (const event of sessionEvents) {
    if (event.orderId !== order.id) continue;
    story.push({
      at: event.at,
      kind: 'stream_event',
      title: `Streamed status ${event.status} to the browser (event ${event.seq}).`,
      detail: { seq: event.seq, status: event.status },
    });
  }
  const attempts = activity.filter((row) => row.kind === 'notification');
  const urlConfigured = ctx.config.merchantWebhook !== undefined;
  for (const message of outbox) story.push(notificationEntry(message, attempts, urlConfigured));
  story.sort(
    (a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind],
  );
  return story.map((entry) => ({ ...entry, detail: mask(entry.detail) }) as ConsoleStoryEntry);
}

/**
 * A notification with its attempts. Without a notification URL none is made: the outbox marks
 * the message delivered once the in-process callbacks ran, and the title says there is no URL.
 */
function notificationEntry(
  message: OutboxMessage,
  attempts: Activity[],
  urlConfigured: boolean,
): ConsoleStoryEntry {
  const status = outboxStatus(message);
  const mine = attempts
    .filter((row) => row.detail.notificationId === message.id)
    .flatMap((row) => {
      const attempt = detailOf(ConsoleNotificationAttemptSchema, { ...row.detail, at: row.at });
      return attempt ? [attempt] : [];
    });
  const tried = message.attempts === 1 ? '1 attempt' : `${message.attempts} attempts`;
  const title =
    !urlConfigured && mine.length === 0
      ? `Notification ${message.id} (${message.type}) not sent to the shop's backend: no notification URL is configured (MERCHANT_WEBHOOK_URL).`
      : `Notification ${message.id} (${message.type}) to the shop's backend: ${status}, ${tried}.`;
  return {
    at: message.createdAt,
    kind: 'notification',
    title,
    detail: { id: message.id, type: message.type, status, attempts: mine, urlConfigured },
  };
}

/** The session as the order page shows it. */
export function sessionOf(session: SessionRecord, now: Date): ConsoleOrderSession {
  return {
    id: session.id,
    reference: session.reference,
    status: effectiveStatus(session, now),
    amount: { value: session.amount.value, currency: session.amount.currency },
    country: session.country,
    expiresAt: session.expiresAt,
    createdAt: session.createdAt,
  };
}

/**
 * An amount as the summary writes it: the decimal with the currency's ISO 4217 exponent and its
 * code (`19.99 EUR`, `1500.00 COP`, `25.000 IQD`), whatever a locale would round it to.
 */
function amountText(amount: { value: number; currency: string }): string {
  try {
    return `${toDecimalString(amount)} ${amount.currency}`;
  } catch {
    // A currency the table does not know: its minor units as they are.
    return `${amount.value} ${amount.currency} (minor units)`;
  }
}

/** The plain-text support summary: ids, amount, status and the story in short lines. */
export function summaryOf(
  row: ConsoleOrderRow,
  order: OrderRecord,
  story: readonly ConsoleStoryEntry[],
): string {
  const lines = [
    `Order ${order.id} (attempt ${order.attempt})`,
    `Session ${order.sessionId}, reference ${row.reference}`,
    `Provider ${order.provider}, method ${order.method}${
      order.providerOrderId ? `, provider id ${order.providerOrderId}` : ''
    }`,
    `Amount ${amountText(order.amount)}`,
    `Status ${order.status}${row.anomalies.length ? ` (${row.anomalies.join(', ')})` : ''}`,
    `Created ${order.createdAt}, updated ${order.updatedAt}`,
    '',
    'Timeline:',
    ...story.map((entry) => `${entry.at}  ${entry.title}`),
  ];
  return lines.join('\n');
}
