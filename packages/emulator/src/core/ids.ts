/**
 * @module
 * Random identifiers for sessions, orders and events.
 */
import { randomBytes } from 'node:crypto';

/** A random lowercase hex id of `bytes` bytes (12 bytes = 24 hex digits, the shape Ivy uses). */
export function randomId(bytes = 12): string {
  return randomBytes(bytes).toString('hex');
}
