/**
 * @module
 * What every provider client does the same way, on top of ky: one call with a timeout and a JSON
 * answer, retries with exponential back-off and full jitter (a `Retry-After` is honoured, up to a
 * bound), the same reading of the last answer (2xx with a body, "try again later", or a refusal),
 * and the 502 API errors a failure becomes.
 *
 * Each call says whether it may be repeated: `safe` (a read, or a create the provider
 * deduplicates by idempotency key or unique reference) or `unprocessed` (only when the provider
 * surely did not process it: connection refused, 429). What differs per provider stays in its
 * client: the headers (API key, bearer token, signature hooks), how an error body turns into a
 * message, and which calls may be repeated.
 *
 * @example
 * ```ts
 * const http = new ProviderHttp({ apiUrl, retryBaseMs: 1 });
 * const { outcome } = await http.call('GET', '/orders/1', {
 *   headers: { 'x-api-key': key },
 *   repeat: 'safe',
 * });
 * ```
 */
import ky, {
  HTTPError,
  TimeoutError,
  type Hooks,
  type KyInstance,
  type ShouldRetryState,
} from 'ky';
import type { z } from 'zod';
import { ApiError } from '../../core/api-error.js';
import { currentGuard, type ProviderGuard } from '../breaker.js';

/** Options shared by every provider client. */
export interface ProviderHttpOptions {
  /** Base URL of the provider's API; trailing slashes are dropped. */
  apiUrl: string;
  /** Per-attempt timeout (default 10 000 ms). */
  timeoutMs?: number;
  /** Base of the back-off between attempts (default 200 ms). */
  retryBaseMs?: number;
  /** Total attempts of a repeated call (default 3). */
  attempts?: number;
  /**
   * Longest `Retry-After` waited out inside one call (default 25 × `retryBaseMs`: 5 s); a
   * longer one ends the call, `unavailable` with `retryAfterMs`.
   */
  maxRetryAfterMs?: number;
  /** What fetch does with a redirect (default `follow`, as fetch itself). */
  redirect?: 'follow' | 'manual';
  /** The fetch to call the provider with (tests); called with the URL and a plain init. */
  fetch?: typeof fetch;
  /**
   * The provider's breaker and bulkhead (providers/breaker.ts). Without one, a call goes through
   * the guard of the adapter call in progress (the registry wraps every adapter), if any.
   */
  guard?: ProviderGuard;
}

/**
 * When a call may be sent again after a failure. `safe`: after any failure worth repeating (not
 * reached, timeout, 5xx, 408, 429, an unreadable 2xx). `unprocessed`: only when the provider
 * surely did not process it (connection refused, 429).
 */
export type Repeat = 'safe' | 'unprocessed';

/** One request: headers of the provider's choosing, and a JSON (`json`) or raw (`body`) body. */
export interface ProviderRequest {
  headers?: Record<string, string>;
  /** Sent as JSON with `Content-Type: application/json`. */
  json?: unknown;
  /** Sent as it is (the caller sets the content type). */
  body?: string;
  /** Whether a failed attempt may be sent again. */
  repeat: Repeat;
  /** ky hooks of this call only (they run after the client's own). */
  hooks?: Hooks;
}

/** How one call ended. */
export type HttpOutcome =
  /** A 2xx answer with a JSON body. */
  | { kind: 'ok'; status: number; body: unknown }
  /**
   * Not reached, timed out, 5xx, 408, 429 or an unreadable 2xx: try again later. `certain` is
   * true when the provider surely did not process the request (connection refused, 429).
   */
  | {
      kind: 'unavailable';
      reason: string;
      certain: boolean;
      /** What a 429 or 503's `Retry-After` asked for, in milliseconds, when it said. */
      retryAfterMs?: number;
    }
  /** Any other answer; `body` is its JSON, or null when it had none. */
  | { kind: 'refused'; status: number; body: unknown };

/** A call's last outcome and the attempt (from 1) that gave it. */
export interface Sent {
  outcome: HttpOutcome;
  attempt: number;
}

/** Statuses that mean "try again later". */
const TRANSIENT_STATUSES = [408, 429, ...Array.from({ length: 100 }, (_, i) => 500 + i)];

/** True for a status that means "try again later" (5xx, 408, 429). */
export function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/** The fetch failed: the provider was not reached, or the connection broke. */
class Unreachable extends Error {
  override name = 'Unreachable';
  /** True when the connection was refused: the provider surely saw nothing. */
  readonly certain: boolean;
  readonly reason: string;
  constructor(cause: unknown) {
    super('provider not reachable', { cause });
    const code = (cause as { cause?: { code?: unknown } } | null)?.cause?.code;
    this.certain = code === 'ECONNREFUSED';
    this.reason =
      cause instanceof Error && cause.name === 'TimeoutError' ? 'timeout' : 'network error';
  }
}

/** A 2xx answer without a JSON body. */
class Unreadable extends Error {
  override name = 'Unreadable';
}

