/**
 * @module
 * Recording order activity: details are masked before they are written, a failing write is
 * logged and never reaches the caller, and `activityIdle` waits for the writes under way (rows
 * past the retention horizon go with the retention job: core/retention.test.ts).
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ActivityRepository, NewActivity } from '../store/store.js';
import { activityIdle, recordActivity, recordProviderCall } from './activity.js';

function fakeStore(fail = false) {
  const rows: NewActivity[] = [];
  const activity: ActivityRepository = {
    async record(entry) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (fail) throw new Error('database down');
      rows.push(entry);
    },
    listByOrder: async () => [],
    providerCalls: async () => ({ calls: 0, errors: 0, durationsMs: [] }),
    deleteBefore: async () => 0,
  };
  return { rows, store: { activity } };
}

const logger = pino({ level: 'silent' });
const AT = new Date('2026-06-01T12:00:00.000Z');

describe('recordActivity', () => {
  it('writes the entry masked, beside the caller', async () => {
    const { rows, store } = fakeStore();
    recordActivity(
      { store, logger },
      {
        orderId: 'ord_1',
        provider: 'ivy',
        kind: 'webhook',
        at: AT,
        detail: { verdict: 'refused', body: '{"email":"jane@example.com","apiKey":"k"}' },
      },
    );
    expect(rows).toHaveLength(0);
    await activityIdle({ store });
    expect(rows).toEqual([
      {
        orderId: 'ord_1',
        provider: 'ivy',
        kind: 'webhook',
        at: AT.toISOString(),
        detail: { verdict: 'refused', body: '{"email":"j***@example.com","apiKey":"[redacted]"}' },
      },
    ]);
  });

  it('never throws when the database fails', async () => {
    const { store } = fakeStore(true);
    expect(() =>
      recordProviderCall(
        { store, logger },
        {
          provider: 'ivy',
          operation: 'fetchStatus',
          orderId: 'ord_1',
          startedAt: AT,
          durationMs: 3,
          error: new Error('Ivy is unavailable (HTTP 503)'),
        },
      ),
    ).not.toThrow();
    await expect(activityIdle({ store })).resolves.toBeUndefined();
  });

  it('records a provider failure with the HTTP status it names', async () => {
    const { rows, store } = fakeStore();
    recordProviderCall(
      { store, logger },
      {
        provider: 'ivy',
        operation: 'fetchStatus',
        orderId: 'ord_1',
        startedAt: AT,
        durationMs: 12,
        error: Object.assign(new Error('Ivy is unavailable (HTTP 503)'), {
          code: 'provider_unavailable',
        }),
      },
    );
    await activityIdle({ store });
    expect(rows[0]?.detail).toEqual({
      operation: 'fetchStatus',
      outcome: 'error',
      httpStatus: 503,
      durationMs: 12,
      error: 'provider_unavailable: Ivy is unavailable (HTTP 503)',
    });
  });
});
