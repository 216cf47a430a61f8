/**
 * @module
 * A deterministic fake of the companion backend's browser routes, served by the test runner's
 * dev server under `/mock/v1/…` so the element's tests talk real HTTP, SSE included.
 *
 * The session id picks the scenario: its first dash-separated word is the kind (`open-…`,
 * `retpaid-…`), the rest makes it unique per test, so counters and logs never leak between
 * tests. Test-only control routes live under `/mock/_test/…`:
 * - `GET  /mock/_test/orders/:session` — every order POST received: `[{ key, body }]`;
 * - `GET  /mock/_test/streams/:session` — how many event streams of the session are open;
 * - `POST /mock/_test/advance/:session` — sends the next scripted SSE message;
 * - `POST /mock/_test/release/:session` — lets a held (`slow`) request answer, or the next one
 *   if none is held yet;
 * - `POST /mock/_test/drop/:session` — ends every open stream, like a restarting server, and
 *   answers the next stream request with a proxy's 502 page;
 * - `GET  /mock/_test/connections/:session` — every stream request: `[{ lastEventId, status }]`;
 * - `GET  /mock/_test/refreshes/:order` — how many times the order's status was refreshed;
 * - `GET  /mock/_test/gets/:session` — how many times the session's methods were read.
 *
 * `POST /mock/v1/orders/:id/refresh` answers the scenario's `refreshStatus`, as the server does
 * after asking the provider.
 */

const EUR = { value: 1999, currency: 'EUR' };
const FUTURE = '2999-01-01T00:00:00.000Z';
const PAST = '2000-01-01T00:00:00.000Z';
const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

