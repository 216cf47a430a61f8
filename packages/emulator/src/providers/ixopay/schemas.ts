/**
 * @module
 * The debit request body the emulated Transaction API accepts (main fields of
 * docs/providers/ixopay.md); unknown fields are kept and ignored.
 */
import { z } from 'zod';

const optionalUrl = z
  .string()
  .max(2048)
  .refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), 'must be an http(s) URL')
  .optional();

export const DebitBodySchema = z.looseObject({
  merchantTransactionId: z
    .string()
    .min(1, 'merchantTransactionId is required')
    .max(50, 'merchantTransactionId must be at most 50 characters'),
  amount: z
    .string()
    .regex(/^\d{1,15}(\.\d{1,3})?$/, 'amount must be a decimal string with at most 3 decimals'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code'),
  description: z.string().max(255).optional(),
  successUrl: optionalUrl,
  cancelUrl: optionalUrl,
  errorUrl: optionalUrl,
  callbackUrl: optionalUrl,
  transactionToken: z.string().max(255).optional(),
  extraData: z.record(z.string().max(64), z.string().max(255)).optional(),
  merchantMetaData: z.string().max(255).optional(),
  customer: z.looseObject({}).optional(),
  referenceUuid: z.string().max(64).optional(),
});
export type DebitBody = z.infer<typeof DebitBodySchema>;
