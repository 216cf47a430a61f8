/**
 * @module
 * The `Idempotency-Key` contract of the routes that start a payment (`POST
 * /v1/sessions/:id/orders`, `POST /v1/charges`): the header is required; the same key and body
 * answer the first final answer again (`Idempotent-Replayed: true`); the same key while the first
 * request runs answers 409, with another body 422.
 */
import { createHash } from 'node:crypto';
import { IdempotencyKeySchema } from '@pay-checkout/protocol';
import { ApiError } from './api-error.js';
import type { AppContext } from './context.js';
import { invalidRequest } from './http.js';

/**
 * The key in an `Idempotency-Key` header: 400 `idempotency_key_required` when it is missing or
 * empty, 400 `invalid_request` when it is not a valid key.
 */
export function idempotencyKey(header: string | undefined): string {
  if (header === undefined || header === '') {
    throw new ApiError(400, 'idempotency_key_required', 'Send an Idempotency-Key header');
  }
  const parsed = IdempotencyKeySchema.safeParse(header);
  if (!parsed.success) {
    throw invalidRequest([
      { path: 'Idempotency-Key', message: parsed.error.issues[0]?.message ?? 'is invalid' },
    ]);
  }
  return parsed.data;
}

/**
 * The hash a key's request is recognised by: SHA-256 (hex) of the JSON of `canonical`, which the
 * route builds from the body's fields in a fixed order.
 */
export function requestHash(canonical: unknown): string {
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** A final answer: stored under its key and sent again, byte for byte, on a replay. */
export interface IdempotentAnswer {
  status: number;
  body: string;
}

/** What the key of one request is stored under. */
export interface IdempotentRequest {
  /** What the key is scoped to (the session id for orders, `charges` for charges). */
  scope: string;
  key: string;
  requestHash: string;
}

/**
 * Whether a failure is a definitive refusal, remembered like a success. A retryable or
 * unexpected failure (5xx other than the provider's refusal) is not: it frees the key so that
 * the client can simply try again.
 */
export function isFinalError(error: unknown): error is ApiError {
  return (
    error instanceof ApiError &&
    error.retryable !== true &&
    (error.status < 500 || error.code === 'provider_error')
  );
}

function jsonResponse(answer: IdempotentAnswer, headers: Record<string, string> = {}): Response {
  return new Response(answer.body, {
    status: answer.status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/**
 * Runs `handle` at most once per key and body, and answers its answer as JSON.
 *
 * Claims the key in the store first: a finished request is replayed, a running one answers 409
 * `idempotency_key_in_progress` (retryable), another body 422 `idempotency_key_reused`. The
 * answer of `handle`, or the body of a final {@link ApiError} it throws (see
 * {@link isFinalError}), is stored under the key; any other failure releases the key. Errors are
 * thrown on for the app's error handler to answer.
 *
 * @example
 * return idempotent(ctx, { scope: 'charges', key, requestHash: requestHash([body.id]) }, () =>
 *   startCharge(ctx, body),
 * );
 */
export async function idempotent(
  ctx: Pick<AppContext, 'ledger' | 'now'>,
  request: IdempotentRequest,
  handle: () => Promise<IdempotentAnswer>,
): Promise<Response> {
  const { scope, key, requestHash } = request;
  const begun = await ctx.ledger.beginIdempotency({ scope, key, requestHash, now: ctx.now() });
  if (begun.kind === 'replay') return jsonResponse(begun, { 'Idempotent-Replayed': 'true' });
  if (begun.kind === 'in_progress') {
    throw new ApiError(409, 'idempotency_key_in_progress', 'A request with this key is running', {
      retryable: true,
    });
  }
  if (begun.kind === 'mismatch') {
    throw new ApiError(
      422,
      'idempotency_key_reused',
      'This Idempotency-Key was used with another body',
    );
  }

  let answer: IdempotentAnswer;
  try {
    answer = await handle();
  } catch (error) {
    if (isFinalError(error)) {
      await ctx.ledger.completeIdempotency(
        scope,
        key,
        error.status,
        JSON.stringify(error.toBody()),
      );
    } else {
      await ctx.ledger.releaseIdempotency(scope, key);
    }
    throw error;
  }
  await ctx.ledger.completeIdempotency(scope, key, answer.status, answer.body);
  return jsonResponse(answer);
}
