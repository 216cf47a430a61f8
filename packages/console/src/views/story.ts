/**
 * @module
 * How each kind of story entry is drawn: the order's creation, provider calls with their outcome
 * and duration, webhooks verified or refused (with the reason, and the masked body behind a
 * disclosure), polls, transitions with their source, stream events, notifications with every
 * attempt, and operator actions. The kinds and their details are the wire contract's
 * ({@link ConsoleStoryEntry}); an entry of another kind never reaches a view, since the client
 * refuses the answer that holds it.
 */
import type {
  ConsoleStoryDetail,
  ConsoleStoryEntry,
  ConsoleStoryKind,
} from '@pay-checkout/protocol/console';
import { html, nothing, type TemplateResult } from 'lit';
import { statusBadge } from '../badges.js';
import { formatDuration, formatMoney, formatTime, humanize } from '../format.js';

/** What a re-queue button on a dead notification calls. */
export type RequeueHandler = (notificationId: string) => void;

const KIND_LABELS: Record<ConsoleStoryKind, string> = {
  created: 'Created',
  provider_call: 'Provider call',
  webhook: 'Webhook',
  poll: 'Status check',
  transition: 'Status change',
  stream_event: 'Live event',
  notification: 'Notification',
  operator_action: 'Operator action',
};

export function kindLabel(kind: ConsoleStoryKind): string {
  return KIND_LABELS[kind];
}

function text(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** A definition list of the facts that are there; absent ones are left out. */
function facts(rows: [string, TemplateResult | string | undefined][]): TemplateResult {
  const present = rows.filter(([, value]) => value !== undefined && value !== '');
  if (present.length === 0) return html``;
  return html`<dl class="facts">
    ${present.map(
      ([term, value]) =>
        html`<dt>${term}</dt>
          <dd>${value}</dd>`,
    )}
  </dl>`;
}

function body(value: unknown): string {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value ?? null, null, 2);
}

function created(d: ConsoleStoryDetail<'created'>): TemplateResult {
  return facts([
    ['Attempt', String(d.attempt)],
    ['Provider', d.provider],
    ['Method', d.method],
    ['Amount', formatMoney(d.amount)],
  ]);
}

function providerCall(d: ConsoleStoryDetail<'provider_call'>): TemplateResult {
  return facts([
    ['Operation', d.operation],
    ['Outcome', statusBadge(d.outcome, d.outcome === 'ok' ? 'OK' : humanize(d.outcome))],
    ['HTTP status', d.httpStatus === undefined ? undefined : String(d.httpStatus)],
    ['Duration', formatDuration(d.durationMs)],
    ['Error', d.error],
  ]);
}

function webhook(d: ConsoleStoryDetail<'webhook'>): TemplateResult {
  return html`${facts([
    ['Verdict', statusBadge(d.verdict, humanize(d.verdict))],
    ['Reason', d.reason],
    ['Delivery', d.duplicate ? 'Duplicate (already received)' : 'New'],
    ['Event id', d.eventId],
    ['Type', d.type],
    ['Processing', d.outcome ? humanize(d.outcome) : undefined],
  ])}
  ${
    d.body === undefined
      ? nothing
      : html`<details>
          <summary>Body (personal data masked)</summary>
          <pre class="mono">${body(d.body)}</pre>
        </details>`
  }`;
}

function poll(d: ConsoleStoryDetail<'poll'>): TemplateResult {
  return facts([
    ['Asked by', humanize(d.source)],
    ['Operation', d.operation],
    ['Outcome', d.outcome],
    ['Provider status', d.status],
    ["Provider's own words", d.providerStatus],
    ['Error', d.error],
  ]);
}

/** `poll:operator` → `poll (operator)`; `webhook` stays `webhook`. */
function sourceOf(source: string): string {
  const [kind, by] = source.split(':', 2);
  return by ? `${humanize(kind!)} (${humanize(by)})` : humanize(source);
}

function transition(d: ConsoleStoryDetail<'transition'>): TemplateResult {
  return facts([
    ['Change', html`${statusBadge(d.from)} → ${statusBadge(d.to)}`],
    ['Because of', sourceOf(d.source)],
  ]);
}

function streamEvent(d: ConsoleStoryDetail<'stream_event'>): TemplateResult {
  return facts([
    ['Sequence', String(d.seq)],
    ['Status sent', statusBadge(d.status)],
  ]);
}

function notification(
  d: ConsoleStoryDetail<'notification'>,
  onRequeue?: RequeueHandler,
): TemplateResult {
  const { id, attempts } = d;
  return html`${facts([
    ['Notification', html`<span class="mono">${id}</span>`],
    ['Type', d.type],
    ['Status', statusBadge(d.status)],
  ])}
  ${
    attempts.length === 0
      ? html`<p class="muted">
          ${
            d.urlConfigured === false
              ? html`Not sent: no notification URL is configured (<span class="mono"
                    >MERCHANT_WEBHOOK_URL</span
                  >).`
              : 'Not attempted yet.'
          }
        </p>`
      : html`<div
          class="table-wrap"
          role="region"
          aria-label=${`Delivery attempts of ${id}`}
          tabindex="0"
        >
          <table>
            <caption>
              Delivery attempts of
              <span class="mono">${id}</span>
            </caption>
            <thead>
              <tr>
                <th scope="col">Attempt</th>
                <th scope="col">At</th>
                <th scope="col">Outcome</th>
                <th scope="col">HTTP status</th>
                <th scope="col">Duration</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              ${attempts.map(
                (attempt, i) =>
                  html`<tr>
                    <th scope="row">${i + 1}</th>
                    <td><time datetime=${attempt.at}>${formatTime(attempt.at)}</time></td>
                    <td>${attempt.outcome}</td>
                    <td>${text(attempt.httpStatus)}</td>
                    <td>${formatDuration(attempt.durationMs)}</td>
                    <td>${text(attempt.error)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>`
  }
  ${
    d.status === 'dead' && onRequeue
      ? html`<p>
          <button type="button" data-requeue=${id} @click=${() => onRequeue(id)}>
            Re-queue notification <span class="mono">${id}</span>
          </button>
        </p>`
      : nothing
  }`;
}

function operatorAction(d: ConsoleStoryDetail<'operator_action'>): TemplateResult {
  return facts([
    ['Action', humanize(d.action)],
    ['Operator', d.operator],
    ['Result', text(d.result)],
  ]);
}

/** The body of one entry, by kind. */
export function renderDetail(entry: ConsoleStoryEntry, onRequeue?: RequeueHandler): TemplateResult {
  switch (entry.kind) {
    case 'created':
      return created(entry.detail);
    case 'provider_call':
      return providerCall(entry.detail);
    case 'webhook':
      return webhook(entry.detail);
    case 'poll':
      return poll(entry.detail);
    case 'transition':
      return transition(entry.detail);
    case 'stream_event':
      return streamEvent(entry.detail);
    case 'notification':
      return notification(entry.detail, onRequeue);
    case 'operator_action':
      return operatorAction(entry.detail);
  }
}
