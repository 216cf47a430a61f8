/**
 * @module
 * What every described route shares: the `OpenAPIHono` app whose zod failures become the API's
 * own 400 (every invalid field listed), the checks that must run before the body is read (bearer
 * key, `Idempotency-Key`, JSON media type, UTF-8 and syntax) as route middleware, and the error
 * answers as the document lists them.
 *
 * Route middleware runs before zod reads anything, so the order of the answers stays what the
 * contract says: a request without the bearer key is a 401 whatever its body, a request without
 * `Idempotency-Key` a 400 `idempotency_key_required` before its body is looked at.
 */
import { OpenAPIHono, z, type Hook } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import { ErrorBodySchema, fieldIssues, IdempotencyKeySchema } from '@pay-checkout/protocol';
import { requireBearer } from '../core/auth.js';
import type { AppEnv } from '../core/context.js';
import { invalidRequest, requireJson } from '../core/http.js';
import { idempotencyKey } from '../core/idempotency.js';
import { readStrictJson } from '../http/strict-json.js';

/** The name of the bearer security scheme in the document. */
export const BEARER_SCHEME = 'bearerAuth';

/** `security` of the server-to-server routes. */
export const BEARER_SECURITY = [{ [BEARER_SCHEME]: [] }];

/** Turns a failed zod parse (of any part of the request) into the 400 listing every field. */
export const rejectInvalid: Hook<unknown, AppEnv, string, undefined> = (result) => {
  if (!result.success) throw invalidRequest(fieldIssues(result.error));
  return undefined;
};

/** A sub-app of described routes, answering invalid input the API's way. */
export function routeApp(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid });
}

/** 401 unless `Authorization: Bearer <secretKey>`. */
export function bearerAuth(secretKey: string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    requireBearer(c.req.header('authorization'), secretKey);
    await next();
  });
}

/** 400 `idempotency_key_required` without the header, 400 `invalid_request` for a bad one. */
export const requireIdempotencyKey = createMiddleware<AppEnv>(async (c, next) => {
  idempotencyKey(c.req.header('idempotency-key'));
  await next();
});

/**
 * 415 unless the body is declared `application/json`, 400 when it is not UTF-8 or not JSON
 * (bytes that are not UTF-8 are never read as U+FFFD). The text and value stay cached on the
 * request, so the validator after it reads what was checked.
 */
export const jsonBody = createMiddleware<AppEnv>(async (c, next) => {
  requireJson(c);
  await readStrictJson(c);
  await next();
});

/** The `Idempotency-Key` header, for the routes that start a payment. */
export const IdempotencyKeyHeaderSchema = z.object({
  'Idempotency-Key': IdempotencyKeySchema.meta({
    description:
      'Makes the request safe to repeat: the same key and body answer the first answer again ' +
      '(`Idempotent-Replayed: true`); the same key with another body answers 422.',
    example: '0b9d3c4e-7d0e-4a8b-9d55-2f1f0c7d9a10',
  }),
});

/** Headers of an answer that may be the replay of an earlier request with the same key. */
export const REPLAYED_HEADERS = {
  'Idempotent-Replayed': {
    description: '`true` when this is the stored answer of an earlier request with the same key',
    schema: { type: 'string' as const, enum: ['true'] },
  },
};

/** A path id (session, order or mandate): opaque, as the server handed it out. */
export const IdParamSchema = z.object({
  id: z.string().min(1).meta({ description: 'The id the server handed out' }),
});

/**
 * The contract's error body, named once in the document. (zod's own `.meta()`, not `.openapi()`:
 * the protocol's schemas exist before `@hono/zod-openapi` extends zod, so they lack the latter.)
 */
export const ErrorSchema = ErrorBodySchema.meta({ id: 'Error' });

const ERROR_DESCRIPTIONS = {
  400: 'Invalid input: `details.issues` lists every invalid field as `{ path, message }`',
  401: 'The `Authorization: Bearer` key is missing or wrong',
  403: 'This origin may not start payments',
  404: 'No such resource',
  409: 'Conflicts with the current state (e.g. already paid, reference taken, key in use)',
  410: 'The session has expired',
  413: 'The body is larger than 1 MiB',
  415: 'The body is not declared as application/json',
  422: 'The Idempotency-Key was used with another body',
  429:
    'Too many requests (`rate_limited`: a rate limit, or too many failed requests such as wrong ' +
    'keys or signatures from one address) or no payment attempts left (`too_many_attempts`); ' +
    '`Retry-After` says in seconds when to ask again',
  502: 'The provider refused or failed',
  503: 'Not ready (database) or the provider is unavailable; `retryable` says whether to retry',
} as const;

type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/** The `Retry-After` header of a 429, as the document describes it. */
export const RETRY_AFTER_HEADER = {
  'Retry-After': {
    description: 'Whole seconds to wait before asking again (at least 1)',
    required: true,
    schema: { type: 'integer' as const, minimum: 1 },
  },
};

/** One error entry of `responses`. */
export interface ErrorResponse {
  description: string;
  headers?: typeof RETRY_AFTER_HEADER;
  content: { 'application/json': { schema: typeof ErrorSchema } };
}

/**
 * The `responses` entries of the given error statuses. A route that can answer 401 can answer
 * 429 too: a wrong bearer key or webhook signature repeated from one address is refused 429
 * once it passes the failure limit (middleware/rate-limit.ts), so 401 brings 429 with it.
 */
export function errorResponses<const S extends readonly ErrorStatus[]>(
  ...statuses: S
): { [K in S[number] | (401 extends S[number] ? 429 : never)]: ErrorResponse } {
  const responses: Partial<Record<ErrorStatus, ErrorResponse>> = {};
  const all: ErrorStatus[] = statuses.includes(401) ? [...statuses, 429] : [...statuses];
  for (const status of all) {
    responses[status] = {
      description: ERROR_DESCRIPTIONS[status],
      ...(status === 429 ? { headers: RETRY_AFTER_HEADER } : {}),
      content: { 'application/json': { schema: ErrorSchema } },
    };
  }
  return responses as { [K in S[number] | (401 extends S[number] ? 429 : never)]: ErrorResponse };
}

/** A JSON response entry. */
export function jsonResponse<T extends z.ZodType>(
  description: string,
  schema: T,
): { description: string; content: { 'application/json': { schema: T } } } {
  return { description, content: { 'application/json': { schema } } };
}
