/**
 * @module
 * Validation of the create-order request the emulated iwocaPay accepts: the body wrapped in
 * `data`, amount a positive number of pounds with at most two decimals.
 */
import { z } from 'zod';
import { AmountError, amountFromNumber } from '../../core/money.js';
import { httpUrlSchema } from '../../core/requests.js';
import { IWOCAPAY_PAYMENT_TERMS } from './types.js';

const HttpUrlSchema = httpUrlSchema('Enter a valid URL.');

const AmountSchema = z.number('A valid number is required.').superRefine((amount, ctx) => {
  if (!(amount > 0)) {
    ctx.addIssue({ code: 'custom', message: 'Ensure this value is greater than 0.' });
    return;
  }
  try {
    amountFromNumber(amount, 'GBP');
  } catch (error) {
    const detail = error instanceof AmountError ? ` (${error.message})` : '';
    ctx.addIssue({
      code: 'custom',
      message: `Ensure that there are no more than 2 decimal places${detail}.`,
    });
  }
});

/** The fields inside `data` of "create order". */
export const CreateOrderDataSchema = z.looseObject({
  amount: AmountSchema,
  reference: z.string().min(1, 'This field may not be blank.').max(255),
  // Optional: left out or `null` (the example client's `Optional[List[str]] = None`) means no
  // restriction, i.e. both terms.
  allowed_payment_terms: z
    .array(z.enum(IWOCAPAY_PAYMENT_TERMS, 'Must be PAY_NOW or PAY_LATER.'), {
      error: 'Expected a list of payment terms, e.g. ["PAY_LATER"].',
    })
    .min(1, 'Choose at least one payment term.')
    .refine((terms) => new Set(terms).size === terms.length, 'Payment terms must be unique.')
    .nullish(),
  webhook_url: HttpUrlSchema.optional(),
  redirect_url: HttpUrlSchema.optional(),
  source: z.string().max(100).optional(),
  meta_data: z.record(z.string(), z.unknown()).optional(),
});
export type CreateOrderData = z.infer<typeof CreateOrderDataSchema>;

/** The whole body of "create order". */
export const CreateOrderBodySchema = z.strictObject({ data: CreateOrderDataSchema });
