/**
 * @module
 * Ivy's error body: `{ message, category, code, param?, docUrl? }`.
 */
import { jsonResponse } from '../../core/requests.js';

/** Ivy's error categories. */
export type IvyErrorCategory =
  'api_error' | 'invalid_request_error' | 'rate_limiting' | 'idempotency_error';

/** The fields of an Ivy error response. */
export interface IvyErrorBody {
  message: string;
  category: IvyErrorCategory;
  code: string;
  param?: string;
  docUrl?: string;
}

/** A JSON response carrying an Ivy error. */
export function ivyError(status: number, body: IvyErrorBody): Response {
  return jsonResponse(status, body);
}

/** 401 for a missing or wrong `X-Ivy-Api-Key`. */
export function unauthenticated(): Response {
  return ivyError(401, {
    message: 'Missing or invalid API key (X-Ivy-Api-Key).',
    category: 'invalid_request_error',
    code: 'UNAUTHENTICATED',
  });
}

/** 400 for a request that fails validation; `param` names the first bad field. */
export function validationError(message: string, param?: string): Response {
  return ivyError(400, {
    message,
    category: 'invalid_request_error',
    code: 'VALIDATION',
    ...(param ? { param } : {}),
  });
}

/** 404 for an unknown object. */
export function notFound(message: string, param?: string): Response {
  return ivyError(404, {
    message,
    category: 'invalid_request_error',
    code: 'NOT_FOUND',
    ...(param ? { param } : {}),
  });
}

/** 409 for a request that conflicts with the current state. */
export function conflict(message: string, param?: string): Response {
  return ivyError(409, {
    message,
    category: 'invalid_request_error',
    code: 'CONFLICT',
    ...(param ? { param } : {}),
  });
}

/** 500 as Ivy answers when something breaks on its side (also the injected fault). */
export function internalError(): Response {
  return ivyError(500, {
    message: 'An internal error occurred. Please try again later.',
    category: 'api_error',
    code: 'INTERNAL_SERVER_ERROR',
  });
}
