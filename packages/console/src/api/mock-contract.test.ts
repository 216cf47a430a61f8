/**
 * @module
 * The fake console API of test/mock-backend.js against the wire contract: every kind of answer
 * it gives (and the data of its stream's `order` events) is exactly what the contract's schema
 * reads, field for field. Parsing must succeed and drop nothing, so a fixture that drifts from
 * `@pay-checkout/protocol/console` fails here instead of making the view tests lie.
 */
import { expect, waitUntil } from '@open-wc/testing';
import {
  ConsoleErrorBodySchema,
  ConsoleNotificationsPageSchema,
  ConsoleOrderDetailSchema,
  ConsoleOrderEventSchema,
  ConsoleOrdersPageSchema,
  ConsoleProvidersSchema,
  ConsoleRecheckSchema,
  ConsoleRequeueSchema,
  ConsoleSessionInfoSchema,
  ConsoleSummarySchema,
} from '@pay-checkout/protocol/console';
import type { z } from 'zod';
import { emitOrder, openStreams, resetBackend, signInDirectly } from '../../test/helpers.js';
import { pathText } from './parse.js';

const ORDER_IDS = ['ord_new6', 'ord_drop1', 'ord_fail4', 'ord_paid1', 'ord_late2', 'ord_rev3'];

async function call(
  path: string,
  method = 'GET',
  headers: Record<string, string> = { 'X-Console-Csrf': '1' },
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`/console/api/${path}`, { method, headers });
  return { status: response.status, body: (await response.json()) as unknown };
}

/** `body` parses with `schema` and comes out equal: nothing wrong, nothing unknown. */
function exactly(schema: z.ZodType, body: unknown, what: string): void {
  const result = schema.safeParse(body);
  const issues = result.success
    ? []
    : result.error.issues.map((issue) => `${pathText(issue.path)}: ${issue.message}`);
  expect(issues, what).to.deep.equal([]);
  expect(result.data, `${what}: a field the contract does not name`).to.deep.equal(body);
}

async function answer(
  schema: z.ZodType,
  path: string,
  method = 'GET',
  status = 200,
): Promise<unknown> {
  const { status: got, body } = await call(path, method);
  expect(got, `${method} ${path}`).to.equal(status);
  exactly(schema, body, `${method} ${path}`);
  return body;
}

describe('the mock console API answers what the contract reads', () => {
  beforeEach(async () => {
    await resetBackend();
    await signInDirectly();
  });

  it('session, orders pages, providers, notifications and summaries', async () => {
    await answer(ConsoleSessionInfoSchema, 'session');
    const first = (await answer(ConsoleOrdersPageSchema, 'orders')) as { nextCursor: string };
    await answer(ConsoleOrdersPageSchema, `orders?cursor=${first.nextCursor}`);
    await answer(ConsoleOrdersPageSchema, 'orders?status=paid&anomaly=late_success');
    await answer(ConsoleProvidersSchema, 'providers');
    await answer(ConsoleNotificationsPageSchema, 'notifications');
    await answer(ConsoleSummarySchema, 'orders/ord_paid1/summary');
  });

  it('every order page, also after re-checks and a re-queue', async () => {
    for (const id of ORDER_IDS) await answer(ConsoleOrderDetailSchema, `orders/${id}`);
    await answer(ConsoleRecheckSchema, 'orders/ord_drop1/recheck', 'POST');
    await answer(ConsoleRecheckSchema, 'orders/ord_fail4/recheck', 'POST');
    await answer(ConsoleRequeueSchema, 'notifications/ntf_dead1/requeue', 'POST');
    for (const id of ['ord_drop1', 'ord_fail4', 'ord_paid1'])
      await answer(ConsoleOrderDetailSchema, `orders/${id}`);
    await answer(ConsoleNotificationsPageSchema, 'notifications?status=pending');
  });

  it('every error body', async () => {
    const errors: [string, string, number, Record<string, string>?][] = [
      ['orders/ord_nope', 'GET', 404],
      ['notifications/ntf_ok1/requeue', 'POST', 409],
      ['orders/ord_drop1/recheck', 'POST', 403, {}],
    ];
    for (const [path, method, status, headers] of errors) {
      const got = await call(path, method, headers);
      expect(got.status, path).to.equal(status);
      exactly(ConsoleErrorBodySchema, got.body, `${method} ${path}`);
    }
    for (const key of ['not-the-key', 'rate-limited']) {
      const response = await fetch('/console/api/session', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Console-Csrf': '1' },
        body: JSON.stringify({ key }),
      });
      exactly(ConsoleErrorBodySchema, await response.json(), `sign-in with ${key}`);
    }
    await fetch('/console/api/session', { method: 'DELETE', headers: { 'X-Console-Csrf': '1' } });
    exactly(ConsoleErrorBodySchema, (await call('orders')).body, 'signed out');
  });

  it('the data of the stream’s order events', async () => {
    const source = new EventSource('/console/api/stream');
    const data: string[] = [];
    source.addEventListener('order', (event) => data.push((event as MessageEvent<string>).data));
    try {
      await waitUntil(async () => (await openStreams()) === 1, 'stream not open');
      await emitOrder({ id: 'ord_drop1', status: 'paid' });
      await call('orders/ord_fail4/recheck', 'POST');
      await waitUntil(() => data.length === 2, 'no events');
    } finally {
      source.close();
    }
    for (const item of data) exactly(ConsoleOrderEventSchema, JSON.parse(item), 'order event');
  });
});