const LOGO = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 24"><rect width="32" height="24" rx="4" fill="#0a7"/></svg>',
)}`;

const METHODS = [
  {
    id: 'ivy:bank',
    provider: 'ivy',
    name: 'Bank transfer (Ivy)',
    flow: 'redirect',
    kind: 'bank',
    logo: LOGO,
  },
  // No logo: the element draws a neutral one.
  { id: 'furatpay:fib', provider: 'furatpay', name: 'FIB', flow: 'qr', kind: 'qr' },
  {
    id: 'koywe:PSE',
    provider: 'koywe',
    name: 'PSE',
    flow: 'redirect',
    kind: 'bank',
    fields: [
      // Known to the session: filled in, still editable.
      {
        name: 'fullName',
        label: 'Full name',
        type: 'text',
        required: true,
        autocomplete: 'name',
        value: 'Ana Gómez',
      },
      // One option: chosen already.
      {
        name: 'documentType',
        label: 'Document type',
        type: 'select',
        required: true,
        options: [{ value: 'CC', label: 'Cédula de ciudadanía' }],
      },
      {
        name: 'bank',
        label: 'Bank',
        type: 'select',
        required: true,
        options: [
          { value: 'b1', label: 'Banco Uno' },
          { value: 'b2', label: 'Banco Dos' },
        ],
      },
      {
        name: 'documentNumber',
        label: 'Document number',
        type: 'text',
        required: true,
        pattern: '[0-9]{6,10}',
        inputMode: 'numeric',
      },
    ],
  },
];

/** Scenario per kind: session as the methods route shows it, and the scripted SSE messages. */
const KINDS = {
  open: { status: 'created' },
  clp: { status: 'created', amount: { value: 50000, currency: 'CLP' } },
  iqd: { status: 'created', amount: { value: 25250, currency: 'IQD' }, country: 'IQ' },
  slow: { status: 'created', hold: true },
  slowpay: { status: 'created', holdOrders: true },
  flaky: { status: 'created', failFirst: 1 },
  broken: { status: 'created', alwaysFail: true },
  missing: { notFound: true },
  // Ivy's breaker is open: its method is listed, first, as unavailable.
  down: { status: 'created', unavailable: ['ivy:bank'] },
  // Every provider is paused: nothing can be chosen.
  alldown: { status: 'created', unavailable: ['ivy:bank', 'furatpay:fib', 'koywe:PSE'] },
  // Ivy fails the attempt (its provider is down); the server lists it unavailable from then on.
  ivydown: { status: 'created', failingMethods: ['ivy:bank'], listDownAfterFailure: true },
  // Ivy fails the attempt, but the server does not list it unavailable (its breaker not open yet).
  ivyblip: { status: 'created', failingMethods: ['ivy:bank'] },
  gone: { conflict: 'session_expired' },
  paid: { status: 'paid', ordersConflict: 'session_paid', script: [['ord_paid', 'paid']] },
  paidrace: { status: 'created', ordersConflict: 'session_paid' },
  mandate: {
    status: 'created',
    mandate: { cadence: 'MONTHLY', amount: { value: 5000, currency: 'EUR' } },
  },
  es: {
    status: 'created',
    locale: 'es-CO',
    amount: { value: 100050, currency: 'COP' },
    country: 'CO',
  },
  qrimg: { status: 'created', qr: 'image', script: [[null, 'created']] },
  // The code expires a moment after it is shown; a new attempt gets a fresh one.
  qrexp: { status: 'created', qr: 'expiring', script: [[null, 'created']] },
  // Amounts as the region writes them.
  arabic: {
    status: 'created',
    description: '1 × Espresso beans, 1 kg',
    script: [[null, 'created']],
  },
  cop: {
    status: 'created',
    amount: { value: 9900000, currency: 'COP' },
    country: 'CO',
    script: [[null, 'created']],
  },
  copcents: {
    status: 'created',
    amount: { value: 9900050, currency: 'COP' },
    country: 'CO',
    script: [[null, 'created']],
  },
  mxn: {
    status: 'created',
    amount: { value: 45000, currency: 'MXN' },
    country: 'MX',
    script: [[null, 'created']],
  },
  // The server's clock is 15 minutes behind the device's; its code is valid for 5 minutes.
  qrskew: { status: 'created', qr: true, skewMs: -15 * 60_000, script: [[null, 'created']] },
  drop: {
    status: 'pending',
    script: [
      ['ord_drop', 'pending'],
      ['ord_drop', 'processing'],
      ['ord_drop', 'paid'],
    ],
  },
  qr: {
    status: 'created',
    qr: true,
    script: [
      [null, 'created'],
      ['@order', 'pending'],
      ['@order', 'paid'],
    ],
  },
  retpaid: {
    status: 'pending',
    script: [
      ['ord_ret', 'pending'],
      ['ord_ret', 'processing'],
      ['ord_ret', 'paid'],
    ],
  },
  retfail: {
    status: 'pending',
    script: [
      ['ord_ret', 'pending'],
      ['ord_ret', 'failed'],
    ],
  },
  stale: {
    status: 'pending',
    script: [
      ['ord_stale', 'pending'],
      ['ord_stale', 'processing'],
      ['ord_stale', 'pending'],
      ['ord_stale', 'paid', 'ord_stale', 'failed'],
    ],
  },
  expired: { status: 'expired', expiresAt: PAST, script: [[null, 'expired']] },
  // Back from the provider without paying: no news; the provider still says pending when asked.
  stuck: {
    status: 'pending',
    refreshStatus: 'pending',
    script: [
      ['ord_stuck', 'pending'],
      ['ord_stuck', 'paid'],
    ],
  },
  // No news either, but asking the provider finds the payment.
  stuckpaid: { status: 'pending', refreshStatus: 'paid', script: [['ord_stuckpaid', 'pending']] },
  // The stream answers 404 (EventSource gives up); the methods route reports progress instead.
  nosse: {
    status: 'processing',
    noStream: true,
    pollStatuses: ['processing', 'processing', 'paid'],
  },
};

/** Per-session state, keyed by the full session id. */
const state = new Map();

function sessionState(id) {
  let entry = state.get(id);
  if (!entry) {
    entry = {
      orders: [],
      answers: new Map(),
      gets: 0,
      step: 0,
      streams: new Set(),
      held: [],
      releases: 0,
      connections: [],
      failNext: false,
      /** Methods whose attempt failed with `provider_unavailable`. */
      failed: new Set(),
    };
    state.set(id, entry);
  }
  return entry;
}

/**
 * Waits for `POST /mock/_test/release/:session`. A release that came before the request did
 * (the test released as the element was still sending) lets the next held request through,
 * so a test never hangs on that race.
 */
function heldUntilReleased(entry) {
  if (entry.releases > 0) {
    entry.releases -= 1;
    return Promise.resolve();
  }
  return new Promise((resolve) => entry.held.push(resolve));
}

function kindOf(id) {
  return KINDS[id.split('-')[0]];
}

/** Refresh requests per order id: `POST /mock/v1/orders/:id/refresh`. */
const refreshes = new Map();

function json(ctx, status, body) {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
}

function error(ctx, status, code, message) {
  json(ctx, status, { error: { code, message } });
}

async function readJson(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : undefined;
}

function publicSession(id, kind, status) {
  return {
    id,
    amount: kind.amount ?? EUR,
    country: kind.country ?? 'DE',
    reference: `order-${id}`,
    status,
    expiresAt: kind.expiresAt ?? FUTURE,
    description: kind.description ?? 'Two coffees',
    // The latest order, as the real server reports it once the session has one.
    orderId: status === 'created' ? null : (kind.script?.[0]?.[0] ?? null),
    ...(kind.mandate ? { mandate: kind.mandate } : {}),
    ...(kind.locale ? { locale: kind.locale } : {}),
    // The method of the latest order, as the real server reports it once there is one.
    ...(status === 'created' ? {} : { method: { id: 'ivy:bank', name: 'Bank transfer (Ivy)' } }),
  };
}

function statusMessage(id, orderId, status) {
  const data = JSON.stringify({ orderId, status, at: new Date(0).toISOString() });
  return `id: ${id}\nevent: status\ndata: ${data}\n\n`;
}

/** Writes scripted message `index` (and any extra pairs on the same line, as one chunk). */
function send(entry, kind, index, res) {
  const step = kind.script[index];
  if (!step) return;
  let chunk = '';
  for (let i = 0; i < step.length; i += 2) {
    const orderId = step[i] === '@order' ? (entry.orders.at(-1)?.orderId ?? null) : step[i];
    chunk += statusMessage(index * 10 + i / 2 + 1, orderId, step[i + 1]);
  }
  res.write(chunk);
}

async function methods(ctx, id, kind) {
  const entry = sessionState(id);
  entry.gets += 1;
  if (kind.notFound) return error(ctx, 404, 'not_found', 'No such session');
  if (kind.conflict) return error(ctx, 409, kind.conflict, 'The session cannot be paid');
  if (kind.alwaysFail) return error(ctx, 500, 'internal_error', 'Broken on purpose');
  if (kind.failFirst && entry.gets <= kind.failFirst) {
    return error(ctx, 503, 'service_unavailable', 'Try again');
  }
  if (kind.hold) await heldUntilReleased(entry);
  const status = kind.pollStatuses
    ? (kind.pollStatuses[Math.min(entry.gets - 1, kind.pollStatuses.length - 1)] ?? kind.status)
    : kind.status;
  const off = new Set([
    ...(kind.unavailable ?? []),
    ...(kind.listDownAfterFailure ? entry.failed : []),
  ]);
  const methods = METHODS.map((method) =>
    off.has(method.id)
      ? {
          ...method,
          available: false,
          unavailable: { reason: 'provider_unavailable', retryAfter: FUTURE },
        }
      : method,
  );
  json(ctx, 200, { session: publicSession(id, kind, status), methods });
}

async function orders(ctx, id, kind) {
  const entry = sessionState(id);
  const key = ctx.get('Idempotency-Key');
  const body = await readJson(ctx.req);
  if (kind.holdOrders) await heldUntilReleased(entry);
  entry.orders.push({ key, body });
  if (!key) return error(ctx, 400, 'idempotency_key_required', 'Idempotency-Key is required');
  if (kind.ordersConflict) return error(ctx, 409, kind.ordersConflict, 'The session was paid');
  const previous = entry.answers.get(key);
  if (previous) return json(ctx, 201, previous);
  const orderId = `ord_${id}_${entry.answers.size + 1}`;
  entry.orders.at(-1).orderId = orderId;
  const method = body?.method ?? 'ivy:bank';
  if (kind.failingMethods?.includes(method)) {
    // As the server answers an attempt whose provider is failing or paused.
    entry.failed.add(method);
    return json(ctx, 502, {
      error: {
        code: 'provider_unavailable',
        message: 'Ivy is not reachable right now (failing, paused for now)',
        retryable: true,
      },
    });
  }
  const serverNow = Date.now() + (kind.skewMs ?? 0);
  if (kind.skewMs) ctx.set('Date', new Date(serverNow).toUTCString());
  const action = kind.qr
    ? {
        type: 'qr',
        ...(kind.qr === 'image' ? { image: PNG } : { text: `FIB:PAY:${orderId}` }),
        code: '123-456',
        deepLinks: [
          { label: 'FIB app', url: 'https://fib.example/pay?c=123' },
          { label: 'Bad', url: 'javascript:alert(1)' },
        ],
        expiresAt: new Date(serverNow + (kind.qr === 'expiring' ? 1500 : 300_000)).toISOString(),
      }
    : {
        type: 'redirect',
        url: `https://provider.example/checkout?session=${encodeURIComponent(id)}`,
      };
  const answer = {
    order: { id: orderId, status: 'pending', provider: method.split(':')[0], method },
    action,
  };
  entry.answers.set(key, answer);
  json(ctx, 201, answer);
}

