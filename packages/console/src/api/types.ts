/**
 * @module
 * The shapes the console reads from `/console/api/*`, as the server's console routes answer them.
 * {@link ./parse.ts} checks every answer against these before a view sees it.
 */

/** Every order status, in the status machine's rank order. */
export const ORDER_STATUSES = [
  'created',
  'pending',
  'processing',
  'authorized',
  'paid',
  'failed',
  'expired',
  'cancelled',
  'partially_refunded',
  'disputed',
  'refunded',
  'charged_back',
] as const;

/** The anomalies an order can carry. */
export const ANOMALIES = ['needs_review', 'late_success', 'stuck'] as const;
export type Anomaly = (typeof ANOMALIES)[number];

/** The story's entry kinds. */
export const STORY_KINDS = [
  'created',
  'provider_call',
  'webhook',
  'poll',
  'transition',
  'stream_event',
  'notification',
  'operator_action',
] as const;
export type StoryKind = (typeof STORY_KINDS)[number];

export const NOTIFICATION_STATUSES = ['pending', 'delivered', 'dead'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/**
 * An amount: the protocol's `{ value, currency }` in minor units, or `{ amount, currency }` with a
 * decimal string.
 */
export interface Money {
  value?: number;
  amount?: string;
  currency: string;
}

/** `GET /console/api/session`. */
export interface SessionInfo {
  operator: string;
  expiresAt: string;
}

/** One line of the orders list. */
export interface OrderRow {
  id: string;
  sessionId: string;
  reference: string;
  provider: string;
  method: string;
  status: string;
  amount: Money;
  createdAt: string;
  updatedAt: string;
  anomalies: string[];
}

/** `GET /console/api/orders`. */
export interface OrdersPage {
  items: OrderRow[];
  nextCursor: string | null;
  counts: Record<string, number>;
}

/** The filters of `GET /console/api/orders`; empty strings are left out of the query. */
export interface OrderFilters {
  status?: string;
  provider?: string;
  method?: string;
  from?: string;
  to?: string;
  anomaly?: string;
  q?: string;
}

/** One entry of an order's story. `detail` depends on `kind`; see the story renderers. */
export interface StoryEntry {
  at: string;
  kind: string;
  title: string;
  detail: Record<string, unknown>;
}

export interface OrderDetail {
  order: OrderRow & { providerOrderId?: string | null; attempt?: number; description?: string };
  session: {
    id: string;
    reference: string;
    status: string;
    amount: Money;
    country?: string;
    expiresAt?: string;
    createdAt?: string;
  };
  story: StoryEntry[];
}

export interface ProviderMethod {
  id: string;
  market: string;
  kind: string;
}

export interface ProviderInfo {
  id: string;
  /** Display name, when the server gives one. */
  name?: string;
  enabled: boolean;
  breaker: string;
  methods: ProviderMethod[];
  lastHour: {
    calls: number;
    errors: number;
    errorRate: number;
    p50Ms: number | null;
    p99Ms: number | null;
  };
}

export interface NotificationRow {
  id: string;
  orderId?: string | null;
  sessionId?: string | null;
  type: string;
  status: string;
  attempts: number;
  lastError?: string | null;
  createdAt: string;
  nextAttemptAt?: string | null;
}

export interface NotificationsPage {
  items: NotificationRow[];
  nextCursor: string | null;
}
