/**
 * @module
 * Koywe's error body (the error-handling pages' shape):
 * `{ statusCode, timestamp, path, errorCode, message, details? }`.
 */
import { jsonResponse } from '../../core/requests.js';

/** A JSON response carrying a Koywe error. */
export function koyweError(
  status: number,
  path: string,
  errorCode: string,
  message: string,
  details?: unknown,
): Response {
  return jsonResponse(status, {
    statusCode: status,
    timestamp: new Date().toISOString(),
    path,
    errorCode,
    message,
    ...(details === undefined ? {} : { details }),
  });
}

/** 500 as Koywe answers when something breaks on its side (also the injected fault). */
export function internalError(): Response {
  return koyweError(500, '/api/v1', 'SYS00001', 'Internal server error. Please try again later.');
}
