/**
 * @module
 * Identifiers that double as capabilities: 192 bits of randomness, base64url, with a prefix
 * that tells a session from an order at a glance.
 */
import { randomBytes } from 'node:crypto';

function token(): string {
  return randomBytes(24).toString('base64url');
}

/** A new checkout session id, `cs_` + 32 base64url characters. */
export function newSessionId(): string {
  return `cs_${token()}`;
}

/** A new order id, `ord_` + 32 base64url characters. */
export function newOrderId(): string {
  return `ord_${token()}`;
}

const ID_PATTERN = /^(cs|ord)_[A-Za-z0-9_-]{32}$/;

/** True when `value` has the shape of an id this server hands out (cheap rejection of junk). */
export function isWellFormedId(value: string, prefix: 'cs' | 'ord'): boolean {
  return ID_PATTERN.test(value) && value.startsWith(`${prefix}_`);
}
