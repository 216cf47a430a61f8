/**
 * @module
 * Every HTTP call of the console, on ky, against `/console/api` of the page's own origin.
 *
 * Cookies travel only same-origin (the session cookie is HttpOnly; this code never sees it).
 * Every state-changing call carries `X-Console-Csrf: 1`, which the server requires on top of
 * its SameSite=Strict cookie and origin check. Failures leave as {@link ConsoleError}, mapped
 * in {@link toConsoleError} only; a 401 on anything but the sign-in itself also fires
 * `signed-out` on the client, which the app answers with the sign-in view. Every answer is
 * parsed with its schema of the wire contract (`@pay-checkout/protocol/console`, see
 * {@link parseAnswer}) before it is returned.
 */
import {
  ConsoleErrorBodySchema,
  ConsoleNotificationsPageSchema,
  ConsoleOrderDetailSchema,
  ConsoleOrdersPageSchema,
  ConsoleProvidersSchema,
  ConsoleRecheckSchema,
  ConsoleRequeueSchema,
  ConsoleSessionInfoSchema,
  ConsoleSummarySchema,
  type ConsoleAnomaly,
  type ConsoleNotificationRow,
  type ConsoleNotificationsPage,
  type ConsoleOrderDetail,
  type ConsoleOrderRow,
  type ConsoleOrdersPage,
  type ConsoleProvider,
  type ConsoleSessionInfo,
} from '@pay-checkout/protocol/console';
import type { OrderStatus } from '@pay-checkout/protocol/status';
import ky, { HTTPError, TimeoutError, type KyInstance, type Options } from 'ky';
import { ConsoleError } from './console-error.js';
import { parseAnswer } from './parse.js';

/** The filters of `GET /console/api/orders`; absent and empty ones are left out of the query. */
export interface OrderFilters {
  status?: OrderStatus;
  provider?: string;
  method?: string;
  /** ISO instants (the view turns its days into these). */
  from?: string;
  to?: string;
  anomaly?: ConsoleAnomaly;
  /** Order id, session id or the provider's order id exactly, or the reference by prefix. */
  q?: string;
}

/** Header and value the server requires on POST, PUT, PATCH and DELETE. */
export const CSRF_HEADER = 'X-Console-Csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface ConsoleApiOptions {
  /** Path of the API; default `/console/api`. */
  base?: string;
  /** Milliseconds before a request gives up; default 15 000. */
  timeout?: number;
}

/** Fired on the client when the server no longer knows the operator's session. */
export const SIGNED_OUT = 'signed-out';

export class ConsoleApi extends EventTarget {
  readonly base: string;
  private readonly http: KyInstance;

  constructor(options: ConsoleApiOptions = {}) {
    super();
    this.base = (options.base ?? '/console/api').replace(/\/+$/, '');
    this.http = ky.create({
      prefixUrl: this.base,
      credentials: 'same-origin',
      timeout: options.timeout ?? 15_000,
      retry: { limit: 1, methods: ['get'], statusCodes: [502, 503, 504] },
      hooks: {
        beforeRequest: [
          (request) => {
            if (!SAFE_METHODS.has(request.method)) request.headers.set(CSRF_HEADER, '1');
          },
        ],
      },
    });
  }

  /** URL of the Server-Sent Events stream of order changes. */
  get streamUrl(): string {
    return `${this.base}/stream`;
  }

  /** Signs in with the console key. The key is sent once and kept nowhere. */
  async signIn(key: string): Promise<void> {
    await this.call('post', 'session', { json: { key } }, { signIn: true });
  }

  /** Ends the session; the server clears its cookie. */
  async signOut(): Promise<void> {
    await this.call('delete', 'session', {});
  }

  /** The signed-in operator, or a `console_sign_in` error (without firing `signed-out`). */
  async session(): Promise<ConsoleSessionInfo> {
    const body = await this.call('get', 'session', {}, { quiet: true });
    return parseAnswer(ConsoleSessionInfoSchema, body, 'the session');
  }

  async orders(
    filters: OrderFilters = {},
    cursor?: string | null,
    signal?: AbortSignal,
  ): Promise<ConsoleOrdersPage> {
    const searchParams = new URLSearchParams();
    for (const [key, value] of Object.entries(filters))
      if (typeof value === 'string' && value.trim() !== '') searchParams.set(key, value.trim());
    if (cursor) searchParams.set('cursor', cursor);
    const body = await this.call('get', 'orders', { searchParams, signal });
    return parseAnswer(ConsoleOrdersPageSchema, body, 'the orders list');
  }

  async order(id: string, signal?: AbortSignal): Promise<ConsoleOrderDetail> {
    const body = await this.call('get', `orders/${encodeURIComponent(id)}`, { signal });
    return parseAnswer(ConsoleOrderDetailSchema, body, 'the order');
  }

