/**
 * @module
 * The one error type the element deals with, whatever went wrong on the way to the server.
 */

/** `network`, `timeout` and `not_configured` come from the browser; other codes are the server's. */
export type CheckoutErrorCode =
  'network' | 'timeout' | 'invalid_response' | 'not_configured' | (string & {});

/** A failed call to the companion backend, reduced to what the UI needs to decide. */
export class CheckoutError extends Error {
  override name = 'CheckoutError';
  /** HTTP status, when the server answered. */
  readonly status?: number;
  /** True when the same request may succeed if sent again later. */
  readonly retryable: boolean;

  constructor(
    /** The server's error code (`not_found`, `session_paid` …) or a transport code. */
    readonly code: CheckoutErrorCode,
    message: string,
    options: ErrorOptions & { status?: number; retryable?: boolean } = {},
  ) {
    super(message, options);
    this.status = options.status;
    this.retryable = options.retryable ?? false;
  }
}