/** HTTP to one provider's API. */
export class ProviderHttp {
  readonly apiUrl: string;
  readonly #ky: KyInstance;
  readonly #guard: ProviderGuard | undefined;
  readonly #maxRetryAfterMs: number;

  /** `hooks` run on every call of this client (e.g. request signing). */
  constructor(options: ProviderHttpOptions, hooks: Hooks = {}) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.#guard = options.guard;
    const base = options.retryBaseMs ?? 200;
    this.#maxRetryAfterMs = options.maxRetryAfterMs ?? 25 * base;
    this.#ky = ky.create({
      headers: { Accept: 'application/json' },
      timeout: options.timeoutMs ?? 10_000,
      ...(options.redirect ? { redirect: options.redirect } : {}),
      fetch: transport(options.fetch),
      retry: {
        limit: (options.attempts ?? 3) - 1,
        // Which calls may be repeated is each call's `repeat`, read by `shouldRetry`.
        methods: ['get', 'post'],
        statusCodes: TRANSIENT_STATUSES,
        afterStatusCodes: [429, 503],
        maxRetryAfter: this.#maxRetryAfterMs,
        delay: (attempt) => base * 2 ** (attempt - 1),
        jitter: true,
      },
      hooks: { ...hooks, afterResponse: [rejectUnreadable, ...(hooks.afterResponse ?? [])] },
    });
  }

  /**
   * Calls `apiUrl + path`, repeating it as `request.repeat` allows; resolves with the last
   * {@link HttpOutcome} and its attempt. Throws only what a hook threw. With a guard (see
   * {@link ProviderHttpOptions.guard}), the whole call — its repeats included — runs through
   * it: refused at once (attempt 0, `unavailable`, `certain`) while the provider's breaker is
   * open, a `Retry-After` holds or too many calls are in flight.
   */
  call(method: 'GET' | 'POST', path: string, request: ProviderRequest): Promise<Sent> {
    const guard = this.#guard ?? currentGuard();
    const send = () => this.#send(method, path, request);
    return guard ? guard.run(send) : send();
  }

  async #send(method: 'GET' | 'POST', path: string, request: ProviderRequest): Promise<Sent> {
    let attempt = 0;
    const count = () => {
      attempt++;
    };
    try {
      const response = await this.#ky(`${this.apiUrl}${path}`, {
        method,
        ...(request.headers ? { headers: request.headers } : {}),
        ...(request.json !== undefined ? { json: request.json } : {}),
        ...(request.body !== undefined ? { body: request.body } : {}),
        retry: { shouldRetry: mayRepeat(request.repeat, this.#maxRetryAfterMs) },
        hooks: {
          ...request.hooks,
          beforeRequest: [count, ...(request.hooks?.beforeRequest ?? [])],
        },
      });
      return {
        outcome: { kind: 'ok', status: response.status, body: await readJson(response) },
        attempt,
      };
    } catch (error) {
      return { outcome: await failureOf(error), attempt };
    }
  }
}

/**
 * The fetch ky calls: a failure to reach the provider becomes {@link Unreachable}. An injected
 * fetch (tests) gets the URL and a plain init instead of ky's Request.
 */
function transport(injected: typeof fetch | undefined) {
  return async (input: Request | URL | string, init?: RequestInit): Promise<Response> => {
    try {
      if (!injected) return await fetch(input, init);
      const request = input instanceof Request ? input : new Request(input, init);
      return await injected(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body ? { body: await request.text() } : {}),
        redirect: request.redirect,
        signal: request.signal,
      });
    } catch (error) {
      throw new Unreachable(error);
    }
  };
}

/** Whether ky may send a call again after `error`; undefined leaves it to ky (Retry-After). */
function mayRepeat(repeat: Repeat, maxRetryAfterMs: number) {
  return ({ error }: ShouldRetryState): boolean | undefined => {
    if (error instanceof HTTPError) {
      const { status } = error.response;
      // Asked to wait longer than one call may: not again now. The call ends `unavailable` with
      // the wait, and the provider's guard holds its calls until then.
      if (status === 429 || status === 503) {
        const wait = retryAfterOf(error.response.headers.get('retry-after'));
        if (wait !== undefined && wait > maxRetryAfterMs) return false;
      }
      // A 429 was surely not processed; ky waits as its Retry-After says, or backs off.
      if (status === 429) return undefined;
      return repeat === 'safe' && isTransientStatus(status) ? undefined : false;
    }
    if (error instanceof Unreachable && error.certain) return true;
    if (error instanceof Unreachable || error instanceof Unreadable) return repeat === 'safe';
    if (error instanceof TimeoutError) return repeat === 'safe';
    // What a hook threw (a refused sign-in, say) is not the provider's to repeat.
    return false;
  };
}

/** A 2xx without a JSON body counts as a failure, so that a safe call is repeated. */
async function rejectUnreadable(_request: Request, _options: unknown, response: Response) {
  if (response.ok && (await readJson(response)) === null) throw new Unreadable();
}

/** The JSON of an answer, or null when it has none. */
async function readJson(response: Response): Promise<unknown> {
  try {
    const text = await response.text();
    return text ? (JSON.parse(text) as unknown) : null;
  } catch {
    return null;
  }
}

