/**
 * @module
 * Mandates (a customer's standing permission to be charged later, set up through Ivy) as the
 * merchant's backend reads them: `GET /v1/mandates/:id`, `GET /v1/mandates?reference=` and the
 * `mandate.updated` notification.
 */
import { z } from 'zod';
import { ProviderIdSchema, ReferenceSchema, TimestampSchema } from './common.js';

/**
 * A mandate's life: `pending` while the customer's bank sets it up, `active` once it can be
 * charged, `failed` when set-up failed (a later set-up with the same reference may still
 * succeed), `revoked` for good (by the customer, the bank or a dispute).
 */
export const MANDATE_STATUSES = ['pending', 'active', 'failed', 'revoked'] as const;
export const MandateStatusSchema = z.enum(MANDATE_STATUSES);
export type MandateStatus = z.infer<typeof MandateStatusSchema>;

/** A mandate as the merchant sees it. Never holds a full account number. */
export const MandateSchema = z
  .object({
    /** Our id (`mdt_…`): what `POST /v1/charges` takes. */
    id: z.string(),
    provider: ProviderIdSchema,
    /** The merchant's mandate reference (Ivy's mandate `referenceId`). */
    reference: z.string(),
    status: MandateStatusSchema,
    /** The provider's mandate id, once known. */
    providerMandateId: z.string().nullable(),
    /** The checkout session that set it up. */
    sessionId: z.string(),
    /** The cadence the customer agreed to, from the checkout session (e.g. `MONTHLY`). */
    cadence: z.string().optional(),
    /** The debtor's account for display: the IBAN masked to its first and last four characters. */
    debtor: z
      .object({
        accountHolderName: z.string().optional(),
        iban: z.string().optional(),
        bic: z.string().optional(),
      })
      .optional(),
    /** The creditor (the merchant as the bank knows it). */
    creditor: z
      .object({
        id: z.string().optional(),
        name: z.string().optional(),
        address: z.unknown().optional(),
      })
      .optional(),
    /** The mandate reference printed on bank statements. */
    bankReference: z.string().optional(),
    /** When the customer signed it, as the provider reported it. */
    signedAt: z.string().optional(),
    /** Why set-up failed. */
    failure: z.object({ code: z.string().optional(), message: z.string().optional() }).optional(),
    /** Why it was revoked: a dispute on one of its charges, or the provider said so. */
    revocationReason: z.enum(['dispute', 'provider']).optional(),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
    activatedAt: TimestampSchema.nullable(),
    revokedAt: TimestampSchema.nullable(),
  })
  .meta({ id: 'Mandate' });
export type Mandate = z.infer<typeof MandateSchema>;

/** The query of `GET /v1/mandates`: the merchant's mandate reference. */
export const MandateListQuerySchema = z.object({ reference: ReferenceSchema });
export type MandateListQuery = z.infer<typeof MandateListQuerySchema>;

/** `GET /v1/mandates?reference=`: the mandate with that reference, or none. */
export const MandateListSchema = z
  .object({ mandates: z.array(MandateSchema).max(1) })
  .meta({ id: 'MandateList' });
export type MandateList = z.infer<typeof MandateListSchema>;
