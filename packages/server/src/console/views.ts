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
import { isSettled, type OrderStatus } from '@pay-checkout/protocol/status';
import type { AppContext } from '../core/context.js';
import { effectiveStatus } from '../core/views.js';
import {
  outboxStatus,
  type OrderRecord,
  type OutboxMessage,
  type SessionRecord,
} from '../domain/records.js';
import type { Activity, ConsoleOrderRow } from '../store/store.js';
import { mask } from './mask.js';

/** The anomalies an order row may show. */
export type Anomaly = 'needs_review' | 'late_success' | 'stuck';

/** One order in the console's list. */
export interface OrderRowView {
  id: string;
  sessionId: string;
  reference: string;
  provider: string;
  method: string;
  status: OrderStatus;
  amount: { value: number; currency: string };
  createdAt: string;
  updatedAt: string;
  anomalies: Anomaly[];
}

export type StoryKind =
  | 'created'
  | 'provider_call'
  | 'webhook'
  | 'poll'
  | 'transition'
  | 'stream_event'
  | 'notification'
  | 'operator_action';

export interface StoryEntry {
  at: string;
  kind: StoryKind;
  title: string;
  detail: Record<string, unknown>;
}

/** Most activity rows read for one story. */
const MAX_ACTIVITY = 2_000;

/** The order's anomalies: flagged for review, a late success, or not final past its session. */
export function anomaliesOf(order: OrderRecord, sessionExpiresAt: string, now: Date): Anomaly[] {
  const anomalies: Anomaly[] = [];
  if (order.needsReview) anomalies.push('needs_review');
  if (order.lateSuccess) anomalies.push('late_success');
  if (!isSettled(order.status) && Date.parse(sessionExpiresAt) < now.getTime()) {
    anomalies.push('stuck');
  }
  return anomalies;
}

