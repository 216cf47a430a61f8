/**
 * @module
 * The one error the console's API client throws: a stable code, a sentence an operator can read,
 * and the HTTP status when the server answered.
 */
import type { CONSOLE_ERROR_CODES } from '@pay-checkout/protocol/console';

/**
 * Codes of {@link ConsoleError}: the server's own (the contract's `CONSOLE_ERROR_CODES`, and any
 * other code of the API), or the client's (`network`, `timeout`, `bad_response`, `server`,
 * `aborted`).
 */
export type ConsoleErrorCode =
  | (typeof CONSOLE_ERROR_CODES)[number]
  | 'network'
  | 'timeout'
  | 'bad_response'
  | 'server'
  | 'aborted'
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
