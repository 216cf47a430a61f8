/**
 * @module
 * The one error type the element deals with, whatever went wrong on the way to the server.
 */

/** `network` and `timeout` come from the browser; every other code is the server's own. */
export type CheckoutErrorCode = 'network' | 'timeout' | 'invalid_response' | (string & {});

/** A failed call to the companion backend, reduced to what the UI needs to decide. */
export class CheckoutError extends Error {
  override name = 'CheckoutError';

  constructor(
    /** The server's error code (`not_found`, `session_paid` …) or a transport code. */
    readonly code: CheckoutErrorCode,
    message: string,
    /** HTTP status, when the server answered. */
    readonly status?: number,
    /** True when the same request may succeed if sent again later. */
    readonly retryable = false,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
