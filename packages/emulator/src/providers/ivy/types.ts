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
  /** The checkout session the order came from; absent on mandate charges. */
  checkoutSessionId?: string;
  /** The mandate a charge drew on. */
  mandateId?: string;
  /** The subaccount a charge was made for. */
  subaccountId?: string;
  statusHistoryList: { status: IvyOrderStatus; createdAt: string }[];
}

/** Mandate statuses (official SDK, early versions). */
export type IvyMandateStatus = 'pending' | 'active' | 'inactive';

/** A postal address as Ivy writes it; `country` is ISO 3166-1 alpha-2. */
export interface IvyAddress {
  street: string;
  city: string;
  postalCode: string;
  country: string;
}

/** The creditor of a mandate: the merchant as the bank knows it. */
export interface IvyCreditor {
  /** The SEPA creditor identifier. */
  id: string;
  name: string;
  address: IvyAddress;
}

/** The customer's consent to the mandate. */
export interface IvySignature {
  ip: string;
  token: string;
  /** ISO 8601. */
  signedAt: string;
}

/** A SEPA Direct Debit mandate as Ivy returns it ("Ivy on File"; SDK `MandateResponse`). */
export interface IvyMandate {
  id: string;
  /** The merchant's mandate reference, from the checkout session's `mandate.referenceId`. */
  referenceId: string;
  status: IvyMandateStatus;
  /** The mandate reference on the debtor's bank statement. */
  reference: string;
  /** Where Ivy tells the customer about the mandate, from the checkout session. */
  userNotificationEmail: string;
  creditor: IvyCreditor;
  debtor: { account: { iban: string; accountHolderName: string; bic: string } };
  signature: IvySignature;
  checkoutSessionId: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601. */
  updatedAt: string;
  /** ISO 8601, once revoked. */
  revokedAt?: string;
}

/** What `charge/create` answers. */
export interface IvyCharge {
  id: string;
  mandateId: string;
  orderId: string;
  /** The subaccount named in the request, when one was. */
  subaccountId?: string;
  referenceId: string;
  price: IvyPrice;
  /** ISO 8601. */
  createdAt: string;
}

/**
 * A subaccount ("Ivy on File", "Set up a subaccount"): its `legalName` stands on the bank
 * statement of the charges made for it.
 */
export interface IvySubaccount {
  /** A UUID. */
  id: string;
  legalName: string;
  /** The merchant the subaccount belongs to. */
  ownerId: string;
  /** The Merchant Category Code (ISO 18245), four digits. */
  mcc: string;
  status: 'active';
  /** ISO 8601. */
  updatedAt: string;
  /** ISO 8601. */
  createdAt: string;
}
