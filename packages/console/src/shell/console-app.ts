/**
 * @module
 * `<console-app>`: the console's frame — banner with the navigation, the main landmark with the
 * current view, one polite live region — and the keeper of the session: it asks the server who
 * is signed in, shows the sign-in view until someone is, and goes back to it whenever the API
 * answers 401.
 */
import { html, LitElement, css, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { ConsoleApi, SIGNED_OUT } from '../api/client.js';
import { OrderStream } from '../api/stream.js';
import { ANNOUNCE, type AnnounceEvent } from '../announce.js';
import { isAppUrl, parseRoute, pathOf, type Route } from '../router.js';
import { baseStyles } from '../styles.js';
import '../views/console-sign-in.js';
import '../views/console-orders.js';
import '../views/console-order.js';
import '../views/console-providers.js';
import '../views/console-notifications.js';

type Auth = 'checking' | 'signed-in' | 'signed-out';

const NAV: { route: Route; label: string }[] = [
  { route: { name: 'orders' }, label: 'Orders' },
  { route: { name: 'notifications' }, label: 'Notifications' },
  { route: { name: 'providers' }, label: 'Providers' },
];

/**
 * @summary The operator console.
 */
export class ConsoleApp extends LitElement {
  static override properties = {
    api: { attribute: false },
    _auth: { state: true },
    _operator: { state: true },
    _route: { state: true },
    _announcement: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      :host {
        min-height: 100vh;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1.5rem;
        padding: 0.75rem 1.25rem;
        border-bottom: 1px solid #dde1e5;
        background: #fff;
      }
      .brand {
        font-weight: 700;
        margin: 0;
      }
      nav ul {
        display: flex;
        gap: 1rem;
        list-style: none;
        margin: 0;
        padding: 0;
      }
      nav a {
        text-decoration: none;
        padding: 0.25rem 0.1rem;
      }
      nav a[aria-current='page'] {
        font-weight: 700;
        text-decoration: underline;
        text-underline-offset: 0.3em;
      }
      .operator {
        margin-inline-start: auto;
        display: flex;
        align-items: center;
        gap: 0.75rem;
      }
      main {
        padding: 1.25rem;
        max-width: 80rem;
      }
      main:focus {
        outline: none;
      }
      .skip {
        position: absolute;
        inset-inline-start: 0.5rem;
        top: -3rem;
        background: #fff;
        padding: 0.4rem 0.8rem;
      }
      .skip:focus {
        top: 0.5rem;
      }
    `,
  ];

  /** The API client; one per app. */
  declare api: ConsoleApi;
  declare protected _auth: Auth;
  declare protected _operator: string;
  declare protected _route: Route;
  declare protected _announcement: string;

  /** Live order changes, shared by the views. */
  stream: OrderStream | null = null;
  private routeChanged = false;
  private readonly onPopState = (): void => this.setRoute(parseRoute(location.pathname), false);
  private readonly onSignedOut = (): void => this.signedOut();
  private readonly onAnnounce = (event: AnnounceEvent): void => this.say(event.detail);
  private readonly onClick = (event: MouseEvent): void => this.followLink(event);

  constructor() {
    super();
    this.api = new ConsoleApi();
    this._auth = 'checking';
    this._operator = '';
    this._route = parseRoute(location.pathname);
    this._announcement = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this.onPopState);
    this.addEventListener(ANNOUNCE, this.onAnnounce);
    this.addEventListener('click', this.onClick);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.onPopState);
    this.removeEventListener(ANNOUNCE, this.onAnnounce);
    this.removeEventListener('click', this.onClick);
    this.api.removeEventListener(SIGNED_OUT, this.onSignedOut);
    this.stream?.close();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('api')) {
      const previous = changed.get('api') as ConsoleApi | undefined;
      previous?.removeEventListener(SIGNED_OUT, this.onSignedOut);
      this.api.addEventListener(SIGNED_OUT, this.onSignedOut);
      this.stream?.close();
      this.stream = new OrderStream(this.api.streamUrl);
      void this.checkSession();
    }
  }

  protected override updated(): void {
    document.title = `${this.titleOf()} · pay-checkout console`;
    if (this.routeChanged) {
      this.routeChanged = false;
      void this.focusView();
    }
  }

  /** Goes to a console path, as a link inside the app does. */
  navigate(path: string): void {
    history.pushState(null, '', path);
    this.setRoute(parseRoute(new URL(path, location.href).pathname), true);
  }

  protected override render(): TemplateResult {
    const signedIn = this._auth === 'signed-in';
    return html`
      <button class="skip" type="button" @click=${this.skipToMain}>Skip to main content</button>
      <header>
        <p class="brand">pay-checkout console</p>
        ${
          signedIn
            ? html`<nav aria-label="Console">
                  <ul>
                    ${NAV.map(
                      ({ route, label }) =>
                        html`<li>
                          <a
                            href=${pathOf(route)}
                            aria-current=${this.isCurrent(route) ? 'page' : nothing}
                            >${label}</a
                          >
                        </li>`,
                    )}
                  </ul>
                </nav>
                <div class="operator">
                  <span>Signed in as <strong>${this._operator}</strong></span>
                  <button type="button" @click=${this.signOut}>Sign out</button>
                </div>`
            : nothing
        }
      </header>
      <main id="main" tabindex="-1">${this.renderView()}</main>
      <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
        ${this._announcement}
      </div>
    `;
  }

  private renderView(): TemplateResult {
    if (this._auth === 'checking') return html`<p aria-busy="true">Loading the console…</p>`;
    if (this._auth === 'signed-out')
      return html`<console-sign-in
        .api=${this.api}
        @console-signed-in=${this.signedIn}
      ></console-sign-in>`;
    const route = this._route;
    switch (route.name) {
      case 'orders':
        return html`<console-orders
          .api=${this.api}
          .stream=${this.stream}
          .syncUrl=${true}
        ></console-orders>`;
      case 'order':
        return html`<console-order
          .api=${this.api}
          .stream=${this.stream}
          .orderId=${route.id}
        ></console-order>`;
      case 'providers':
        return html`<console-providers .api=${this.api}></console-providers>`;
      case 'notifications':
        return html`<console-notifications .api=${this.api}></console-notifications>`;
      case 'not_found':
        return html`<h1 tabindex="-1">Page not found</h1>
          <p>There is no console page at <span class="mono">${route.path}</span>.</p>
          <p><a href=${pathOf({ name: 'orders' })}>Go to the orders</a></p>`;
    }
  }

  private titleOf(): string {
    if (this._auth !== 'signed-in') return 'Sign in';
    switch (this._route.name) {
      case 'orders':
        return 'Orders';
      case 'order':
        return `Order ${this._route.id}`;
      case 'providers':
        return 'Providers';
      case 'notifications':
        return 'Notifications';
      case 'not_found':
        return 'Page not found';
    }
  }

  private isCurrent(route: Route): boolean {
    if (route.name === 'orders')
      return this._route.name === 'orders' || this._route.name === 'order';
    return this._route.name === route.name;
  }

  private async checkSession(): Promise<void> {
    try {
      const session = await this.api.session();
      this._operator = session.operator;
      this._auth = 'signed-in';
    } catch {
      this._auth = 'signed-out';
    }
  }

  private async signedIn(): Promise<void> {
    // Set before the view changes, so the update that shows it moves focus to its heading.
    this.routeChanged = true;
    await this.checkSession();
    if (this._auth === 'signed-in') this.say(`Signed in as ${this._operator}.`);
  }

  private signedOut(): void {
    if (this._auth === 'signed-out') return;
    this.routeChanged = true;
    this.stream?.close();
    this._auth = 'signed-out';
    this.say('Your session has ended. Sign in again.');
  }

  private async signOut(): Promise<void> {
    try {
      await this.api.signOut();
    } catch {
      // Signed out either way: the view goes back to the sign-in form.
    }
    this.signedOut();
  }

  private setRoute(route: Route, focus: boolean): void {
    this._route = route;
    this.routeChanged = focus;
  }

  private say(message: string): void {
    // Clearing first makes a repeated sentence heard again.
    this._announcement = '';
    requestAnimationFrame(() => (this._announcement = message));
  }

  /** Follows a click on a link to a console page without reloading the page. */
  private followLink(event: MouseEvent): void {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = event
      .composedPath()
      .find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement);
    if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
    const url = new URL(anchor.href, location.href);
    if (!isAppUrl(url)) return;
    event.preventDefault();
    this.navigate(url.pathname + url.search);
  }

  private skipToMain(): void {
    this.renderRoot.querySelector<HTMLElement>('main')?.focus();
  }

  /** After a route change, focus goes to the new view's heading, so it is read first. */
  private async focusView(): Promise<void> {
    const main = this.renderRoot.querySelector<HTMLElement>('main');
    const view = main?.firstElementChild as LitElement | null;
    if (view && 'updateComplete' in view) await view.updateComplete;
    const heading =
      view?.shadowRoot?.querySelector<HTMLElement>('h1') ?? main?.querySelector<HTMLElement>('h1');
    (heading ?? main)?.focus();
  }
}

customElements.define('console-app', ConsoleApp);

declare global {
  interface HTMLElementTagNameMap {
    'console-app': ConsoleApp;
  }
}