function events(ctx, id, kind) {
  const entry = sessionState(id);
  const lastEventId = ctx.query.lastEventId ?? ctx.get('Last-Event-ID') ?? null;
  if (kind.noStream || !kind.script) {
    entry.connections.push({ lastEventId, status: 404 });
    return error(ctx, 404, 'not_found', 'No stream here');
  }
  if (entry.failNext) {
    entry.failNext = false;
    entry.connections.push({ lastEventId, status: 502 });
    ctx.status = 502;
    ctx.type = 'text/html';
    ctx.body = '<html><body><h1>502 Bad Gateway</h1></body></html>';
    return undefined;
  }
  entry.connections.push({ lastEventId: lastEventId || null, status: 200 });
  ctx.respond = false;
  const res = ctx.res;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    'X-Accel-Buffering': 'no',
  });
  if (lastEventId) {
    // Resume: every scripted step after the last one the client saw, up to where the script is.
    for (let index = 0; index <= entry.step; index++) {
      if (index * 10 + 1 > Number(lastEventId)) send(entry, kind, index, res);
    }
  } else {
    // The snapshot is the current step, so a new connection starts where the script stands.
    send(entry, kind, entry.step, res);
  }
  entry.streams.add(res);
  res.on('close', () => entry.streams.delete(res));
}

