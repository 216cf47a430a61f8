/**
 * @module
 * iwocaPay's error body, `{"errors":[{"code","detail","source"?}]}` (the shape iwoca's own
 * plugin reads; the codes are ours).
 */
import { jsonResponse } from '../../core/requests.js';

/** One entry of `errors`. */
export interface IwocaPayErrorEntry {
  code: string;
  detail: string;
  source?: { pointer: string };
}

/** A JSON response carrying iwocaPay errors. */
export function iwocaError(status: number, errors: IwocaPayErrorEntry[]): Response {
  return jsonResponse(status, { errors }, 'application/json');
}

/** 401 for a missing or unknown bearer token. */
export function unauthenticated(missing: boolean): Response {
  return iwocaError(401, [
    missing
      ? { code: 'not_authenticated', detail: 'Authentication credentials were not provided.' }
      : { code: 'authentication_failed', detail: 'Invalid token.' },
  ]);
}

/** 403 for a token used on another seller's path. */
export function forbidden(): Response {
  return iwocaError(403, [
    { code: 'permission_denied', detail: 'You do not have permission to perform this action.' },
  ]);
}

/** 404 for an unknown order or path. */
export function notFound(detail = 'Not found.'): Response {
  return iwocaError(404, [{ code: 'not_found', detail }]);
}

/** 400 listing every invalid field. */
export function invalid(issues: { pointer: string; detail: string }[]): Response {
  return iwocaError(
    400,
    issues.map((issue) => ({
      code: 'invalid',
      detail: issue.detail,
      source: { pointer: issue.pointer },
    })),
  );
}

/** 400 for cancelling an order that already ended (the text iwoca's plugin looks for). */
export function terminalCancel(): Response {
  return iwocaError(400, [{ code: 'invalid', detail: "Can't cancel order of terminal state" }]);
}

/** 500 as iwoca answers when something breaks on its side (also the injected fault). */
export function internalError(): Response {
  return iwocaError(500, [{ code: 'error', detail: 'A server error occurred.' }]);
}
