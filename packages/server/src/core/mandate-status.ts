/**
 * @module
 * The mandate status machine: forward only, `revoked` for good. A failed set-up may be followed
 * by a new set-up under the same reference (the customer tries the checkout again).
 */
import type { MandateStatus } from '../domain/records.js';

const LEGAL: Readonly<Record<MandateStatus, readonly MandateStatus[]>> = Object.freeze({
  pending: ['active', 'failed', 'revoked'],
  active: ['revoked'],
  failed: ['pending', 'active', 'revoked'],
  revoked: [],
});

/** True when a mandate in status `current` may move to `next`. */
export function canMoveMandate(current: MandateStatus, next: MandateStatus): boolean {
  return LEGAL[current].includes(next);
}

/** Every mandate status. */
export const MANDATE_STATUSES: readonly MandateStatus[] = [
  'pending',
  'active',
  'failed',
  'revoked',
];
