/**
 * @module
 * The browser's calls to the companion backend (`/v1/sessions/:id/…`), over ky.
 *
 * GETs are retried on network errors and 5xx; POSTs never are here, because repeating a POST is
 * the caller's decision (it carries the Idempotency-Key that makes the repeat safe).
 */
import ky, { HTTPError, TimeoutError, type KyInstance } from 'ky';
import type {
  CreateOrderRequest,
  CreateOrderResponse,
  MethodsResponse,
} from '@pay-checkout/protocol';
import { CheckoutError } from './checkout-error.js';

export interface ApiClientOptions {
  /** Base URL of the companion backend, e.g. `https://pay.example.com`. */
  server: string;
  /** Milliseconds before one request gives up. Default 10 000. */
  timeout?: number;
  /** How many times a GET is retried on network errors and 5xx. Default 2. */
  retries?: number;
}

/** The element's view of the backend. */
export interface ApiClient {
  /** `GET /v1/sessions/:id/methods`: the session (with its status) and its payment methods. */
  getMethods(sessionId: string, signal?: AbortSignal): Promise<MethodsResponse>;
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

/** Creates a client for one backend; `server` must be an absolute http(s) URL. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = options.server.replace(/\/+$/, '');
  const sessionUrl = (id: string, tail: string) =>
    `${base}/v1/sessions/${encodeURIComponent(id)}/${tail}`;
  const http: KyInstance = ky.create({
    timeout: options.timeout ?? 10_000,
    retry: {
      limit: options.retries ?? 2,
      methods: ['get'],
      statusCodes: [408, 429, 500, 502, 503, 504],
      backoffLimit: 3_000,
    },
    headers: { Accept: 'application/json' },
    credentials: 'omit',
  });

  return {
    async getMethods(sessionId, signal) {
      const body = await call(() => http.get(sessionUrl(sessionId, 'methods'), { signal }).json());
      if (!isMethodsResponse(body)) throw invalidResponse();
      return body;
    },
    async createOrder(sessionId, body, idempotencyKey, signal) {
      const answer = await call(() =>
        http
          .post(sessionUrl(sessionId, 'orders'), {
            json: body,
            headers: { 'Idempotency-Key': idempotencyKey },
            retry: 0,
            signal,
          })
          .json(),
      );
      if (!isCreateOrderResponse(answer)) throw invalidResponse();
      return answer;
    },
    eventsUrl: (sessionId) => sessionUrl(sessionId, 'events'),
  };
}

async function call(request: () => Promise<unknown>): Promise<unknown> {
  try {
    return await request();
  } catch (error) {
    throw await toCheckoutError(error);
  }
}

async function toCheckoutError(error: unknown): Promise<unknown> {
  if (error instanceof DOMException && error.name === 'AbortError') return error;
  if (error instanceof TimeoutError) {
    return new CheckoutError(
      'timeout',
      'The payment service took too long to answer',
      undefined,
      true,
      {
        cause: error,
      },
    );
  }
  if (error instanceof HTTPError) {
    const status = error.response.status;
    let code = status >= 500 ? 'internal_error' : 'invalid_request';
    let message = `The payment service answered ${status}`;
    let retryable = status >= 500 || status === 429 || status === 408;
    try {
      const body: unknown = await error.response.json();
      if (isErrorBody(body)) {
        code = body.error.code;
        message = body.error.message;
        if (typeof body.error.retryable === 'boolean') retryable = body.error.retryable;
      }
    } catch {
      // A proxy's HTML error page: the status alone has to do.
    }
    return new CheckoutError(code, message, status, retryable, { cause: error });
  }
  if (error instanceof SyntaxError) return invalidResponse(error);
  // fetch rejects with a TypeError when the server cannot be reached (DNS, refused, CORS).
  return new CheckoutError('network', 'The payment service could not be reached', undefined, true, {
    cause: error,
  });
}

function invalidResponse(cause?: unknown): CheckoutError {
  return new CheckoutError(
    'invalid_response',
    'The payment service sent an answer that could not be understood',
    undefined,
    true,
    { cause },
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isErrorBody(
  value: unknown,
): value is { error: { code: string; message: string; retryable?: boolean } } {
  return (
    isRecord(value) &&
    isRecord(value.error) &&
    typeof value.error.code === 'string' &&
    typeof value.error.message === 'string'
  );
}

// The server validates with the protocol's zod schemas; the element only checks the shape it
// relies on, so a broken proxy answer becomes a clear error instead of a crash, and zod stays
// out of the bundle.
function isMethodsResponse(value: unknown): value is MethodsResponse {
  if (!isRecord(value) || !isRecord(value.session) || !Array.isArray(value.methods)) return false;
  const { session } = value;
  return (
    typeof session.id === 'string' &&
    typeof session.status === 'string' &&
    isRecord(session.amount) &&
    Number.isSafeInteger(session.amount.value) &&
    typeof session.amount.currency === 'string' &&
    value.methods.every(
      (m) =>
        isRecord(m) &&
        typeof m.id === 'string' &&
        typeof m.name === 'string' &&
        (m.fields === undefined || Array.isArray(m.fields)),
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
