/**
 * @module
 * Ivy's vocabulary and the objects the Ivy emulator keeps and returns.
 */

/** Every Ivy order status (official SDK; note `canceled` with one L). */
export const IVY_ORDER_STATUSES = [
  'waiting_for_payment',
  'waiting_for_bank_confirmation',
  'processing',
  'finalizing',
  'paid',
  'failed',
  'refused',
  'canceled',
  'in_refund',
  'refunded',
  'partially_refunded',
  'refund_failed',
  'in_dispute',
  'disputed',
] as const;
export type IvyOrderStatus = (typeof IVY_ORDER_STATUSES)[number];

/** Checkout session statuses. */
export type IvySessionStatus = 'open' | 'closed' | 'expired';

/** Currencies the emulated Ivy accepts. */
export const IVY_CURRENCIES = ['EUR', 'GBP', 'PLN'] as const;
export type IvyCurrency = (typeof IVY_CURRENCIES)[number];

/** Ivy's price: a JSON number in major units. */
export interface IvyPrice {
  total: number;
  currency: IvyCurrency;
}

/** A checkout session as Ivy returns it. */
export interface IvyCheckoutSession {
  id: string;
  referenceId: string;
  displayId: string;
  status: IvySessionStatus;
  price: IvyPrice;
  /** Epoch seconds. */
  expiresAt: number;
  redirectUrl: string;
  successCallbackUrl: string;
  errorCallbackUrl: string;
  /** Epoch seconds. */
  created: number;
  paymentMode: 'settlement';
  merchant: { name: string };
  lineItems: unknown[];
  locale?: string;
  metadata?: Record<string, unknown>;
  mandate?: Record<string, unknown>;
  /** Present once the customer started a payment. */
  orderId?: string;
}

/** An order as Ivy returns it. */
export interface IvyOrder {
  id: string;
  referenceId: string;
  displayId: string;
  price: IvyPrice;
  status: IvyOrderStatus;
  shopName: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601. */
  updatedAt: string;
  paymentMode: 'settlement';
  checkoutSessionId: string;
  statusHistoryList: { status: IvyOrderStatus; createdAt: string }[];
}
