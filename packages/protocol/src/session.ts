/**
 * @module
 * Checkout sessions: what the merchant's backend creates and reads (`/v1/sessions`).
 */
import { z } from 'zod';
import {
  CountryCodeSchema,
  LocaleSchema,
  PayableMoneySchema,
  ProviderIdSchema,
  ReferenceSchema,
  TimestampSchema,
} from './common.js';
import { OrderViewSchema } from './order.js';
import { OrderStatusSchema } from './status-schema.js';

export const CustomerSchema = z.strictObject({
  email: z.email().max(254).optional(),
  name: z.string().min(1).max(200).optional(),
  phone: z
    .string()
    .regex(/^\+?[0-9 ()-]{5,32}$/, 'must be a phone number such as "+49 30 1234567"')
    .optional(),
  document: z
    .strictObject({
      type: z.string().min(1).max(16),
      number: z.string().min(1).max(32),
    })
    .optional(),
});
export type Customer = z.infer<typeof CustomerSchema>;

export const MANDATE_CADENCES = [
  'BI_WEEKLY',
  'WEEKLY',
  'MONTHLY',
  'QUARTERLY',
  'SEMI_ANNUAL',
  'ANNUAL',
  'ON_DEMAND',
] as const;

/** Ivy mandate set-up, requested at session creation. */
export const MandateSetupSchema = z.strictObject({
  setup: z.literal(true),
  referenceId: ReferenceSchema,
  userNotificationEmail: z.email().max(254),
  accountHolderName: z.string().min(1).max(200),
  cadence: z.enum(MANDATE_CADENCES).optional(),
  /** What each later charge is expected to be, shown to the customer with the cadence. */
  amount: PayableMoneySchema.optional(),
});
export type MandateSetup = z.infer<typeof MandateSetupSchema>;

/** `POST /v1/sessions` body. */
export const CreateSessionRequestSchema = z.strictObject({
  amount: PayableMoneySchema,
  reference: ReferenceSchema,
  country: CountryCodeSchema,
  returnUrl: z.url({ protocol: /^https?$/ }).max(2048),
  description: z.string().min(1).max(500).optional(),
  locale: LocaleSchema.optional(),
  customer: CustomerSchema.optional(),
  providers: z.array(ProviderIdSchema).min(1).optional(),
  mandate: MandateSetupSchema.optional(),
  metadata: z
    .record(z.string().min(1).max(40), z.string().max(500))
    .refine((m) => Object.keys(m).length <= 20, 'may hold at most 20 keys')
    .optional(),
});
export type CreateSessionRequest = z.infer<typeof CreateSessionRequestSchema>;

/** A session as the merchant's backend sees it. */
export const SessionSchema = z.object({
  id: z.string(),
  status: OrderStatusSchema,
  amount: PayableMoneySchema,
  reference: z.string(),
  country: z.string(),
  returnUrl: z.string(),
  description: z.string().optional(),
  locale: z.string().optional(),
  providers: z.array(ProviderIdSchema).optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  createdAt: TimestampSchema,
  expiresAt: TimestampSchema,
});
export type Session = z.infer<typeof SessionSchema>;

/** `GET /v1/sessions/:id`: the session with every order (payment attempt) it holds. */
export const SessionWithOrdersSchema = SessionSchema.extend({
  orders: z.array(OrderViewSchema),
});
export type SessionWithOrders = z.infer<typeof SessionWithOrdersSchema>;
