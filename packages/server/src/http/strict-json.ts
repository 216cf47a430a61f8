/**
 * @module
 * Request bodies decoded strictly as UTF-8. `Request.text()` and `.json()` replace bytes that
 * are not UTF-8 with U+FFFD and go on, so a body with a broken string would be stored as
 * something its sender never wrote; here such a body is a 400 instead, and nothing is changed.
 */
import type { Context } from 'hono';
import { ApiError } from '../core/api-error.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The text of `bytes`, or null when they are not UTF-8. (A leading BOM is dropped.) */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return UTF8.decode(bytes);
  } catch {
    return null;
  }
}

/** The 400 of a body that is not UTF-8. */
export function notUtf8(what = 'The body'): ApiError {
  return new ApiError(400, 'invalid_request', `${what} is not valid UTF-8`);
}

/**
 * Reads the body as UTF-8 JSON: 400 `invalid_request` when it is not UTF-8 or not JSON. The
 * decoded text and the value stay cached on the request, so the validator and the handler
 * after it read exactly what was checked here.
 */
export async function readStrictJson(c: Context): Promise<unknown> {
  const text = decodeUtf8(new Uint8Array(await c.req.arrayBuffer()));
  if (text === null) throw notUtf8();
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, 'invalid_request', 'The body is not valid JSON');
  }
  // Hono keeps promises in its body cache (its type says values).
  const cache = c.req.bodyCache as Record<string, Promise<unknown>>;
  cache.text = Promise.resolve(text);
  cache.json = Promise.resolve(value);
  return value;
}
