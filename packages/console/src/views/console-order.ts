/**
 * @module
 * `<console-order>`: one order's whole story on one page, in time order, with what an operator
 * can do about it — ask the provider now, copy a support summary, re-queue a dead
 * notification. The story reloads by itself when the order stream reports a change to it.
 */
import { css, html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { ConsoleOrderDetail } from '@pay-checkout/protocol/console';
import type { ConsoleApi } from '../api/client.js';
import { ConsoleError } from '../api/console-error.js';
import type { OrderStream } from '../api/stream.js';
import { announce } from '../announce.js';
import { statusBadge } from '../badges.js';
import { formatMoney, formatTime, humanize } from '../format.js';
import { pathOf } from '../router.js';
import { baseStyles } from '../styles.js';
import { kindLabel, renderDetail } from './story.js';

export class ConsoleOrder extends LitElement {
  static override properties = {
    api: { attribute: false },
    stream: { attribute: false },
    orderId: { attribute: 'order-id' },
    _detail: { state: true },
    _error: { state: true },
    _busy: { state: true },
    _message: { state: true },
    _summary: { state: true },
    _newEntries: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      .back {
        display: inline-block;
        margin-bottom: 0.75rem;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem;
        align-items: center;
      }
      ol.story {
        list-style: none;
        margin: 0;
        padding: 0;
        border-inline-start: 2px solid #c5ccd3;
      }
      ol.story > li {
        position: relative;
        margin: 0 0 1rem;
        padding: 0.6rem 0.9rem;
        margin-inline-start: 1rem;
        background: #fff;
        border: 1px solid #dde1e5;
        border-radius: 6px;
      }
      ol.story > li.new {
        border-color: #0b5cad;
        border-width: 2px;
      }
      .entry-head {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 0.75rem;
        align-items: baseline;
        margin-bottom: 0.4rem;
      }
      .kind {
        font-size: 0.8rem;
        text-transform: uppercase;
        letter-spacing: 0.04em;
        color: #545d66;
      }
      pre {
        white-space: pre-wrap;
        word-break: break-word;
        background: #f3f5f7;
        padding: 0.6rem;
        border-radius: 4px;
        margin: 0.4rem 0 0;
      }
      details {
        margin-top: 0.5rem;
      }
      textarea {
        width: 100%;
        min-height: 10rem;
      }
      .message {
        margin: 0.5rem 0 0;
      }
    `,
  ];

  declare api: ConsoleApi;
  declare stream: OrderStream | null;
  /** The order whose story is shown. */
  declare orderId: string;
  declare protected _detail: ConsoleOrderDetail | null;
  declare protected _error: string;
  declare protected _busy: '' | 'recheck' | 'summary' | 'requeue';
  declare protected _message: string;
  /** The summary text, shown when the clipboard refused it. */
  declare protected _summary: string;
  /** How many story entries at the end arrived since the page opened. */
  declare protected _newEntries: number;

  private unsubscribe: (() => void) | null = null;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private loads: AbortController | null = null;

  constructor() {
    super();
    this.stream = null;
    this.orderId = '';
    this._detail = null;
    this._error = '';
    this._busy = '';
    this._message = '';
    this._summary = '';
    this._newEntries = 0;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.listen();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = null;
    clearTimeout(this.reloadTimer);
    this.loads?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('stream') || changed.has('orderId')) this.listen();
    if ((changed.has('api') || changed.has('orderId')) && this.api && this.orderId) {
      this._detail = null;
      this._newEntries = 0;
      void this.load();
    }
  }

  /** Reads the order and its story again. */
  async load(): Promise<void> {
    this.loads?.abort();
    const controller = new AbortController();
    this.loads = controller;
    try {
      const before = this._detail?.story.length;
      const detail = await this.api.order(this.orderId, controller.signal);
      if (controller.signal.aborted) return;
      this._error = '';
      if (before !== undefined && detail.story.length > before)
        this._newEntries += detail.story.length - before;
      this._detail = detail;
    } catch (error) {
      if (controller.signal.aborted) return;
      this._error =
        error instanceof ConsoleError && error.code === 'not_found'
          ? `There is no order ${this.orderId}.`
          : error instanceof ConsoleError
            ? error.message
            : 'The order could not be loaded.';
    }
  }

  protected override render(): TemplateResult {
    const detail = this._detail;
    // One heading element throughout, so focus put on it survives the order arriving.
    const title = detail ? detail.order.reference || detail.order.id : this.orderId;
    return html`
      <a class="back" href=${pathOf({ name: 'orders' })}>← All orders</a>
      <h1 tabindex="-1">Order ${title}</h1>
      ${
        detail
          ? this.renderOrder(detail)
          : this._error
            ? html`<div class="error" role="alert">
                <p>${this._error}</p>
                <button type="button" @click=${() => this.load()}>Try again</button>
              </div>`
            : html`<p aria-busy="true">Loading the order…</p>`
      }
    `;
  }

  private renderOrder({ order, session, story }: ConsoleOrderDetail): TemplateResult {
    return html`
      <section aria-labelledby="facts-heading">
        <h2 id="facts-heading">Summary</h2>
        <dl class="facts">
          <dt>Status</dt>
          <dd>${statusBadge(order.status)}</dd>
          <dt>Amount</dt>
          <dd>${formatMoney(order.amount)}</dd>
          <dt>Reference</dt>
          <dd class="mono">${order.reference}</dd>
          <dt>Order id</dt>
          <dd class="mono">${order.id}</dd>
          <dt>Session id</dt>
          <dd class="mono">${order.sessionId}</dd>
          <dt>Provider</dt>
          <dd>${order.provider}</dd>
          <dt>Method</dt>
          <dd>${order.method}</dd>
          <dt>Provider's order id</dt>
          <dd class="mono">${order.providerOrderId ?? '—'}</dd>
          <dt>Attempt</dt>
          <dd>${order.attempt}</dd>
          ${
            order.description
              ? html`<dt>Description</dt>
                  <dd>${order.description}</dd>`
              : nothing
          }
          <dt>Session status</dt>
          <dd>${statusBadge(session.status)}</dd>
          <dt>Market</dt>
          <dd>${session.country}</dd>
          <dt>Created</dt>
          <dd><time datetime=${order.createdAt}>${formatTime(order.createdAt)}</time></dd>
          <dt>Last change</dt>
          <dd><time datetime=${order.updatedAt}>${formatTime(order.updatedAt)}</time></dd>
          <dt>Anomalies</dt>
          <dd>
            ${
              order.anomalies.length === 0
                ? 'none'
                : order.anomalies.map((a) => statusBadge('disputed', humanize(a)))
            }
          </dd>
        </dl>
      </section>
      <section aria-labelledby="actions-heading">
        <h2 id="actions-heading">Actions</h2>
        <div class="actions">
          <button type="button" ?disabled=${this._busy !== ''} @click=${this.recheck}>
            ${this._busy === 'recheck' ? 'Asking the provider…' : 'Ask the provider now'}
          </button>
          <button type="button" ?disabled=${this._busy !== ''} @click=${this.copySummary}>
            Copy support summary
          </button>
        </div>
        ${this._message ? html`<p class="message" data-message>${this._message}</p>` : nothing}
        ${this._error ? html`<p class="error" role="alert">${this._error}</p>` : nothing}
        ${
          this._summary
            ? html`<label>
                Support summary (select it and copy)
                <textarea readonly .value=${this._summary}></textarea>
              </label>`
            : nothing
        }
      </section>
      <section aria-labelledby="story-heading">
        <h2 id="story-heading">Story</h2>
        <p class="muted">
          ${story.length} entr${story.length === 1 ? 'y' : 'ies'}, oldest
          first.${
            this._newEntries > 0 ? ` ${this._newEntries} new since this page opened (marked).` : ''
          }
        </p>
        <ol class="story">
          ${story.map(
            (entry, i) =>
              html`<li
                data-kind=${entry.kind}
                class=${i >= story.length - this._newEntries ? 'new' : ''}
              >
                <div class="entry-head">
                  <span class="kind">${kindLabel(entry.kind)}</span>
                  <h3>${entry.title || kindLabel(entry.kind)}</h3>
                  <time datetime=${entry.at}>${formatTime(entry.at)}</time>
                  ${i >= story.length - this._newEntries ? html`<span>(new)</span>` : nothing}
                </div>
                ${renderDetail(entry, (id) => void this.requeue(id))}
              </li>`,
          )}
        </ol>
      </section>
    `;
  }

  /** Puts text on the clipboard; throws when the browser refuses. */
  protected async writeClipboard(text: string): Promise<void> {
    if (!navigator.clipboard) throw new Error('no clipboard');
    await navigator.clipboard.writeText(text);
  }

  private listen(): void {
    this.unsubscribe?.();
    this.unsubscribe = this.stream
      ? this.stream.subscribe((row) => {
          if (row.id !== this.orderId) return;
          // A burst of changes (webhook, transition, notification) reloads once.
          clearTimeout(this.reloadTimer);
          this.reloadTimer = setTimeout(() => {
            const before = this._detail?.story.length ?? 0;
            void this.load().then(() => {
              const added = (this._detail?.story.length ?? 0) - before;
              if (added > 0)
                announce(
                  this,
                  `${added} new entr${added === 1 ? 'y' : 'ies'} in the story of this order.`,
                );
            });
          }, 250);
        })
      : null;
  }

  private async act(busy: ConsoleOrder['_busy'], work: () => Promise<string>): Promise<void> {
    this._busy = busy;
    this._error = '';
    this._message = '';
    try {
      const message = await work();
      this._message = message;
      announce(this, message);
    } catch (error) {
      this._error = error instanceof ConsoleError ? error.message : 'That did not work. Try again.';
    } finally {
      this._busy = '';
    }
  }

  private recheck(): Promise<void> {
    return this.act('recheck', async () => {
      const row = await this.api.recheck(this.orderId);
      await this.load();
      return `The provider was asked: the order is ${humanize(row.status)}.`;
    });
  }

  private copySummary(): Promise<void> {
    return this.act('summary', async () => {
      const text = await this.api.summary(this.orderId);
      try {
        await this.writeClipboard(text);
        this._summary = '';
        void this.load();
        return 'The support summary is on the clipboard.';
      } catch {
        this._summary = text;
        void this.load();
        return 'The clipboard is not available here: the summary is shown below to copy.';
      }
    });
  }

  private requeue(id: string): Promise<void> {
    return this.act('requeue', async () => {
      await this.api.requeue(id);
      await this.load();
      return `Notification ${id} is queued again.`;
    });
  }
}

customElements.define('console-order', ConsoleOrder);

declare global {
  interface HTMLElementTagNameMap {
    'console-order': ConsoleOrder;
  }
}
