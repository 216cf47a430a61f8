/**
 * @module
 * The operator console's wire contract: every answer of `/console/api/*` and the data of the
 * stream's `order` events, as zod schemas with their inferred types. The server types its
 * console answers with these types and its tests parse every answer kind with these schemas;
 * the console (packages/console) parses every answer with them before a view renders it.
 *
 * Objects are `z.object`: a field the schema does not name is dropped when parsing, so a server
 * test that expects `Schema.parse(body)` to equal `body` also catches a field added on one side
 * only. Amounts are the protocol's `{ value, currency }` in minor units.
 */
import { z } from 'zod';
import { CountryCodeSchema, MoneySchema, ProviderIdSchema, TimestampSchema } from './common.js';
import { ErrorBodySchema } from './error.js';
import { NOTIFICATION_TYPES } from './notification.js';
import { MethodIdSchema } from './order.js';
import { OrderStatusSchema } from './status-schema.js';

const count = z.number().int().nonnegative();
const milliseconds = z.number().nonnegative();
const httpStatus = z.number().int().min(100).max(599);

/** `GET /console/api/session`: who is signed in, and until when. */
export const ConsoleSessionInfoSchema = z.object({
  operator: z.string().min(1),
  expiresAt: TimestampSchema,
});
export type ConsoleSessionInfo = z.infer<typeof ConsoleSessionInfoSchema>;

/** What can be wrong with an order beyond its status. */
export const CONSOLE_ANOMALIES = ['needs_review', 'late_success', 'stuck'] as const;
export const ConsoleAnomalySchema = z.enum(CONSOLE_ANOMALIES);
export type ConsoleAnomaly = z.infer<typeof ConsoleAnomalySchema>;

/** One order of the list, and the data of an SSE `order` event. */
export const ConsoleOrderRowSchema = z.object({
  id: z.string().min(1),
  sessionId: z.string().min(1),
  /** The merchant's reference of the session. */
  reference: z.string(),
  provider: ProviderIdSchema,
  method: MethodIdSchema,
  status: OrderStatusSchema,
  amount: MoneySchema,
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  anomalies: z.array(ConsoleAnomalySchema),
});
export type ConsoleOrderRow = z.infer<typeof ConsoleOrderRowSchema>;

/** The data of an `event: order` of `GET /console/api/stream`: the order's list row. */
export const ConsoleOrderEventSchema = ConsoleOrderRowSchema;
export type ConsoleOrderEvent = ConsoleOrderRow;

/** `GET /console/api/orders`: newest first, the next page's cursor, counts per status. */
export const ConsoleOrdersPageSchema = z.object({
  items: z.array(ConsoleOrderRowSchema),
  nextCursor: z.string().min(1).nullable(),
  /** Orders per status under every filter but `status`; statuses with none are absent. */
  counts: z.partialRecord(OrderStatusSchema, count),
});
export type ConsoleOrdersPage = z.infer<typeof ConsoleOrdersPageSchema>;

/** The order of an order's page: its row and what only the page shows. */
export const ConsoleOrderSchema = ConsoleOrderRowSchema.extend({
  providerOrderId: z.string().nullable(),
  attempt: z.number().int().positive(),
  /** The session's description, masked. */
  description: z.string().optional(),
});
export type ConsoleOrder = z.infer<typeof ConsoleOrderSchema>;

/** The session of an order's page; `status` reads `expired` once an open session expired. */
export const ConsoleOrderSessionSchema = z.object({
  id: z.string().min(1),
  reference: z.string(),
  status: OrderStatusSchema,
  amount: MoneySchema,
  country: CountryCodeSchema,
  expiresAt: TimestampSchema,
  createdAt: TimestampSchema,
});
export type ConsoleOrderSession = z.infer<typeof ConsoleOrderSessionSchema>;

/** The story's entry kinds, in the order entries of one moment are told (cause first). */
export const CONSOLE_STORY_KINDS = [
  'created',
  'provider_call',
  'webhook',
  'poll',
  'transition',
  'stream_event',
  'notification',
  'operator_action',
] as const;
export type ConsoleStoryKind = (typeof CONSOLE_STORY_KINDS)[number];

/** Who asked a provider for an order's status. */
export const CONSOLE_POLL_SOURCES = ['reconciler', 'refresh', 'operator'] as const;

/** What a status change was caused by (`poll:<who>` when the poll is known). */
export const CONSOLE_TRANSITION_SOURCES = [
  'create',
  'webhook',
  'return',
  'poll',
  'poll:reconciler',
  'poll:refresh',
  'poll:operator',
] as const;

/** What came of asking a provider: applying its answer, or the reconciler's lookup. */
export const CONSOLE_POLL_OUTCOMES = [
  'applied',
  'unchanged',
  'duplicate',
  'needs_review',
  'not_found',
  'unknown_at_provider',
  'found',
  'error',
] as const;

