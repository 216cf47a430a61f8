/**
 * @module
 * Request and response plumbing the emulated APIs share: JSON bodies read against a zod schema
 * (each provider words the failure in its own error shape), the http(s) URL field, the body-size
 * limit, secrets compared in constant time, and JSON responses.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';

/** The largest request body the emulated APIs accept. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** One problem zod found in a request body. */
export type BodyIssue = z.core.$ZodIssue;

/** The outcome of {@link readJson}. */
export type JsonBody<T> =
  | { ok: true; data: T }
  | { ok: false; reason: 'not_json' }
  | { ok: false; reason: 'invalid'; issues: readonly BodyIssue[] };

/** Reads the request body as JSON and validates it with `schema`. */
export async function readJson<T extends z.ZodType>(
  c: Context,
  schema: T,
): Promise<JsonBody<z.infer<T>>> {
  let json: unknown;
  try {
    json = JSON.parse(await c.req.text());
  } catch {
    return { ok: false, reason: 'not_json' };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, reason: 'invalid', issues: result.error.issues };
}

/** An absolute http(s) URL of at most 2048 characters; anything else fails with `message`. */
export function httpUrlSchema(message: string) {
  return z
    .string()
    .max(2048)
    .refine((value) => {
      try {
        const url = new URL(value);
        return url.protocol === 'http:' || url.protocol === 'https:';
      } catch {
        return false;
      }
    }, message);
}

/** The dotted path of an issue (`price.total`); empty for the body itself. */
export function issuePath(issue: BodyIssue): string {
  return issue.path.map(String).join('.');
}

/** `<path> <message>`, or the message alone when the issue is about the body itself. */
export function describeIssue(issue: BodyIssue): string {
  const path = issuePath(issue);
  return path ? `${path} ${issue.message}` : issue.message;
}

/** Limits request bodies to {@link MAX_BODY_BYTES}; a larger one gets `tooLarge`'s answer. */
export function limitBody(tooLarge: (c: Context) => Response): MiddlewareHandler {
  return bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge });
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** A check of a presented value against `secret` in constant time (digests equalise lengths). */
export function secretMatcher(secret: string): (given: string) => boolean {
  const expected = digest(secret);
  return (given) => timingSafeEqual(digest(given), expected);
}

/** A JSON response with `body` serialised as is. */
export function jsonResponse(
  status: number,
  body: unknown,
  contentType = 'application/json; charset=utf-8',
): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': contentType } });
}
