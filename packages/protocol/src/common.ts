/**
 * @module
 * Building blocks shared by the request and response schemas.
 */
import { z } from 'zod';
import { isCurrency } from './money.js';

/** The five providers pay-checkout talks to. */
export const PROVIDER_IDS = ['iwocapay', 'ixopay', 'koywe', 'furatpay', 'ivy'] as const;
export const ProviderIdSchema = z.enum(PROVIDER_IDS);
export type ProviderId = z.infer<typeof ProviderIdSchema>;

export const CurrencyCodeSchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code in upper case, e.g. "EUR"')
  .refine(isCurrency, 'is not an active ISO 4217 currency with a minor unit');

/** `{ value, currency }`: an integer number of minor units and an ISO 4217 code. */
export const MoneySchema = z.strictObject({
  value: z
    .number()
    .int('must be an integer number of minor units (1999 for 19.99 EUR)')
    .nonnegative()
    .max(Number.MAX_SAFE_INTEGER),
  currency: CurrencyCodeSchema,
});

/** An amount that can be paid: strictly positive. */
export const PayableMoneySchema = MoneySchema.extend({
  value: MoneySchema.shape.value.positive('must be greater than zero'),
});

export const CountryCodeSchema = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in upper case, e.g. "DE"');

/** The merchant's own reference: printable, no spaces, at most 100 characters. */
export const ReferenceSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/,
    'may contain letters, digits and . _ : / - and must start with a letter or digit',
  );

/** A BCP 47 language tag such as `en`, `es-CO` or `pt-BR`. */
export const LocaleSchema = z
  .string()
  .max(35)
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as "en" or "pt-BR"');

/** An ISO 8601 timestamp in UTC, e.g. `2026-01-01T12:00:00.000Z`. */
export const TimestampSchema = z.iso.datetime();

/** The header that makes a POST safe to repeat: 1 to 255 printable ASCII characters. */
export const IdempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');
