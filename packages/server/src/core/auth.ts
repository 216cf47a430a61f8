/**
 * @module
 * The server-to-server bearer check, in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from './api-error.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Throws 401 unless `header` is `Bearer <secretKey>`. Both sides are hashed first so the
 * comparison takes the same time whatever the lengths.
 */
export function requireBearer(header: string | undefined, secretKey: string): void {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
  const presented = match?.[1] ?? '';
  const ok = timingSafeEqual(digest(presented), digest(secretKey));
  if (!match || !ok) {
    throw new ApiError(401, 'unauthorized', 'A valid Authorization: Bearer key is required');
  }
}
