/**
 * @module
 * Payment methods offered to the browser (`GET /v1/sessions/:id/methods`).
 */
import { z } from 'zod';
import { MoneySchema, ProviderIdSchema, TimestampSchema } from './common.js';
import { MethodIdSchema } from './order.js';
import { MANDATE_CADENCES } from './session.js';
import { OrderStatusSchema } from './status-schema.js';

/** An input a method needs from the customer before it can start (a bank, a document number). */
export const MethodFieldSchema = z.object({
  name: z.string(),
  label: z.string(),
  type: z.enum(['text', 'email', 'tel', 'select', 'number']),
  required: z.boolean(),
  options: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
  /** A regular expression (without slashes) the value must match in full. */
  pattern: z.string().optional(),
  /** Hint for the virtual keyboard (`numeric`, `email`, `tel`). */
  inputMode: z.string().optional(),
});
export type MethodField = z.infer<typeof MethodFieldSchema>;

export const MethodSchema = z.object({
  id: MethodIdSchema,
  provider: ProviderIdSchema,
  name: z.string(),
  flow: z.enum(['redirect', 'qr']),
  logo: z.string().optional(),
  fields: z.array(MethodFieldSchema).optional(),
});
export type Method = z.infer<typeof MethodSchema>;

/** What the browser may know about its session: no return URL, no metadata, no customer. */
export const PublicSessionSchema = z.object({
  id: z.string(),
  amount: MoneySchema,
  reference: z.string(),
  status: OrderStatusSchema,
  /** The latest order (payment attempt) of the session, once there is one. */
  orderId: z.string().nullable().optional(),
  expiresAt: TimestampSchema,
  description: z.string().optional(),
  locale: z.string().optional(),
  /** ISO 3166-1 alpha-2 country of the order: with the page's language, how amounts are written. */
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  /** Present when the checkout also sets up a mandate: what the customer agrees to. */
  mandate: z
    .object({ cadence: z.enum(MANDATE_CADENCES).optional(), amount: MoneySchema.optional() })
    .optional(),
});
export type PublicSession = z.infer<typeof PublicSessionSchema>;

export const MethodsResponseSchema = z.object({
  session: PublicSessionSchema,
  methods: z.array(MethodSchema),
});
export type MethodsResponse = z.infer<typeof MethodsResponseSchema>;
