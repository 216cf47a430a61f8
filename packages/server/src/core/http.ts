/**
 * @module
 * Request helpers shared by the JSON routes: the content-type check and the zod-to-400
 * translation that lists every invalid field (bodies are read strictly by http/strict-json.ts).
 */
import type { Context } from 'hono';
import { fieldIssues, type FieldIssue } from '@pay-checkout/protocol';
import type { z } from 'zod';
import { ApiError } from './api-error.js';

/** Throws 415 unless the request declares a JSON body. */
export function requireJson(c: Context): void {
  const type = c.req.header('content-type') ?? '';
  const mediaType = type.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new ApiError(415, 'unsupported_media_type', 'Send the body as application/json');
  }
}

/** 400 `invalid_request` listing every issue. */
export function invalidRequest(issues: FieldIssue[]): ApiError {
  return new ApiError(400, 'invalid_request', 'The request has invalid fields', {
    details: { issues },
  });
}

/** Parses `value` with `schema`; throws 400 with every invalid field. */
export function validate<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidRequest(fieldIssues(result.error));
  return result.data;
}

/** Answers an {@link ApiError} as the contract's JSON body. */
export function errorResponse(c: Context, error: ApiError): Response {
  return c.json(error.toBody(), error.status);
}
