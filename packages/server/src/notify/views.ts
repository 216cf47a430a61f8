/**
 * @module
 * What merchants see of orders and mandates — in notifications, in `POST /v1/charges` and in
 * `GET /v1/mandates` — and the notification body rendered from an outbox snapshot. Their shapes
 * are the protocol's `MerchantOrderSchema`, `MandateSchema` and `MerchantNotificationSchema`.
 */
import type { Mandate, MerchantNotification, MerchantOrder } from '@pay-checkout/protocol';
import type { MandateRecord, OrderRecord, OutboxMessage } from '../domain/records.js';

/** An order with the merchant's reference (and the mandate, for charges). */
export function merchantOrderView(order: OrderRecord, reference: string): MerchantOrder {
  return {
    id: order.id,
    sessionId: order.sessionId,
    reference,
    status: order.status,
    provider: order.provider,
    method: order.method,
    amount: order.amount,
    ...(order.mandateId ? { mandateId: order.mandateId } : {}),
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}

/** A mandate as the merchant sees it: status, ids, masked debtor account, creditor, times. */
export function mandateView(mandate: MandateRecord): Mandate {
  return {
    id: mandate.id,
    provider: mandate.provider,
    reference: mandate.reference,
    status: mandate.status,
    providerMandateId: mandate.providerMandateId,
    sessionId: mandate.sessionId,
    ...(mandate.cadence !== undefined ? { cadence: mandate.cadence } : {}),
    ...(mandate.debtor !== undefined ? { debtor: mandate.debtor } : {}),
    ...(mandate.creditor !== undefined ? { creditor: mandate.creditor } : {}),
    ...(mandate.bankReference !== undefined ? { bankReference: mandate.bankReference } : {}),
    ...(mandate.signedAt !== undefined ? { signedAt: mandate.signedAt } : {}),
    ...(mandate.failure !== undefined ? { failure: mandate.failure } : {}),
    ...(mandate.revocationReason !== undefined
      ? { revocationReason: mandate.revocationReason }
      : {}),
    createdAt: mandate.createdAt,
    updatedAt: mandate.updatedAt,
    activatedAt: mandate.activatedAt,
    revokedAt: mandate.revokedAt,
  };
}

/** The notification an outbox message stands for; rendering is deterministic per message. */
export function notificationOf(message: OutboxMessage): MerchantNotification {
  if (message.type === 'mandate.updated') {
    const { mandate } = JSON.parse(message.data) as { mandate: MandateRecord };
    return {
      type: 'mandate.updated',
      timestamp: message.createdAt,
      data: { mandate: mandateView(mandate) },
    };
  }
  const { order, reference } = JSON.parse(message.data) as {
    order: OrderRecord;
    reference: string;
  };
  return {
    type: 'order.updated',
    timestamp: message.createdAt,
    data: { order: merchantOrderView(order, reference) },
  };
}
