/**
 * @module
 * `<console-notifications>`: the notifications to the merchant's backend — pending, delivered
 * or dead — with their attempts and last error, cursor paging, and a re-queue button on each
 * dead one.
 */
import { css, html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import {
  CONSOLE_NOTIFICATION_STATUSES,
  type ConsoleNotificationRow,
} from '@pay-checkout/protocol/console';
import type { ConsoleApi } from '../api/client.js';
import { ConsoleError } from '../api/console-error.js';
import { announce } from '../announce.js';
import { statusBadge } from '../badges.js';
import { formatTime, humanize } from '../format.js';
import { orderPath } from '../router.js';
import { baseStyles } from '../styles.js';

export class ConsoleNotifications extends LitElement {
  static override properties = {
    api: { attribute: false },
    status: { reflect: true },
    _rows: { state: true },
    _cursor: { state: true },
    _loading: { state: true },
    _error: { state: true },
    _message: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      .filter {
        display: flex;
        gap: 0.75rem;
        align-items: end;
        margin-bottom: 1rem;
      }
      .more {
        margin-top: 1rem;
      }
    `,
  ];

  declare api: ConsoleApi;
  /** Shown status: `pending`, `delivered`, `dead` or empty for all. */
  declare status: string;
  declare protected _rows: ConsoleNotificationRow[];
  declare protected _cursor: string | null;
  declare protected _loading: boolean;
  declare protected _error: string;
  declare protected _message: string;

  constructor() {
    super();
    this.status = '';
    this._rows = [];
    this._cursor = null;
    this._loading = true;
    this._error = '';
    this._message = '';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('api') || changed.has('status')) && this.api) void this.load();
  }

  async load(): Promise<void> {
    this._loading = true;
    this._error = '';
    try {
      const page = await this.api.notifications(this.status || undefined);
      this._rows = page.items;
      this._cursor = page.nextCursor;
    } catch (error) {
      this._error =
        error instanceof ConsoleError ? error.message : 'The notifications could not be loaded.';
    } finally {
      this._loading = false;
    }
  }

  protected override render(): TemplateResult {
    return html`
      <h1 tabindex="-1">Notifications</h1>
      <p>What the server told the shop's backend about each order, and whether it arrived.</p>
      <form class="filter" @submit=${this.applyFilter}>
        <label>
          Status
          <select name="status">
            <option value="" ?selected=${!this.status}>All</option>
            ${CONSOLE_NOTIFICATION_STATUSES.map(
              (s) =>
                html`<option value=${s} ?selected=${this.status === s}>${humanize(s)}</option>`,
            )}
          </select>
        </label>
        <button type="submit">Show</button>
      </form>
      ${this._message ? html`<p data-message>${this._message}</p>` : nothing}
      ${this._error ? html`<div class="error" role="alert"><p>${this._error}</p></div>` : nothing}
      ${this.renderTable()}
    `;
  }

  private renderTable(): TemplateResult {
    if (!this._loading && this._rows.length === 0)
      return html`<p>No notification${this.status ? ` is ${this.status}` : ' yet'}.</p>`;
    return html`<div class="table-wrap" role="region" aria-label="Notifications table" tabindex="0">
        <table aria-busy=${this._loading ? 'true' : 'false'}>
          <caption>
            ${this.status ? `${humanize(this.status)} notifications` : 'All notifications'}, newest
            first
          </caption>
          <thead>
            <tr>
              <th scope="col">Notification</th>
              <th scope="col">Order</th>
              <th scope="col">Type</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last error</th>
              <th scope="col">Created</th>
              <th scope="col">Next attempt</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            ${this._rows.map(
              (row) =>
                html`<tr data-notification=${row.id}>
                  <th scope="row" class="mono">${row.id}</th>
                  <td>
                    ${
                      row.orderId
                        ? html`<a href=${orderPath(row.orderId)} class="mono">${row.orderId}</a>`
                        : html`<span class="mono">${row.sessionId ?? '—'}</span>`
                    }
                  </td>
                  <td>${row.type}</td>
                  <td>${statusBadge(row.status)}</td>
                  <td>${row.attempts}</td>
                  <td>${row.lastError ?? '—'}</td>
                  <td><time datetime=${row.createdAt}>${formatTime(row.createdAt)}</time></td>
                  <td>${row.nextAttemptAt ? formatTime(row.nextAttemptAt) : '—'}</td>
                  <td>
                    ${
                      row.status === 'dead'
                        ? html`<button type="button" @click=${() => this.requeue(row.id)}>
                            Re-queue <span class="visually-hidden">${row.id}</span>
                          </button>`
                        : nothing
                    }
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${
        this._cursor
          ? html`<button class="more" type="button" ?disabled=${this._loading} @click=${this.more}>
              Show older notifications
            </button>`
          : nothing
      }`;
  }

  private applyFilter(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.status = String(data.get('status') ?? '');
  }

  private async more(): Promise<void> {
    if (!this._cursor) return;
    this._loading = true;
    try {
      const page = await this.api.notifications(this.status || undefined, this._cursor);
      this._rows = [...this._rows, ...page.items];
      this._cursor = page.nextCursor;
    } catch (error) {
      this._error =
        error instanceof ConsoleError ? error.message : 'The notifications could not be loaded.';
    } finally {
      this._loading = false;
    }
  }

  private async requeue(id: string): Promise<void> {
    this._error = '';
    this._message = '';
    try {
      const updated = await this.api.requeue(id);
      this._rows = this._rows.map((row) => (row.id === id ? updated : row));
      this._message = `Notification ${id} is queued again.`;
      announce(this, this._message);
      // Focus stays in the table: the re-queued row's header.
      await this.updateComplete;
      this.renderRoot
        .querySelector<HTMLElement>(`tr[data-notification="${CSS.escape(id)}"] th`)
        ?.setAttribute('tabindex', '-1');
      this.renderRoot
        .querySelector<HTMLElement>(`tr[data-notification="${CSS.escape(id)}"] th`)
        ?.focus();
    } catch (error) {
      this._error = error instanceof ConsoleError ? error.message : 'Re-queueing failed.';
    }
  }
}

customElements.define('console-notifications', ConsoleNotifications);

declare global {
  interface HTMLElementTagNameMap {
    'console-notifications': ConsoleNotifications;
  }
}
