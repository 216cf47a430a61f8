/**
 * @module
 * The `<pay-checkout>` element: shows a session's amount and payment methods, starts a payment
 * attempt, and follows its status live until it is settled.
 */
import { LitElement, html, nothing, svg, type PropertyValues, type TemplateResult } from 'lit';
import type { Method, MethodsResponse, PublicSession, QrAction } from '@pay-checkout/protocol';
import { formatMoney, type Money } from '@pay-checkout/protocol/money';
import {
  isNegative,
  isPaidFamily,
  isSettled,
  STATUS_RANK,
  type OrderStatus,
} from '@pay-checkout/protocol/status';
import type { PayCheckoutEventDetails, PayResult } from '../events/events.js';
import { createApiClient, type ApiClient } from '../internal/api-client.js';
import { CheckoutError } from '../internal/checkout-error.js';
import {
  loadMethodsView,
  loadQrEncoder,
  loadQrView,
  loadStatusStream,
  type MethodsViewModule,
  type QrViewModule,
  type StatusStreamModule,
} from '../internal/chunks.js';
import { loadTranslation, translationFor } from '../internal/localize.js';
import {
  claimFinalEvent,
  forgetAttempts,
  idempotencyKeyFor,
  markQr,
  markRedirected,
  qrMethod,
  wasRedirected,
} from '../internal/session-memory.js';
import type { StatusStream, StatusUpdate } from '../internal/status-stream.js';
import type { QrSvg } from '../qr/qr-encode.js';
import type { ElementTranslation, Translation } from '../translations/en.js';
import { styles } from './pay-checkout.styles.js';

/** What the element is showing. */
export type PayCheckoutPhase =
  | 'idle'
  | 'loading'
  | 'error'
  | 'methods'
  | 'submitting'
  | 'redirecting'
  | 'qr'
  | 'confirming'
  | 'paid'
  | 'failed'
  | 'cancelled'
  | 'expired';

type FinalPhase = 'paid' | 'failed' | 'cancelled' | 'expired';

const DEFAULT_POLL_INTERVAL = 3_000;
/** How long "Confirming your payment…" waits for news before asking the server to check. */
const DEFAULT_CONFIRM_TIMEOUT = 15_000;
/** Longest wait between two checks after the customer chose to keep waiting. */
const MAX_CONFIRM_TIMEOUT = 120_000;
// Screens only move forward on news from the server; the customer's own actions ("Try another
// method", "Get a new code") are the only way back.
const RANK: Record<PayCheckoutPhase, number> = {
  idle: 0,
  error: 0,
  loading: 1,
  methods: 2,
  submitting: 3,
  redirecting: 4,
  qr: 4,
  confirming: 5,
  paid: 6,
  failed: 6,
  cancelled: 6,
  expired: 6,
};

