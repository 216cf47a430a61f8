import { describe, expect, it } from 'vitest';
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
  ConsoleStoryEntrySchema,
  ConsoleSummarySchema,
} from './console.js';

const AT = '2026-12-06T10:03:00.000Z';

const row = {
  id: 'ord_1',
  sessionId: 'cs_1',
  reference: 'shop-1001',
  provider: 'ivy',
  method: 'ivy:bank',
  status: 'paid',
  amount: { value: 2400, currency: 'EUR' },
  createdAt: AT,
  updatedAt: AT,
  anomalies: [],
};

/** One entry of each kind, as the server builds them (server/src/console/views.ts). */
const story = [
  {
    at: AT,
    kind: 'created',
    title: 'Order created: attempt 1 with ivy:bank at ivy.',
    detail: { attempt: 1, provider: 'ivy', method: 'ivy:bank', amount: row.amount },
  },
  {
    at: AT,
    kind: 'provider_call',
    title: 'Called ivy (fetchStatus): failed, HTTP 503 in 12 ms.',
    detail: {
      operation: 'fetchStatus',
      outcome: 'error',
      httpStatus: 503,
      durationMs: 12,
      error: 'provider_unavailable: Ivy is unavailable (HTTP 503)',
    },
  },
  {
    at: AT,
    kind: 'webhook',
    title: 'Received a verified webhook from ivy (paid): applied.',
    detail: {
      verdict: 'verified',
      duplicate: false,
      eventId: 'evt_1',
      type: 'paid',
      outcome: 'applied',
      body: { payer: { email: 'j***@example.com' } },
    },
  },
  {
    at: AT,
    kind: 'webhook',
    title: 'Refused a webhook from ivy: invalid signature.',
    detail: { verdict: 'refused', reason: 'invalid_signature', duplicate: false, body: 'a=1' },
  },
  {
    at: AT,
    kind: 'poll',
    title: 'The reconciler asked ivy: found; it says paid.',
    detail: {
      source: 'reconciler',
      operation: 'findOrderByReference',
      outcome: 'found',
      status: 'paid',
    },
  },
  {
    at: AT,
    kind: 'poll',
    title: 'An operator asked ivy: applied; it says paid.',
    detail: { source: 'operator', outcome: 'applied', status: 'paid', providerStatus: 'PAID' },
  },
  {
    at: AT,
    kind: 'transition',
    title: 'Status pending → paid (poll, operator).',
    detail: { from: 'pending', to: 'paid', source: 'poll:operator' },
  },
  {
    at: AT,
    kind: 'stream_event',
    title: 'Streamed status paid to the browser (event 3).',
    detail: { seq: 3, status: 'paid' },
  },
  {
    at: AT,
    kind: 'notification',
    title: "Notification msg_1 (order.updated) to the shop's backend: delivered, 2 attempts.",
    detail: {
      id: 'msg_1',
      type: 'order.updated',
      status: 'delivered',
      attempts: [
        { at: AT, outcome: 'failed', httpStatus: 503, durationMs: 8 },
        { at: AT, outcome: 'delivered', httpStatus: 200, durationMs: 5 },
      ],
      urlConfigured: true,
    },
  },
  {
    at: AT,
    kind: 'operator_action',
    title: 'operator copied the support summary: summary read.',
    detail: { action: 'copy_summary', operator: 'operator', result: 'summary read' },
  },
];

