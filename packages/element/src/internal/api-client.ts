/**
 * @module
 * The browser's calls to the companion backend (`/v1/sessions/:id/…`, `/v1/orders/:id`), on ky.
 *
 * Each request has a timeout. GETs are retried with back-off on network errors, timeouts, 408,
 * 429 and 5xx, honouring `Retry-After`; POSTs never are here, because repeating a POST is the
 * caller's decision (it carries the Idempotency-Key that makes the repeat safe). Every failure
 * leaves as a {@link CheckoutError}, mapped in one place.
 */
import ky, { HTTPError, TimeoutError, type KyInstance } from 'ky';
import type {
  CreateOrderRequest,
  CreateOrderResponse,
  MethodsResponse,
} from '@pay-checkout/protocol';
import type { OrderStatus } from '@pay-checkout/protocol/status';
import { CheckoutError } from './checkout-error.js';

export interface ApiClientOptions {
  /** Base URL of the companion backend, e.g. `https://pay.example.com`. */
  server: string;
  /** Milliseconds before one request gives up. Default 10 000. */
  timeout?: number;
  /** How many times a GET is retried on network errors, 408, 429 and 5xx. Default 2. */
  retries?: number;
  /** First back-off delay in milliseconds; doubled per retry, capped at 3 s. Default 300. */
  backoff?: number;
}

/** What the element reads of `GET /v1/orders/:id`. */
export interface OrderStatusView {
  id: string;
  status: OrderStatus;
}

/** The element's view of the backend. */
export interface ApiClient {
  /** `GET /v1/sessions/:id/methods`: the session (with its status) and its payment methods. */
  getMethods(sessionId: string, signal?: AbortSignal): Promise<MethodsResponse>;
  /** `GET /v1/orders/:id`: one order's status (the polling fallback). */
  getOrder(orderId: string, signal?: AbortSignal): Promise<OrderStatusView>;
  /**
   * `POST /v1/orders/:id/refresh`: the server asks the provider for the order's real status and
   * answers it.
   */
  refreshOrder(orderId: string, signal?: AbortSignal): Promise<OrderStatusView>;
  /** `POST /v1/sessions/:id/orders` with the given Idempotency-Key. */
  createOrder(
    sessionId: string,
    body: CreateOrderRequest,
    idempotencyKey: string,
    signal?: AbortSignal,
  ): Promise<CreateOrderResponse>;
  /** Absolute URL of the session's Server-Sent Events stream. */
  eventsUrl(sessionId: string): string;
  /**
   * Milliseconds to add to this device's clock to read the server's, from the `Date` of the
   * latest answer (0 before the first): times the server sets, such as a QR code's
   * `expiresAt`, count down against it, whatever the device's clock says.
   */
  clockOffset(): number;
  /** The server's base URL, without a trailing slash. */
  serverUrl: string;
}

const RETRY_STATUSES = [408, 429, 500, 502, 503, 504];

/** Longest `Retry-After` waited for; a longer one ends the retries. */
const MAX_RETRY_AFTER_MS = 10_000;