/** Why a webhook was refused. */
export const CONSOLE_WEBHOOK_REFUSALS = [
  'invalid_signature',
  'invalid_body',
  'unknown_order',
] as const;

/** The delivery states of a merchant notification. */
export const CONSOLE_NOTIFICATION_STATUSES = ['pending', 'delivered', 'dead'] as const;
export const ConsoleNotificationStatusSchema = z.enum(CONSOLE_NOTIFICATION_STATUSES);

/** The operator's actions recorded in a story. */
export const CONSOLE_OPERATOR_ACTIONS = [
  'recheck',
  'requeue_notification',
  'copy_summary',
] as const;

/** `created`: the order itself. */
export const ConsoleCreatedDetailSchema = z.object({
  attempt: z.number().int().positive(),
  provider: ProviderIdSchema,
  method: MethodIdSchema,
  amount: MoneySchema,
});

/** `provider_call`: one call to the provider about the order. */
export const ConsoleProviderCallDetailSchema = z.object({
  /** The adapter's operation: `createOrder`, `fetchStatus`, `findOrderByReference`, `charge`. */
  operation: z.string().min(1),
  outcome: z.enum(['ok', 'error']),
  /** Only for failures whose error names a status (`… (HTTP 503)`). */
  httpStatus: httpStatus.optional(),
  durationMs: milliseconds,
  error: z.string().optional(),
});

/**
 * `webhook`: a verified one (its inbox row, with the inbox's `outcome`), a copy of one taken in
 * before (`duplicate`), or a refused one with its `reason`. `body` is the masked body: a JSON
 * value when it was JSON, else text.
 */
export const ConsoleWebhookDetailSchema = z.object({
  verdict: z.enum(['verified', 'refused']),
  reason: z.enum(CONSOLE_WEBHOOK_REFUSALS).optional(),
  duplicate: z.boolean(),
  eventId: z.string().optional(),
  /** The provider's own status or event type. */
  type: z.string().optional(),
  /** How the inbox processed it (verified new webhooks only). */
  outcome: z.string().optional(),
  body: z.unknown(),
});

/** `poll`: the provider asked for the order's status, and what came of it. */
export const ConsolePollDetailSchema = z.object({
  source: z.enum(CONSOLE_POLL_SOURCES),
  /** Set on the reconciler's lookups of orders whose creation was not answered. */
  operation: z.literal('findOrderByReference').optional(),
  outcome: z.enum(CONSOLE_POLL_OUTCOMES),
  /** What the provider said, as an order status. */
  status: OrderStatusSchema.optional(),
  /** What the provider said, in its own words. */
  providerStatus: z.string().optional(),
  error: z.string().optional(),
});

/** `transition`: the order moved from one status to another. */
export const ConsoleTransitionDetailSchema = z.object({
  from: OrderStatusSchema,
  to: OrderStatusSchema,
  source: z.enum(CONSOLE_TRANSITION_SOURCES),
});

/** `stream_event`: the status line the checkout page was sent over SSE. */
export const ConsoleStreamEventDetailSchema = z.object({
  seq: z.number().int().positive(),
  status: OrderStatusSchema,
});

/** One delivery attempt of a merchant notification. */
export const ConsoleNotificationAttemptSchema = z.object({
  at: TimestampSchema,
  outcome: z.enum(['delivered', 'failed', 'dead']),
  httpStatus: httpStatus.optional(),
  durationMs: milliseconds.optional(),
  error: z.string().optional(),
});

/** `notification`: a merchant notification about the order, with every attempt made. */
export const ConsoleNotificationDetailSchema = z.object({
  id: z.string().min(1),
  type: z.enum(NOTIFICATION_TYPES),
  status: ConsoleNotificationStatusSchema,
  attempts: z.array(ConsoleNotificationAttemptSchema),
  /**
   * Whether the server has a notification URL (`MERCHANT_WEBHOOK_URL`) now. Without one nothing
   * is sent over HTTP: a notification is marked delivered once the in-process callbacks ran, with
   * no attempt, so "not attempted" reads as "no notification URL is configured".
   */
  urlConfigured: z.boolean().optional(),
});

/** `operator_action`: what an operator did, and what came of it. */
export const ConsoleOperatorActionDetailSchema = z.object({
  action: z.enum(CONSOLE_OPERATOR_ACTIONS),
  operator: z.string().min(1),
  result: z.string(),
});

const entry = <K extends ConsoleStoryKind, D extends z.ZodType>(kind: K, detail: D) =>
  z.object({
    at: TimestampSchema,
    kind: z.literal(kind),
    /** A short English sentence. */
    title: z.string(),
    /** Kind-specific, masked. */
    detail,
  });

