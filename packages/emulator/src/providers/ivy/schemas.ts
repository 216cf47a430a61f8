/**
 * @module
 * Validation of the requests the emulated Ivy API accepts.
 *
 * Unknown fields are tolerated (Ivy's API has many optional ones the emulator ignores); the fields
 * it does use are checked strictly, money exactly.
 */
import { z } from 'zod';
import { AmountError, amountFromNumber } from '../../core/money.js';
import { httpUrlSchema } from '../../core/requests.js';
import { IVY_CURRENCIES } from './types.js';

const HttpUrlSchema = httpUrlSchema('must be an absolute http(s) URL');

/** The message of a missing field ("is required") or one of another type ("must be …"). */
const required =
  (kind: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? 'is required' : `must be ${kind}`;

const PriceSchema = z
  .looseObject({
    total: z.number('must be a number in major units, e.g. 19.99'),
    currency: z.enum(IVY_CURRENCIES, `must be one of ${IVY_CURRENCIES.join(', ')}`),
  })
  .superRefine((price, ctx) => {
    if (!(price.total > 0)) {
      ctx.addIssue({ code: 'custom', path: ['total'], message: 'must be greater than 0' });
      return;
    }
    try {
      amountFromNumber(price.total, price.currency);
    } catch (error) {
      const detail = error instanceof AmountError ? error.message : 'is not an exact amount';
      ctx.addIssue({
        code: 'custom',
        path: ['total'],
        message: `must have at most 2 decimals (${detail})`,
      });
    }
  });

const CADENCES = [
  'BI_WEEKLY',
  'WEEKLY',
  'MONTHLY',
  'QUARTERLY',
  'SEMI_ANNUAL',
  'ANNUAL',
  'ON_DEMAND',
] as const;

const MandateSchema = z
  .looseObject({
    setup: z.boolean(),
    referenceId: z.string().min(1).max(200).optional(),
    userNotificationEmail: z.string().max(320).optional(),
    accountHolderName: z.string().max(200).optional(),
    additionalDisplayInformation: z
      .looseObject({
        cadence: z.enum(CADENCES).optional(),
        price: z
          .looseObject({
            amount: z.number().positive(),
            currency: z.enum(IVY_CURRENCIES),
          })
          .optional(),
      })
      .optional(),
  })
  .refine((mandate) => !mandate.setup || mandate.referenceId !== undefined, {
    message: 'referenceId is required when setup is true',
    path: ['referenceId'],
  })
  // Ivy on File: "you need to pass a userNotificationEmail" with every mandate set-up.
  .refine((mandate) => !mandate.setup || mandate.userNotificationEmail !== undefined, {
    message: 'userNotificationEmail is required when setup is true',
    path: ['userNotificationEmail'],
  });

/** Body of `checkout/session/create`. */
export const CreateSessionBodySchema = z.looseObject({
  price: PriceSchema,
  referenceId: z.string().min(1).max(200),
  successCallbackUrl: HttpUrlSchema,
  errorCallbackUrl: HttpUrlSchema,
  displayId: z.string().min(1).max(200).optional(),
  locale: z.string().min(2).max(35).optional(),
  expiresAt: z.number().int('must be whole epoch seconds').positive().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  mandate: MandateSchema.optional(),
});
export type CreateSessionBody = z.infer<typeof CreateSessionBodySchema>;

/** Body of the calls that address a session by id. */
export const SessionIdBodySchema = z.looseObject({ id: z.string().min(1).max(200) });

/** Body of `order/details`: `id`, Ivy's order id or the checkout's `referenceId` (Ivy's OrderRetrieveParams). */
export const OrderLookupBodySchema = z.looseObject({
  /** Ivy's order id, or the `referenceId` given when the checkout session was created. */
  id: z.string().min(1).max(200),
});

/** Body of `charge/create`: `idempotencyKey` is mandatory, in the body. */
export const CreateChargeBodySchema = z.looseObject({
  mandateId: z.string().min(1).max(200),
  price: PriceSchema,
  referenceId: z.string().min(1).max(200),
  idempotencyKey: z
    .string('is required')
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  subaccountId: z.string().min(1).max(200).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type CreateChargeBody = z.infer<typeof CreateChargeBodySchema>;

/** Body of `mandate/retrieve` and `mandate/revoke`. */
export const MandateIdBodySchema = z.looseObject({ id: z.string().min(1).max(200) });

/** Body of `mandate/lookup`. */
export const MandateLookupBodySchema = z.looseObject({
  referenceId: z.string().min(1).max(200),
});

/**
 * Body of `subaccount/create`: `legalName`, `mcc` (Merchant Category Code) and `websiteUrl`
 * ("if the merchant type is not offline", so optional here).
 */
export const CreateSubaccountBodySchema = z.looseObject({
  legalName: z
    .string({ error: required('a string') })
    .trim()
    .min(1, 'must not be empty')
    .max(200),
  mcc: z
    .string({ error: required('a string of four digits, e.g. "4188"') })
    .regex(/^\d{4}$/, 'must be a four-digit Merchant Category Code, e.g. "4188"'),
  websiteUrl: HttpUrlSchema.optional(),
});
export type CreateSubaccountBody = z.infer<typeof CreateSubaccountBodySchema>;
