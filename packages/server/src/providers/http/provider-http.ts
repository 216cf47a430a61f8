/**
 * @module
 * What every provider client does the same way: one HTTP call with a timeout and a JSON answer,
 * the same reading of that answer (2xx with a body, "try again later", or a refusal), retries
 * with exponential back-off and full jitter, and the 502 API errors a failure becomes.
 *
 * What differs per provider stays in its client: the headers (API key, bearer token, signature),
 * how an error body turns into a message, and which calls may be repeated.
 *
 * @example
 * ```ts
 * const http = new ProviderHttp({ apiUrl, retryBaseMs: 1 });
 * const { outcome } = await http.repeat(
 *   () => http.send('GET', '/orders/1', { headers: { 'x-api-key': key } }),
 *   (o) => o.kind === 'unavailable',
 * );
 * ```
 */
import type { z } from 'zod';
import { ApiError } from '../../core/api-error.js';

/** Options shared by every provider client. */
export interface ProviderHttpOptions {
  /** Base URL of the provider's API; trailing slashes are dropped. */
  apiUrl: string;
  /** Per-call timeout (default 10 000 ms). */
  timeoutMs?: number;
  /** Base of the back-off between attempts (default 200 ms). */
  retryBaseMs?: number;
  /** Total attempts of a repeated call (default 3). */
  attempts?: number;
  /** What fetch does with a redirect (default `follow`, as fetch itself). */
  redirect?: 'follow' | 'manual';
  /** The fetch to call the provider with (tests). */
  fetch?: typeof fetch;
}

/** One request: headers of the provider's choosing, and a JSON (`json`) or raw (`body`) body. */
export interface ProviderRequest {
  headers?: Record<string, string>;
  /** Sent as JSON with `Content-Type: application/json`. */
  json?: unknown;
  /** Sent as it is (the caller sets the content type). */
  body?: string;
}

/** How one call ended. */
export type HttpOutcome =
  /** A 2xx answer with a JSON body. */
  | { kind: 'ok'; status: number; body: unknown }
  /**
   * Not reached, timed out, 5xx, 408, 429 or an unreadable 2xx: try again later. `certain` is
   * true when the provider surely did not process the request (connection refused, 429), so
   * that even a call that is not idempotent may be repeated.
   */
  | { kind: 'unavailable'; reason: string; certain: boolean }
  /** Any other answer; `body` is its JSON, or null when it had none. */
  | { kind: 'refused'; status: number; body: unknown };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** HTTP to one provider's API. */
export class ProviderHttp {
  readonly apiUrl: string;
  readonly #timeoutMs: number;
  readonly #retryBaseMs: number;
  readonly #attempts: number;
  readonly #redirect: 'follow' | 'manual' | undefined;
  readonly #fetch: typeof fetch;

  constructor(options: ProviderHttpOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#retryBaseMs = options.retryBaseMs ?? 200;
    this.#attempts = options.attempts ?? 3;
    this.#redirect = options.redirect;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** One call of `apiUrl + path`, read into an {@link HttpOutcome}; never throws. */
  async send(
    method: 'GET' | 'POST',
    path: string,
    request: ProviderRequest = {},
  ): Promise<HttpOutcome> {
    const json = request.json !== undefined;
    let response: Response;
    try {
      response = await this.#fetch(`${this.apiUrl}${path}`, {
        method,
        headers: {
          Accept: 'application/json',
          ...(json ? { 'Content-Type': 'application/json' } : {}),
          ...request.headers,
        },
        ...(json ? { body: JSON.stringify(request.json) } : {}),
        ...(request.body !== undefined ? { body: request.body } : {}),
        ...(this.#redirect ? { redirect: this.#redirect } : {}),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      const timeout = error instanceof Error && error.name === 'TimeoutError';
      const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
      return {
        kind: 'unavailable',
        reason: timeout ? 'timeout' : 'network error',
        certain: code === 'ECONNREFUSED',
      };
    }
    let body: unknown = null;
    try {
      const text = await response.text();
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    const status = response.status;
    if (status >= 200 && status < 300) {
      if (body === null)
        return { kind: 'unavailable', reason: 'unreadable answer', certain: false };
      return { kind: 'ok', status, body };
    }
    if (status >= 500 || status === 429 || status === 408) {
      return { kind: 'unavailable', reason: `HTTP ${status}`, certain: status === 429 };
    }
    return { kind: 'refused', status, body };
  }

  /**
   * Calls `call` (with the attempt number, from 1) again while `again` says its outcome may be
   * repeated and attempts are left, waiting with full jitter in between. Resolves with the last
   * outcome and the attempt that gave it.
   */
  async repeat<O>(
    call: (attempt: number) => Promise<O>,
    again: (outcome: O) => boolean,
  ): Promise<{ outcome: O; attempt: number }> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await call(attempt);
      if (attempt >= this.#attempts || !again(outcome)) return { outcome, attempt };
      await this.#backoff(attempt);
    }
  }

  /** Full jitter: a random wait between 0 and base × 2^(attempt-1). */
  #backoff(attempt: number): Promise<void> {
    return sleep(Math.random() * this.#retryBaseMs * 2 ** (attempt - 1));
  }
}

/** A call's outcome with the refusals most APIs share sorted out: 404 and 409 get their own kinds. */
export type CallOutcome =
  | { kind: 'ok'; body: unknown }
  | { kind: 'not_found' }
  | { kind: 'conflict'; message: string }
  | { kind: 'refused'; status: number; message: string }
  | { kind: 'unavailable'; reason: string };

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

/** True for an outcome worth repeating (the usual `again` of {@link ProviderHttp.repeat}). */
export function isUnavailable(outcome: { kind: string }): boolean {
  return outcome.kind === 'unavailable';
}

/** Provider text as one line of at most `max` characters (it goes into our errors). */
export function oneLine(text: string, max = 200): string {
  return text.replace(/\s+/g, ' ').slice(0, max);
}

/** A retryable 502: the provider could not be reached or could not answer right now. */
export function providerUnavailable(message: string): ApiError {
  return new ApiError(502, 'provider_unavailable', message, { retryable: true });
}

/** A definitive 502: the provider refused, or answered what we cannot use. */
export function providerError(message: string): ApiError {
  return new ApiError(502, 'provider_error', message, { retryable: false });
}

/** The usual messages of one provider's errors, with its display name. */
export function providerErrors(name: string) {
  return {
    /** `<name> is not reachable right now (<reason>)`, retryable. */
    unreachable: (reason: string) =>
      providerUnavailable(`${name} is not reachable right now (${reason})`),
    /** `<name> refused the request: <message>`, definitive. */
    refused: (message: string) => providerError(`${name} refused the request: ${message}`),
    /** The error for a call that did not succeed. */
    of(outcome: Exclude<CallOutcome, { kind: 'ok' }>): ApiError {
      if (outcome.kind === 'unavailable') {
        return providerUnavailable(`${name} is not reachable right now (${outcome.reason})`);
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
