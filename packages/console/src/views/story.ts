/**
 * @module
 * How each kind of story entry is drawn: provider calls with their outcome and duration,
 * webhooks verified or refused (with the reason, and the masked body behind a disclosure),
 * polls, transitions with their source, stream events, notifications with every attempt, and
 * operator actions. A kind this version does not know is shown with its fields as they are.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { StoryEntry } from '../api/types.js';
import { statusBadge } from '../badges.js';
import { formatDuration, formatTime, humanize } from '../format.js';

type Detail = Record<string, unknown>;

/** What a re-queue button on a dead notification calls. */
export type RequeueHandler = (notificationId: string) => void;

const KIND_LABELS: Record<string, string> = {
  created: 'Created',
  provider_call: 'Provider call',
  webhook: 'Webhook',
  poll: 'Status check',
  transition: 'Status change',
  stream_event: 'Live event',
  notification: 'Notification',
  operator_action: 'Operator action',
};

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? humanize(kind);
}

function text(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function str(detail: Detail, key: string): string | undefined {
  const value = detail[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(detail: Detail, key: string): number | undefined {
  const value = detail[key];
  return typeof value === 'number' ? value : undefined;
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

function providerCall(d: Detail): TemplateResult {
  const outcome = str(d, 'outcome') ?? 'unknown';
  const status = num(d, 'httpStatus');
  return facts([
    ['Operation', str(d, 'operation')],
    ['Outcome', statusBadge(outcome, outcome === 'ok' ? 'OK' : humanize(outcome))],
    ['HTTP status', status === undefined ? undefined : String(status)],
    ['Duration', formatDuration(num(d, 'durationMs'))],
    ['Error', str(d, 'error')],
  ]);
}

function webhook(d: Detail): TemplateResult {
  const verdict = str(d, 'verdict') ?? 'unknown';
  return html`${facts([
    ['Verdict', statusBadge(verdict, humanize(verdict))],
    ['Reason', str(d, 'reason')],
    ['Delivery', d.duplicate === true ? 'Duplicate (already received)' : 'New'],
    ['Event id', str(d, 'eventId')],
    ['Type', str(d, 'type')],
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

function poll(d: Detail): TemplateResult {
  return facts([
    ['Asked by', str(d, 'source') ? humanize(str(d, 'source')!) : undefined],
    ['Outcome', str(d, 'outcome')],
    ['Provider status', str(d, 'status')],
  ]);
}

/** `poll:operator` → `poll (operator)`; `webhook` stays `webhook`. */
function sourceOf(source: string | undefined): string | undefined {
  if (!source) return undefined;
  const [kind, by] = source.split(':', 2);
  return by ? `${humanize(kind!)} (${humanize(by)})` : humanize(source);
}

function transition(d: Detail): TemplateResult {
  const from = str(d, 'from');
  const to = str(d, 'to') ?? 'unknown';
  return facts([
    ['Change', html`${from ? html`${statusBadge(from)} → ` : nothing}${statusBadge(to)}`],
    ['Because of', sourceOf(str(d, 'source'))],
  ]);
}

function streamEvent(d: Detail): TemplateResult {
  const seq = num(d, 'seq');
  return facts([
    ['Sequence', seq === undefined ? undefined : String(seq)],
    ['Status sent', str(d, 'status') ? statusBadge(str(d, 'status')!) : undefined],
  ]);
}

interface Attempt {
  at?: string;
  outcome?: string;
  httpStatus?: number;
  durationMs?: number;
  error?: string;
}

function notification(d: Detail, onRequeue?: RequeueHandler): TemplateResult {
  const id = str(d, 'id');
  const status = str(d, 'status') ?? 'unknown';
  const attempts = (Array.isArray(d.attempts) ? d.attempts : []) as Attempt[];
  return html`${facts([
    ['Notification', id ? html`<span class="mono">${id}</span>` : undefined],
    ['Type', str(d, 'type')],
    ['Status', statusBadge(status)],
  ])}
  ${
    attempts.length === 0
      ? html`<p class="muted">Not attempted yet.</p>`
      : html`<div
          class="table-wrap"
          role="region"
          aria-label=${`Delivery attempts${id ? ` of ${id}` : ''}`}
          tabindex="0"
        >
          <table>
            <caption>
              Delivery attempts${id ? html` of <span class="mono">${id}</span>` : nothing}
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
                    <td><time datetime=${attempt.at ?? ''}>${formatTime(attempt.at)}</time></td>
                    <td>${text(attempt.outcome)}</td>
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
    status === 'dead' && id && onRequeue
      ? html`<p>
          <button type="button" data-requeue=${id} @click=${() => onRequeue(id)}>
            Re-queue notification <span class="mono">${id}</span>
          </button>
        </p>`
      : nothing
  }`;
}

function operatorAction(d: Detail): TemplateResult {
  return facts([
    ['Action', str(d, 'action') ? humanize(str(d, 'action')!) : undefined],
    ['Operator', str(d, 'operator')],
    ['Result', text(d.result)],
  ]);
}

function generic(d: Detail): TemplateResult {
  return facts(Object.entries(d).map(([key, value]) => [humanize(key), text(value)]));
}

/** The body of one entry, by kind. */
export function renderDetail(entry: StoryEntry, onRequeue?: RequeueHandler): TemplateResult {
  const d = entry.detail;
  switch (entry.kind) {
    case 'provider_call':
      return providerCall(d);
    case 'webhook':
      return webhook(d);
    case 'poll':
      return poll(d);
    case 'transition':
      return transition(d);
    case 'stream_event':
      return streamEvent(d);
    case 'notification':
      return notification(d, onRequeue);
    case 'operator_action':
      return operatorAction(d);
    default:
      return generic(d);
  }
}
