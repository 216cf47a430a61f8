/**
 * @module
 * The one error shape of every JSON route: `{ error: { code, message, details? } }`.
 */
import { z } from 'zod';

/** Every error code the server answers with. */
export const ERROR_CODES = [
  'invalid_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'duplicate_reference',
  'session_expired',
  'session_paid',
  'method_unavailable',
  'idempotency_key_required',
  'idempotency_key_reused',
  'idempotency_key_in_progress',
  'invalid_signature',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'too_many_attempts',
  'attempt_in_progress',
  'provider_error',
  'provider_unavailable',
  'service_unavailable',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One invalid field: a dotted path (`amount.currency`) and what is wrong with it. */
export const FieldIssueSchema = z.object({ path: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof FieldIssueSchema>;

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
    /** True when the same request may succeed if tried again later. */
    retryable: z.boolean().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Lists every issue of a failed zod parse as `{ path, message }`, paths dotted. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}
