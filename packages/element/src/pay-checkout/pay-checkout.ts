/**
 * @module
 * The `<pay-checkout>` element: shows a session's amount and payment methods, starts a payment
 * attempt, and follows its status live until it is settled.
 */
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type {
  Method,
  MethodField,
  MethodsResponse,
  PublicSession,
  QrAction,
} from '@pay-checkout/protocol';
import { formatMoney, type Money } from '@pay-checkout/protocol/money';
import {
  isNegative,
  isPaidFamily,
  isSettled,
  transition,
  type OrderStatus,
} from '@pay-checkout/protocol/status';
import type { PayCheckoutEventDetails } from '../events/events.js';
import { createApiClient, type ApiClient } from '../internal/api-client.js';
import { CheckoutError } from '../internal/checkout-error.js';
import { translationFor } from '../internal/localize.js';
import {
  forgetAttempts,
  idempotencyKeyFor,
  markRedirected,
  wasRedirected,
} from '../internal/session-memory.js';
import { StatusStream, type StatusUpdate } from '../internal/status-stream.js';
import type { Translation } from '../translations/en.js';
import { styles } from './pay-checkout.styles.js';

/** What the element is showing. */
export type PayCheckoutPhase =
  'idle' | 'loading' | 'error' | 'methods' | 'redirecting' | 'qr' | 'status';

type StatusView = 'confirming' | 'paid' | 'failed' | 'cancelled' | 'expired';

const DEFAULT_POLL_INTERVAL = 3_000;
// Schemes a deep link must never carry: they run code or smuggle content into the page.
const UNSAFE_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:']);

/**
 * An embeddable checkout: amount, payment methods and live payment status of one session.
 *
 * @summary Pays a pay-checkout session with the methods the companion backend offers.
 *
 * @fires pay-ready - The methods are rendered. Detail: `{ session, methods }`.
 * @fires pay-status - The status shown changed. Detail: `{ status, orderId }`.
 * @fires pay-success - The payment was confirmed (once). Detail: `{ orderId, sessionId }`.
 * @fires pay-failure - The attempt failed, was cancelled or expired (once per attempt).
 *   Detail: `{ status, orderId, sessionId }`.
 *
 * @csspart base - The outer box.
 * @csspart summary - The amount block.
 * @csspart amount - The formatted amount.
 * @csspart description - The session's description.
 * @csspart heading - The heading of the current step.
 * @csspart methods - The list of payment methods.
 * @csspart method - One payment method button.
 * @csspart method-logo - A payment method's logo.
 * @csspart form - The inputs a method asks for.
 * @csspart field - One input with its label and error.
 * @csspart label - An input's label.
 * @csspart input - An input or select.
 * @csspart submit - The button that sends a method's form.
 * @csspart message - A progress message with its spinner.
 * @csspart error - An error message block.
 * @csspart status - The confirming or final status block.
 * @csspart action - A secondary button ("Try another method", "Try again").
 * @csspart qr - The QR code step.
 * @csspart qr-image - The QR code image.
 * @csspart qr-code - The human-readable payment code.
 *
 * @cssproperty --pay-font-family - Font of all text.
 * @cssproperty --pay-font-size - Base font size. Default `1rem`.
 * @cssproperty --pay-color-text - Text colour.
 * @cssproperty --pay-color-muted - Secondary text colour.
 * @cssproperty --pay-color-background - Background of the box.
 * @cssproperty --pay-color-surface - Background of method buttons.
 * @cssproperty --pay-color-input - Background of inputs.
 * @cssproperty --pay-color-border - Borders and separators.
 * @cssproperty --pay-color-border-strong - Borders of inputs.
 * @cssproperty --pay-color-primary - Primary buttons, links, accents.
 * @cssproperty --pay-color-on-primary - Text on primary buttons.
 * @cssproperty --pay-color-success - Paid state.
 * @cssproperty --pay-color-danger - Errors and negative states.
 * @cssproperty --pay-radius - Corner radius of the box.
 * @cssproperty --pay-radius-control - Corner radius of buttons and inputs.
 * @cssproperty --pay-spacing - Gap between blocks.
 * @cssproperty --pay-padding - Padding of the box.
 * @cssproperty --pay-focus-ring - Outline of focused controls.
 * @cssproperty --pay-qr-size - Edge length of the QR code.
 */
