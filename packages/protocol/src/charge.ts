/**
 * @module
 * Merchant-initiated charges of a stored mandate (`POST /v1/charges`, server to server).
 */
import { z } from 'zod';
import { PayableMoneySchema, ReferenceSchema } from './common.js';
import { MerchantOrderSchema } from './notification.js';

/** `POST /v1/charges` body. The currency must be the one the mandate was set up in. */
export const ChargeRequestSchema = z
  .strictObject({
    /** Our mandate id (`mdt_…`), from `GET /v1/mandates` or a `mandate.updated` notification. */
    mandateId: z.string().min(1).max(100),
    amount: PayableMoneySchema,
    /** The merchant's reference of this charge, unique among its charges and sessions. */
    reference: ReferenceSchema,
  })
  .meta({ id: 'ChargeRequest' });
export type ChargeRequest = z.infer<typeof ChargeRequestSchema>;

/** `201` answer of `POST /v1/charges`: the order, which then follows the provider's webhooks. */
export const ChargeResponseSchema = MerchantOrderSchema;
export type ChargeResponse = z.infer<typeof ChargeResponseSchema>;
