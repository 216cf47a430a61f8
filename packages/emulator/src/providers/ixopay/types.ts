/**
 * @module
 * IXOPAY's vocabulary and the transaction the IXOPAY emulator keeps.
 */
import type { Money } from '../../core/money.js';

/** Status words of the Status API (`transactionStatus`). */
export const IXOPAY_TRANSACTION_STATUSES = [
  'SUCCESS',
  'PENDING',
  'REDIRECT',
  'CANCELLED',
  'ERROR',
] as const;
export type IxopayTransactionStatus = (typeof IXOPAY_TRANSACTION_STATUSES)[number];

/** `returnType` of a transaction request's answer. */
export type IxopayReturnType = 'FINISHED' | 'REDIRECT' | 'HTML' | 'PENDING' | 'ERROR';

/** `result` of a callback. */
export type IxopayCallbackResult = 'OK' | 'PENDING' | 'ERROR';

/** One entry of `errors[]`. */
export interface IxopayError {
  errorMessage: string;
  errorCode: number;
  adapterMessage: string | null;
  adapterCode: string | null;
}

/** A debit as the emulator keeps it. */
export interface IxopayTransaction {
  /** Gateway id, 20 lowercase hex characters. */
  uuid: string;
  merchantTransactionId: string;
  purchaseId: string;
  /** The amount exactly as the merchant sent it (a decimal string). */
  amount: string;
  currency: string;
  money: Money;
  description?: string;
  successUrl?: string;
  cancelUrl?: string;
  errorUrl?: string;
  /** Where this transaction's callbacks go (the request's `callbackUrl`, else the connector's). */
  callbackUrl: string;
  /** Secret part of the redirect URL. */
  redirectToken: string;
  status: IxopayTransactionStatus;
  /** Why it failed, when it failed. */
  error?: IxopayError;
  extraData?: Record<string, string>;
  merchantMetaData?: string;
  createdAt: string;
}

/**
 * The card the emulated `Creditcard` adapter reports, in the shape of the "Callbacks" guide:
 * numeric expiry month and year, the 3-D Secure outcome and the BIN lookup.
 */
export const IXOPAY_TEST_CARD = Object.freeze({
  type: 'visa',
  cardHolder: 'Test Holder',
  expiryMonth: 12,
  expiryYear: 2030,
  binDigits: '41111111',
  firstSixDigits: '411111',
  lastFourDigits: '1111',
  fingerprint: 'emulated',
  threeDSecure: 'OFF',
  binBrand: 'VISA',
  binBank: 'Emulated Test Bank',
  binCountry: 'US',
});

/** `returnData` of a successful card transaction: the card nested under `cardData`. */
export function ixopayReturnData(): { cardData: typeof IXOPAY_TEST_CARD } {
  return { cardData: { ...IXOPAY_TEST_CARD } };
}
