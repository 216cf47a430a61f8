/**
 * @module
 * `<console-providers>`: each provider — on or off, its breaker, its methods per market, and
 * the last hour of calls to it (count, errors, error rate, median and 99th-percentile latency).
 */
import { css, html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type {
  CONSOLE_BREAKER_STATES,
  ConsoleProvider,
  ConsoleProviderMethod,
} from '@pay-checkout/protocol/console';
import type { ConsoleApi } from '../api/client.js';
import { ConsoleError } from '../api/console-error.js';
import { statusBadge } from '../badges.js';
import { formatDuration, formatRate } from '../format.js';
import { baseStyles } from '../styles.js';

const BREAKER_LABELS: Record<(typeof CONSOLE_BREAKER_STATES)[number], string> = {
  closed: 'Closed (calls go through)',
  open: 'Open (calls held back)',
  half_open: 'Half open (trying again)',
};

function byMarket(methods: ConsoleProviderMethod[]): [string, ConsoleProviderMethod[]][] {
  const markets = new Map<string, ConsoleProviderMethod[]>();
  for (const method of methods) {
    const list = markets.get(method.market) ?? [];
    list.push(method);
    markets.set(method.market, list);
  }
  return [...markets.entries()].sort(([a], [b]) => a.localeCompare(b));
}

export class ConsoleProviders extends LitElement {
  static override properties = {
    api: { attribute: false },
    _providers: { state: true },
    _error: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      ul.markets {
        margin: 0;
        padding-inline-start: 1rem;
      }
      .refresh {
        margin-bottom: 1rem;
      }
    `,
  ];

  declare api: ConsoleApi;
  declare protected _providers: ConsoleProvider[] | null;
  declare protected _error: string;

  constructor() {
    super();
    this._providers = null;
    this._error = '';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('api') && this.api) void this.load();
  }

  async load(): Promise<void> {
    this._error = '';
    try {
      this._providers = await this.api.providers();
    } catch (error) {
      this._error =
        error instanceof ConsoleError ? error.message : 'The providers could not be loaded.';
    }
  }

  protected override render(): TemplateResult {
    return html`
      <h1 tabindex="-1">Providers</h1>
      <button class="refresh" type="button" @click=${() => this.load()}>Refresh</button>
      ${
        this._error
          ? html`<div class="error" role="alert"><p>${this._error}</p></div>`
          : this._providers === null
            ? html`<p aria-busy="true">Loading the providers…</p>`
            : this.renderTable(this._providers)
      }
    `;
  }

  private renderTable(providers: ConsoleProvider[]): TemplateResult {
    if (providers.length === 0) return html`<p>No provider is configured.</p>`;
    return html`<div class="table-wrap" role="region" aria-label="Providers table" tabindex="0">
      <table>
        <caption>
          Providers, with the last hour of calls
        </caption>
        <thead>
          <tr>
            <th scope="col">Provider</th>
            <th scope="col">Enabled</th>
            <th scope="col">Breaker</th>
            <th scope="col">Methods per market</th>
            <th scope="col">Calls (last hour)</th>
            <th scope="col">Errors</th>
            <th scope="col">Error rate</th>
            <th scope="col">Median latency</th>
            <th scope="col">99th percentile latency</th>
          </tr>
        </thead>
        <tbody>
          ${providers.map((provider) => {
            const hour = provider.lastHour;
            return html`<tr data-provider=${provider.id}>
              <th scope="row">
                ${
                  provider.name && provider.name !== provider.id
                    ? html`${provider.name} <span class="mono muted">(${provider.id})</span>`
                    : provider.id
                }
              </th>
              <td>${provider.enabled ? statusBadge('ok', 'On') : statusBadge('off', 'Off')}</td>
              <td>${statusBadge(provider.breaker, BREAKER_LABELS[provider.breaker])}</td>
              <td>
                ${
                  provider.methods.length === 0
                    ? html`<span class="muted">none</span>`
                    : html`<ul class="markets">
                        ${byMarket(provider.methods).map(
                          ([market, methods]) =>
                            html`<li>
                              <strong>${market}</strong>:
                              ${methods.map(
                                (m, i) =>
                                  html`${i > 0 ? ', ' : nothing}<span class="mono">${m.id}</span>
                                    (${m.kind})`,
                              )}
                            </li>`,
                        )}
                      </ul>`
                }
              </td>
              <td>${hour.calls}</td>
              <td>${hour.errors}</td>
              <td>${hour.calls ? formatRate(hour.errorRate) : '—'}</td>
              <td>${formatDuration(hour.p50Ms)}</td>
              <td>${formatDuration(hour.p99Ms)}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>`;
  }
}

customElements.define('console-providers', ConsoleProviders);

declare global {
  interface HTMLElementTagNameMap {
    'console-providers': ConsoleProviders;
  }
}
