/**
 * @module
 * FuratPay's error body: a non-2xx status with JSON `{ "message": … }` (the only field the
 * official plugin relies on).
 */
import { jsonResponse } from '../../core/requests.js';

/** A JSON response carrying a FuratPay error. */
export function furatPayError(status: number, message: string): Response {
  return jsonResponse(status, { message });
}

/** 401 for a missing or wrong `x-api-key`. */
export function unauthenticated(): Response {
  return furatPayError(401, 'Unauthenticated: missing or invalid x-api-key.');
}

/** 500 as FuratPay answers when something breaks on its side (also the injected fault). */
export function internalError(): Response {
  return furatPayError(500, 'Internal server error. Please try again later.');
}
