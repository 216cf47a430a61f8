/**
 * @module
 * The console API's answers as the mock backend serves them: a handful of orders across
 * statuses and providers, one order (`ord_paid1`) whose story holds every kind of entry, an
 * order whose webhook was dropped (`ord_drop1`, pending until re-checked), providers and
 * notifications in every state. Times are fixed so the tests can name the order of things.
 *
 * Every answer built from these is what the wire contract (`@pay-checkout/protocol/console`)
 * accepts, field for field; src/api/mock-contract.test.ts holds the mock to it.
 */

/** The console key the mock accepts. */
export const CONSOLE_KEY = 'console-test-key-0123456789abcdef';

const eur = (value) => ({ value, currency: 'EUR' });

/**
 * Newest first. These are the mock's records: a list row is one without `providerOrderId`,
 * which only the order's page shows (the search still finds it, as the server's does).
 */
export function orders() {
  return [
    row(
      'ord_new6',
      'shop-1006',
      'ivy',
      'ivy:bank',
      'created',
      eur(1500),
      '2026-12-06T10:06:00.000Z',
    ),
    row(
      'ord_drop1',
      'shop-1005',
      'ivy',
      'ivy:bank',
      'pending',
      eur(4800),
      '2026-12-06T10:05:00.000Z',
      ['stuck'],
    ),
    row(
      'ord_fail4',
      'shop-1004',
      'koywe',
      'koywe:PSE',
      'failed',
      { value: 95000, currency: 'COP' },
      '2026-12-06T10:04:00.000Z',
    ),
    row('ord_paid1', 'shop-1003', 'ivy', 'ivy:bank', 'paid', eur(2400), '2026-12-06T10:03:00.000Z'),
    row(
      'ord_late2',
      'shop-1002',
      'furatpay',
      'furatpay:fib',
      'paid',
      { value: 25000, currency: 'IQD' },
      '2026-12-06T10:02:00.000Z',
      ['late_success'],
    ),
    row(
      'ord_rev3',
      'shop-1001',
      'ixopay',
      'ixopay:card',
      'authorized',
      eur(999),
      '2026-12-06T10:01:00.000Z',
      ['needs_review'],
    ),
  ];
}

function row(id, reference, provider, method, status, amount, createdAt, anomalies = []) {
  return {
    id,
    sessionId: `cs_${id.slice(4)}`,
    reference,
    provider,
    method,
    status,
    amount,
    createdAt,
    updatedAt: createdAt,
    anomalies,
    providerOrderId: `prv_${id.slice(4)}`,
  };
}

