/**
 * @module
 * What the server POSTs to `MERCHANT_WEBHOOK_URL` when an order or a mandate changes (signed
 * the Standard Webhooks way), and what library users' `onOrderUpdated` / `onMandateUpdated`
 * callbacks receive. The order here is also the answer of `POST /v1/charges`.
 */
import { z } from 'zod';
import { MoneySchema, ProviderIdSchema, TimestampSchema } from './common.js';
import { MandateSchema } from './mandate.js';
import { MethodIdSchema } from './order.js';
import { OrderStatusSchema } from './status-schema.js';

/** An order as the merchant sees it: with the merchant's reference (and mandate, for charges). */
export const MerchantOrderSchema = z
  .object({
    id: z.string(),
    sessionId: z.string(),
    /** The merchant's reference of the session or charge. */
    reference: z.string(),
    status: OrderStatusSchema,
    provider: ProviderIdSchema,
    method: MethodIdSchema,
    amount: MoneySchema,
    /** Set on merchant-initiated charges: the mandate charged. */
    mandateId: z.string().optional(),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: 'MerchantOrder' });
export type MerchantOrder = z.infer<typeof MerchantOrderSchema>;

/** The notification types, one per subject. */
export const NOTIFICATION_TYPES = ['order.updated', 'mandate.updated'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** An order's status changed. */
export const OrderUpdatedNotificationSchema = z
  .object({
    type: z.literal('order.updated'),
    /** When the change was committed. */
    timestamp: TimestampSchema,
    data: z.object({ order: MerchantOrderSchema }),
  })
  .meta({ id: 'OrderUpdatedNotification' });
export type OrderUpdatedNotification = z.infer<typeof OrderUpdatedNotificationSchema>;

/** A mandate was set up, activated, failed or revoked. */
export const MandateUpdatedNotificationSchema = z
  .object({
    type: z.literal('mandate.updated'),
    /** When the change was committed. */
    timestamp: TimestampSchema,
    data: z.object({ mandate: MandateSchema }),
  })
  .meta({ id: 'MandateUpdatedNotification' });
export type MandateUpdatedNotification = z.infer<typeof MandateUpdatedNotificationSchema>;

/** The body of a merchant notification. */
export const MerchantNotificationSchema = z
  .discriminatedUnion('type', [OrderUpdatedNotificationSchema, MandateUpdatedNotificationSchema])
  .meta({ id: 'MerchantNotification' });
export type MerchantNotification = z.infer<typeof MerchantNotificationSchema>;