  /** Asks the provider for the order's status now; answers the order as it then is. */
  async recheck(id: string): Promise<ConsoleOrderRow> {
    const body = await this.call('post', `orders/${encodeURIComponent(id)}/recheck`, {});
    return parseAnswer(ConsoleRecheckSchema, body, 'the re-check').order;
  }

  /** The plain-text support summary of an order (the server records that it was read). */
  async summary(id: string): Promise<string> {
    const body = await this.call('get', `orders/${encodeURIComponent(id)}/summary`, {});
    return parseAnswer(ConsoleSummarySchema, body, 'the summary').text;
  }

  async providers(signal?: AbortSignal): Promise<ConsoleProvider[]> {
    const body = await this.call('get', 'providers', { signal });
    return parseAnswer(ConsoleProvidersSchema, body, 'the providers').providers;
  }

  async notifications(
    status?: string,
    cursor?: string | null,
    signal?: AbortSignal,
  ): Promise<ConsoleNotificationsPage> {
    const searchParams = new URLSearchParams();
    if (status) searchParams.set('status', status);
    if (cursor) searchParams.set('cursor', cursor);
    const body = await this.call('get', 'notifications', { searchParams, signal });
    return parseAnswer(ConsoleNotificationsPageSchema, body, 'the notifications');
  }

  /** Puts a dead notification back in the queue. */
  async requeue(id: string): Promise<ConsoleNotificationRow> {
    const body = await this.call('post', `notifications/${encodeURIComponent(id)}/requeue`, {});
    return parseAnswer(ConsoleRequeueSchema, body, 'the re-queue').notification;
  }

  /** One request; answers its JSON body (`null` for 204), which the caller parses. */
  private async call(
    method: 'get' | 'post' | 'delete',
    path: string,
    options: Options,
    flags: { signIn?: boolean; quiet?: boolean } = {},
  ): Promise<unknown> {
    try {
      const response = await this.http(path, { ...options, method });
      return response.status === 204 ? null : ((await response.json()) as unknown);
    } catch (cause) {
      const error = await toConsoleError(cause, flags.signIn === true);
      if (error.status === 401 && !flags.signIn && !flags.quiet)
        this.dispatchEvent(new Event(SIGNED_OUT));
      throw error;
    }
  }
}

/**
 * The server's `{ error: { code, message } }`, if the body is one. Anything else (a proxy's HTML
 * page, an empty body) leaves the status to speak alone: a failed call stays what its status
 * says rather than turning into `bad_response`.
 */
async function errorBody(response: Response): Promise<{ code?: string; message?: string }> {
  let body: unknown;
  try {
    body = await response.clone().json();
  } catch {
    return {};
  }
  const parsed = ConsoleErrorBodySchema.safeParse(body);
  return parsed.success ? parsed.data.error : {};
}

/** Maps any failure of a call to the one error the views handle. */
export async function toConsoleError(cause: unknown, signIn = false): Promise<ConsoleError> {
  if (cause instanceof ConsoleError) return cause;
  if (cause instanceof TimeoutError)
    return new ConsoleError('timeout', 'The server did not answer in time. Try again.');
  if (cause instanceof HTTPError) {
    const { status } = cause.response;
    const { code, message } = await errorBody(cause.response);
    if (status === 401)
      return signIn
        ? new ConsoleError('invalid_console_key', 'That key is not the console key.', 401)
        : new ConsoleError('console_sign_in', 'Your session has ended. Sign in again.', 401);
    if (status === 429) {
      const retryAfter = Number(cause.response.headers.get('Retry-After')) || undefined;
      const wait = retryAfter ? ` Wait ${retryAfter} seconds` : ' Wait a while';
      return new ConsoleError(
        'rate_limited',
        `Too many attempts.${wait} and try again.`,
        429,
        retryAfter,
      );
    }
    if (status === 403 && code === 'csrf')
      return new ConsoleError(
        'csrf',
        'The server refused a request it could not trust as ours.',
        403,
      );
    if (status === 404) return new ConsoleError('not_found', message ?? 'Not found.', 404);
    if (status === 409)
      return new ConsoleError('conflict', message ?? 'That is no longer possible.', 409);
    return new ConsoleError(code ?? 'server', message ?? `The server answered ${status}.`, status);
  }
  if (cause instanceof DOMException && cause.name === 'AbortError')
    return new ConsoleError('aborted', 'The request was cancelled.');
  if (cause instanceof SyntaxError)
    return new ConsoleError('bad_response', 'The server answered with something that is not JSON.');
  return new ConsoleError(
    'network',
    'The server cannot be reached. Check the connection and try again.',
  );
}