/** One entry of an order's story. */
export const ConsoleStoryEntrySchema = z.discriminatedUnion('kind', [
  entry('created', ConsoleCreatedDetailSchema),
  entry('provider_call', ConsoleProviderCallDetailSchema),
  entry('webhook', ConsoleWebhookDetailSchema),
  entry('poll', ConsolePollDetailSchema),
  entry('transition', ConsoleTransitionDetailSchema),
  entry('stream_event', ConsoleStreamEventDetailSchema),
  entry('notification', ConsoleNotificationDetailSchema),
  entry('operator_action', ConsoleOperatorActionDetailSchema),
]);
export type ConsoleStoryEntry = z.infer<typeof ConsoleStoryEntrySchema>;
/** The detail of a story entry of kind `K`. */
export type ConsoleStoryDetail<K extends ConsoleStoryKind> = Extract<
  ConsoleStoryEntry,
  { kind: K }
>['detail'];

/** `GET /console/api/orders/:id`: the order, its session, its story in time order. */
export const ConsoleOrderDetailSchema = z.object({
  order: ConsoleOrderSchema,
  session: ConsoleOrderSessionSchema,
  story: z.array(ConsoleStoryEntrySchema),
});
export type ConsoleOrderDetail = z.infer<typeof ConsoleOrderDetailSchema>;

/** `GET /console/api/orders/:id/summary`: the plain-text support summary. */
export const ConsoleSummarySchema = z.object({ text: z.string() });
export type ConsoleSummary = z.infer<typeof ConsoleSummarySchema>;

/** `POST /console/api/orders/:id/recheck`: the order as it is after the provider was asked. */
export const ConsoleRecheckSchema = z.object({ order: ConsoleOrderRowSchema });
export type ConsoleRecheck = z.infer<typeof ConsoleRecheckSchema>;

/** A provider's breaker. */
export const CONSOLE_BREAKER_STATES = ['closed', 'open', 'half_open'] as const;

/** One method a provider offers in one market. */
export const ConsoleProviderMethodSchema = z.object({
  id: z.string().min(1),
  market: CountryCodeSchema,
  kind: z.string().min(1),
});
export type ConsoleProviderMethod = z.infer<typeof ConsoleProviderMethodSchema>;

/** One provider of the providers page. */
export const ConsoleProviderSchema = z.object({
  id: ProviderIdSchema,
  name: z.string(),
  enabled: z.boolean(),
  breaker: z.enum(CONSOLE_BREAKER_STATES),
  methods: z.array(ConsoleProviderMethodSchema),
  /** The provider's order calls of the last hour, across every instance. */
  lastHour: z.object({
    calls: count,
    errors: count,
    /** 0 to 1; 0 without calls. */
    errorRate: z.number().min(0).max(1),
    /** Null without calls. */
    p50Ms: milliseconds.nullable(),
    p99Ms: milliseconds.nullable(),
  }),
});
export type ConsoleProvider = z.infer<typeof ConsoleProviderSchema>;

/** `GET /console/api/providers`. */
export const ConsoleProvidersSchema = z.object({ providers: z.array(ConsoleProviderSchema) });
export type ConsoleProviders = z.infer<typeof ConsoleProvidersSchema>;

/** A merchant notification as the console lists it. */
export const ConsoleNotificationRowSchema = z.object({
  id: z.string().min(1),
  /** For `order.updated` notifications. */
  orderId: z.string().optional(),
  sessionId: z.string().optional(),
  type: z.enum(NOTIFICATION_TYPES),
  status: ConsoleNotificationStatusSchema,
  attempts: count,
  /** The last failed attempt's error, or `HTTP <status>`; masked. */
  lastError: z.string().optional(),
  createdAt: TimestampSchema,
  /** Pending notifications only. */
  nextAttemptAt: TimestampSchema.optional(),
});
export type ConsoleNotificationRow = z.infer<typeof ConsoleNotificationRowSchema>;

/** `GET /console/api/notifications`. */
export const ConsoleNotificationsPageSchema = z.object({
  items: z.array(ConsoleNotificationRowSchema),
  nextCursor: z.string().min(1).nullable(),
});
export type ConsoleNotificationsPage = z.infer<typeof ConsoleNotificationsPageSchema>;

/** `POST /console/api/notifications/:id/requeue`. */
export const ConsoleRequeueSchema = z.object({ notification: ConsoleNotificationRowSchema });
export type ConsoleRequeue = z.infer<typeof ConsoleRequeueSchema>;

/** The codes the console's own routes answer with (any other API error code may also come). */
export const CONSOLE_ERROR_CODES = [
  'invalid_console_key',
  'console_sign_in',
  'csrf',
  'rate_limited',
  'not_found',
  'conflict',
  'invalid_request',
  'provider_unavailable',
] as const;

/** Every error answer: the API's `{ error: { code, message, details?, retryable? } }`. */
export const ConsoleErrorBodySchema = ErrorBodySchema;
export type ConsoleErrorBody = z.infer<typeof ConsoleErrorBodySchema>;