/**
 * An embeddable checkout: amount, payment methods and live payment status of one session.
 *
 * @summary Pays a pay-checkout session with the methods the companion backend offers.
 *
 * @tagname pay-checkout
 *
 * @fires pay-ready - The session is on screen: its methods (or, back from the provider, the
 *   payment's status). Again after "Try another method". Detail: `{ session, methods }`.
 * @fires pay-status - The status shown changed. Detail: `{ status, orderId }`.
 * @fires pay-success - The payment was confirmed; once per order, even across reloads.
 *   Detail: `{ orderId, sessionId }`.
 * @fires pay-failure - The attempt failed, was cancelled or expired; once per order.
 *   Detail: `{ status, orderId, sessionId }`.
 *
 * @csspart base - The outer box.
 * @csspart summary - The amount block.
 * @csspart amount - The formatted amount.
 * @csspart description - The session's description.
 * @csspart mandate - What a mandate set up with this payment allows.
 * @csspart skeleton - The placeholder shown while loading.
 * @csspart heading - The heading of the current step.
 * @csspart pay - The methods step's form: the methods and the Pay button.
 * @csspart methods - The group of payment methods (a fieldset of radios).
 * @csspart method - One payment method: its radio, logo and name.
 * @csspart method-logo - A payment method's logo (the server's, or a neutral initial).
 * @csspart method-name - A payment method's name.
 * @csspart method-unavailable - Why a method is disabled (its provider is not available now).
 * @csspart method-details - What opens under the chosen method: its note and inputs.
 * @csspart method-note - One line on what happens when the customer pays with the method.
 * @csspart fields - The inputs a method asks for.
 * @csspart field - One input with its label and error.
 * @csspart label - An input's label.
 * @csspart input - An input or select.
 * @csspart field-error - The message under an invalid input.
 * @csspart submit - The one Pay button, with the amount.
 * @csspart message - A progress message with its spinner.
 * @csspart error - An error message block.
 * @csspart status - The confirming or final status block.
 * @csspart status-icon - The icon of an outcome (paid, failed, expired).
 * @csspart details - The method and the merchant's reference on an outcome screen.
 * @csspart action - A secondary button ("Try another method", "Try again", "Get a new code").
 * @csspart qr - The QR code step.
 * @csspart qr-image - The QR code image.
 * @csspart qr-code - The human-readable payment code.
 * @csspart copy - The button that copies the payment code.
 * @csspart countdown - The time left to pay the QR code.
 * @csspart links - The app links of a QR payment (shown on touch devices).
 * @csspart live - The visually hidden live region.
 *
 * @cssproperty --pay-font-family - Font of all text.
 * @cssproperty --pay-font-size - Base font size. Default `1rem`.
 * @cssproperty --pay-color-text - Text colour.
 * @cssproperty --pay-color-muted - Secondary text colour.
 * @cssproperty --pay-color-background - Background of the box.
 * @cssproperty --pay-color-surface - Background of method buttons and skeletons.
 * @cssproperty --pay-color-input - Background of inputs.
 * @cssproperty --pay-color-border - Borders and separators.
 * @cssproperty --pay-color-border-strong - Borders of inputs.
 * @cssproperty --pay-color-primary - Primary buttons, links, accents.
 * @cssproperty --pay-color-on-primary - Text on primary buttons.
 * @cssproperty --pay-color-success - Paid state.
 * @cssproperty --pay-color-danger - Errors and negative states.
 * @cssproperty --pay-color-qr - Dark modules of a QR code the element draws. Default black.
 * @cssproperty --pay-color-qr-background - Light modules and quiet zone of that QR code.
 * @cssproperty --pay-radius - Corner radius of the box.
 * @cssproperty --pay-radius-control - Corner radius of buttons and inputs.
 * @cssproperty --pay-spacing - Gap between blocks.
 * @cssproperty --pay-padding - Padding of the box.
 * @cssproperty --pay-focus-ring - Outline of focused controls.
 * @cssproperty --pay-heading-size - Font size of headings.
 * @cssproperty --pay-amount-size - Font size of the amount.
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
    confirmTimeout: { type: Number, attribute: 'confirm-timeout' },
    strings: { attribute: false },
    _phase: { state: true },
    _error: { state: true },
    _submitError: { state: true },
    _busy: { state: true },
    _selected: { state: true },
    _fieldErrors: { state: true },
    _action: { state: true },
    _qr: { state: true },
    _status: { state: true },
    _announcement: { state: true },
    _now: { state: true },
    _copied: { state: true },
    _unconfirmed: { state: true },
  };

  /** The checkout session id, as created by the merchant's backend. */
  declare session: string | undefined;
  /** Base URL of the companion backend, e.g. `https://pay.example.com` (relative URLs resolve against the page). */
  declare server: string | undefined;
  /** Language of the texts and the amount (BCP 47). Falls back to `lang`, the session's locale, then the page's. */
  declare locale: string | undefined;
  /** Milliseconds between status polls while live updates are unavailable. Default 3000. */
  declare pollInterval: number;
  /**
   * Milliseconds "Confirming your payment…" waits for news before the element asks the server to
   * check with the provider; if the payment is still not there, the customer may keep waiting or
   * pay another way. Default 15 000.
   */
  declare confirmTimeout: number;
  /** Replaces any of the texts of the current language, e.g. `{ paid: 'Thank you!' }`. */
  declare strings: Partial<Translation> | undefined;

  declare protected _phase: PayCheckoutPhase;
  declare protected _error: CheckoutError | undefined;
  declare protected _submitError: CheckoutError | undefined;
  /** The method whose attempt is being started; the whole list is locked meanwhile. */
  declare protected _busy: string | undefined;
  /** The method whose form is open. */
  declare protected _selected: string | undefined;
  declare protected _fieldErrors: Readonly<Record<string, string>>;
  declare protected _action: QrAction | undefined;
  /** The QR code drawn from the action's `text`, once the encoder has loaded. */
  declare protected _qr: QrSvg | undefined;
  declare protected _status: OrderStatus | undefined;
  declare protected _announcement: string;
  declare protected _now: number;
  declare protected _copied: boolean;
  /** The server checked with the provider and the payment is not there (yet). */
  declare protected _unconfirmed: boolean;

  /** Resolves once the session is on screen (the first `pay-ready`). */
  readonly ready: Promise<PayCheckoutEventDetails['pay-ready']>;
  /**
   * Resolves once the session is settled for good: paid, or no longer payable (expired). A failed
   * attempt the customer can follow with another method does not settle it.
   */
  readonly result: Promise<PayResult>;

  #resolveReady!: (detail: PayCheckoutEventDetails['pay-ready']) => void;
  #resolveResult!: (result: PayResult) => void;
  #data?: MethodsResponse;
  #api?: ApiClient;
  #orderId: string | null = null;
  /** The order this page follows; news about older attempts of the session is ignored. */
  #attemptOrderId?: string;
  /** The method of the attempt in progress. */
  #method?: Method;
  #load?: AbortController;
  #submit?: AbortController;
  #tick?: ReturnType<typeof setInterval>;
  /** Runs out when "Confirming your payment…" has had no news for a while. */
  #confirmTimer?: ReturnType<typeof setTimeout>;
  /** The wait of the next confirmation check; doubles each time the customer keeps waiting. */
  #confirmWait?: number;
  /** An attempt the customer left to pay another way; only its success is still news. */
  #abandonedOrderId?: string;
  /**
   * Methods whose attempt just failed because their provider is down, until when (epoch ms):
   * disabled here even before the server lists them so.
   */
  readonly #down = new Map<string, number>();
  #focusResult = false;
  /** The control focused before the current render. */
  #focused?: Element;
  #qrView?: QrViewModule;
  #methodsView?: MethodsViewModule;
  readonly #adopted = new Set<string>();
  /** The latest detail of each event, replayed to listeners that subscribe later. */
  readonly #latest = new Map<string, unknown>();
  #stream?: StatusStream;
  #streamModule?: StatusStreamModule;
  /** Bumped by every {@link #watch} and {@link #unwatch}: a stream that loads late is not started. */
  #watching = 0;

  constructor() {
    super();
    this.session = undefined;
    this.server = undefined;
    this.locale = undefined;
    this.strings = undefined;
    this.pollInterval = DEFAULT_POLL_INTERVAL;
    this.confirmTimeout = DEFAULT_CONFIRM_TIMEOUT;
    this._unconfirmed = false;
    this._phase = 'idle';
    this._fieldErrors = {};
    this._announcement = '';
    this._now = 0;
    this._copied = false;
    this.ready = new Promise((resolve) => (this.#resolveReady = resolve));
    this.result = new Promise((resolve) => (this.#resolveResult = resolve));
  }

  /** What the element is showing right now. */
  get phase(): PayCheckoutPhase {
    return this._phase;
  }

  /** The latest status the element has shown, if a payment attempt exists. */
  get status(): OrderStatus | undefined {
    return this._status;
  }

  /** Where live status comes from: `stream`, `polling`, `connecting` or `idle`. */
  get connection(): string {
    return this.#stream?.mode ?? 'idle';
  }

  /**
   * Subscribes like any element, and hands a listener of a `pay-*` event that already happened
   * the latest one right away (in a microtask): a listener added late still learns the state.
   * The replayed event does not bubble and has no target; a `once` listener gets only it.
   */
  override addEventListener<K extends keyof HTMLElementEventMap>(
    type: K,
    listener: (this: HTMLElement, event: HTMLElementEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ): void {
    super.addEventListener(type, listener, options);
    if (!listener || !this.#latest.has(type)) return;
    const event = new CustomEvent(type, { detail: this.#latest.get(type) });
    // A `once` listener is done with the replay.
    if (typeof options === 'object' && options.once)
      this.removeEventListener(type, listener, options);
    queueMicrotask(() =>
      typeof listener === 'function' ? listener.call(this, event) : listener.handleEvent(event),
    );
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
    this.#stopTick();
    this.#stopConfirmTimer();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.hasUpdated || changed.has('session') || changed.has('server')) this.#start();
    this.#focused = (this.renderRoot as ShadowRoot | undefined)?.activeElement ?? undefined;
  }

  protected override updated(): void {
    const expiresAt = this.#expiresAt();
    if (this._phase === 'qr' && expiresAt && this._now < expiresAt) {
      this.#tick ??= setInterval(() => (this._now = Date.now()), 1_000);
    } else {
      if (this.#tick && this._phase === 'qr' && this.#qrView) {
        // The code ran out on screen: say so, where screen readers hear it.
        this._announcement = this.#qrView.expiredText(this.#t);
      }
      this.#stopTick();
    }
    if (this._phase === 'confirming' && !this._unconfirmed) {
      this.#confirmTimer ??= setTimeout(
        () => void this.#checkConfirmation(),
        this.#confirmWait ?? this.confirmTimeout,
      );
    } else this.#stopConfirmTimer();
    // A render that removed or disabled the focused control moves focus to the new state,
    // instead of leaving it on the page's body.
    const focused = this.#focused;
    this.#focused = undefined;
    if (focused && (!focused.isConnected || focused.matches(':disabled'))) this.#focusResult = true;
    // A state with nothing to focus yet (loading) leaves the move to the next one that has.
    const target = this.#focusResult && this.renderRoot.querySelector<HTMLElement>('[data-focus]');
    if (target) {
      this.#focusResult = false;
      const active = document.activeElement;
      // Never pull focus away from something the customer is using elsewhere on the page.
      if (!active || active === document.body || active === this) target.focus();
    }
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

  get #t(): ElementTranslation {
    return { ...translationFor(this.#locale), ...this.strings };
  }

  // The element's own `locale` or `lang`, else the language of the page around it (the nearest
  // `lang`, across any shadow roots it sits in: the customer reads the page in that language),
  // else the session's locale.
  get #locale(): string | undefined {
    return this.locale || nearestLang(this) || this.#data?.session.locale || undefined;
  }

  #start(): void {
    this.#load?.abort();
    this.#submit?.abort();
    this.#unwatch();
    this.#data = undefined;
    this.#api = undefined;
    this.#orderId = null;
    this.#attemptOrderId = undefined;
    this.#abandonedOrderId = undefined;
    this.#down.clear();
    this.#confirmWait = undefined;
    this._unconfirmed = false;
    this.#method = undefined;
    this._error = undefined;
    this._submitError = undefined;
    this._busy = undefined;
    this._selected = undefined;
    this._fieldErrors = {};
    this._action = undefined;
    this._qr = undefined;
    this._status = undefined;

    const api = this.#createApi();
    if (!api || !this.session) {
      const cause = this.session
        ? `the server attribute ("${this.server ?? ''}") is not the http(s) URL of a pay-checkout server`
        : 'the session attribute is missing: set the id POST /v1/sessions answered';
      this.#fail(new CheckoutError('not_configured', cause));
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
    if (!/^https?:$/.test(url.protocol)) return undefined;
    return createApiClient({ server: url.href });
  }

  async #fetchSession(api: ApiClient, session: string): Promise<void> {
    const controller = new AbortController();
    this.#load = controller;
    this._phase = 'loading';
    this._announcement = '';
    // The translation loads alongside the session, so a page in Arabic never flashes English,
    // nor hears it: the first announcement waits for the page's language.
    const translated = loadTranslation(this.#locale).then(() => {
      if (this.#load === controller && this._phase === 'loading') {
        this._announcement = this.#t.loading;
      }
    });
    // The methods step loads alongside them too; a page back from the provider does not need it.
    if (!wasRedirected(session)) void this.#loadMethodsView();
    try {
      const [data] = await Promise.all([api.getMethods(session, controller.signal), translated]);
      if (controller.signal.aborted) return;
      this.#data = data;
      await loadTranslation(this.#locale);
      if (controller.signal.aborted) return;
      const { status, orderId } = data.session;
      const qr = qrMethod(session);
      const method = data.methods.find((m) => m.id === qr);
      if (method && !isSettled(status)) {
        // A reload while the QR code was on screen: the same key brings the same code back.
        void this.#pay(method);
      } else if (status === 'created' && !wasRedirected(session)) {
        void this.#showMethods();
      } else {
        // The server is the only source of truth on the way back from a provider: query
        // parameters of the return page are never read.
        this.#attemptOrderId = orderId ?? undefined;
        this.#orderId = orderId ?? null;
        this.#setPhase('confirming');
        this._announcement = this.#t.confirming;
        // Ready comes first, as documented: the outcome events follow it. The outcome screens
        // come with the live status's code.
        await Promise.all([this.#announceReady(), this.#loadStream()]);
        if (controller.signal.aborted || this.#data !== data) return;
        this.#applyStatus({ status, orderId: orderId ?? null });
        if (!isSettled(status)) void this.#watch();
      }
    } catch (error) {
      if (controller.signal.aborted) return;
      this.#fail(error);
    }
  }

  #fail(error: unknown): void {
    const failure = toCheckoutError(error);
    this.#warn(failure);
    this._error = failure;
    this._phase = 'error';
    this._announcement = this.#errorMessage(failure);
    if (failure.code === 'session_paid' || failure.code === 'session_expired') {
      this.#resolveResult({
        status: failure.code === 'session_paid' ? 'paid' : 'expired',
        orderId: this.#orderId,
        sessionId: this.session ?? '',
      });
    }
  }

  /**
   * A mistake of the page's setup is the merchant's to fix: the developer console gets one line
   * naming the likely cause and the setting to change; the customer sees a short neutral message.
   */
  #warn(failure: CheckoutError): void {
    const server = this.#api?.serverUrl ?? this.server;
    const cause = (<Record<string, string>>{
      not_configured: failure.message,
      origin_not_allowed: `${server} refuses this page's origin, ${location.origin}: add it to PAY_CHECKOUT_ALLOWED_ORIGINS`,
      not_found: `${server} has no session "${this.session}": create one with POST /v1/sessions`,
    })[failure.code];
    if (cause) console.warn(`pay-checkout: ${cause}.`);
  }

  async #showMethods(): Promise<void> {
    const data = this.#data;
    if (!data) return;
    if (!(await this.#loadMethodsView())) {
      this.#fail(new CheckoutError('network', 'The methods step could not be loaded'));
      return;
    }
    if (this.#data !== data) return;
    this._phase = 'methods';
    this._announcement = data.methods.length ? '' : this.#t.noMethods;
    // Fetch the QR step while the customer chooses, so it is there when they pick a QR method.
    if (data.methods.some((m) => m.flow === 'qr')) void this.#loadQrView();
    void this.#adopt(loadStatusStream()).catch(() => {});
    await this.#announceReady();
  }

  async #announceReady(): Promise<void> {
    const data = this.#data;
    await this.updateComplete;
    if (this.#data !== data || !data) return;
    const detail = { session: data.session, methods: data.methods };
    this.#emit('pay-ready', detail);
    this.#resolveReady(detail);
  }

  /** Moves to `phase` unless the screen is already further along. */
  #setPhase(phase: PayCheckoutPhase): void {
    if (RANK[phase] >= RANK[this._phase]) this._phase = phase;
  }

  #unwatch(): void {
    this.#watching++;
    this.#stream?.stop();
  }

  /** Loads the live status's code (and the outcome screens' texts); offline, it stays unloaded. */
  async #loadStream(): Promise<void> {
    try {
      this.#streamModule ??= await this.#adopt(loadStatusStream());
    } catch {
      // The next #watch tries again.
    }
  }

  /** Follows the session's status live; the stream's code is loaded on first use. */
  async #watch(): Promise<void> {
    const api = this.#api;
    const session = this.session;
    if (!api || !session) return;
    const token = ++this.#watching;
    try {
      this.#streamModule ??= await this.#adopt(loadStatusStream());
      this.#stream ??= new this.#streamModule.StatusStream(this);
    } catch {
      // Offline for a moment: try again as often as polling would.
      setTimeout(
        () => token === this.#watching && void this.#watch(),
        Math.max(this.pollInterval, 1_000),
      );
      return;
    }
    if (token !== this.#watching) return;
    this.#stream.start({
      url: new URL(api.eventsUrl(session), document.baseURI).href,
      pollInterval: this.pollInterval > 0 ? this.pollInterval : DEFAULT_POLL_INTERVAL,
      poll: async (signal) => {
        const order = this.#attemptOrderId;
        if (order) return { ...(await api.getOrder(order, signal)), orderId: order };
        const { session: view } = await api.getMethods(session, signal);
        return { status: view.status, orderId: view.orderId ?? null };
      },
      onUpdate: (update) => this.#applyStatus(update),
    });
  }

  #applyStatus({ status, orderId }: StatusUpdate): void {
    if (orderId && orderId === this.#abandonedOrderId) {
      // The customer moved on from this attempt: only its success still matters, and wins.
      if (!isPaidFamily(status)) return;
      this.#abandonedOrderId = undefined;
      this.#attemptOrderId = orderId;
      this._status = undefined;
    }
    if (this.#attemptOrderId && orderId && orderId !== this.#attemptOrderId) return;
    if (!movesForward(this._status ?? 'created', status)) return;
    const session = this.session ?? '';
    const now = status;
    this._status = now;
    if (orderId) this.#orderId = orderId;
    this.#emit('pay-status', { status: now, orderId: this.#orderId });

    if (!isSettled(now)) {
      // Waiting for a scan stays on the QR code; anything further along is the provider working.
      if (this._phase !== 'qr' || (now !== 'created' && now !== 'pending')) {
        this.#setPhase('confirming');
        this._announcement = this.#t.confirming;
      }
      return;
    }
    this.#unwatch();
    this._unconfirmed = false;
    const phase: FinalPhase = isPaidFamily(now) ? 'paid' : (now as FinalPhase);
    this._phase = phase;
    this._announcement = this.#streamModule?.lazyTexts(this.#t)[phase] ?? '';
    this.#focusResult = true;
    forgetAttempts(session, this.#methodIds());
    const order = this.#orderId;
    const sessionOver = phase === 'paid' || !this.#canRetry();
    if (sessionOver) this.#resolveResult({ status: now, orderId: order, sessionId: session });
    // Exactly one final event per order, even if the page is reloaded or visited again.
    if (!claimFinalEvent(session, order ?? 'session')) return;
    if (phase === 'paid') {
      this.#emit('pay-success', { orderId: order, sessionId: session });
    } else if (isNegative(now)) {
      this.#emit('pay-failure', { status: phase as 'failed', orderId: order, sessionId: session });
    }
  }

  /** Another attempt is pointless once the session itself has run out. */
  #canRetry(): boolean {
    const serverNow = Date.now() + (this.#api?.clockOffset() ?? 0);
    return !(Date.parse(this.#data?.session.expiresAt ?? '') <= serverNow);
  }

  #methodIds(): string[] {
    return this.#data?.methods.map((m) => m.id) ?? [];
  }

  /**
   * The methods that cannot be used right now: those the server lists as unavailable (their
   * provider's breaker is open), and those whose attempt just failed for the same reason. The
   * methods step knows (it is loaded wherever methods are shown).
   */
  #unavailable(): Set<string> {
    return this.#methodsView?.unavailableIds(this.#data?.methods ?? [], this.#down) ?? new Set();
  }

  /** The method that is selected: the customer's choice, else the first one that can be used. */
  #chosen(): Method | undefined {
    const off = this.#unavailable();
    const usable = (this.#data?.methods ?? []).filter((m) => !off.has(m.id));
    return usable.find((m) => m.id === this._selected) ?? usable[0];
  }

  /**
   * The attempt with `method` failed because its provider is down: disable it here at once (the
   * first usable one gets selected), and ask the server for the methods again, which then lists
   * that provider's state. When that fails, the list stays as it is.
   */
  #methodDown(api: ApiClient, session: string, method: Method): void {
    const data = this.#data;
    if (!data) return;
    this.#methodsView?.markDown(this.#down, data.methods, method.id);
    api.getMethods(session, this.#load?.signal).then(
      (fresh) => {
        if (this.#data !== data) return;
        data.methods = fresh.methods;
        this.requestUpdate();
      },
      () => {},
    );
  }

  readonly #onChoose = (event: Event): void => {
    const input = event.target as HTMLInputElement;
    if (input.name !== 'pay-method' || this._busy || this.#unavailable().has(input.value)) return;
    this._selected = input.value;
    this._fieldErrors = {};
    this._submitError = undefined;
  };

  readonly #onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    const method = this.#chosen();
    if (this._busy || !method) return;
    let values: Record<string, string> | undefined;
    const view = this.#methodsView;
    if (method.fields?.length && view) {
      const read = view.readMethodForm(event.currentTarget as HTMLFormElement, method, this.#t);
      this._fieldErrors = read.errors;
      if (Object.keys(read.errors).length) {
        void this.updateComplete.then(() => {
          this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
        });
        return;
      }
      values = read.values;
    }
    void this.#pay(method, values);
  };

  /** Loads the methods step once; false when it cannot be had (offline). */
  async #loadMethodsView(): Promise<boolean> {
    try {
      this.#methodsView ??= await this.#adopt(loadMethodsView());
      return true;
    } catch {
      return false;
    }
  }

  /** Adopts the styles of a lazily loaded part into the shadow root, once. */
  async #adopt<T extends { styles: string }>(loading: Promise<T>): Promise<T> {
    const module = await loading;
    const root = this.shadowRoot;
    if (root && !this.#adopted.has(module.styles)) {
      this.#adopted.add(module.styles);
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(module.styles);
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    }
    return module;
  }

  async #pay(method: Method, fields?: Record<string, string>): Promise<void> {
    const api = this.#api;
    const session = this.session;
    if (!api || !session || this._busy) return;
    const t = this.#t;
    this._busy = method.id;
    this._submitError = undefined;
    this.#method = method;
    const resuming = this._phase === 'loading';
    this._phase = 'submitting';
    this._announcement = t.submitting;
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
        this._announcement = t.redirecting;
        this.navigate(action.url);
        return;
      }
      markQr(session, method.id);
      await this.#loadQrView();
      if (controller.signal.aborted) return;
      this._action = action;
      this._qr = undefined;
      this._copied = false;
      this._now = Date.now();
      this._phase = 'qr';
      this._announcement = this.#qrView?.qrAnnouncement(t) ?? t.scanToPay;
      if (!action.image?.startsWith('data:image/') && action.text) void this.#encode(action);
      void this.#watch();
      if (resuming) void this.#announceReady();
    } catch (error) {
      if (controller.signal.aborted) return;
      const failure = toCheckoutError(error);
      if (failure.code === 'session_paid' || failure.code === 'session_expired') {
        this.#fail(failure);
        return;
      }
      // The server refuses this key with another body (the customer changed the inputs): the
      // next try is a new attempt.
      if (failure.code === 'idempotency_key_reused') forgetAttempts(session, [method.id]);
      // The provider is down: the shopper is steered to the other methods at once.
      if (/^(provider|method)_unavailable$/.test(failure.code))
        this.#methodDown(api, session, method);
      this._phase = 'methods';
      this._submitError = failure;
      this._announcement = this.#errorMessage(failure);
      if (resuming) void this.#showMethods();
    } finally {
      if (this._phase !== 'redirecting') this._busy = undefined;
    }
  }

  async #loadQrView(): Promise<void> {
    try {
      this.#qrView ??= await this.#adopt(loadQrView());
    } catch {
      // Offline or blocked: the fallback view shows the readable code.
    }
  }

  async #encode(action: QrAction): Promise<void> {
    try {
      const { qrSvg } = await loadQrEncoder();
      if (this._action === action && action.text) this._qr = qrSvg(action.text);
    } catch {
      // The code or the app links still let the customer pay; the payload is shown as text.
    }
  }

  /** A fresh QR code: a new attempt with the same method and a new Idempotency-Key. */
  #newCode(): void {
    const method = this.#method;
    if (!method) return;
    this.#unwatch();
    forgetAttempts(this.session ?? '', [method.id]);
    this.#attemptOrderId = undefined;
    this._status = undefined;
    this._action = undefined;
    void this.#pay(method);
  }

  #tryAnother({ keepWatching = false } = {}): void {
    if (!keepWatching) this.#unwatch();
    this._unconfirmed = false;
    forgetAttempts(this.session ?? '', this.#methodIds());
    this.#attemptOrderId = undefined;
    this.#orderId = null;
    this.#method = undefined;
    this._status = undefined;
    this._action = undefined;
    this._selected = undefined;
    this._submitError = undefined;
    void this.#showMethods();
  }

  /**
   * No news for a while: the server asks the provider for the real status. Still not paid, the
   * customer is told so and chooses between waiting on and paying another way; the live status
   * keeps running either way, so a late success still wins.
   */
  async #checkConfirmation(): Promise<void> {
    this.#confirmTimer = undefined;
    const api = this.#api;
    const order = this.#attemptOrderId ?? this.#orderId;
    if (!api || this._phase !== 'confirming') return;
    if (order) {
      try {
        const answer = await api.refreshOrder(order);
        if (this._phase !== 'confirming') return;
        this.#applyStatus({ status: answer.status, orderId: order });
      } catch {
        // Unreachable or refused: still no news, which is what the customer is told.
      }
    }
    if (this._phase !== 'confirming' || !this.#streamModule) return;
    this._unconfirmed = true;
    this._announcement = this.#streamModule.lazyTexts(this.#t).notYetPaid;
    this.#focusResult = true;
  }

  /** "I have paid — keep waiting": back to waiting, with a longer wait before the next check. */
  #keepWaiting(): void {
    const wait = this.#confirmWait ?? this.confirmTimeout;
    this.#confirmWait = Math.min(wait * 2, MAX_CONFIRM_TIMEOUT);
    this._unconfirmed = false;
    this._announcement = this.#t.confirming;
    this.#focusResult = true;
  }

  /** "Pay another way": the methods again, while a late success of this attempt still counts. */
  #payAnotherWay(): void {
    const order = this.#attemptOrderId ?? this.#orderId ?? undefined;
    this._unconfirmed = false;
    this.#confirmWait = undefined;
    this.#tryAnother({ keepWatching: true });
    this.#abandonedOrderId = order;
    this.#focusResult = true;
  }

  #stopConfirmTimer(): void {
    clearTimeout(this.#confirmTimer);
    this.#confirmTimer = undefined;
  }

  #stopTick(): void {
    clearInterval(this.#tick);
    this.#tick = undefined;
  }

  /** When the QR code expires, on this device's clock (the server's `expiresAt` is on its own). */
  #expiresAt(): number | undefined {
    const at = Date.parse(this._action?.expiresAt ?? '');
    return Number.isFinite(at) ? at - (this.#api?.clockOffset() ?? 0) : undefined;
  }

  #emit<K extends keyof PayCheckoutEventDetails>(
    name: K,
    detail: PayCheckoutEventDetails[K],
  ): void {
    this.#latest.set(name, detail);
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  #errorMessage(error: CheckoutError): string {
    const t = this.#t;
    const messages: Record<string, string> = {
      network: t.errorNetwork,
      timeout: t.errorNetwork,
      not_found: t.errorNotFound,
      session_paid: t.errorSessionPaid,
      session_expired: t.errorSessionExpired,
      method_unavailable: t.errorMethodUnavailable,
      provider_unavailable: t.errorMethodUnavailable,
      invalid_request: t.errorInvalidInput,
      not_configured: t.errorNotConfigured,
      origin_not_allowed: t.errorNotConfigured,
    };
    return messages[error.code] ?? t.errorGeneric;
  }

  #formatAmount(amount: Money): string {
    try {
      return formatMoney(amount, regionalLocale(this.#locale, this.#data?.session.country));
    } catch {
      return `${amount.value} ${amount.currency}`;
    }
  }

  protected override render(): TemplateResult {
    const t = this.#t;
    return html`
      <div
        part="base"
        class="base"
        lang=${t.$code}
        dir=${this.dir || t.$dir}
        aria-busy=${this._phase === 'loading' ? 'true' : 'false'}
      >
        ${this.#renderSummary(t, this.#data?.session)} ${this.#renderPhase(t)}
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

  #renderPhase(t: ElementTranslation): TemplateResult | typeof nothing {
    switch (this._phase) {
      case 'loading':
        // The amount's line is reserved, in the amount's own size: nothing moves once it loads.
        return html`<div part="skeleton" class="skeleton" aria-hidden="true">
          <div class="summary"><i></i><i class="amount"></i></div>
          <span></span><span></span><span></span>
        </div>`;
      case 'error':
        return this.#renderError(this._error);
      case 'methods':
      case 'submitting':
        return this.#renderMethods(t);
      case 'redirecting':
        return this.#renderMessage(t.redirecting);
      case 'qr':
        return this._action ? this.#renderQr(t, this._action) : nothing;
      case 'idle':
        return nothing;
      default:
        return this.#renderStatus(t);
    }
  }

  // The description is the merchant's text: dir="auto" keeps its own direction inside an Arabic
  // or Hebrew page.
  #renderSummary(
    t: ElementTranslation,
    session: PublicSession | undefined,
  ): TemplateResult | typeof nothing {
    if (!session) return nothing;
    const mandate = session.mandate;
    // With the methods, where the customer agrees to it.
    const terms =
      mandate &&
      this.#methodsView?.mandateText(
        t,
        mandate.amount && this.#formatAmount(mandate.amount),
        mandate.cadence,
      );
    return html`
      <div part="summary" class="summary">
        <span class="muted">${t.total}</span>
        <span part="amount" class="amount">${this.#formatAmount(session.amount)}</span>
        ${
          session.description
            ? html`<p part="description" class="muted wide" dir="auto">${session.description}</p>`
            : nothing
        }
        ${terms ? html`<p part="mandate" class="mandate wide">${terms}</p>` : nothing}
      </div>
    `;
  }

  #renderMessage(text: string): TemplateResult {
    return html`<p part="message" class="message">
      <span class="spinner" aria-hidden="true"></span><span>${text}</span>
    </p>`;
  }

  #renderError(error: CheckoutError | undefined): TemplateResult {
    return html`
      <div part="error" class="error">
        <p tabindex="-1" data-focus>${error ? this.#errorMessage(error) : this.#t.errorGeneric}</p>
        ${
          error?.retryable
            ? html`<button
                part="action"
                class="secondary"
                type="button"
                @click=${() => this.#start()}
              >
                ${this.#t.retry}
              </button>`
            : nothing
        }
      </div>
    `;
  }

  #renderMethods(t: ElementTranslation): TemplateResult | typeof nothing {
    const view = this.#methodsView;
    const data = this.#data;
    if (!view || !data) return nothing;
    return view.renderMethods(
      { html, nothing },
      {
        t,
        methods: data.methods,
        chosen: this.#chosen(),
        unavailable: this.#unavailable(),
        amount: this.#formatAmount(data.session.amount),
        errors: this._fieldErrors,
        busy: !!this._busy,
        error: this._submitError && this.#errorMessage(this._submitError),
        onChoose: this.#onChoose,
        onSubmit: this.#onSubmit,
      },
    );
  }

  #renderQr(t: ElementTranslation, action: QrAction): TemplateResult {
    const expiresAt = this.#expiresAt();
    const message = this.#renderMessage(t.waitingForPayment);
    const view = this.#qrView;
    // Until the view has loaded (or if it cannot be), the readable code still lets them pay.
    if (!view) {
      return html`<div part="qr" class="qr">
        ${action.code ? html`<strong part="qr-code" dir="ltr">${action.code}</strong>` : nothing}
        ${message}
      </div>`;
    }
    return view.renderQrView(
      { html, svg, nothing },
      {
        t,
        action,
        qr: this._qr,
        left: expiresAt === undefined ? undefined : Math.max(0, expiresAt - this._now),
        copied: this._copied,
        onCopied: (announcement) => {
          this._copied = true;
          this._announcement = announcement;
        },
        onNewCode: () => this.#newCode(),
        onTryAnother: () => this.#tryAnother(),
        message,
      },
    );
  }

  #renderStatus(t: ElementTranslation): TemplateResult {
    const phase = this._phase;
    const stream = this.#streamModule;
    if (phase !== 'confirming' && stream) {
      const again = phase !== 'paid' && this.#canRetry();
      const method = this.#method ?? this.#data?.session.method;
      return stream.renderOutcome(
        { html, nothing },
        {
          t,
          phase: phase as FinalPhase,
          status: this._status ?? 'created',
          method: method && (t.labels?.[method.id] ?? method.name),
          reference: this.#data?.session.reference,
          again,
          newCode: again && phase === 'expired' && this.#method?.flow === 'qr',
          onNewCode: () => this.#newCode(),
          onTryAnother: () => this.#tryAnother(),
        },
      );
    }
    if (this._unconfirmed && stream) {
      return stream.renderUnconfirmed(
        { html },
        {
          t,
          onKeepWaiting: () => this.#keepWaiting(),
          onPayAnotherWay: () => this.#payAnotherWay(),
        },
      );
    }
    return html`
      <div part="status" class="status" data-status=${this._status ?? 'created'}>
        <div part="message" class="message">
          <span class="spinner" aria-hidden="true"></span>
          <h2 part="heading" tabindex="-1" data-focus>${t.confirming}</h2>
        </div>
        <p class="muted">${t.confirmingHint}</p>
      </div>
    `;
  }
}

/**
 * Whether a status from the server may replace the one on screen. The server already applied
 * the protocol's status machine, so the element only keeps the screen from moving backwards:
 * further along is news, anything else is a stale or repeated message — except a success after a
 * failure, which the server only sends once the provider confirmed it (a late success).
 */
function movesForward(current: OrderStatus, incoming: OrderStatus): boolean {
  if (isPaidFamily(current)) return false;
  if (isNegative(current)) return incoming === 'paid';
  return STATUS_RANK[incoming] > STATUS_RANK[current];
}

/**
 * The page's language in the order's country (`es` + `CO` → `es-CO`), so the amount reads as the
 * customer's region writes it; the language alone where the runtime knows no such locale.
 */
function regionalLocale(
  locale: string | undefined,
  country: string | undefined,
): string | undefined {
  if (!country) return locale;
  const language = (locale ?? 'en').split('-')[0];
  const regional = `${language}-${country}`;
  try {
    return Intl.NumberFormat.supportedLocalesOf(regional).length ? regional : locale;
  } catch {
    return locale;
  }
}

/** The `lang` of the element or its nearest ancestor, across shadow roots. */
function nearestLang(start: Element): string | undefined {
  let lang: string | null | undefined;
  for (let node: Node | null = start; node && !lang;) {
    lang = node instanceof Element ? node.getAttribute('lang') : undefined;
    node = node.parentNode ?? (node instanceof ShadowRoot ? node.host : null);
  }
  return lang || undefined;
}

function toCheckoutError(error: unknown): CheckoutError {
  return error instanceof CheckoutError
    ? error
    : new CheckoutError('internal_error', String(error), { retryable: true, cause: error });
}

function isHttpUrl(url: string): boolean {
  try {
    return /^https?:$/.test(new URL(url).protocol);
  } catch {
    return false;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pay-checkout': PayCheckout;
  }
}