/** The list row of an order. */
export function orderRow(row: ConsoleOrderRow, now: Date): OrderRowView {
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
export function orderRowOf(order: OrderRecord, session: SessionRecord, now: Date): OrderRowView {
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
const KIND_ORDER: Record<StoryKind, number> = {
  created: 0,
  provider_call: 1,
  webhook: 2,
  poll: 3,
  transition: 4,
  stream_event: 5,
  notification: 6,
  operator_action: 7,
};

function activityEntry(activity: Activity): StoryEntry | null {
  const d = activity.detail;
  const text = (key: string) => (typeof d[key] === 'string' ? (d[key] as string) : undefined);
  switch (activity.kind) {
    case 'provider_call': {
      const status = typeof d.httpStatus === 'number' ? `, HTTP ${d.httpStatus}` : '';
      return {
        at: activity.at,
        kind: 'provider_call',
        title: `Called ${activity.provider ?? 'the provider'} (${text('operation') ?? 'call'}): ${
          text('outcome') === 'ok' ? 'answered' : 'failed'
        }${status} in ${String(d.durationMs ?? '?')} ms.`,
        detail: d,
      };
    }
    case 'webhook': {
      const refused = text('verdict') === 'refused';
      return {
        at: activity.at,
        kind: 'webhook',
        title: refused
          ? `Refused a webhook from ${activity.provider ?? 'the provider'}: ${(text('reason') ?? 'refused').replace(/_/g, ' ')}.`
          : `Received a copy of a webhook already taken in${text('eventId') ? ` (${text('eventId')})` : ''}.`,
        detail: { ...d, body: typeof d.body === 'string' ? maskedBody(d.body) : d.body },
      };
    }
    case 'poll': {
      const who =
        text('source') === 'reconciler'
          ? 'The reconciler'
          : text('source') === 'operator'
            ? 'An operator'
            : 'A status refresh';
      const says = text('status') ? `; it says ${text('status')}` : '';
      return {
        at: activity.at,
        kind: 'poll',
        title: `${who} asked ${activity.provider ?? 'the provider'}: ${(text('outcome') ?? '').replace(/_/g, ' ')}${says}.`,
        detail: d,
      };
    }
    case 'operator_action':
      return {
        at: activity.at,
        kind: 'operator_action',
        title: `${text('operator') ?? 'An operator'} ${
          text('action') === 'recheck'
            ? 'asked the provider for the status'
            : text('action') === 'requeue_notification'
              ? 're-queued a dead notification'
              : 'copied the support summary'
        }: ${text('result') ?? 'done'}.`,
        detail: d,
      };
    default:
      // Notification attempts are told inside their notification.
      return null;
  }
}

/** The order's story, in time order (see the module comment). */
export async function storyOf(
  ctx: AppContext,
  order: OrderRecord,
  session: SessionRecord,
): Promise<StoryEntry[]> {
  const reads = ctx.store.consoleReads;
  const [activity, inbox, events, outbox, sessionEvents] = await Promise.all([
    ctx.store.activity.listByOrder(order.id, MAX_ACTIVITY),
    reads.inboxBySubject(order.provider, order.providerReference, MAX_ACTIVITY),
    reads.providerEvents(order.id),
    reads.outboxBySubject(order.id),
    ctx.ledger.listSessionEvents(session.id, 0),
  ]);
  const story: StoryEntry[] = [
    {
      at: order.createdAt,
      kind: 'created',
      title: `Order created: attempt ${order.attempt} with ${order.method} at ${order.provider}.`,
      detail: {
        attempt: order.attempt,
        provider: order.provider,
        method: order.method,
        amount: order.amount,
      },
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
    story.push({
      at: row.receivedAt,
      kind: 'webhook',
      title: hint
        ? `Received an unsigned notice from ${order.provider}; the order is read back from it.`
        : `Received a verified webhook from ${order.provider}${
            stored.event?.providerStatus ? ` (${stored.event.providerStatus})` : ''
          }${row.outcome ? `: ${row.outcome.replace(/_/g, ' ')}` : ''}.`,
      detail: {
        verdict: 'verified',
        duplicate: false,
        eventId: row.dedupeKey,
        ...(stored.event?.providerStatus ? { type: stored.event.providerStatus } : {}),
        ...(row.outcome ? { outcome: row.outcome } : {}),
        body: maskedBody(stored.rawBody ?? (hint ? '' : row.body)),
      },
    });
  }
  const polls = activity.filter((row) => row.kind === 'poll');
  let from: string = 'created';
  let lastAt = '';
  for (const message of outbox) {
    if (message.type !== 'order.updated') continue;
    let to: string | undefined;
    try {
      to = (JSON.parse(message.data) as { order?: { status?: string } }).order?.status;
    } catch {
      to = undefined;
    }
    if (!to || to === from) continue;
    const event = events.find(
      (e) => e.applied && e.status === to && e.receivedAt === message.createdAt,
    );
    const poll = polls.find((p) => p.at === message.createdAt);
    const source =
      event?.source ??
      (poll
        ? `poll:${String(poll.detail.source ?? 'refresh')}`
        : from === 'created'
          ? 'create'
          : 'poll');
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
  for (const message of outbox) story.push(notificationEntry(message, attempts));
  story.sort(
    (a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind],
  );
  return story.map((entry) => ({ ...entry, detail: mask(entry.detail) }));
}

function notificationEntry(message: OutboxMessage, attempts: Activity[]): StoryEntry {
  const status = outboxStatus(message);
  const mine = attempts
    .filter((row) => row.detail.notificationId === message.id)
    .map((row) => ({
      at: row.at,
      outcome: row.detail.outcome,
      ...(typeof row.detail.httpStatus === 'number' ? { httpStatus: row.detail.httpStatus } : {}),
      ...(typeof row.detail.durationMs === 'number' ? { durationMs: row.detail.durationMs } : {}),
      ...(typeof row.detail.error === 'string' ? { error: row.detail.error } : {}),
    }));
  const tried = message.attempts === 1 ? '1 attempt' : `${message.attempts} attempts`;
  return {
    at: message.createdAt,
    kind: 'notification',
    title: `Notification ${message.id} (${message.type}) to the shop's backend: ${status}, ${tried}.`,
    detail: { id: message.id, type: message.type, status, attempts: mine },
  };
}

/** The session as the order page shows it. */
export function sessionOf(session: SessionRecord, now: Date) {
  return {
    id: session.id,
    reference: session.reference,
    status: effectiveStatus(session, now),
    amount: session.amount,
    country: session.country,
    expiresAt: session.expiresAt,
    createdAt: session.createdAt,
  };
}

/** The plain-text support summary: ids, amount, status and the story in short lines. */
export function summaryOf(row: OrderRowView, order: OrderRecord, story: StoryEntry[]): string {
  const digits = (() => {
    try {
      return (
        new Intl.NumberFormat('en', {
          style: 'currency',
          currency: order.amount.currency,
        }).resolvedOptions().maximumFractionDigits ?? 2
      );
    } catch {
      return 2;
    }
  })();
  const amount = `${(order.amount.value / 10 ** digits).toFixed(digits)} ${order.amount.currency}`;
  const lines = [
    `Order ${order.id} (attempt ${order.attempt})`,
    `Session ${order.sessionId}, reference ${row.reference}`,
    `Provider ${order.provider}, method ${order.method}${
      order.providerOrderId ? `, provider id ${order.providerOrderId}` : ''
    }`,
    `Amount ${amount}`,
    `Status ${order.status}${row.anomalies.length ? ` (${row.anomalies.join(', ')})` : ''}`,
    `Created ${order.createdAt}, updated ${order.updatedAt}`,
    '',
    'Timeline:',
    ...story.map((entry) => `${entry.at}  ${entry.title}`),
  ];
  return lines.join('\n');
}