describe('console answers', () => {
  it('accept what the server answers, unchanged', () => {
    const answers = [
      [ConsoleSessionInfoSchema, { operator: 'operator', expiresAt: AT }],
      [ConsoleOrdersPageSchema, { items: [row], nextCursor: null, counts: { paid: 1 } }],
      [ConsoleOrderEventSchema, { ...row, anomalies: ['stuck', 'late_success'] }],
      [
        ConsoleOrderDetailSchema,
        {
          order: { ...row, providerOrderId: null, attempt: 1, description: 'Gift' },
          session: {
            id: 'cs_1',
            reference: 'shop-1001',
            status: 'paid',
            amount: row.amount,
            country: 'DE',
            expiresAt: AT,
            createdAt: AT,
          },
          story,
        },
      ],
      [ConsoleSummarySchema, { text: 'Order ord_1 (attempt 1)' }],
      [ConsoleRecheckSchema, { order: row }],
      [
        ConsoleProvidersSchema,
        {
          providers: [
            {
              id: 'ivy',
              name: 'Ivy',
              enabled: true,
              breaker: 'half_open',
              methods: [{ id: 'ivy:bank', market: 'DE', kind: 'bank' }],
              lastHour: { calls: 4, errors: 1, errorRate: 0.25, p50Ms: 40, p99Ms: 900 },
            },
            {
              id: 'koywe',
              name: 'Koywe',
              enabled: false,
              breaker: 'closed',
              methods: [],
              lastHour: { calls: 0, errors: 0, errorRate: 0, p50Ms: null, p99Ms: null },
            },
          ],
        },
      ],
      [
        ConsoleNotificationsPageSchema,
        {
          items: [
            {
              id: 'msg_1',
              orderId: 'ord_1',
              sessionId: 'cs_1',
              type: 'order.updated',
              status: 'pending',
              attempts: 1,
              lastError: 'HTTP 503',
              createdAt: AT,
              nextAttemptAt: AT,
            },
            {
              id: 'msg_2',
              type: 'mandate.updated',
              status: 'delivered',
              attempts: 1,
              createdAt: AT,
            },
          ],
          nextCursor: '42',
        },
      ],
      [
        ConsoleRequeueSchema,
        {
          notification: {
            id: 'msg_1',
            type: 'order.updated',
            status: 'pending',
            attempts: 2,
            createdAt: AT,
          },
        },
      ],
      [ConsoleErrorBodySchema, { error: { code: 'csrf', message: 'The header must be 1' } }],
    ] as const;
    for (const [schema, answer] of answers) expect(schema.parse(answer)).toEqual(answer);
  });

  it('name the field that is wrong, by its path', () => {
    const result = ConsoleOrdersPageSchema.safeParse({
      items: [row, { ...row, amount: { value: 19.99, currency: 'EUR' } }],
      nextCursor: null,
      counts: {},
    });
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([
      ['items', 1, 'amount', 'value'],
    ]);
    const detail = ConsoleOrderDetailSchema.safeParse({
      order: { ...row, providerOrderId: 'p', attempt: 1 },
      session: { id: 'cs_1', reference: 'r', status: 'paid', amount: row.amount, country: 'DE' },
      story: [{ ...story[6], detail: { from: 'pending', to: 'paid', source: 'guess' } }],
    });
    expect(detail.error?.issues.map((issue) => issue.path.join('.'))).toEqual([
      'session.expiresAt',
      'session.createdAt',
      'story.0.detail.source',
    ]);
  });

  it('tell story entries apart by kind, and refuse a kind they do not know', () => {
    const poll = ConsoleStoryEntrySchema.parse(story[4]);
    expect(poll.kind === 'poll' && poll.detail.operation).toBe('findOrderByReference');
    expect(ConsoleStoryEntrySchema.safeParse({ ...story[0], kind: 'rumour' }).success).toBe(false);
    // A detail of another kind does not pass for this one.
    expect(ConsoleStoryEntrySchema.safeParse({ ...story[7], kind: 'notification' }).success).toBe(
      false,
    );
  });

  it('refuse statuses, anomalies and counts outside the contract', () => {
    expect(ConsoleOrderEventSchema.safeParse({ ...row, status: 'settled' }).success).toBe(false);
    expect(ConsoleOrderEventSchema.safeParse({ ...row, anomalies: ['odd'] }).success).toBe(false);
    expect(
      ConsoleOrdersPageSchema.safeParse({ items: [], nextCursor: null, counts: { paid: -1 } })
        .success,
    ).toBe(false);
    expect(
      ConsoleOrdersPageSchema.safeParse({ items: [], nextCursor: null, counts: { nope: 1 } })
        .success,
    ).toBe(false);
  });

  it('tell a notification never sent for want of a URL, and older answers without the flag', () => {
    const unsent = {
      at: AT,
      kind: 'notification',
      title:
        "Notification msg_2 (order.updated) not sent to the shop's backend: no notification URL is configured (MERCHANT_WEBHOOK_URL).",
      detail: {
        id: 'msg_2',
        type: 'order.updated',
        status: 'delivered',
        attempts: [],
        urlConfigured: false,
      },
    };
    expect(ConsoleStoryEntrySchema.parse(unsent)).toEqual(unsent);
    const { urlConfigured: _, ...older } = unsent.detail;
    expect(ConsoleStoryEntrySchema.parse({ ...unsent, detail: older }).detail).toEqual(older);
    expect(
      ConsoleStoryEntrySchema.safeParse({ ...unsent, detail: { ...older, urlConfigured: 'no' } })
        .success,
    ).toBe(false);
  });

  it('drop a field they do not name (so a server test comparing the parse sees it)', () => {
    const parsed = ConsoleOrderEventSchema.parse({ ...row, secret: 'x' });
    expect(parsed).toEqual(row);
  });
});
