/**
 * @module
 * English texts of the methods step, in a module of their own: they travel with that step and
 * with nothing else.
 */
import type { Translation } from './en.js';

/** The English texts of the methods step. */
export const enMethods = {
  chooseMethod: 'Choose a payment method',
  pay: (amount) => `Pay ${amount}`,
  notes: {
    bank: 'You will be sent to your bank to approve the payment.',
    card: 'You will enter your card details on a secure payment page.',
    wallet: 'You will be sent to your wallet to approve the payment.',
    bnpl: 'You will be sent to the provider to choose when to pay.',
    qr: 'You will get a code to pay with your banking app.',
  },
  choose: 'Choose…',
  methodUnavailable: 'Not available right now. Please choose another method.',
  fieldRequired: (label) => `${label} is required.`,
  fieldInvalid: (label) => `${label} is not valid.`,
  mandateTerms: (amount, cadence) =>
    `You also authorise future payments${amount ? ` of up to ${amount}` : ''}${
      cadence ? `, ${cadence}` : ''
    }.`,
  cadence: {
    BI_WEEKLY: 'every two weeks',
    WEEKLY: 'every week',
    MONTHLY: 'every month',
    QUARTERLY: 'every quarter',
    SEMI_ANNUAL: 'every six months',
    ANNUAL: 'every year',
    ON_DEMAND: 'when due',
  },
} satisfies Partial<Translation>;
