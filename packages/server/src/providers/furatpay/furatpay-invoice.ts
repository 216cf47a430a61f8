/**
 * @module
 * The body of FuratPay's `POST /invoice`, with the fields the official plugin sends
 * (docs/providers/furatpay.md). Our attempt reference is the invoice's `code` (unique, so a
 * repeated create is refused) and its `order_number` (echoed in webhooks and signed).
 */
import { createHash } from 'node:crypto';
import { toMajorNumber } from '@pay-checkout/protocol/money';
import type { OrderRecord, SessionRecord } from '../../domain/records.js';
import { FURATPAY_CURRENCY_IDS } from './furatpay-markets.js';

/** `YYYY-MM-DD HH:MM:SS` in UTC, FuratPay's date format. */
export function furatPayDateTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * FuratPay's invoice `number` must be an integer; ours is derived from the attempt reference
 * (31 bits of its SHA-256), so the same attempt always gets the same number.
 */
export function invoiceNumber(reference: string): number {
  const digest = createHash('sha256').update(reference).digest();
  return digest.readUInt32BE(0) & 0x7fffffff || 1;
}

/**
 * The merchant customer code FuratPay creates (or reuses) the customer by: one per customer
 * email (else phone, else session), hashed so that no personal data sits in the code.
 */
export function customerCode(session: SessionRecord): string {
  const key =
    session.customer?.email?.trim().toLowerCase() ||
    session.customer?.phone?.replace(/\s+/g, '') ||
    `session:${session.id}`;
  return `pc-${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

/** The invoice body for one payment attempt. */
export function invoiceBody(
  session: SessionRecord,
  order: OrderRecord,
  now: Date,
): Record<string, unknown> {
  const currencyId = FURATPAY_CURRENCY_IDS[order.amount.currency];
  if (currencyId === undefined) throw new RangeError(`FuratPay has no ${order.amount.currency}`);
  const total = toMajorNumber(order.amount);
  const subject = session.description ?? `Order ${session.reference}`;
  const customer = session.customer;
  const name = customer?.name?.trim();
  const [firstname = '', ...rest] = (name ?? '').split(/\s+/);
  return {
    code: order.providerReference,
    number: invoiceNumber(order.providerReference),
    order_number: order.providerReference,
    currency_id: currencyId,
    base_currency_id: currencyId,
    rate_id: -1,
    rate: 1,
    at: furatPayDateTime(now),
    due_at: furatPayDateTime(new Date(Math.max(Date.parse(session.expiresAt), now.getTime()))),
    terms: 'due_on_recept',
    subject,
    customer_notes: '',
    terms_and_conditions: '',
    notes: '',
    attachments: [],
    discount: 0,
    discount_type: 'percentage',
    subtotal: total,
    total,
    status: 'pending',
    remarks: '',
    items: [
      { item: subject, description: session.reference, rate: total, quantity: 1, discount: 0 },
    ],
    meta_data: { pay_checkout_session: session.id, pay_checkout_order: order.id },
    customer_id: customerCode(session),
    ...(customer && (name || customer.email || customer.phone)
      ? {
          customer: {
            display_name: name || customer.email || customer.phone,
            ...(customer.email ? { email: customer.email } : {}),
            ...(customer.phone ? { phone_no: customer.phone } : {}),
            type: 'individual',
            details: {
              ...(name ? { name, firstname, lastname: rest.join(' ') } : {}),
              ...(customer.email ? { email: customer.email } : {}),
            },
          },
        }
      : {}),
  };
}