/** The outcome of a call that ky gave up on; rethrows what is not a failure of the call. */
async function failureOf(error: unknown): Promise<Exclude<HttpOutcome, { kind: 'ok' }>> {
  if (error instanceof HTTPError) {
    const { status } = error.response;
    if (isTransientStatus(status)) {
      const retryAfterMs =
        status === 429 || status === 503
          ? retryAfterOf(error.response.headers.get('retry-after'))
          : undefined;
      return {
        kind: 'unavailable',
        reason: `HTTP ${status}`,
        certain: status === 429,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      };
    }
    return { kind: 'refused', status, body: await readJson(error.response) };
  }
  if (error instanceof Unreachable) {
    return { kind: 'unavailable', reason: error.reason, certain: error.certain };
  }
  if (error instanceof TimeoutError)
    return { kind: 'unavailable', reason: 'timeout', certain: false };
  if (error instanceof Unreadable) {
    return { kind: 'unavailable', reason: 'unreadable answer', certain: false };
  }
  throw error;
}

/**
 * A `Retry-After` value in milliseconds from now: delay-seconds or an HTTP date (RFC 9110
 * §10.2.3). Undefined when absent, unreadable, or already past.
 */
export function retryAfterOf(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) {
    const ms = Number(text) * 1000;
    return ms > 0 ? ms : undefined;
  }
  const at = Date.parse(text);
  if (!Number.isFinite(at) || !/[a-z]/i.test(text)) return undefined;
  return at > now ? at - now : undefined;
}

/** A call's outcome with the refusals most APIs share sorted out: 404 and 409 get their own kinds. */
export type CallOutcome =
  | { kind: 'ok'; body: unknown }
  | { kind: 'not_found' }
  | { kind: 'conflict'; message: string }
  | { kind: 'refused'; status: number; message: string }
  | { kind: 'unavailable'; reason: string; certain?: boolean };

/**
 * Sorts a refused answer into not found (404), conflict (409) or refused; `describe` turns the
 * provider's error body into the message. Other outcomes pass through.
 */
export function classifyRefusal(
  outcome: HttpOutcome,
  describe: (body: unknown, status: number) => string,
): CallOutcome {
  if (outcome.kind !== 'refused') return outcome;
  const { status } = outcome;
  if (status === 404) return { kind: 'not_found' };
  const message = describe(outcome.body, status);
  return status === 409 ? { kind: 'conflict', message } : { kind: 'refused', status, message };
}

/** Provider text as one line of at most `max` characters (it goes into our errors). */
export function oneLine(text: string, max = 200): string {
  return text.replace(/\s+/g, ' ').slice(0, max);
}

/**
 * The cause of a `provider_unavailable` error whose request surely never reached the provider
 * (refused by its breaker, a refused connection, a 429): nothing exists there to wait for.
 */
export class ProviderNotReached extends Error {
  override name = 'ProviderNotReached';
}

/**
 * A retryable 502: the provider could not be reached or could not answer right now.
 * `notReached`: the request surely never reached it (see {@link providerNotReached}).
 */
export function providerUnavailable(message: string, notReached = false): ApiError {
  return new ApiError(502, 'provider_unavailable', message, {
    retryable: true,
    ...(notReached ? { cause: new ProviderNotReached(message) } : {}),
  });
}

/**
 * True for a `provider_unavailable` error whose request surely never reached the provider: an
 * order it was to create can be failed at once rather than looked for later.
 */
export function providerNotReached(error: unknown): boolean {
  return error instanceof ApiError && error.cause instanceof ProviderNotReached;
}

/** A definitive 502: the provider refused, or answered what we cannot use. */
export function providerError(message: string): ApiError {
  return new ApiError(502, 'provider_error', message, { retryable: false });
}

/** The usual messages of one provider's errors, with its display name. */
export function providerErrors(name: string) {
  return {
    /**
     * `<name> is not reachable right now (<reason>)`, retryable; `notReached` when the request
     * surely never reached it.
     */
    unreachable: (reason: string, notReached = false) =>
      providerUnavailable(`${name} is not reachable right now (${reason})`, notReached),
    /** `<name> refused the request: <message>`, definitive. */
    refused: (message: string) => providerError(`${name} refused the request: ${message}`),
    /** The error for a call that did not succeed. */
    of(outcome: Exclude<CallOutcome, { kind: 'ok' }>): ApiError {
      if (outcome.kind === 'unavailable') {
        return providerUnavailable(
          `${name} is not reachable right now (${outcome.reason})`,
          outcome.certain === true,
        );
      }
      const message = outcome.kind === 'not_found' ? 'not found' : outcome.message;
      return providerError(`${name} refused the request: ${message}`);
    },
    /** Reads `body` with `schema`, or fails with `<name> answered with an unexpected body`. */
    parse<T>(schema: z.ZodType<T>, body: unknown): T {
      const result = schema.safeParse(body);
      if (!result.success) throw providerError(`${name} answered with an unexpected body`);
      return result.data;
    },
  };
}