function orderView(ctx, orderId) {
  for (const [id, entry] of state) {
    const order = entry.orders.find((o) => o.orderId === orderId);
    if (order) return json(ctx, 200, { id: orderId, sessionId: id, status: 'pending' });
  }
  return error(ctx, 404, 'not_found', 'No such order');
}

/** The server asking the provider: the scenario's `refreshStatus` for its scripted order. */
function refreshOrder(ctx, orderId) {
  refreshes.set(orderId, (refreshes.get(orderId) ?? 0) + 1);
  const kind = Object.values(KINDS).find((k) => k.refreshStatus && k.script?.[0]?.[0] === orderId);
  if (!kind) return error(ctx, 404, 'not_found', 'No such order');
  return json(ctx, 200, { id: orderId, status: kind.refreshStatus });
}

function advance(ctx, id) {
  const kind = kindOf(id);
  const entry = sessionState(id);
  if (!kind?.script || entry.step >= kind.script.length - 1) return json(ctx, 409, { done: true });
  entry.step += 1;
  for (const res of entry.streams) send(entry, kind, entry.step, res);
  json(ctx, 200, { step: entry.step, streams: entry.streams.size });
}

/** Koa-style middleware for @web/dev-server: the fake backend under `/mock`. */
export function mockBackend() {
  return async function mockBackendMiddleware(ctx, next) {
    const refresh = /^\/mock\/v1\/orders\/([^/]+)\/refresh$/.exec(ctx.path);
    if (refresh && ctx.method === 'POST') return refreshOrder(ctx, decodeURIComponent(refresh[1]));
    const gets = /^\/mock\/_test\/gets\/([^/]+)$/.exec(ctx.path);
    if (gets) return json(ctx, 200, { count: sessionState(decodeURIComponent(gets[1])).gets });
    const counted = /^\/mock\/_test\/refreshes\/([^/]+)$/.exec(ctx.path);
    if (counted)
      return json(ctx, 200, { count: refreshes.get(decodeURIComponent(counted[1])) ?? 0 });
    const order = /^\/mock\/v1\/orders\/([^/]+)$/.exec(ctx.path);
    if (order) return orderView(ctx, decodeURIComponent(order[1]));
    const match =
      /^\/mock\/(?:v1\/sessions\/([^/]+)\/(methods|orders|events)|_test\/(orders|streams|advance|release|drop|connections)\/([^/]+))$/.exec(
        ctx.path,
      );
    if (!match) return next();
    if (match[3]) {
      const id = decodeURIComponent(match[4]);
      const entry = sessionState(id);
      if (match[3] === 'orders') return json(ctx, 200, entry.orders);
      if (match[3] === 'streams') return json(ctx, 200, { open: entry.streams.size });
      if (match[3] === 'connections') return json(ctx, 200, entry.connections);
      if (match[3] === 'drop') {
        entry.failNext = true;
        for (const res of entry.streams) res.end();
        entry.streams.clear();
        return json(ctx, 200, { dropped: true });
      }
      if (match[3] === 'release') {
        const held = entry.held.splice(0);
        if (held.length === 0) entry.releases += 1;
        held.forEach((resolve) => resolve());
        return json(ctx, 200, { released: true });
      }
      return advance(ctx, id);
    }
    const id = decodeURIComponent(match[1]);
    const kind = kindOf(id);
    if (!kind) return error(ctx, 404, 'not_found', 'No such session');
    const route = `${ctx.method} ${match[2]}`;
    if (route === 'GET methods') return methods(ctx, id, kind);
    if (route === 'POST orders') return orders(ctx, id, kind);
    if (route === 'GET events') return events(ctx, id, kind);
    return error(ctx, 405, 'invalid_request', 'Method not allowed');
  };
}
