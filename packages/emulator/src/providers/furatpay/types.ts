/**
 * @module
 * FuratPay's vocabulary and the objects the FuratPay emulator keeps and returns
 * (docs/providers/furatpay.md: invoices, linked payment services, service-specific answers).
 */

/** Invoice statuses the emulated FuratPay uses (the real enum is not documented). */
export const FURATPAY_INVOICE_STATUSES = [
  'pending',
  'paid',
  'completed',
  'failed',
  'canceled',
  'expired',
] as const;
export type FuratPayInvoiceStatus = (typeof FURATPAY_INVOICE_STATUSES)[number];

/** FuratPay's currency ids: 3 = IQD, 1 = USD. */
export const FURATPAY_CURRENCIES: Readonly<Record<number, string>> = Object.freeze({
  1: 'USD',
  3: 'IQD',
});

/** How a payment service answers a pay request. */
export type FuratPayServiceKind = 'fib' | 'fastpay' | 'qicard' | 'paytabs' | 'redirect';

/** A linked payment service as `payment_service/linked/list` returns it. */
export interface FuratPayService {
  id: number;
  name: string;
  /** Absolute URL of the service's logo image. */
  logo: string;
  status: 'active' | 'inactive';
  mode: 'production' | 'testing';
}

/** The services the emulated merchant has linked. Ids 2, 3 and 5 are the plugin's. */
export const FURATPAY_SERVICES: readonly (Omit<FuratPayService, 'logo'> & {
  kind: FuratPayServiceKind;
})[] = [
  { id: 1, name: 'ZainCash', status: 'active', mode: 'testing', kind: 'redirect' },
  { id: 2, name: 'FastPay', status: 'active', mode: 'testing', kind: 'fastpay' },
  { id: 3, name: 'QiCard', status: 'active', mode: 'testing', kind: 'qicard' },
  { id: 4, name: 'FIB', status: 'active', mode: 'testing', kind: 'fib' },
  { id: 5, name: 'PayTabs', status: 'inactive', mode: 'testing', kind: 'paytabs' },
];

/** An invoice as FuratPay returns it. */
export interface FuratPayInvoice {
  id: string;
  code: string;
  number: number;
  order_number: string;
  currency_id: number;
  base_currency_id: number;
  rate: number;
  subtotal: number;
  total: number;
  discount: number;
  status: FuratPayInvoiceStatus;
  subject: string;
  customer_id: string;
  at: string;
  due_at: string;
  items: unknown[];
  meta_data: Record<string, unknown>;
  /** The service that paid it, once paid. */
  payment_service_id: number | null;
  created_at: string;
  updated_at: string;
}

/** Status of one pay request (a QR or a hosted page), kept beside the invoice. */
export type FuratPayPaymentStatus = 'pending' | 'paid' | 'failed' | 'canceled' | 'expired';

/** One pay request: what the customer was given for one service. */
export interface FuratPayPayment {
  id: string;
  invoiceId: string;
  serviceId: number;
  kind: FuratPayServiceKind;
  status: FuratPayPaymentStatus;
  /** Where the hosted page sends the customer afterwards (redirect services), if known. */
  returnUrl?: string;
  /** FIB: the code a customer can type instead of scanning. */
  readableCode?: string;
  /** FIB: ISO 8601 end of the QR's life. */
  validUntil?: string;
}
