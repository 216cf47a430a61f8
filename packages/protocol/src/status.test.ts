import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ORDER_STATUSES,
  STATUS_RANK,
  isNegative,
  isPaidFamily,
  transition,
  type OrderStatus,
} from './status.js';

describe('transition', () => {
  it('moves forward along the chain, skipping allowed', () => {
    expect(transition('created', 'pending')).toEqual({
      status: 'pending',
      applied: true,
      anomaly: null,
    });
    expect(transition('created', 'paid').applied).toBe(true);
    expect(transition('processing', 'authorized').applied).toBe(true);
    expect(transition('authorized', 'paid').applied).toBe(true);
  });

  it('ignores stale statuses without an anomaly', () => {
    expect(transition('processing', 'pending')).toEqual({
      status: 'processing',
      applied: false,
      anomaly: null,
    });
    expect(transition('paid', 'pending')).toEqual({
      status: 'paid',
      applied: false,
      anomaly: null,
    });
  });

  it('never undoes paid, and flags a failure after payment', () => {
    for (const late of ['failed', 'expired', 'cancelled'] as const) {
      expect(transition('paid', late)).toEqual({
        status: 'paid',
        applied: false,
        anomaly: 'after_payment',
      });
    }
  });

  it('treats duplicates as inert', () => {
    for (const status of ORDER_STATUSES) {
      expect(transition(status, status)).toEqual({ status, applied: false, anomaly: null });
    }
  });

  it('moves a negative terminal to paid only when the provider confirmed it', () => {
    expect(transition('expired', 'paid')).toEqual({
      status: 'expired',
      applied: false,
      anomaly: 'unconfirmed_late_success',
    });
    expect(transition('failed', 'paid', { confirmed: true })).toEqual({
      status: 'paid',
      applied: true,
      anomaly: 'late_success',
    });
  });

  it('keeps negative terminals otherwise', () => {
    expect(transition('failed', 'pending').applied).toBe(false);
    expect(transition('cancelled', 'failed').applied).toBe(false);
    expect(transition('expired', 'refunded')).toMatchObject({ applied: false, anomaly: 'illegal' });
  });

  it('follows the after-payment branch', () => {
    expect(transition('paid', 'partially_refunded').applied).toBe(true);
    expect(transition('partially_refunded', 'refunded').applied).toBe(true);
    expect(transition('paid', 'disputed').applied).toBe(true);
    expect(transition('disputed', 'paid').applied).toBe(true);
    expect(transition('disputed', 'charged_back').applied).toBe(true);
    expect(transition('refunded', 'paid').applied).toBe(false);
    expect(transition('charged_back', 'refunded').applied).toBe(false);
  });

  it('refuses refunds of unpaid orders', () => {
    expect(transition('pending', 'refunded')).toMatchObject({ applied: false, anomaly: 'illegal' });
  });
});

/** Folds a sequence of incoming statuses through the machine, as the store does. */
function run(events: readonly OrderStatus[], confirmed = false) {
  let status: OrderStatus = 'created';
  const history: OrderStatus[] = [status];
  for (const incoming of events) {
    const result = transition(status, incoming, { confirmed });
    if (result.applied) {
      status = result.status;
      history.push(status);
    } else {
      expect(result.status).toBe(status);
    }
  }
  return { status, history };
}

const anyStatus = fc.constantFrom(...ORDER_STATUSES);
const preSettlement = fc.constantFrom<OrderStatus>(
  'created',
  'pending',
  'processing',
  'authorized',
  'paid',
  'failed',
  'expired',
  'cancelled',
);

describe('status machine properties', () => {
  it('only moves forward in rank before payment', () => {
    fc.assert(
      fc.property(fc.array(preSettlement, { maxLength: 30 }), (events) => {
        const { history } = run(events);
        for (let i = 1; i < history.length; i++) {
          const from = history[i - 1]!;
          const to = history[i]!;
          expect(STATUS_RANK[to]).toBeGreaterThan(STATUS_RANK[from]);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps paid sticky: once paid, never pre-payment or negative again', () => {
    fc.assert(
      fc.property(fc.array(anyStatus, { maxLength: 40 }), fc.boolean(), (events, confirmed) => {
        const { history } = run(events, confirmed);
        const firstPaid = history.indexOf('paid');
        if (firstPaid === -1) return;
        for (const later of history.slice(firstPaid)) {
          expect(isPaidFamily(later)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('treats duplicates as inert: repeating any event changes nothing', () => {
    fc.assert(
      fc.property(fc.array(anyStatus, { maxLength: 30 }), (events) => {
        const doubled = events.flatMap((e) => [e, e, e]);
        expect(run(doubled).status).toBe(run(events).status);
      }),
      { numRuns: 2000 },
    );
  });

  it('never reaches paid from a negative terminal without confirmation', () => {
    fc.assert(
      fc.property(fc.array(anyStatus, { maxLength: 30 }), (events) => {
        const { history } = run(events, false);
        const firstNegative = history.findIndex(isNegative);
        if (firstNegative === -1) return;
        expect(history.slice(firstNegative).every(isNegative)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('applies at most one paid transition per order without a dispute', () => {
    fc.assert(
      fc.property(fc.array(preSettlement, { maxLength: 40 }), (events) => {
        const { history } = run(events, true);
        expect(history.filter((s) => s === 'paid').length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 2000 },
    );
  });
});
