/**
 * @module
 * The browser's calls to the companion backend (`/v1/sessions/:id/…`, `/v1/orders/:id`), over
 * `fetch`.
 *
 * A small client of our own rather than a library: the element needs a timeout, a few retries
 * and error mapping, and every kilobyte of the script-tag build is paid by the merchant's page.
 * GETs are retried with back-off on network errors, 408, 429 and 5xx (honouring `Retry-After`);
 * POSTs never are here, because repeating a POST is the caller's decision (it carries the
 * Idempotency-Key that makes the repeat safe).
 */
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
  /** `POST /v1/sessions/:id/orders` with the given Idempotency-Key. */
  createOrder(
    sessionId: string,
    body: CreateOrderRequest,
    idempotencyKey: string,
    signal?: AbortSignal,
  ): Promise<CreateOrderResponse>;
  /** Absolute URL of the session's Server-Sent Events stream. */
  eventsUrl(sessionId: string): string;
}

const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** Creates a client for one backend; `server` must be an absolute http(s) URL. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = options.server.replace(/\/+$/, '');
  const timeout = options.timeout ?? 10_000;
  const retries = options.retries ?? 2;
  const backoff = options.backoff ?? 300;
  const sessionUrl = (id: string, tail: string) =>
    `${base}/v1/sessions/${encodeURIComponent(id)}/${tail}`;

  async function request(
    url: string,
    init: RequestInit,
    signal: AbortSignal | undefined,
    attempts: number,
  ): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      let response: Response | undefined;
      let failure: CheckoutError;
      try {
        response = await fetch(url, {
          ...init,
          credentials: 'omit',
          headers: { Accept: 'application/json', ...init.headers },
          signal: withTimeout(signal, timeout),
        });
      } catch (error) {
        if (signal?.aborted) throw signal.reason ?? error;
        failure =
          error instanceof DOMException && error.name === 'TimeoutError'
            ? new CheckoutError('timeout', 'The payment service took too long to answer', {
                retryable: true,
                cause: error,
              })
            : // fetch rejects with a TypeError when the server cannot be reached (DNS, refused, CORS).
              new CheckoutError('network', 'The payment service could not be reached', {
                retryable: true,
                cause: error,
              });
      }
      if (response) {
        const body = await readJson(response);
        if (response.ok) {
          if (body === undefined) throw invalidResponse();
          return body;
        }
        failure = toError(response.status, body);
      }
      const retryable = !response || RETRY_STATUSES.has(response.status);
      if (attempt >= attempts || !retryable) throw failure!;
      await sleep(retryDelay(response, backoff * 2 ** attempt), signal);
    }
  }

  return {
    async getMethods(sessionId, signal) {
      const body = await request(sessionUrl(sessionId, 'methods'), {}, signal, retries);
      if (!isMethodsResponse(body)) throw invalidResponse();
      return body;
    },
    async getOrder(orderId, signal) {
      const body = await request(
        `${base}/v1/orders/${encodeURIComponent(orderId)}`,
        {},
        signal,
        retries,
      );
      if (!isRecord(body) || typeof body.id !== 'string' || typeof body.status !== 'string') {
        throw invalidResponse();
      }
      return body as unknown as OrderStatusView;
    },
    async createOrder(sessionId, body, idempotencyKey, signal) {
      const answer = await request(
        sessionUrl(sessionId, 'orders'),
        {
          method: 'POST',
          body: JSON.stringify(body),
          headers: { 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey },
        },
        signal,
        0,
      );
      if (!isCreateOrderResponse(answer)) throw invalidResponse();
      return answer;
    },
    eventsUrl: (sessionId) => sessionUrl(sessionId, 'events'),
  };
}

/**
 * The caller's signal combined with a timeout. Browsers without `AbortSignal.any` (before 2024)
 * keep the caller's signal and rely on their own network timeout.
 */
function withTimeout(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  if (!signal) return timeout;
  return AbortSignal.any ? AbortSignal.any([signal, timeout]) : signal;
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return (await response.json()) as unknown;
  } catch {
    // A proxy's HTML error page, or an empty body: the status alone has to do.
    return undefined;
  }
}

/** Honours a `Retry-After` in seconds (capped), else the exponential delay with jitter. */
function retryDelay(response: Response | undefined, exponential: number): number {
  const header = Number(response?.headers.get('Retry-After'));
  if (header > 0) return Math.min(header * 1000, 10_000);
  return Math.min(exponential, 3_000) * (0.5 + Math.random() / 2);
}

async function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  signal?.throwIfAborted();
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
  return new CheckoutError(
    'invalid_response',
    'The payment service sent an answer that could not be understood',
    { retryable: true },
  );
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
