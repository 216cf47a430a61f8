/**
 * @module
 * English texts of the outcome screens and of "not received yet", in a module of their own: they
 * travel with the live status, which every outcome follows, and with nothing else.
 */
import type { Translation } from './en.js';

/** The English outcome texts. */
export const enStatus = {
  paid: 'Payment received',
  paidHint: 'Thank you. Your payment has been confirmed.',
  failed: 'Payment failed',
  failedHint: 'Your payment did not go through. No money was taken.',
  cancelled: 'Payment cancelled',
  cancelledHint: 'The payment was cancelled before it was completed.',
  expired: 'Payment expired',
  expiredHint: 'This payment was not completed in time.',
  notYetPaid: 'We have not received your payment yet',
  notYetPaidHint:
    'If you completed the payment, it can take a few minutes to reach us. If not, you can pay another way.',
  keepWaiting: 'I have paid — keep waiting',
  payAnotherWay: 'Pay another way',
  resultMethod: 'Method',
  resultReference: 'Reference',
} satisfies Partial<Translation>;