export class PayCheckout extends LitElement {
  static override styles = styles;

  static override properties = {
    session: { reflect: true },
    server: {},
    locale: {},
    lang: { reflect: true },
    pollInterval: { type: Number, attribute: 'poll-interval' },
    _phase: { state: true },
    _error: { state: true },
    _submitError: { state: true },
    _busy: { state: true },
    _selected: { state: true },
    _fieldErrors: { state: true },
    _action: { state: true },
    _status: { state: true },
    _announcement: { state: true },
  };

  /** The checkout session id, as created by the merchant's backend. */
  declare session: string | undefined;
  /** Base URL of the companion backend, e.g. `https://pay.example.com` (relative URLs resolve against the page). */
  declare server: string | undefined;
  /** Language of the texts and the amount (BCP 47). Falls back to `lang`, then the session's locale. */
  declare locale: string | undefined;
  /** Milliseconds between status polls when live updates are unavailable. Default 3000. */
  declare pollInterval: number;

  declare protected _phase: PayCheckoutPhase;
  declare protected _error: CheckoutError | undefined;
  declare protected _submitError: CheckoutError | undefined;
  /** The method whose attempt is being started; the whole list is locked meanwhile. */
  declare protected _busy: string | undefined;
  /** The method whose form is open. */
  declare protected _selected: string | undefined;
  declare protected _fieldErrors: Readonly<Record<string, string>>;
  declare protected _action: QrAction | undefined;
  declare protected _status: OrderStatus | undefined;
  declare protected _announcement: string;

  #data?: MethodsResponse;
  #api?: ApiClient;
  #orderId: string | null = null;
  /** The order this page started; news about older attempts of the session is ignored. */
  #attemptOrderId?: string;
  #successFired = false;
  #failureFired = false;
  #load?: AbortController;
  #submit?: AbortController;
  readonly #stream = new StatusStream(this);

  constructor() {
    super();
    this.session = undefined;
    this.server = undefined;
    this.locale = undefined;
    this.pollInterval = DEFAULT_POLL_INTERVAL;
    this._phase = 'idle';
    this._fieldErrors = {};
    this._announcement = '';
  }

  /** What the element is showing right now. */
  get phase(): PayCheckoutPhase {
    return this._phase;
  }

  /** The latest status the element has shown, if a payment attempt exists. */
  get status(): OrderStatus | undefined {
    return this._status;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('pageshow', this.#onPageShow);
    // A re-attached element starts over: the stream and any request were stopped on removal.
    if (this.hasUpdated) this.#start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('pageshow', this.#onPageShow);
    this.#load?.abort();
    this.#submit?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.hasUpdated || changed.has('session') || changed.has('server')) this.#start();
  }

  /**
   * Sends the browser to the provider's page. Override to intercept the navigation (tests,
   * single-page apps that want to open a popup instead).
   */
  protected navigate(url: string): void {
    window.location.assign(url);
  }

  // Coming back with the browser's Back button restores the page as it was left ("redirecting");
  // ask the server again instead of showing a stale screen.
  readonly #onPageShow = (event: PageTransitionEvent): void => {
    if (event.persisted) this.#start();
  };

  get #t(): Translation {
    return translationFor(this.#locale);
  }