/** The story of an order; `ord_paid1` has one entry of each kind. */
export function storyOf(order) {
  const at = (seconds) => new Date(Date.parse(order.createdAt) + seconds * 1000).toISOString();
  const created = {
    at: at(0),
    kind: 'created',
    title: 'The order was created.',
    detail: { attempt: 1, provider: order.provider, method: order.method, amount: order.amount },
  };
  if (order.id !== 'ord_paid1') return [created];
  return [
    created,
    {
      at: at(1),
      kind: 'provider_call',
      title: 'Ivy was asked to create the payment.',
      detail: { operation: 'createOrder', outcome: 'ok', httpStatus: 201, durationMs: 182 },
    },
    {
      at: at(2),
      kind: 'provider_call',
      title: 'Ivy was asked for the status.',
      detail: {
        operation: 'fetchStatus',
        outcome: 'error',
        httpStatus: 503,
        durationMs: 1250,
        error: 'Service Unavailable',
      },
    },
    {
      at: at(20),
      kind: 'webhook',
      title: 'A webhook from Ivy was refused.',
      detail: {
        verdict: 'refused',
        reason: 'invalid_signature',
        duplicate: false,
        body: '{"status":"paid"}',
      },
    },
    {
      at: at(21),
      kind: 'webhook',
      title: 'A webhook from Ivy was verified.',
      detail: {
        verdict: 'verified',
        duplicate: false,
        eventId: 'evt_1',
        type: 'order.paid',
        body: {
          id: 'prv_paid1',
          status: 'paid',
          payer: { email: 'j***@example.com', iban: '****1234' },
        },
      },
    },
    {
      at: at(22),
      kind: 'transition',
      title: 'The order became paid.',
      detail: { from: 'pending', to: 'paid', source: 'webhook' },
    },
    {
      at: at(22.5),
      kind: 'stream_event',
      title: 'The checkout page was told: paid.',
      detail: { seq: 3, status: 'paid' },
    },
    {
      at: at(23),
      kind: 'webhook',
      title: 'A duplicate webhook from Ivy was ignored.',
      detail: {
        verdict: 'verified',
        duplicate: true,
        eventId: 'evt_1',
        type: 'order.paid',
        body: { id: 'prv_paid1', status: 'paid' },
      },
    },
    {
      at: at(30),
      kind: 'poll',
      title: 'The reconciler checked the status.',
      detail: { source: 'reconciler', outcome: 'unchanged', status: 'paid' },
    },
    {
      at: at(40),
      kind: 'notification',
      title: 'The shop was told the order is paid.',
      detail: {
        id: 'ntf_dead1',
        type: 'order.updated',
        status: 'dead',
        attempts: [
          { at: at(40), outcome: 'failed', httpStatus: 500, durationMs: 88, error: 'HTTP 500' },
          { at: at(100), outcome: 'dead', error: 'connect ECONNREFUSED' },
        ],
      },
    },
    {
      at: at(200),
      kind: 'operator_action',
      title: 'operator copied the support summary.',
      detail: { action: 'copy_summary', operator: 'operator', result: 'ok' },
    },
  ];
}

export function providers() {
  return [
    {
      id: 'ivy',
      name: 'Ivy',
      enabled: true,
      breaker: 'closed',
      methods: [
        { id: 'ivy:bank', market: 'DE', kind: 'bank' },
        { id: 'ivy:bank', market: 'GB', kind: 'bank' },
      ],
      lastHour: { calls: 40, errors: 2, errorRate: 0.05, p50Ms: 120, p99Ms: 1800 },
    },
    {
      id: 'koywe',
      name: 'Koywe',
      enabled: true,
      breaker: 'open',
      methods: [
        { id: 'koywe:PSE', market: 'CO', kind: 'bank' },
        { id: 'koywe:KHIPU', market: 'CL', kind: 'bank' },
      ],
      lastHour: { calls: 10, errors: 6, errorRate: 0.6, p50Ms: 900, p99Ms: 5000 },
    },
    {
      id: 'furatpay',
      name: 'FuratPay',
      enabled: false,
      breaker: 'half_open',
      methods: [],
      lastHour: { calls: 0, errors: 0, errorRate: 0, p50Ms: null, p99Ms: null },
    },
  ];
}

export function notifications() {
  return [
    {
      id: 'ntf_pend1',
      orderId: 'ord_new6',
      sessionId: 'cs_new6',
      type: 'order.updated',
      status: 'pending',
      attempts: 1,
      lastError: 'HTTP 502',
      createdAt: '2026-12-06T10:06:01.000Z',
      nextAttemptAt: '2026-12-06T10:07:00.000Z',
    },
    {
      id: 'ntf_dead1',
      orderId: 'ord_paid1',
      sessionId: 'cs_paid1',
      type: 'order.updated',
      status: 'dead',
      attempts: 8,
      lastError: 'connect ECONNREFUSED',
      createdAt: '2026-12-06T10:03:40.000Z',
    },
    {
      id: 'ntf_ok1',
      orderId: 'ord_late2',
      sessionId: 'cs_late2',
      type: 'order.updated',
      status: 'delivered',
      attempts: 1,
      createdAt: '2026-12-06T10:02:30.000Z',
    },
  ];
}
