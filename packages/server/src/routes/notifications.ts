/**
 * @module
 * Server-to-server merchant notification routes (`Authorization: Bearer`):
 * `GET /v1/notifications?status=dead|pending|delivered&limit=&cursor=` pages through the outbox
 * (oldest first), and `POST /v1/notifications/:id/retry` re-queues a notification parked as dead
 * — due at once, with a fresh dead horizon and attempt budget; the later notifications of its
 * subject, which waited behind it, follow in order.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { NOTIFICATION_TYPES } from '@pay-checkout/protocol';
import { ApiError } from '../core/api-error.js';
import type { AppContext, AppEnv } from '../core/context.js';
import { outboxStatus, type OutboxMessage } from '../domain/records.js';
import {
  BEARER_SECURITY,
  IdParamSchema,
  bearerAuth,
  errorResponses,
  jsonResponse,
  routeApp,
} from './route-app.js';

/** The statuses a notification can be listed by. */
export const NOTIFICATION_STATUSES = ['dead', 'pending', 'delivered'] as const;

/** Most notifications on one page. */
export const MAX_NOTIFICATION_PAGE = 100;

const DEFAULT_PAGE = 50;

/** One merchant notification as operations see it (never its payload). */
export const NotificationSchema = z
  .object({
    /** The `webhook-id` of every attempt. */
    id: z.string(),
    type: z.enum(NOTIFICATION_TYPES),
    /** The order or mandate it is about. */
    subjectId: z.string(),
    status: z.enum(NOTIFICATION_STATUSES),
    /** Attempts made in all (re-queueing does not reset it). */
    attempts: z.number().int(),
    /** Failed attempts since it was queued or last re-queued. */
    failedAttempts: z.number().int(),
    /** The merchant endpoint's last HTTP status, if it answered. */
    lastStatus: z.number().int().nullable(),
    /** Why the last attempt failed (`timeout`, `network error`), if it did not get an answer. */
    lastError: z.string().nullable(),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
    /** When it was parked as dead; null unless it is dead. */
    deadAt: z.string().nullable(),
    /** When the next attempt is due (ISO 8601); null unless pending. */
    nextAttemptAt: z.string().nullable(),
  })
  .meta({ id: 'Notification' });

export const NotificationListSchema = z
  .object({
    notifications: z.array(NotificationSchema),
    /** Pass as `cursor` for the next page; null on the last one. */
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'NotificationList' });

export const NotificationListQuerySchema = z.object({
  status: z
    .enum(NOTIFICATION_STATUSES, { error: 'must be one of dead, pending, delivered' })
    .optional()
    .meta({ description: 'Only notifications with this status (default: all)' }),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, `must be a whole number from 1 to ${MAX_NOTIFICATION_PAGE}`)
    .transform(Number)
    .refine(
      (n) => n >= 1 && n <= MAX_NOTIFICATION_PAGE,
      `must be a whole number from 1 to ${MAX_NOTIFICATION_PAGE}`,
    )
    .optional()
    .meta({ description: `Page size, 1–${MAX_NOTIFICATION_PAGE} (default ${DEFAULT_PAGE})` }),
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, 'must be the nextCursor of an earlier page')
    .optional()
    .meta({ description: 'The `nextCursor` of the previous page' }),
});

/** `GET /v1/notifications`. */
export const listNotificationsRoute = createRoute({
  method: 'get',
  path: '/v1/notifications',
  tags: ['notifications'],
  summary: 'List merchant notifications, e.g. those parked as dead',
  description:
    'Oldest first. A notification is parked as `dead` after failing for ' +
    'PAY_CHECKOUT_NOTIFICATION_DEAD_AFTER_HOURS (default 72) or ' +
    'PAY_CHECKOUT_NOTIFICATION_MAX_ATTEMPTS (default 20) attempts; the later ones of its ' +
    'subject wait behind it, in order, until it is retried.',
  security: BEARER_SECURITY,
  request: { query: NotificationListQuerySchema },
  responses: {
    200: jsonResponse('A page of notifications', NotificationListSchema),
    ...errorResponses(400, 401, 503),
  },
});

/** `POST /v1/notifications/{id}/retry`. */
export const retryNotificationRoute = createRoute({
  method: 'post',
  path: '/v1/notifications/{id}/retry',
  tags: ['notifications'],
  summary: 'Re-queue a dead notification',
  description:
    'Due at once, with a fresh dead horizon and attempt budget; the same `webhook-id` as ' +
    'before. The later notifications of its subject follow it in order. 409 `conflict` when ' +
    'it is not dead (`details.status` says what it is).',
  security: BEARER_SECURITY,
  request: { params: IdParamSchema },
  responses: {
    200: jsonResponse('The notification, pending again', NotificationSchema),
    ...errorResponses(401, 404, 409, 503),
  },
});

/** The described routes of this file, for the OpenAPI document. */
export const notificationRouteDefinitions = [listNotificationsRoute, retryNotificationRoute];

/** What operations see of an outbox message. */
export function notificationView(message: OutboxMessage): z.infer<typeof NotificationSchema> {
  const status = outboxStatus(message);
  return {
    id: message.id,
    type: message.type,
    subjectId: message.subjectId,
    status,
    attempts: message.attempts,
    failedAttempts: message.failedAttempts ?? 0,
    lastStatus: message.lastStatus,
    lastError: message.lastError,
    createdAt: message.createdAt,
    deliveredAt: message.deliveredAt,
    deadAt: message.deadAt ?? null,
    nextAttemptAt: status === 'pending' ? new Date(message.nextAttemptAt).toISOString() : null,
  };
}

/**
 * Re-queues the dead notification `id` (due at once, fresh dead horizon and attempt budget) and
 * tells the deliverer; throws 404 when there is none, 409 when it is not dead. The operator
 * console re-queues through the same path.
 */
export async function requeueNotification(ctx: AppContext, id: string): Promise<OutboxMessage> {
  const result = await ctx.ledger.retryNotification(id, ctx.now());
  if (result.kind === 'not_found') throw new ApiError(404, 'not_found', 'No such notification');
  if (result.kind === 'not_dead') {
    const status = outboxStatus(result.message);
    throw new ApiError(
      409,
      'conflict',
      status === 'delivered'
        ? 'The notification was delivered; only a dead one can be retried'
        : 'The notification is still being tried; only a dead one can be retried',
      { details: { reason: 'not_dead', status } },
    );
  }
  ctx.notifier?.kick();
  return result.message;
}

/** The notification routes. */
export function notificationRoutes(ctx: AppContext): OpenAPIHono<AppEnv> {
  const app = routeApp();
  const bearer = bearerAuth(ctx.config.secretKey);

  app.openapi({ ...listNotificationsRoute, middleware: [bearer] as const }, async (c) => {
    const { status, limit = DEFAULT_PAGE, cursor } = c.req.valid('query');
    // One more than asked tells whether another page follows.
    const rows = await ctx.ledger.listNotifications({
      ...(status ? { status } : {}),
      ...(cursor !== undefined ? { afterSeq: Number(cursor) } : {}),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return c.json(
      {
        notifications: page.map(notificationView),
        nextCursor: rows.length > limit && last ? String(last.seq) : null,
      },
      200,
    );
  });

  app.openapi({ ...retryNotificationRoute, middleware: [bearer] as const }, async (c) => {
    const { id } = c.req.valid('param');
    const message = await requeueNotification(ctx, id);
    c.get('logger').info(
      { webhookId: id, subjectId: message.subjectId },
      'dead notification re-queued',
    );
    return c.json(notificationView(message), 200);
  });

  return app;
}
