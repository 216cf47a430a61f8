/**
 * @module
 * Stored records → the contract's JSON shapes (SessionSchema, OrderViewSchema, …).
 */
import type { OrderView, PublicSession, Session } from '@pay-checkout/protocol';
import type { OrderStatus } from '@pay-checkout/protocol/status';
import type { OrderRecord, SessionRecord } from '../domain/records.js';

/**
 * The status a session shows: its stored status, except that a session nobody started paying
 * (`created`/`pending`) past its expiry is `expired`.
 */
export function effectiveStatus(session: SessionRecord, now: Date): OrderStatus {
  if (
    (session.status === 'created' || session.status === 'pending') &&
    Date.parse(session.expiresAt) <= now.getTime()
  ) {
    return 'expired';
  }
  return session.status;
}

/** The merchant's view of a session. */
export function sessionView(session: SessionRecord, now: Date): Session {
  return {
    id: session.id,
    status: effectiveStatus(session, now),
    amount: session.amount,
    reference: session.reference,
    country: session.country,
    returnUrl: session.returnUrl,
    ...(session.description !== undefined ? { description: session.description } : {}),
    ...(session.locale !== undefined ? { locale: session.locale } : {}),
    ...(session.providers !== undefined ? { providers: session.providers } : {}),
    ...(session.metadata !== undefined ? { metadata: session.metadata } : {}),
    createdAt: session.createdAt,
    expiresAt: session.expiresAt,
  };
}

/**
 * What the browser may see of its session; `latestOrderId` lets it resume a started payment, and
 * `method` (that order's method) lets the outcome screen name it.
 */
export function publicSessionView(
  session: SessionRecord,
  now: Date,
  latestOrderId: string | null = null,
  method?: PublicSession['method'],
): PublicSession {
  return {
    id: session.id,
    amount: session.amount,
    reference: session.reference,
    status: effectiveStatus(session, now),
    orderId: latestOrderId,
    ...(method ? { method } : {}),
    expiresAt: session.expiresAt,
    country: session.country,
    ...(session.description !== undefined ? { description: session.description } : {}),
    ...(session.locale !== undefined ? { locale: session.locale } : {}),
    ...(session.mandate ? { mandate: mandateTerms(session.mandate) } : {}),
  };
}

/**
 * What the customer agrees to when the checkout also sets up a mandate: the cadence, and the
 * amount of later charges when the merchant stated one (else the element shows none).
 */
function mandateTerms(
  mandate: NonNullable<SessionRecord['mandate']>,
): NonNullable<PublicSession['mandate']> {
  const { amount } = mandate;
  return {
    ...(mandate.cadence ? { cadence: mandate.cadence } : {}),
    ...(amount ? { amount } : {}),
  };
}

/** `GET /v1/orders/:id`. */
export function orderView(order: OrderRecord): OrderView {
  return {
    id: order.id,
    sessionId: order.sessionId,
    status: order.status,
    provider: order.provider,
    method: order.method,
    amount: order.amount,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}
