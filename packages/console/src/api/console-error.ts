/**
 * @module
 * The one error the console's API client throws: a stable code, a sentence an operator can read,
 * and the HTTP status when the server answered.
 */

/** Codes of {@link ConsoleError}: the server's own (`invalid_console_key`, `csrf`, …) or ours. */
export type ConsoleErrorCode =
  | 'console_sign_in'
  | 'invalid_console_key'
  | 'rate_limited'
  | 'csrf'
  | 'not_found'
  | 'conflict'
  | 'network'
  | 'timeout'
  | 'bad_response'
  | 'server'
  | (string & {});

export class ConsoleError extends Error {
  override name = 'ConsoleError';

  constructor(
    readonly code: ConsoleErrorCode,
    message: string,
    readonly status?: number,
    /** Seconds the server asked to wait (429). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}
