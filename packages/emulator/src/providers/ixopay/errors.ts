/**
 * @module
 * IXOPAY's error answers: `{ success: false, errors: [{ errorMessage, errorCode, adapterMessage,
 * adapterCode }] }`, with the documented error codes (docs/providers/ixopay.md).
 */
import { jsonResponse } from '../../core/requests.js';
import type { IxopayError } from './types.js';

/** Error codes the emulator answers with. */
export const IXOPAY_ERROR_CODES = Object.freeze({
  requestFailed: 1000,
  invalidRequestData: 1002,
  invalidSignature: 1004,
  invalidBody: 1005,
  invalidConfiguration: 1007,
  unexpected: 1008,
  tooManyRequests: 1009,
  userCancelled: 2002,
  declined: 2003,
  duplicateTransactionId: 3004,
  notFound: 8001,
});

/** One `errors[]` entry. */
export function ixopayErrorEntry(
  errorCode: number,
  errorMessage: string,
  adapter: { message?: string; code?: string } = {},
): IxopayError {
  return {
    errorMessage,
    errorCode,
    adapterMessage: adapter.message ?? null,
    adapterCode: adapter.code ?? null,
  };
}

/** A JSON response with `success: false` and one error. */
export function ixopayFailure(status: number, errorCode: number, errorMessage: string): Response {
  return jsonResponse(status, {
    success: false,
    errors: [ixopayErrorEntry(errorCode, errorMessage)],
  });
}

/** 401 for wrong Basic credentials or an API key the gateway does not know. */
export function unauthenticated(): Response {
  return ixopayFailure(
    401,
    IXOPAY_ERROR_CODES.requestFailed,
    'Authentication failed: invalid API user credentials or API key.',
  );
}

/** 401 for a missing or wrong `X-Signature` while request signing is on. */
export function invalidSignature(): Response {
  return ixopayFailure(401, IXOPAY_ERROR_CODES.invalidSignature, 'Invalid signature.');
}

/** 500 as IXOPAY answers when something breaks on its side (also the injected fault). */
export function internalError(): Response {
  return ixopayFailure(500, IXOPAY_ERROR_CODES.unexpected, 'Unexpected error, try again later.');
}