/** Creates a client for one backend; `server` must be an absolute http(s) URL. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = options.server.replace(/\/+$/, '');
  const backoff = options.backoff ?? 300;
  // Failed requests in a row while the server itself answered: twice means it refuses this
  // page's origin (CORS), once may be a network that just came back.
  let refusals = 0;
  const http: KyInstance = ky.create({
    timeout: options.timeout ?? 10_000,
    // The mode a page's `<link rel="preload" as="fetch" crossorigin>` of the methods uses, so the
    // browser hands that response over; no cookies travel to another origin either way.
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
    retry: {
      limit: options.retries ?? 2,
      methods: ['get'],
      statusCodes: RETRY_STATUSES,
      afterStatusCodes: RETRY_STATUSES,
      maxRetryAfter: MAX_RETRY_AFTER_MS,
      retryOnTimeout: true,
      delay: (attempt) => backoff * 2 ** (attempt - 1),
      backoffLimit: 3_000,
      // Half to full delay: clients that failed together do not come back together.
      jitter: (delay) => delay * (0.5 + Math.random() / 2),
      // fetch says only "TypeError" for an unreachable server and for a page the server's CORS
      // refuses. A request the script may not read tells them apart: it succeeds when the server
      // is up. A refused origin is a setting to change, not a network to wait for.
      shouldRetry: async ({ error }) => {
        if (!(error instanceof TypeError)) return undefined;
        refusals = (await answers(`${base}/healthz`)) ? refusals + 1 : 0;
        return refusals >= 2 ? false : undefined;
      },
    },
  });
  let offset = 0;
  const sessionUrl = (id: string, tail: string) =>
    `${base}/v1/sessions/${encodeURIComponent(id)}/${tail}`;

  async function request(
    url: string,
    init: { method?: 'post'; json?: unknown; headers?: Record<string, string> },
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    let body: unknown;
    try {
      const response = await http(url, { ...init, ...(signal ? { signal } : {}) });
      refusals = 0;
      const date = Date.parse(response.headers.get('Date') ?? '');
      if (Number.isFinite(date)) offset = date - Date.now();
      body = await response.json();
    } catch (error) {
      if (refusals >= 2 && error instanceof TypeError && !signal?.aborted) {
        throw new CheckoutError('origin_not_allowed', `${base} refuses this page's origin`, {
          cause: error,
        });
      }
      throw await toCheckoutError(error, signal);
    }
    if (body === undefined || body === '') throw invalidResponse();
    return body;
  }

  return {
    async getMethods(sessionId, signal) {
      const body = await request(sessionUrl(sessionId, 'methods'), {}, signal);
      if (!isMethodsResponse(body)) throw invalidResponse();
      return body;
    },
    async getOrder(orderId, signal) {
      const body = await request(`${base}/v1/orders/${encodeURIComponent(orderId)}`, {}, signal);
      return orderStatusView(body);
    },
    async refreshOrder(orderId, signal) {
      const url = `${base}/v1/orders/${encodeURIComponent(orderId)}/refresh`;
      return orderStatusView(await request(url, { method: 'post' }, signal));
    },
    async createOrder(sessionId, body, idempotencyKey, signal) {
      const answer = await request(
        sessionUrl(sessionId, 'orders'),
        { method: 'post', json: body, headers: { 'Idempotency-Key': idempotencyKey } },
        signal,
      );
      if (!isCreateOrderResponse(answer)) throw invalidResponse();
      return answer;
    },
    eventsUrl: (sessionId) => sessionUrl(sessionId, 'events'),
    clockOffset: () => offset,
    serverUrl: base,
  };
}

/** Whether anything answers at `url`, without reading the answer (no CORS needed). */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { mode: 'no-cors', credentials: 'omit', signal: AbortSignal.timeout(5_000) });
    return true;
  } catch {
    return false;
  }
}

/** Every failure of a request as the element reports it. */
async function toCheckoutError(error: unknown, signal: AbortSignal | undefined): Promise<unknown> {
  if (signal?.aborted) return signal.reason ?? error;
  if (error instanceof HTTPError) {
    let body: unknown;
    try {
      body = (await error.response.json()) as unknown;
    } catch {
      // A proxy's HTML error page, or an empty body: the status alone has to do.
    }
    return toError(error.response.status, body);
  }
  if (error instanceof TimeoutError) {
    return new CheckoutError('timeout', 'The payment service took too long to answer', {
      retryable: true,
      cause: error,
    });
  }
  if (error instanceof SyntaxError) return invalidResponse();
  // fetch rejects with a TypeError when the server cannot be reached (DNS, refused, CORS).
  return new CheckoutError('network', 'The payment service could not be reached', {
    retryable: true,
    cause: error,
  });
}

function toError(status: number, body: unknown): CheckoutError {
  let code = status >= 500 ? 'internal_error' : 'invalid_request';
  let message = `The payment service answered ${status}`;
  let retryable = status >= 500 || status === 429 || status === 408;
  if (
    isRecord(body) &&
    isRecord(body.error) &&
    typeof body.error.code === 'string' &&
    typeof body.error.message === 'string'
  ) {
    code = body.error.code;
    message = body.error.message;
    if (typeof body.error.retryable === 'boolean') retryable = body.error.retryable;
  }
  return new CheckoutError(code, message, { status, retryable });
}

function invalidResponse(): CheckoutError {
  return new CheckoutError('invalid_response', 'The payment service answered in an unknown form', {
    retryable: true,
  });
}

function orderStatusView(body: unknown): OrderStatusView {
  if (!isRecord(body) || typeof body.id !== 'string' || typeof body.status !== 'string') {
    throw invalidResponse();
  }
  return body as unknown as OrderStatusView;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

// The server validates with the protocol's zod schemas; the element only checks the shape it
// relies on, so a broken proxy answer becomes a clear error instead of a crash, and zod stays
// out of the bundle.
function isMethodsResponse(value: unknown): value is MethodsResponse {
  if (!isRecord(value) || !isRecord(value.session) || !Array.isArray(value.methods)) return false;
  const { session } = value;
  return (
    typeof session.status === 'string' &&
    isRecord(session.amount) &&
    Number.isSafeInteger(session.amount.value) &&
    value.methods.every(
      (m) => isRecord(m) && typeof m.id === 'string' && (!m.fields || Array.isArray(m.fields)),
    )
  );
}

function isCreateOrderResponse(value: unknown): value is CreateOrderResponse {
  return (
    isRecord(value) &&
    isRecord(value.order) &&
    typeof value.order.id === 'string' &&
    isRecord(value.action) &&
    (value.action.type === 'redirect' || value.action.type === 'qr')
  );
}
