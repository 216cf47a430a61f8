/**
 * @module
 * The merchant notification is exactly what the protocol schema describes: every field sent is
 * in the schema, every field of the schema that is set is sent, and internal fields stay home.
 */
import { describe, expect, it } from 'vitest';
import {
  MandateSchema,
  MerchantNotificationSchema,
  MerchantOrderSchema,
  type MerchantNotification,
} from '@pay-checkout/protocol';
import type { MandateRecord, OrderRecord, OutboxMessage } from '../domain/records.js';
import { notificationOf } from './views.js';

const AT = '2026-01-01T12:00:00.000Z';

const order: OrderRecord = {
  id: 'ord_1',
  sessionId: 'ses_1',
  attempt: 1,
  provider: 'ivy',
  method: 'ivy:mandate',
  providerReference: '1-charge-7',
  providerOrderId: 'ivy-1',
  status: 'paid',
  amount: { value: 1999, currency: 'EUR' },
  needsReview: false,
  lateSuccess: false,
  mandateId: 'mdt_1',
  version: 3,
  createdAt: AT,
  updatedAt: AT,
};

const mandate: MandateRecord = {
  id: 'mdt_1',
  provider: 'ivy',
  reference: 'mandate-1',
  providerMandateId: 'ivy-m-1',
  sessionId: 'ses_1',
  status: 'revoked',
  version: 4,
  cadence: 'MONTHLY',
  debtor: { accountHolderName: 'Ada Lovelace', iban: 'DE89********3000', bic: 'COBADEFFXXX' },
  creditor: { id: 'cred-1', name: 'Shop', address: { city: 'Berlin' } },
  bankReference: 'BR-1',
  signedAt: AT,
  failure: { code: 'x', message: 'y' },
  revocationReason: 'dispute',
  createdAt: AT,
  updatedAt: AT,
  activatedAt: AT,
  revokedAt: AT,
};

function message(type: OutboxMessage['type'], data: unknown): OutboxMessage {
  return {
    seq: 1,
    id: 'msg_1',
    type,
    subjectId: 'x',
    data: JSON.stringify(data),
    createdAt: AT,
    attempts: 0,
    nextAttemptAt: 0,
    deliveredAt: null,
    lastStatus: null,
    lastError: null,
  };
}

/** The wire form: what JSON.stringify sends. */
function wire(event: MerchantNotification): Record<string, unknown> {
  return JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
}

describe('notificationOf', () => {
  it('sends an order with exactly the schema fields, parsed back unchanged', () => {
    const sent = wire(notificationOf(message('order.updated', { order, reference: 'charge-7' })));
    expect(MerchantNotificationSchema.parse(sent)).toEqual(sent);
    const sentOrder = (sent.data as { order: Record<string, unknown> }).order;
    expect(Object.keys(sentOrder).sort()).toEqual(Object.keys(MerchantOrderSchema.shape).sort());
    expect(sentOrder).not.toHaveProperty('providerReference');
    expect(sent).toMatchObject({ type: 'order.updated', timestamp: AT });
  });

  it('leaves mandateId out of a customer checkout order', () => {
    const checkout = { ...order, method: 'ivy:bank', mandateId: null };
    const sent = wire(
      notificationOf(message('order.updated', { order: checkout, reference: 'r' })),
    );
    expect(MerchantNotificationSchema.parse(sent)).toEqual(sent);
    expect((sent.data as { order: object }).order).not.toHaveProperty('mandateId');
  });

  it('sends a mandate with exactly the schema fields and nothing internal', () => {
    const sent = wire(notificationOf(message('mandate.updated', { mandate })));
    expect(MerchantNotificationSchema.parse(sent)).toEqual(sent);
    const sentMandate = (sent.data as { mandate: Record<string, unknown> }).mandate;
    expect(Object.keys(sentMandate).sort()).toEqual(Object.keys(MandateSchema.shape).sort());
    expect(sentMandate).not.toHaveProperty('version');
  });
});
