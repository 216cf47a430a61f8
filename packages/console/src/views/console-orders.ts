/**
 * @module
 * `<console-orders>`: every order, newest first, with the counts per status at the top, filters
 * (status, provider, method, dates, anomaly, a search for reference and ids), cursor paging and
 * live updates: a change that arrives on the order stream updates its row in place, or adds a
 * new order at the top when it matches the filters, and is announced.
 */
import { css, html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import {
  CONSOLE_ANOMALIES,
  ConsoleAnomalySchema,
  type ConsoleOrderRow,
  type ConsoleOrdersPage,
} from '@pay-checkout/protocol/console';
import { isOrderStatus, ORDER_STATUSES, type OrderStatus } from '@pay-checkout/protocol/status';
import type { ConsoleApi, OrderFilters } from '../api/client.js';
import { ConsoleError } from '../api/console-error.js';
import type { OrderStream } from '../api/stream.js';
import { announce } from '../announce.js';
import { statusBadge } from '../badges.js';
import { formatMoney, formatTime, humanize } from '../format.js';
import { orderPath } from '../router.js';
import { baseStyles } from '../styles.js';

/** Start (or end) of a `yyyy-mm-dd` day in the operator's time zone, as an ISO instant. */
function dayBound(day: string | undefined, end: boolean): string | undefined {
  if (!day) return undefined;
  const date = new Date(`${day}T${end ? '23:59:59.999' : '00:00:00.000'}`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * Whether a row changed live belongs in the list under these filters. The search matches ids
 * and the reference, which never change, so it is not asked again of a row already `shown`:
 * the server matched it, possibly by the provider's order id, which a row does not carry.
 */
export function matchesFilters(
  row: ConsoleOrderRow,
  filters: OrderFilters,
  shown = false,
): boolean {
  if (filters.status && row.status !== filters.status) return false;
  if (filters.provider && row.provider !== filters.provider) return false;
  if (filters.method && row.method !== filters.method) return false;
  if (filters.anomaly && !row.anomalies.includes(filters.anomaly)) return false;
  const from = dayBound(filters.from, false);
  const to = dayBound(filters.to, true);
  if (from && row.createdAt < from) return false;
  if (to && row.createdAt > to) return false;
  const q = shown ? undefined : filters.q?.trim();
  if (q) {
    // As the server searches: ids exactly, the merchant's reference by prefix.
    if (!(row.reference.startsWith(q) || row.id === q || row.sessionId === q)) return false;
  }
  return true;
}

const FILTER_KEYS = ['q', 'status', 'provider', 'method', 'from', 'to', 'anomaly'] as const;

type FilterKey = (typeof FILTER_KEYS)[number];

/**
 * The filters of a query string or the filter form. Unknown parameters, empty values, and a
 * status or anomaly the contract does not know are left out.
 */
function readFilters(get: (key: FilterKey) => string | null | undefined): OrderFilters {
  const filters: OrderFilters = {};
  for (const key of FILTER_KEYS) {
    const value = get(key)?.trim();
    if (!value) continue;
    if (key === 'status') {
      if (isOrderStatus(value)) filters.status = value;
    } else if (key === 'anomaly') {
      const anomaly = ConsoleAnomalySchema.safeParse(value);
      if (anomaly.success) filters.anomaly = anomaly.data;
    } else {
      filters[key] = value;
    }
  }
  return filters;
}

/** The filters of a query string (see {@link readFilters}). */
export function filtersOf(search: string): OrderFilters {
  const params = new URLSearchParams(search);
  return readFilters((key) => params.get(key));
}

export class ConsoleOrders extends LitElement {
  static override properties = {
    api: { attribute: false },
    stream: { attribute: false },
    syncUrl: { attribute: false },
    _rows: { state: true },
    _counts: { state: true },
    _cursor: { state: true },
    _filters: { state: true },
    _providers: { state: true },
    _loading: { state: true },
    _error: { state: true },
    _fresh: { state: true },
    _liveError: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      .counts {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        list-style: none;
        margin: 0 0 1rem;
        padding: 0;
      }
      .counts button[aria-pressed='true'] {
        border-width: 2px;
        border-color: #0b5cad;
        font-weight: 600;
      }
      form {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr));
        gap: 0.75rem;
        align-items: end;
        margin: 0 0 1rem;
        padding: 0.75rem;
        border: 1px solid #dde1e5;
        border-radius: 6px;
        background: #fff;
      }
      .search {
        grid-column: 1 / -1;
      }
      .form-actions {
        display: flex;
        gap: 0.5rem;
      }
      tr.fresh td {
        background: #eef5ff;
      }
      .more {
        margin-top: 1rem;
      }
      .live {
        font-size: 0.9rem;
      }
    `,
  ];

  declare api: ConsoleApi;
  /** The live feed; without it the list does not update by itself. */
  declare stream: OrderStream | null;
  /**
   * Whether the filters live in the page's query string (`?status=paid&q=…`), so a filtered
   * list can be bookmarked and reloaded. The app turns it on; a lone view leaves the URL alone.
   */
  declare syncUrl: boolean;
  declare protected _rows: ConsoleOrderRow[];
  declare protected _counts: ConsoleOrdersPage['counts'];
  declare protected _cursor: string | null;
  declare protected _filters: OrderFilters;
  declare protected _providers: string[];
  declare protected _loading: boolean;
  declare protected _error: string;
  /** Ids of rows that changed live, marked until the next load. */
  declare protected _fresh: ReadonlySet<string>;
  /** Why the last live change could not be shown; cleared by the next one that can. */
  declare protected _liveError: string;

  private unsubscribe: (() => void) | null = null;
  private loads: AbortController | null = null;

  constructor() {
    super();
    this.stream = null;
    this.syncUrl = false;
    this._rows = [];
    this._counts = {};
    this._cursor = null;
    this._filters = {};
    this._providers = [];
    this._loading = true;
    this._error = '';
    this._fresh = new Set();
    this._liveError = '';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.loads?.abort();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.listen();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('stream')) this.listen();
    if (changed.has('syncUrl') && this.syncUrl) this._filters = filtersOf(location.search);
    if (changed.has('api') && this.api) {
      void this.load();
      void this.loadProviders();
    }
  }

  /** Loads the first page under the current filters. */
  async load(): Promise<void> {
    this.loads?.abort();
    const controller = new AbortController();
    this.loads = controller;
    this._loading = true;
    this._error = '';
    try {
      const page = await this.api.orders(this.query(), null, controller.signal);
      if (controller.signal.aborted) return;
      this._rows = page.items;
      this._counts = page.counts;
      this._cursor = page.nextCursor;
      this._fresh = new Set();
    } catch (error) {
      if (controller.signal.aborted) return;
      this._error =
        error instanceof ConsoleError ? error.message : 'The orders could not be loaded.';
    } finally {
      if (this.loads === controller) this._loading = false;
    }
  }

  protected override render(): TemplateResult {
    return html`
      <h1 tabindex="-1">Orders</h1>
      ${this.renderCounts()} ${this.renderFilters()}
      <p class="live muted">
        ${this.stream ? 'New orders and changes appear here as they happen.' : nothing}
      </p>
      ${
        this._liveError
          ? html`<p class="error" role="status" data-live-error>
              A change could not be shown. ${this._liveError}
            </p>`
          : nothing
      }
      ${
        this._error
          ? html`<div class="error" role="alert">
              <p>${this._error}</p>
              <button type="button" @click=${() => this.load()}>Try again</button>
            </div>`
          : this.renderTable()
      }
    `;
  }

  private renderCounts(): TemplateResult {
    const statuses = ORDER_STATUSES.filter((status) => this._counts[status] !== undefined);
    const total = statuses.reduce((sum, status) => sum + (this._counts[status] ?? 0), 0);
    return html`
      <section aria-labelledby="counts-heading">
        <h2 id="counts-heading">Orders by status</h2>
        ${
          statuses.length === 0
            ? html`<p class="muted">${this._loading ? 'Counting…' : 'No orders yet.'}</p>`
            : html`<ul class="counts">
                <li>
                  <button
                    type="button"
                    aria-pressed=${this._filters.status ? 'false' : 'true'}
                    @click=${() => this.filterStatus('')}
                  >
                    All: ${total}
                  </button>
                </li>
                ${statuses.map(
                  (status) =>
                    html`<li>
                      <button
                        type="button"
                        data-status=${status}
                        aria-pressed=${this._filters.status === status ? 'true' : 'false'}
                        @click=${() => this.filterStatus(status)}
                      >
                        ${humanize(status)}: ${this._counts[status]}
                      </button>
                    </li>`,
                )}
              </ul>`
        }
      </section>
    `;
  }

  private renderFilters(): TemplateResult {
    const f = this._filters;
    return html`
      <form role="search" aria-label="Filter orders" @submit=${this.applyFilters}>
        <label class="search">
          Search by reference, order id, session id or provider id
          <input type="search" name="q" .value=${f.q ?? ''} autocomplete="off" />
        </label>
        <label>
          Status
          <select name="status">
            <option value="" ?selected=${!f.status}>Any status</option>
            ${ORDER_STATUSES.map(
              (status) =>
                html`<option value=${status} ?selected=${f.status === status}>
                  ${humanize(status)}
                </option>`,
            )}
          </select>
        </label>
        <label>
          Provider
          <select name="provider">
            <option value="" ?selected=${!f.provider}>Any provider</option>
            ${this._providers.map(
              (id) => html`<option value=${id} ?selected=${f.provider === id}>${id}</option>`,
            )}
          </select>
        </label>
        <label>
          Method
          <input type="text" name="method" .value=${f.method ?? ''} autocomplete="off" />
        </label>
        <label>
          Created from
          <input type="date" name="from" .value=${f.from ?? ''} />
        </label>
        <label>
          Created to
          <input type="date" name="to" .value=${f.to ?? ''} />
        </label>
        <label>
          Anomaly
          <select name="anomaly">
            <option value="" ?selected=${!f.anomaly}>Any</option>
            ${CONSOLE_ANOMALIES.map(
              (anomaly) =>
                html`<option value=${anomaly} ?selected=${f.anomaly === anomaly}>
                  ${humanize(anomaly)}
                </option>`,
            )}
          </select>
        </label>
        <div class="form-actions">
          <button class="primary" type="submit">Apply filters</button>
          <button type="button" @click=${this.clearFilters}>Clear</button>
        </div>
      </form>
    `;
  }

  private renderTable(): TemplateResult {
    if (!this._loading && this._rows.length === 0)
      return html`<p>No order matches these filters.</p>`;
    return html`
      <div class="table-wrap" role="region" aria-label="Orders table" tabindex="0">
        <table aria-busy=${this._loading ? 'true' : 'false'}>
          <caption>
            Orders, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Reference</th>
              <th scope="col">Order</th>
              <th scope="col">Provider</th>
              <th scope="col">Method</th>
              <th scope="col">Amount</th>
              <th scope="col">Status</th>
              <th scope="col">Anomalies</th>
            </tr>
          </thead>
          <tbody>
            ${this._rows.map(
              (row) => html`
                <tr data-order=${row.id} class=${this._fresh.has(row.id) ? 'fresh' : ''}>
                  <td><time datetime=${row.createdAt}>${formatTime(row.createdAt)}</time></td>
                  <th scope="row"><a href=${orderPath(row.id)}>${row.reference || row.id}</a></th>
                  <td class="mono">${row.id}</td>
                  <td>${row.provider}</td>
                  <td>${row.method}</td>
                  <td>${formatMoney(row.amount)}</td>
                  <td>
                    ${statusBadge(row.status)}
                    ${this._fresh.has(row.id) ? html`<span class="muted">(updated)</span>` : nothing}
                  </td>
                  <td>
                    ${
                      row.anomalies.length === 0
                        ? html`<span class="muted">none</span>`
                        : row.anomalies.map((a) => statusBadge('disputed', humanize(a)))
                    }
                  </td>
                </tr>
              `,
            )}
          </tbody>
        </table>
      </div>
      ${
        this._cursor
          ? html`<button class="more" type="button" ?disabled=${this._loading} @click=${this.more}>
              Show older orders
            </button>`
          : nothing
      }
    `;
  }

  private query(): OrderFilters {
    const { from, to, ...rest } = this._filters;
    return { ...rest, from: dayBound(from, false), to: dayBound(to, true) };
  }

  private applyFilters(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.setFilters(readFilters((key) => String(data.get(key) ?? '')));
  }

  private clearFilters(): void {
    this.renderRoot.querySelector('form')?.reset();
    this.setFilters({});
  }

  private filterStatus(status: OrderStatus | ''): void {
    const { status: _old, ...rest } = this._filters;
    this.setFilters(status ? { ...rest, status } : rest);
  }

  private setFilters(filters: OrderFilters): void {
    this._filters = filters;
    if (this.syncUrl) {
      const query = new URLSearchParams(
        FILTER_KEYS.flatMap((key) => (filters[key] ? [[key, filters[key]]] : [])),
      ).toString();
      history.replaceState(history.state, '', `${location.pathname}${query ? `?${query}` : ''}`);
    }
    void this.load().then(() => this.announceResult());
  }

  private announceResult(): void {
    if (this._error) return;
    const n = this._rows.length;
    announce(this, `${n}${this._cursor ? ' or more' : ''} order${n === 1 ? '' : 's'} shown.`);
  }

  private async more(): Promise<void> {
    if (!this._cursor) return;
    this._loading = true;
    try {
      const page = await this.api.orders(this.query(), this._cursor);
      const known = new Set(this._rows.map((row) => row.id));
      this._rows = [...this._rows, ...page.items.filter((row) => !known.has(row.id))];
      this._cursor = page.nextCursor;
      announce(this, `${page.items.length} older orders added.`);
    } catch (error) {
      this._error =
        error instanceof ConsoleError ? error.message : 'The orders could not be loaded.';
    } finally {
      this._loading = false;
    }
  }

  private async loadProviders(): Promise<void> {
    try {
      this._providers = (await this.api.providers()).map((provider) => provider.id);
    } catch {
      // The provider filter then offers "Any provider" only.
    }
  }

  private listen(): void {
    this.unsubscribe?.();
    this.unsubscribe = this.stream
      ? this.stream.subscribe(
          (row) => this.onLive(row),
          (error) => (this._liveError = error.message),
        )
      : null;
  }

  /** One live change: update the row and the counts, or add a new matching order on top. */
  private onLive(row: ConsoleOrderRow): void {
    this._liveError = '';
    const index = this._rows.findIndex((existing) => existing.id === row.id);
    const label = row.reference || row.id;
    if (index >= 0) {
      const previous = this._rows[index]!;
      const rows = [...this._rows];
      if (matchesFilters(row, this._filters, true)) rows[index] = row;
      else rows.splice(index, 1);
      this._rows = rows;
      if (previous.status !== row.status) {
        this._counts = this.moveCount(previous.status, row.status);
        announce(this, `Order ${label} is now ${humanize(row.status)}.`);
      } else {
        announce(this, `Order ${label} was updated.`);
      }
    } else {
      // Not on screen: a new order, or an older one beyond the loaded pages. The counts come
      // from the server again; only an order newer than the top row goes on top.
      this.refreshCounts();
      const newest = this._rows[0]?.createdAt ?? '';
      if (!matchesFilters(row, this._filters) || row.createdAt < newest) return;
      this._rows = [row, ...this._rows];
      announce(this, `New order ${label}: ${humanize(row.status)}.`);
    }
    this._fresh = new Set([...this._fresh, row.id]);
  }

  private countsTimer: ReturnType<typeof setTimeout> | undefined;

  /** Reads the counts again, once for a burst of live changes. */
  private refreshCounts(): void {
    clearTimeout(this.countsTimer);
    this.countsTimer = setTimeout(() => {
      this.api
        .orders(this.query())
        .then((page) => (this._counts = page.counts))
        .catch(() => undefined);
    }, 300);
  }

  private moveCount(from: OrderStatus, to: OrderStatus): ConsoleOrdersPage['counts'] {
    const counts = { ...this._counts };
    const before = counts[from];
    if (before !== undefined) counts[from] = Math.max(0, before - 1);
    counts[to] = (counts[to] ?? 0) + 1;
    return counts;
  }
}

customElements.define('console-orders', ConsoleOrders);

declare global {
  interface HTMLElementTagNameMap {
    'console-orders': ConsoleOrders;
  }
}
