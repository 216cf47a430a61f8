/**
 * @module
 * The one error class of the HTTP layer. Anything thrown as an {@link ApiError} becomes the
 * contract's `{ error: { code, message, details?, retryable? } }` body with its status.
 */
import type { ErrorCode } from '@pay-checkout/protocol';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** An error meant for the client: a status, a stable code and a human sentence. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: ContentfulStatusCode;
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly retryable: boolean | undefined;

  constructor(
    status: ContentfulStatusCode,
    code: ErrorCode,
    message: string,
    options: { details?: unknown; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = status;
    this.code = code;
    this.details = options.details;
    this.retryable = options.retryable;
  }

  /** The JSON body the client receives. */
  toBody(): {
    error: { code: ErrorCode; message: string; details?: unknown; retryable?: boolean };
  } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
        ...(this.retryable === undefined ? {} : { retryable: this.retryable }),
      },
    };
  }
}
