/**
 * @module
 * Checks each answer of the console API before a view renders it: a field missing or of the
 * wrong type fails with a {@link ConsoleError} that names the field, instead of an empty table
 * or `undefined` on screen.
 */
import { ConsoleError } from './console-error.js';
import type {
  NotificationRow,
  NotificationsPage,
  OrderDetail,
  OrderRow,
  OrdersPage,
  ProviderInfo,
  SessionInfo,
  StoryEntry,
} from './types.js';

type Json = Record<string, unknown>;

function fail(where: string, what: string): never {
  throw new ConsoleError('bad_response', `The console API answered ${where} ${what}.`);
}

function object(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(where, 'with something that is not an object');
  return value as Json;
}

function string(value: Json, key: string, where: string): string {
  const field = value[key];
  if (typeof field !== 'string') fail(where, `without a string "${key}"`);
  return field;
}

function array(value: Json, key: string, where: string): unknown[] {
  const field = value[key];
  if (!Array.isArray(field)) fail(where, `without a list "${key}"`);
  return field;
}

function cursor(value: Json, where: string): string | null {
  const field = value.nextCursor ?? null;
  if (field !== null && typeof field !== 'string')
    fail(where, 'with a "nextCursor" that is not a string');
  return field;
}

/** One order row (also an SSE `order` event's data). */
export function parseOrderRow(value: unknown, where = 'an order'): OrderRow {
  const row = object(value, where);
  for (const key of ['id', 'status', 'createdAt'] as const) string(row, key, where);
  object(row.amount, `${where}'s amount`);
  if (row.anomalies !== undefined && !Array.isArray(row.anomalies))
    fail(where, 'with "anomalies" that is not a list');
  return { anomalies: [], ...row } as unknown as OrderRow;
}

export function parseSession(value: unknown): SessionInfo {
  const body = object(value, 'the session');
  string(body, 'operator', 'the session');
  return body as unknown as SessionInfo;
}

export function parseOrdersPage(value: unknown): OrdersPage {
  const where = 'the orders list';
  const body = object(value, where);
  const items = array(body, 'items', where).map((item, i) => parseOrderRow(item, `order ${i + 1}`));
  const counts = object(body.counts ?? {}, `${where}'s counts`);
  for (const [status, count] of Object.entries(counts))
    if (typeof count !== 'number') fail(where, `with a count for "${status}" that is not a number`);
  return { items, nextCursor: cursor(body, where), counts: counts as Record<string, number> };
}

export function parseOrderDetail(value: unknown): OrderDetail {
  const where = 'the order';
  const body = object(value, where);
  const order = parseOrderRow(body.order, where);
  const session = object(body.session ?? {}, `${where}'s session`);
  const story = array(body, 'story', where).map((item, i): StoryEntry => {
    const entry = object(item, `story entry ${i + 1}`);
    string(entry, 'at', `story entry ${i + 1}`);
    string(entry, 'kind', `story entry ${i + 1}`);
    return {
      at: entry.at as string,
      kind: entry.kind as string,
      title: typeof entry.title === 'string' ? entry.title : '',
      detail: object(entry.detail ?? {}, `story entry ${i + 1}'s detail`),
    };
  });
  return { order, session, story } as OrderDetail;
}

export function parseSummary(value: unknown): string {
  return string(object(value, 'the summary'), 'text', 'the summary');
}

export function parseProviders(value: unknown): ProviderInfo[] {
  const where = 'the providers';
  return array(object(value, where), 'providers', where).map((item, i) => {
    const provider = object(item, `provider ${i + 1}`);
    string(provider, 'id', `provider ${i + 1}`);
    array(provider, 'methods', `provider ${i + 1}`);
    object(provider.lastHour ?? {}, `provider ${i + 1}'s last hour`);
    return provider as unknown as ProviderInfo;
  });
}

export function parseNotification(value: unknown, where = 'the notification'): NotificationRow {
  const row = object(value, where);
  for (const key of ['id', 'status'] as const) string(row, key, where);
  return row as unknown as NotificationRow;
}

export function parseNotificationsPage(value: unknown): NotificationsPage {
  const where = 'the notifications';
  const body = object(value, where);
  const items = array(body, 'items', where).map((item, i) =>
    parseNotification(item, `notification ${i + 1}`),
  );
  return { items, nextCursor: cursor(body, where) };
}
