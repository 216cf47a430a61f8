/**
 * @module
 * Orders (payment attempts) and the action that tells the browser what to do next.
 */
import { z } from 'zod';
import { MoneySchema, ProviderIdSchema, TimestampSchema } from './common.js';
import { OrderStatusSchema } from './status-schema.js';

/** A method id: `<provider>:<code>`, e.g. `ivy:bank`, `koywe:PSE`, `furatpay:fib`. */
export const MethodIdSchema = z
  .string()
  .max(64)
  .regex(/^[a-z]+:[A-Za-z0-9_-]+$/, 'must be a method id such as "ivy:bank"');

/** `POST /v1/sessions/:id/orders` body. The amount is never part of it: the session decides. */
export const CreateOrderRequestSchema = z.strictObject({
  method: MethodIdSchema,
  fields: z.record(z.string().max(64), z.string().max(256)).optional(),
});
export type CreateOrderRequest = z.infer<typeof CreateOrderRequestSchema>;

export const RedirectActionSchema = z.object({
  type: z.literal('redirect'),
  url: z.url({ protocol: /^https?$/ }),
});

export const QrActionSchema = z.object({
  type: z.literal('qr'),
  /** A `data:image/…` URL of the QR code as the provider drew it. */
  image: z.string().startsWith('data:image/').optional(),
  /** The payload to encode when the provider gives no image. */
  text: z.string().optional(),
  /** A human-readable code the customer can type into their banking app. */
  code: z.string().optional(),
  deepLinks: z.array(z.object({ label: z.string(), url: z.string() })).optional(),
  expiresAt: TimestampSchema.optional(),
});

export const ActionSchema = z.discriminatedUnion('type', [RedirectActionSchema, QrActionSchema]);
export type Action = z.infer<typeof ActionSchema>;
export type RedirectAction = z.infer<typeof RedirectActionSchema>;
export type QrAction = z.infer<typeof QrActionSchema>;

export const OrderSummarySchema = z.object({
  id: z.string(),
  status: OrderStatusSchema,
  provider: ProviderIdSchema,
  method: MethodIdSchema,
});
export type OrderSummary = z.infer<typeof OrderSummarySchema>;

/** `201` answer of `POST /v1/sessions/:id/orders`. */
export const CreateOrderResponseSchema = z.object({
  order: OrderSummarySchema,
  action: ActionSchema,
});
export type CreateOrderResponse = z.infer<typeof CreateOrderResponseSchema>;

/** `GET /v1/orders/:id`. */
export const OrderViewSchema = OrderSummarySchema.extend({
  sessionId: z.string(),
  amount: MoneySchema,
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type OrderView = z.infer<typeof OrderViewSchema>;
