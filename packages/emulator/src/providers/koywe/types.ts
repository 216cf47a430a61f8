/**
 * @module
 * The emulated Koywe's vocabulary: order statuses, the payment-method catalogue per country and
 * currency, and the shapes of contacts and orders.
 */

/** Koywe's order statuses (Payments API, upper case). */
export const KOYWE_ORDER_STATUSES = [
  'PENDING',
  'PROCESSING',
  'ON_HOLD',
  'PAID',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'EXPIRED',
  'REFUNDED',
] as const;
export type KoyweOrderStatus = (typeof KOYWE_ORDER_STATUSES)[number];

/** Statuses after which nothing moves (except a refund after completion). */
export const KOYWE_FINAL_STATUSES: ReadonlySet<KoyweOrderStatus> = new Set([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'EXPIRED',
  'REFUNDED',
]);

/** One entry of `GET /payment-method`. */
export interface KoywePaymentMethod {
  method: string;
  name: string;
  supportedCountries: string[];
  supportedCurrencies: string[];
  extra?: unknown;
}

/**
 * PSE banks the emulated Koywe knows: `code` is what its method list shows in PSE's
 * `extra.banks` (Koywe's example lists `"BANCOLOMBIA"`, `"DAVIVIENDA"`, `"BOGOTA"`) and what an
 * order names as the bank; `name` is only shown on the hosted page.
 */
export const KOYWE_PSE_BANKS: readonly { code: string; name: string }[] = Object.freeze([
  { code: 'BANCOLOMBIA', name: 'Bancolombia' },
  { code: 'DAVIVIENDA', name: 'Davivienda' },
  { code: 'BOGOTA', name: 'Banco de Bogotá' },
  { code: 'BBVA_COLOMBIA', name: 'BBVA Colombia' },
  { code: 'NEQUI', name: 'Nequi' },
]);

/**
 * The sandbox catalogue. QRI (Chile) is left out: Koywe's testing page calls it broken in the
 * sandbox.
 */
export const KOYWE_PAYMENT_METHODS: readonly KoywePaymentMethod[] = Object.freeze([
  {
    method: 'PSE',
    name: 'PSE - Pagos Seguros en Línea',
    supportedCountries: ['CO'],
    supportedCurrencies: ['COP'],
    // Bank codes as plain strings, as Koywe's method list shows them.
    extra: { banks: Object.freeze(KOYWE_PSE_BANKS.map((bank) => bank.code)) },
  },
  { method: 'NEQUI', name: 'Nequi', supportedCountries: ['CO'], supportedCurrencies: ['COP'] },
  { method: 'PIX_STATIC', name: 'Pix', supportedCountries: ['BR'], supportedCurrencies: ['BRL'] },
  { method: 'PIX_DYNAMIC', name: 'Pix', supportedCountries: ['BR'], supportedCurrencies: ['BRL'] },
  { method: 'SPEI', name: 'SPEI', supportedCountries: ['MX'], supportedCurrencies: ['MXN'] },
  { method: 'CARD', name: 'Card', supportedCountries: ['MX'], supportedCurrencies: ['MXN'] },
  { method: 'KHIPU', name: 'Khipu', supportedCountries: ['CL'], supportedCurrencies: ['CLP'] },
]);

/** Methods whose hosted page shows a test QR before the outcome buttons. */
export const KOYWE_QR_METHODS: ReadonlySet<string> = new Set([
  'NEQUI',
  'PIX_STATIC',
  'PIX_DYNAMIC',
]);

/** Methods whose sandbox PAYIN completes without anyone visiting the payment page. */
export const KOYWE_AUTO_COMPLETE_METHODS: ReadonlySet<string> = new Set(['KHIPU', 'SPEI']);

/** A contact of the emulated merchant. */
export interface KoyweContact {
  id: string;
  fullName: string;
  countrySymbol: string;
  documentType: string;
  documentNumber: string;
  businessType: 'PERSON' | 'COMPANY';
  email?: string;
  phone?: string;
  createdAt: string;
}

/** A PAYIN order as the emulated API answers it. */
export interface KoyweOrder {
  id: string;
  type: 'PAYIN';
  status: KoyweOrderStatus;
  amountIn: number;
  originCurrencySymbol: string;
  destinationCurrencySymbol: string;
  externalId: string;
  description?: string;
  contactId: string;
  paymentMethods: { method: string; extra?: unknown }[];
  successUrl?: string;
  failedUrl?: string;
  paymentUrl: string;
  providedAction: string;
  createdAt: string;
  updatedAt: string;
  dates: {
    confirmationDate: string | null;
    paymentDate: string | null;
    deliveryDate: string | null;
  };
}
