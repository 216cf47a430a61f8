/**
 * @module
 * iwocaPay's vocabulary and the order the iwocaPay emulator keeps.
 */

/** Every iwocaPay order status, in the order an order moves through them. */
export const IWOCAPAY_ORDER_STATUSES = [
  'CREATED',
  'PENDING',
  'APPROVED',
  'SUCCESSFUL',
  'UNSUCCESSFUL',
] as const;
export type IwocaPayOrderStatus = (typeof IWOCAPAY_ORDER_STATUSES)[number];

/** Payment terms: instant bank transfer, or credit in instalments. */
export const IWOCAPAY_PAYMENT_TERMS = ['PAY_NOW', 'PAY_LATER'] as const;
export type IwocaPayPaymentTerm = (typeof IWOCAPAY_PAYMENT_TERMS)[number];

/**
 * The webhook shapes iwocaPay documents: `signed`, the current one (`webhook_id`, `event_type`,
 * `X-Iwocapay-Hmac-Sha256`), and `unsigned`, `{"data": {"order_id", "pay_link_id", "amount",
 * "reference", "status"}}` with no signature.
 */
export const IWOCAPAY_WEBHOOK_FORMATS = ['signed', 'unsigned'] as const;
export type IwocaPayWebhookFormat = (typeof IWOCAPAY_WEBHOOK_FORMATS)[number];

/** Statuses after which nothing changes. */
export const IWOCAPAY_TERMINAL: ReadonlySet<IwocaPayOrderStatus> = new Set([
  'SUCCESSFUL',
  'UNSUCCESSFUL',
]);

/** An order as the emulator keeps it. */
export interface IwocaPayOrder {
  /** UUIDv4. */
  id: string;
  /** Pounds, as a JSON number. */
  amount: number;
  reference: string;
  status: IwocaPayOrderStatus;
  allowed_payment_terms: IwocaPayPaymentTerm[];
  /** The hosted checkout page. */
  order_url: string;
  /** Where the buyer goes afterwards (per order, else the seller's default). */
  redirect_url: string | null;
  /** Per-order webhook destination; null = no webhooks for this order. */
  webhook_url: string | null;
  pay_link_id: string;
  /** The integer order number the unsigned webhook shape carries as `order_id`. */
  order_number: number;
  seller_name: string;
  source?: string;
  meta_data?: Record<string, unknown>;
  /** The terms the buyer chose on the hosted page, once chosen. */
  chosen_payment_term?: IwocaPayPaymentTerm;
  /** The seller (supplier UUID) that owns the order. */
  seller_id: string;
  /** The secret part of `order_url`. */
  token: string;
  created_at: string;
}
