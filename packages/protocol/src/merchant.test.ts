import { describe, expect, it } from 'vitest';
import {
  ChargeRequestSchema,
  ChargeResponseSchema,
  MandateListQuerySchema,
  MandateListSchema,
  MandateSchema,
  MerchantNotificationSchema,
  fieldIssues,
} from './index.js';

const order = {
  id: 'ord_1',
  sessionId: 'ses_1',
  reference: 'charge-7',
  status: 'processing',
  provider: 'ivy',
  method: 'ivy:mandate',
  amount: { value: 1999, currency: 'EUR' },
  mandateId: 'mdt_1',
  createdAt: '2026-01-01T12:00:00.000Z',
  updatedAt: '2026-01-01T12:00:01.000Z',
};

const mandate = {
  id: 'mdt_1',
  provider: 'ivy',
  reference: 'mandate-1',
  status: 'active',
  providerMandateId: 'ivy-m-1',
  sessionId: 'ses_1',
  cadence: 'MONTHLY',
  debtor: { accountHolderName: 'Ada Lovelace', iban: 'DE89********3000' },
  createdAt: '2026-01-01T12:00:00.000Z',
  updatedAt: '2026-01-01T12:00:01.000Z',
  activatedAt: '2026-01-01T12:00:01.000Z',
  revokedAt: null,
};

describe('ChargeRequestSchema', () => {
  it('accepts a mandate, a payable amount and a reference', () => {
    const body = { mandateId: 'mdt_1', amount: { value: 500, currency: 'EUR' }, reference: 'c-1' };
    expect(ChargeRequestSchema.parse(body)).toEqual(body);
  });

  it('lists every invalid field and refuses unknown ones', () => {
    const result = ChargeRequestSchema.safeParse({
      mandateId: '',
      amount: { value: 0, currency: 'EUR' },
      reference: ' x',
      extra: true,
    });
    expect(result.success).toBe(false);
    expect(fieldIssues(result.error!).map((i) => i.path)).toEqual(
      expect.arrayContaining(['mandateId', 'amount.value', 'reference', '(body)']),
    );
  });
});

describe('MandateSchema', () => {
  it('accepts what the server sends, nulls included', () => {
    expect(MandateSchema.parse(mandate)).toEqual(mandate);
    expect(MandateListSchema.parse({ mandates: [mandate] }).mandates).toHaveLength(1);
    expect(MandateListSchema.parse({ mandates: [] }).mandates).toEqual([]);
  });

  it('knows the four statuses only', () => {
    for (const status of ['pending', 'active', 'failed', 'revoked']) {
      expect(MandateSchema.safeParse({ ...mandate, status }).success).toBe(true);
    }
    expect(MandateSchema.safeParse({ ...mandate, status: 'paid' }).success).toBe(false);
  });

  it('needs a valid reference in the list query', () => {
    expect(MandateListQuerySchema.safeParse({ reference: 'mandate-1' }).success).toBe(true);
    expect(MandateListQuerySchema.safeParse({}).success).toBe(false);
    expect(MandateListQuerySchema.safeParse({ reference: 'a b' }).success).toBe(false);
  });
});

describe('MerchantNotificationSchema', () => {
  it('tells order and mandate notifications apart by type', () => {
    const orderEvent = MerchantNotificationSchema.parse({
      type: 'order.updated',
      timestamp: '2026-01-01T12:00:01.000Z',
      data: { order },
    });
    expect(orderEvent.type === 'order.updated' && orderEvent.data.order.mandateId).toBe('mdt_1');
    const mandateEvent = MerchantNotificationSchema.parse({
      type: 'mandate.updated',
      timestamp: '2026-01-01T12:00:01.000Z',
      data: { mandate },
    });
    expect(mandateEvent.type).toBe('mandate.updated');
  });

  it('refuses a body whose data does not match its type', () => {
    expect(
      MerchantNotificationSchema.safeParse({
        type: 'mandate.updated',
        timestamp: '2026-01-01T12:00:01.000Z',
        data: { order },
      }).success,
    ).toBe(false);
    expect(
      MerchantNotificationSchema.safeParse({ type: 'session.updated', timestamp: 'x', data: {} })
        .success,
    ).toBe(false);
  });

  it('describes the charge answer as the same order', () => {
    expect(ChargeResponseSchema.parse(order)).toEqual(order);
    expect(ChargeResponseSchema.safeParse({ ...order, status: 'unknown' }).success).toBe(false);
  });
});
