/**
 * @module
 * Validation of the requests the emulated FuratPay API accepts. Unknown fields are tolerated
 * (the real invoice has many the emulator ignores); the fields it uses are checked strictly,
 * money exactly in the invoice currency's ISO 4217 decimals.
 */
import { z } from 'zod';
import { AmountError, amountFromNumber } from '../../core/money.js';
import { httpUrlSchema } from '../../core/requests.js';
import { FURATPAY_CURRENCIES } from './types.js';

const DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

const AmountSchema = z.number('must be a number in major units');

/** `POST /invoice`. */
export const CreateInvoiceBodySchema = z
  .looseObject({
    code: z.string().trim().min(1).max(100),
    number: z.number().int('must be an integer').positive(),
    order_number: z.string().trim().min(1).max(100),
    currency_id: z.number().int(),
    base_currency_id: z.number().int().optional(),
    rate: z.number().positive().optional(),
    at: z.string().regex(DATE_TIME, 'must be "YYYY-MM-DD HH:MM:SS"').optional(),
    due_at: z.string().regex(DATE_TIME, 'must be "YYYY-MM-DD HH:MM:SS"').optional(),
    subject: z.string().max(500).optional(),
    subtotal: AmountSchema.optional(),
    total: AmountSchema,
    discount: z.number().min(0).optional(),
    status: z.literal('pending').optional(),
    items: z.array(z.looseObject({})).optional(),
    meta_data: z.record(z.string(), z.unknown()).optional(),
    customer_id: z.string().trim().min(1, 'is required (a customer UUID or a merchant code)'),
    customer: z.looseObject({}).optional(),
  })
  .superRefine((body, ctx) => {
    const currency = FURATPAY_CURRENCIES[body.currency_id];
    if (!currency) {
      ctx.addIssue({
        code: 'custom',
        path: ['currency_id'],
        message: 'must be a currency id of this organization (1 = USD, 3 = IQD)',
      });
      return;
    }
    if (!(body.total > 0)) {
      ctx.addIssue({ code: 'custom', path: ['total'], message: 'must be greater than 0' });
      return;
    }
    try {
      amountFromNumber(body.total, currency);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        path: ['total'],
        message: error instanceof AmountError ? error.message : 'is not an exact amount',
      });
    }
  });
export type CreateInvoiceBody = z.infer<typeof CreateInvoiceBodySchema>;

/** `POST /public/invoice/pay`. */
export const PayInvoiceBodySchema = z.looseObject({
  payment_service_id: z.number().int().positive(),
  invoice_id: z.string().min(1).max(100),
  /** Where the hosted page sends the customer afterwards (an assumption of ours). */
  redirect_url: httpUrlSchema('must be an absolute http(s) URL').optional(),
});
export type PayInvoiceBody = z.infer<typeof PayInvoiceBodySchema>;
