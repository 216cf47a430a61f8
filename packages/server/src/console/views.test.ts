/**
 * @module
 * The support summary's amount: the decimal with the currency's ISO 4217 exponent and its code,
 * for currencies where Intl's digits differ from ISO 4217 (COP has 2 minor units, IQD 3; Intl
 * shows 0 for both) as well as for the usual ones.
 */
import { describe, expect, it } from 'vitest';
import type { OrderRecord } from '../domain/records.js';
import { orderRow, summaryOf } from './views.js';

const T0 = '2026-03-01T10:00:00.000Z';

function order(value: number, currency: string): OrderRecord {
  return {
    id: 'ord_1',
    sessionId: 'cs_1',
    attempt: 1,
    provider: 'koywe',
    method: 'koywe:pse',
    providerReference: '1-cs_1',
    providerOrderId: 'prov-1',
    status: 'pending',
    amount: { value, currency },
    needsReview: false,
    lateSuccess: false,
    version: 1,
    createdAt: T0,
    updatedAt: T0,
  };
}

function summary(value: number, currency: string): string {
  const record = order(value, currency);
  const row = orderRow(
    { order: record, reference: 'ref-1', sessionExpiresAt: '2026-03-01T11:00:00.000Z' },
    new Date(T0),
  );
  return summaryOf(row, record, [
    {
      at: T0,
      kind: 'transition',
      title: 'Status created → pending (create).',
      detail: {
        from: 'created',
        to: 'pending',
        source: 'create',
      },
    },
  ]);
}

describe('the support summary', () => {
  it('writes amounts with the ISO 4217 exponent of their currency and its code', () => {
    expect(summary(150_000, 'COP')).toContain('\nAmount 1500.00 COP\n');
    expect(summary(25_000, 'IQD')).toContain('\nAmount 25.000 IQD\n');
    expect(summary(1, 'IQD')).toContain('\nAmount 0.001 IQD\n');
    expect(summary(1999, 'EUR')).toContain('\nAmount 19.99 EUR\n');
    expect(summary(50_000, 'CLP')).toContain('\nAmount 50000 CLP\n');
  });

  it('tells the ids, the status and the timeline', () => {
    const text = summary(1999, 'EUR');
    expect(text.split('\n')).toEqual([
      'Order ord_1 (attempt 1)',
      'Session cs_1, reference ref-1',
      'Provider koywe, method koywe:pse, provider id prov-1',
      'Amount 19.99 EUR',
      'Status pending',
      `Created ${T0}, updated ${T0}`,
      '',
      'Timeline:',
      `${T0}  Status created → pending (create).`,
    ]);
  });
});
