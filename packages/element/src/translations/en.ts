/**
 * @module
 * English strings of `<pay-checkout>`, and the {@link Translation} shape every locale follows.
 *
 * English is the fallback: a locale that lacks a string is never shown an empty label.
 */

/** Every piece of text the element shows or announces. Functions interpolate values. */
export interface Translation {
  /** BCP 47 language of this table. */
  $code: string;
  /** Text direction of the language. */
  $dir: 'ltr' | 'rtl';
  loading: string;
  total: string;
  chooseMethod: string;
  continue: string;
  back: string;
  redirecting: string;
  fieldRequired: (label: string) => string;
  fieldInvalid: (label: string) => string;
  scanToPay: string;
  qrImage: string;
  paymentCode: string;
  openIn: (label: string) => string;
  waitingForPayment: string;
  confirming: string;
  confirmingHint: string;
  paid: string;
  paidHint: string;
  failed: string;
  failedHint: string;
  cancelled: string;
  cancelledHint: string;
  expired: string;
  expiredHint: string;
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

/** The English table, also the fallback for missing strings. */
export const en: Translation = {
  $code: 'en',
  $dir: 'ltr',
  loading: 'Loading payment options…',
  total: 'Total',
  chooseMethod: 'Choose a payment method',
  continue: 'Continue',
  back: 'Back',
  redirecting: 'Taking you to your payment provider…',
  fieldRequired: (label) => `${label} is required.`,
  fieldInvalid: (label) => `${label} is not valid.`,
  scanToPay: 'Scan the code with your banking app to pay',
  qrImage: 'QR code for this payment',
  paymentCode: 'Payment code',
  openIn: (label) => `Open ${label}`,
  waitingForPayment: 'Waiting for your payment…',
  confirming: 'Confirming your payment…',
  confirmingHint: 'This usually takes a few seconds. You can keep this page open.',
  paid: 'Payment received',
  paidHint: 'Thank you. Your payment has been confirmed.',
  failed: 'Payment failed',
  failedHint: 'Your payment did not go through. No money was taken.',
  cancelled: 'Payment cancelled',
  cancelledHint: 'The payment was cancelled before it was completed.',
  expired: 'Payment expired',
  expiredHint: 'This payment was not completed in time.',
  tryAnotherMethod: 'Try another method',
  retry: 'Try again',
  noMethods: 'No payment method is available for this payment.',
  errorNetwork: 'We could not reach the payment service. Check your connection and try again.',
  errorNotFound: 'This checkout could not be found. The link may be wrong or out of date.',
  errorSessionPaid: 'This checkout has already been paid.',
  errorSessionExpired: 'This checkout has expired. Please start again from the shop.',
  errorMethodUnavailable: 'This payment method is not available right now. Please choose another.',
  errorInvalidInput: 'Some details are not valid. Please check them and try again.',
  errorNotConfigured: 'This checkout is not set up correctly.',
  errorGeneric: 'Something went wrong on our side. Please try again.',
};