  get #locale(): string | undefined {
    return (
      this.locale ||
      this.lang ||
      this.#data?.session.locale ||
      this.closest('[lang]')?.getAttribute('lang') ||
      document.documentElement.lang ||
      undefined
    );
  }

  #start(): void {
    this.#load?.abort();
    this.#submit?.abort();
    this.#stream.stop();
    this.#data = undefined;
    this.#api = undefined;
    this.#orderId = null;
    this.#attemptOrderId = undefined;
    this.#successFired = false;
    this.#failureFired = false;
    this._error = undefined;
    this._submitError = undefined;
    this._busy = undefined;
    this._selected = undefined;
    this._fieldErrors = {};
    this._action = undefined;
    this._status = undefined;

    const api = this.#createApi();
    if (!api || !this.session) {
      this.#fail(new CheckoutError('not_configured', 'Set both the session and server attributes'));
      return;
    }
    this.#api = api;
    void this.#fetchSession(api, this.session);
  }

  #createApi(): ApiClient | undefined {
    if (!this.server) return undefined;
    let url: URL;
    try {
      url = new URL(this.server, document.baseURI);
    } catch {
      return undefined;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return createApiClient({ server: url.href });
  }

  async #fetchSession(api: ApiClient, session: string): Promise<void> {
    const controller = new AbortController();
    this.#load = controller;
    this._phase = 'loading';
    try {
      const data = await api.getMethods(session, controller.signal);
      if (controller.signal.aborted) return;
      this.#data = data;
      // The server is the only source of truth on the way back from a provider: query
      // parameters of the return page are never read.
      if (data.session.status !== 'created' || wasRedirected(session)) {
        this._phase = 'status';
        this._announcement = this.#t.confirming;
        this.#watch();
      } else {
        void this.#showMethods();
      }
    } catch (error) {
      if (controller.signal.aborted) return;
      this.#fail(error);
    }
  }

  #fail(error: unknown): void {
    this._error =
      error instanceof CheckoutError
        ? error
        : new CheckoutError('internal_error', String(error), undefined, true, { cause: error });
    this._phase = 'error';
    this._announcement = this.#errorMessage(this._error);
  }

  async #showMethods(): Promise<void> {
    const data = this.#data;
    if (!data) return;
    this._phase = 'methods';
    this._announcement = data.methods.length ? '' : this.#t.noMethods;
    await this.updateComplete;
    if (this._phase === 'methods' && this.#data === data) {
      this.#emit('pay-ready', { session: data.session, methods: data.methods });
    }
  }

  #watch(): void {
    const api = this.#api;
    const session = this.session;
    if (!api || !session) return;
    this.#stream.start({
      url: api.eventsUrl(session),
      pollInterval: this.pollInterval > 0 ? this.pollInterval : DEFAULT_POLL_INTERVAL,
      poll: async (signal) => {
        const data = await api.getMethods(session, signal);
        return { status: data.session.status, orderId: null };
      },
      onUpdate: (update) => this.#applyStatus(update),
    });
  }

  #applyStatus({ status, orderId }: StatusUpdate): void {
    if (this.#attemptOrderId && orderId && orderId !== this.#attemptOrderId) return;
    // Statuses from the server already went through its state machine, so a success after a
    // failure is a confirmed late success; everything that would move the screen backwards is
    // a stale or repeated message and changes nothing.
    const result = transition(this._status ?? 'created', status, { confirmed: true });
    if (!result.applied) return;
    const session = this.session ?? '';
    this._status = result.status;
    if (orderId) this.#orderId = orderId;
    this._announcement = this.#statusTexts(result.status)[0];
    this.#emit('pay-status', { status: result.status, orderId: this.#orderId });

    if (isSettled(result.status)) {
      this.#stream.stop();
      this._phase = 'status';
      forgetAttempts(session, this.#methodIds());
    }
    if (isPaidFamily(result.status) && !this.#successFired) {
      this.#successFired = true;
      this.#emit('pay-success', { orderId: this.#orderId, sessionId: session });
    } else if (isNegative(result.status) && !this.#failureFired) {
      this.#failureFired = true;
      this.#emit('pay-failure', {
        status: result.status as 'failed' | 'cancelled' | 'expired',
        orderId: this.#orderId,
        sessionId: session,
      });
    }
  }

  #methodIds(): string[] {
    return this.#data?.methods.map((m) => m.id) ?? [];
  }

  #choose(method: Method): void {
    if (this._busy) return;
    if (method.fields?.length) {
      this._selected = this._selected === method.id ? undefined : method.id;
      this._fieldErrors = {};
      return;
    }
    void this.#pay(method);
  }

  #submitForm(event: SubmitEvent, method: Method): void {
    event.preventDefault();
    if (this._busy) return;
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const values: Record<string, string> = {};
    const errors: Record<string, string> = {};
    for (const field of method.fields ?? []) {
      const raw = data.get(field.name);
      const value = typeof raw === 'string' ? raw.trim() : '';
      const problem = this.#validate(field, value);
      if (problem) errors[field.name] = problem;
      else if (value) values[field.name] = value;
    }
    this._fieldErrors = errors;
    if (Object.keys(errors).length) {
      void this.updateComplete.then(() => {
        this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      });
      return;
    }
    void this.#pay(method, values);
  }

  #validate(field: MethodField, value: string): string | undefined {
    if (!value) return field.required ? this.#t.fieldRequired(field.label) : undefined;
    if (field.type === 'select' && field.options && !field.options.some((o) => o.value === value)) {
      return this.#t.fieldInvalid(field.label);
    }
    if (field.pattern) {
      let pattern: RegExp | undefined;
      try {
        pattern = new RegExp(`^(?:${field.pattern})$`, 'u');
      } catch {
        // A pattern this browser cannot compile is left to the server, which checks it anyway.
      }
      if (pattern && !pattern.test(value)) return this.#t.fieldInvalid(field.label);
    }
    return undefined;
  }

  async #pay(method: Method, fields?: Record<string, string>): Promise<void> {
    const api = this.#api;
    const session = this.session;
    if (!api || !session || this._busy) return;
    this._busy = method.id;
    this._submitError = undefined;
    const controller = new AbortController();
    this.#submit = controller;
    // The same key for the same attempt, even across a reload: the server answers a repeated
    // request with the first answer instead of starting a second payment.
    const key = idempotencyKeyFor(session, method.id);
    try {
      const body =
        fields && Object.keys(fields).length
          ? { method: method.id, fields }
          : { method: method.id };
      const { order, action } = await api.createOrder(session, body, key, controller.signal);
      if (controller.signal.aborted) return;
      this.#attemptOrderId = order.id;
      this.#orderId = order.id;
      if (action.type === 'redirect') {
        if (!isHttpUrl(action.url)) {
          throw new CheckoutError('invalid_response', 'The provider address is not a web address');
        }
        markRedirected(session);
        this._phase = 'redirecting';
        this._announcement = this.#t.redirecting;
        this.navigate(action.url);
        return;
      }
      this._action = action;
      this._phase = 'qr';
      this._announcement = this.#t.scanToPay;
      this.#watch();
    } catch (error) {
      if (controller.signal.aborted) return;
      const failure =
        error instanceof CheckoutError
          ? error
          : new CheckoutError('internal_error', String(error), undefined, true, { cause: error });
      if (failure.code === 'session_paid' || failure.code === 'session_expired') {
        this.#fail(failure);
        return;
      }
      // The server refuses this key with another body (the customer changed the inputs): the
      // next try is a new attempt.
      if (failure.code === 'idempotency_key_reused') forgetAttempts(session, [method.id]);
      this._submitError = failure;
      this._announcement = this.#errorMessage(failure);
    } finally {
      if (this._phase !== 'redirecting') this._busy = undefined;
    }
  }

  #tryAnother(): void {
    this.#stream.stop();
    forgetAttempts(this.session ?? '', this.#methodIds());
    this.#attemptOrderId = undefined;
    this.#orderId = null;
    this.#failureFired = false;
    this._status = undefined;
    this._action = undefined;
    this._selected = undefined;
    this._submitError = undefined;
    void this.#showMethods();
  }

  #emit<K extends keyof PayCheckoutEventDetails>(
    name: K,
    detail: PayCheckoutEventDetails[K],
  ): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  #errorMessage(error: CheckoutError): string {
    const t = this.#t;
    switch (error.code) {
      case 'network':
      case 'timeout':
        return t.errorNetwork;
      case 'not_found':
        return t.errorNotFound;
      case 'session_paid':
        return t.errorSessionPaid;
      case 'session_expired':
        return t.errorSessionExpired;
      case 'method_unavailable':
        return t.errorMethodUnavailable;
      case 'invalid_request':
        return t.errorInvalidInput;
      case 'not_configured':
        return t.errorNotConfigured;
      default:
        return t.errorGeneric;
    }
  }

  #statusView(status: OrderStatus | undefined): StatusView {
    if (!status) return 'confirming';
    if (isPaidFamily(status)) return 'paid';
    if (status === 'failed' || status === 'cancelled' || status === 'expired') return status;
    return 'confirming';
  }

  #statusTexts(status: OrderStatus | undefined): [title: string, hint: string] {
    const t = this.#t;
    switch (this.#statusView(status)) {
      case 'paid':
        return [t.paid, t.paidHint];
      case 'failed':
        return [t.failed, t.failedHint];
      case 'cancelled':
        return [t.cancelled, t.cancelledHint];
      case 'expired':
        return [t.expired, t.expiredHint];
      default:
        return [t.confirming, t.confirmingHint];
    }
  }

  protected override render(): TemplateResult {
    const t = this.#t;
    return html`
      <div
        part="base"
        class="base"
        lang=${t.$code}
        dir=${t.$dir}
        aria-busy=${this._phase === 'loading' ? 'true' : 'false'}
      >
        ${this.#renderSummary(this.#data?.session)} ${this.#renderPhase(t)}
        <div
          part="live"
          class="visually-hidden"
          role="status"
          aria-live="polite"
          aria-atomic="true"
        >
          ${this._announcement}
        </div>
      </div>
    `;
  }

  #renderPhase(t: Translation): TemplateResult | typeof nothing {
    switch (this._phase) {
      case 'loading':
        return this.#renderMessage(t.loading);
      case 'error':
        return this.#renderError(this._error, () => this.#start());
      case 'methods':
        return this.#renderMethods(t);
      case 'redirecting':
        return this.#renderMessage(t.redirecting);
      case 'qr':
        return this._action && !isSettled(this._status ?? 'created')
          ? this.#renderQr(t, this._action)
          : this.#renderStatus(t);
      case 'status':
        return this.#renderStatus(t);
      default:
        return nothing;
    }
  }

  #renderSummary(session: PublicSession | undefined): TemplateResult | typeof nothing {
    if (!session) return nothing;
    return html`
      <div part="summary" class="summary">
        <span class="label">${this.#t.total}</span>
        <span part="amount" class="amount">${this.#formatAmount(session.amount)}</span>
        ${
          session.description
            ? html`<p part="description" class="description">${session.description}</p>`
            : nothing
        }
      </div>
    `;
  }

  #formatAmount(amount: Money): string {
    try {
      return formatMoney(amount, this.#locale);
    } catch {
      return `${amount.value} ${amount.currency}`;
    }
  }

  #renderMessage(text: string): TemplateResult {
    return html`<p part="message" class="message">
      <span class="spinner" aria-hidden="true"></span><span>${text}</span>
    </p>`;
  }

  #renderError(error: CheckoutError | undefined, retry: () => void): TemplateResult {
    const retryable = error?.retryable ?? false;
    return html`
      <div part="error" class="error">
        <p>${error ? this.#errorMessage(error) : this.#t.errorGeneric}</p>
        ${
          retryable
            ? html`<button part="action" class="secondary" type="button" @click=${retry}>
                ${this.#t.retry}
              </button>`
            : nothing
        }
      </div>
    `;
  }

  #renderMethods(t: Translation): TemplateResult {
    const methods = this.#data?.methods ?? [];
    if (!methods.length) {
      return html`<p part="message" class="message">${t.noMethods}</p>`;
    }
    return html`
      <h2 part="heading" id="methods-heading">${t.chooseMethod}</h2>
      ${
        this._submitError
          ? html`<p part="error" class="error">${this.#errorMessage(this._submitError)}</p>`
          : nothing
      }
      <ul
        part="methods"
        class="methods"
        aria-labelledby="methods-heading"
        aria-busy=${this._busy ? 'true' : 'false'}
      >
        ${methods.map((method) => this.#renderMethod(t, method))}
      </ul>
    `;
  }

  #renderMethod(t: Translation, method: Method): TemplateResult {
    const hasFields = !!method.fields?.length;
    const open = hasFields && this._selected === method.id;
    return html`
      <li>
        <button
          part="method"
          class="method"
          type="button"
          data-method=${method.id}
          aria-expanded=${hasFields ? String(open) : nothing}
          ?disabled=${!!this._busy}
          @click=${() => this.#choose(method)}
        >
          ${
            method.logo
              ? html`<img part="method-logo" src=${method.logo} alt="" width="24" height="24" />`
              : nothing
          }
          <span>${method.name}</span>
          ${this._busy === method.id ? html`<span class="spinner" aria-hidden="true"></span>` : nothing}
        </button>
        ${open ? this.#renderForm(t, method) : nothing}
      </li>
    `;
  }

  #renderForm(t: Translation, method: Method): TemplateResult {
    return html`
      <form
        part="form"
        class="form"
        novalidate
        aria-label=${method.name}
        @submit=${(event: SubmitEvent) => this.#submitForm(event, method)}
      >
        ${(method.fields ?? []).map((field, index) => this.#renderField(field, index))}
        <button part="submit" class="primary" type="submit" ?disabled=${!!this._busy}>
          ${t.continue}
        </button>
      </form>
    `;
  }

  #renderField(field: MethodField, index: number): TemplateResult {
    const id = `field-${index}`;
    const error = this._fieldErrors[field.name];
    const errorId = `${id}-error`;
    const control =
      field.type === 'select'
        ? html`<select
            part="input"
            id=${id}
            name=${field.name}
            ?required=${field.required}
            aria-invalid=${error ? 'true' : 'false'}
            aria-describedby=${error ? errorId : nothing}
          >
            <option value=""></option>
            ${(field.options ?? []).map(
              (option) => html`<option value=${option.value}>${option.label}</option>`,
            )}
          </select>`
        : html`<input
            part="input"
            id=${id}
            name=${field.name}
            type=${field.type}
            inputmode=${field.inputMode ?? nothing}
            maxlength="256"
            autocomplete="off"
            ?required=${field.required}
            aria-invalid=${error ? 'true' : 'false'}
            aria-describedby=${error ? errorId : nothing}
          />`;
    return html`
      <div part="field" class="field">
        <label part="label" for=${id}>${field.label}</label>
        ${control} ${error ? html`<p class="field-error" id=${errorId}>${error}</p>` : nothing}
      </div>
    `;
  }

  #renderQr(t: Translation, action: QrAction): TemplateResult {
    const image = action.image?.startsWith('data:image/') ? action.image : undefined;
    const links = (action.deepLinks ?? []).filter((link) => isSafeLink(link.url));
    return html`
      <div part="qr" class="qr">
        <h2 part="heading">${t.scanToPay}</h2>
        ${
          image
            ? html`<img part="qr-image" src=${image} alt=${t.qrImage} />`
            : action.text
              ? html`<p><code>${action.text}</code></p>`
              : nothing
        }
        ${
          action.code
            ? html`<p>${t.paymentCode}: <strong part="qr-code">${action.code}</strong></p>`
            : nothing
        }
        ${
          links.length
            ? html`<ul class="links">
                ${links.map(
                  (link) =>
                    html`<li><a href=${link.url} rel="noopener">${t.openIn(link.label)}</a></li>`,
                )}
              </ul>`
            : nothing
        }
        ${this.#renderMessage(t.waitingForPayment)}
      </div>
    `;
  }

  #renderStatus(t: Translation): TemplateResult {
    const view = this.#statusView(this._status);
    const [title, hint] = this.#statusTexts(this._status);
    const negative = view === 'failed' || view === 'cancelled' || view === 'expired';
    const expiresAt = this.#data ? Date.parse(this.#data.session.expiresAt) : Number.NaN;
    // Another attempt is pointless once the session itself has run out.
    const canRetry = negative && !(expiresAt <= Date.now());
    return html`
      <div part="status" class="status status--${view}" data-status=${this._status ?? 'created'}>
        ${
          view === 'confirming'
            ? html`<div part="message" class="message">
                <span class="spinner" aria-hidden="true"></span>
                <h2 part="heading">${title}</h2>
              </div>`
            : html`<h2 part="heading">${title}</h2>`
        }
        <p class="hint">${hint}</p>
        ${
          canRetry
            ? html`<button
                part="action"
                class="secondary"
                type="button"
                @click=${() => this.#tryAnother()}
              >
                ${t.tryAnotherMethod}
              </button>`
            : nothing
        }
      </div>
    `;
  }
}

function isHttpUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

function isSafeLink(url: string): boolean {
  try {
    return !UNSAFE_SCHEMES.has(new URL(url).protocol);
  } catch {
    return false;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pay-checkout': PayCheckout;
  }
}
