/**
 * @module
 * English strings of `<pay-checkout>`, and the {@link Translation} shape every locale follows.
 *
 * English is built in and is the fallback: a locale that is unknown, or lacks a string, is
 * never shown an empty label.
 */

/** How often a mandate set up with the payment collects. */
export type MandateCadence =
  'BI_WEEKLY' | 'WEEKLY' | 'MONTHLY' | 'QUARTERLY' | 'SEMI_ANNUAL' | 'ANNUAL' | 'ON_DEMAND';

/** Every piece of text the element shows or announces. Functions interpolate values. */
export interface Translation {
  /** BCP 47 language of this table. */
  $code: string;
  /** Text direction of the language. */
  $dir: 'ltr' | 'rtl';
  loading: string;
  total: string;
  chooseMethod: string;
  /** The one primary button: `amount` is formatted, e.g. "Pay €24.00". */
  pay: (amount: string) => string;
  /** The empty first option of a select. */
  choose: string;
  /**
   * Under a method that cannot be used right now (its provider is failing); the method is
   * shown disabled and another one is selected.
   */
  methodUnavailable: string;
  /** One line under the chosen method: what happens when the customer pays. */
  notes: Record<MethodKind, string>;
  /**
   * The server's texts in this language, by stable key: a method's id (`ivy:bank`) for its
   * name, `field:<name>` for a field's label, `option:<field>:<value>` for an option's label.
   * A key the table lacks shows the server's (English) text.
   */
  labels?: Readonly<Record<string, string>>;
  submitting: string;
  redirecting: string;
  fieldRequired: (label: string) => string;
  fieldInvalid: (label: string) => string;
  scanToPay: string;
  /** The QR step's heading on a phone, where the code is on the screen the customer holds. */
  payInApp: string;
  qrImage: string;
  paymentCode: string;
  copy: string;
  copied: string;
  openIn: (label: string) => string;
  /** `time` is `m:ss`. */
  expiresIn: (time: string) => string;
  qrExpired: string;
  newCode: string;
  waitingForPayment: string;
  /** What a mandate set up with this payment lets the merchant collect later. */
  mandateTerms: (amount: string | undefined, cadence: string | undefined) => string;
  cadence: Record<MandateCadence, string>;
  confirming: string;
  confirmingHint: string;
  notYetPaid: string;
  notYetPaidHint: string;
  keepWaiting: string;
  payAnotherWay: string;
  paid: string;
  paidHint: string;
  failed: string;
  failedHint: string;
  cancelled: string;
  cancelledHint: string;
  expired: string;
  expiredHint: string;
  /** Label of the method on the outcome screens. */
  resultMethod: string;
  /** Label of the merchant's reference on the outcome screens. */
  resultReference: string;
  tryAnotherMethod: string;
  retry: string;
  noMethods: string;
  errorNetwork: string;
  errorNotFound: string;
  errorSessionPaid: string;
  errorSessionExpired: string;
  errorMethodUnavailable: string;
  errorInvalidInput: string;
  errorNotConfigured: string;
  errorGeneric: string;
}

import type { MethodKind } from '@pay-checkout/protocol';
import { enMethods } from './en-methods.js';
import { enStatus } from './en-status.js';

/**
 * English texts of the QR step: they travel with it, so a page without a QR method does not
 * download them.
 */
export const enQr = {
  qrImage: 'QR code for this payment',
  paymentCode: 'Payment code',
  copy: 'Copy',
  copied: 'Copied',
  openIn: (label) => `Open ${label}`,
  expiresIn: (time) => `Expires in ${time}`,
  qrExpired: 'This code has expired.',
  payInApp: 'Pay in your banking app',
} satisfies Partial<Translation>;

/**
 * The keys of the lazily loaded parts' English: {@link enQr}, `enMethods` (en-methods.ts) and
 * `enStatus` (en-status.ts).
 */
export type LazyTextKey = keyof typeof enQr | keyof typeof enMethods | keyof typeof enStatus;

/** A translation as the element holds it: each lazily loaded part fills in its own English. */
export type ElementTranslation = Omit<Translation, LazyTextKey> & Partial<Translation>;

/** English texts of the element itself, the fallback for missing strings. */
export const enCore: Omit<Translation, LazyTextKey> = {
  $code: 'en',
  $dir: 'ltr',
  loading: 'Loading payment options…',
  total: 'Total',
  submitting: 'Starting your payment…',
  redirecting: 'Taking you to your payment provider…',
  scanToPay: 'Scan the code with your banking app to pay',
  newCode: 'Get a new code',
  waitingForPayment: 'Waiting for your payment…',
  confirming: 'Confirming your payment…',
  confirmingHint: 'This usually takes a few seconds. You can keep this page open.',
  tryAnotherMethod: 'Try another method',
  retry: 'Try again',
  noMethods: 'No payment method is available for this payment.',
  errorNetwork: 'We could not reach the payment service. Check your connection and try again.',
  errorNotFound: 'This checkout could not be found. The link may be wrong or out of date.',
  errorSessionPaid: 'This checkout has already been paid. There is nothing more to do.',
  errorSessionExpired: 'This checkout has expired. Please start again from the shop.',
  errorMethodUnavailable: 'This payment method is not available right now. Please choose another.',
  errorInvalidInput: 'Some details are not valid. Please check them and try again.',
  errorNotConfigured: 'This checkout is not set up correctly.',
  errorGeneric: 'Something went wrong on our side. Please try again.',
};

/** The whole English table. */
export const en: Translation = { ...enCore, ...enQr, ...enMethods, ...enStatus };
