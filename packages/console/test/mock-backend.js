/**
 * @module
 * A fake of the server's console API under `/console/api`, served by the test runner's dev
 * server so the console's tests talk real HTTP (cookies, CSRF header, SSE) to it. It checks what
 * the real one checks: the session cookie on every call but the sign-in, `X-Console-Csrf: 1` on
 * every state-changing call (403 `csrf` without), and the key on sign-in.
 *
 * Test-only control routes under `/console/_test/`:
 * - `POST /console/_test/reset` — fixtures back, sessions ended, request log emptied;
 * - `GET  /console/_test/requests` — every API request: `[{ method, path, query, csrf, body }]`;
 * - `POST /console/_test/emit` `{ id, status?, entry? }` — changes an order (or adds one when
 *   `order` is given), appends a story entry, and sends the row on every open stream;
 *   `{ raw }` sends `raw` as an `order` event's data as it is (a string as is, else as JSON),
 *   changing nothing, to see what the console does with an event off the contract;
 * - `POST /console/_test/expire` — ends every session, as a server restart with a new key would;
 * - `GET  /console/_test/streams` — `{ open }`: how many streams are connected;
 * - `POST /console/_test/answer` `{ method?, path, status?, body }` — from now until the next
 *   reset, answers `body` (status 200 unless given) to a signed-in `method` (default GET) of
 *   `/console/api/<path>`, to see what the console does with an answer off the contract.
 *
 * Its answers are what the wire contract accepts, field for field (see fixtures.js).
 */
import { randomBytes } from 'node:crypto';
import { CONSOLE_KEY, notifications, orders, providers, storyOf } from './fixtures.js';

const COOKIE = 'pay_checkout_console';
const PAGE = 4;

let state = fresh();

function fresh() {
  const rows = orders();
  return {
    sessions: new Set(),
    requests: [],
    streams: new Set(),
    orders: rows,
    stories: new Map(rows.map((order) => [order.id, storyOf(order)])),
    notifications: notifications(),
    /** `"GET orders"` → `{ status, body }` set by `/console/_test/answer`. */
    answers: new Map(),
  };
}

function json(ctx, status, body) {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
}

function error(ctx, status, code, message = code, details) {
  json(ctx, status, { error: { code, message, ...(details ? { details } : {}) } });
}

/** An order's list row (and SSE data): the record without what only its page shows. */
function rowOf(order) {
  const { providerOrderId: _page, ...row } = order;
  return row;
}

async function readJson(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : undefined;
}

function signedIn(ctx) {
  const token = ctx.cookies.get(COOKIE);
  return typeof token === 'string' && state.sessions.has(token);
}

function broadcast(order) {
  send(JSON.stringify(rowOf(order)));
}

function send(data) {
  for (const res of state.streams) res.write(`event: order\ndata: ${data}\n\n`);
}

function appendStory(id, entry) {
  state.stories.get(id)?.push({ at: new Date().toISOString(), ...entry });
}

function matches(row, query, withStatus) {
  const get = (key) => query.get(key) || '';
  if (withStatus && get('status') && row.status !== get('status')) return false;
  if (get('provider') && row.provider !== get('provider')) return false;
  if (get('method') && row.method !== get('method')) return false;
  if (get('anomaly') && !row.anomalies.includes(get('anomaly'))) return false;
  if (get('from') && row.createdAt < get('from')) return false;
  if (get('to') && row.createdAt > get('to')) return false;
  const q = get('q');
  if (
    q &&
    ![row.reference, row.id, row.sessionId, row.providerOrderId].some((v) => v.startsWith(q))
  )
    return false;
  return true;
}

function listOrders(ctx) {
  const query = new URLSearchParams(ctx.querystring);
  const all = state.orders.filter((row) => matches(row, query, true));
  const offset = Number(query.get('cursor') || 0);
  const items = all.slice(offset, offset + PAGE).map(rowOf);
  const counts = {};
  for (const row of state.orders.filter((r) => matches(r, query, false)))
    counts[row.status] = (counts[row.status] ?? 0) + 1;
  json(ctx, 200, {
    items,
    nextCursor: offset + PAGE < all.length ? String(offset + PAGE) : null,
    counts,
  });
}

function orderDetail(ctx, id) {
  const order = state.orders.find((row) => row.id === id);
  if (!order) return error(ctx, 404, 'not_found', `No order ${id}`);
  json(ctx, 200, {
    order: { ...rowOf(order), providerOrderId: order.providerOrderId ?? null, attempt: 1 },
    session: {
      id: order.sessionId,
      reference: order.reference,
      status: order.status,
      amount: order.amount,
      country: 'DE',
      expiresAt: '2026-12-06T11:00:00.000Z',
      createdAt: order.createdAt,
    },
    story: state.stories.get(id) ?? [],
  });
}

function recheck(ctx, id) {
  const order = state.orders.find((row) => row.id === id);
  if (!order) return error(ctx, 404, 'not_found', `No order ${id}`);
  // The provider says paid for the dropped webhook's order, and what the order is for others.
  const moves = order.id === 'ord_drop1' && order.status !== 'paid';
  const says = moves ? 'paid' : order.status;
  appendStory(id, {
    kind: 'poll',
    title: 'operator asked the provider.',
    detail: { source: 'operator', outcome: moves ? 'applied' : 'unchanged', status: says },
  });
  if (moves) {
    appendStory(id, {
      kind: 'transition',
      title: 'The order became paid.',
      detail: { from: order.status, to: 'paid', source: 'poll:operator' },
    });
    order.status = 'paid';
    order.anomalies = [];
    order.updatedAt = new Date().toISOString();
  }
  appendStory(id, {
    kind: 'operator_action',
    title: 'operator asked the provider now.',
    detail: { action: 'recheck', operator: 'operator', result: order.status },
  });
  broadcast(order);
  json(ctx, 200, { order: rowOf(order) });
}

function requeue(ctx, id) {
  const notification = state.notifications.find((n) => n.id === id);
  if (!notification) return error(ctx, 404, 'not_found', `No notification ${id}`);
  if (notification.status !== 'dead')
    return error(ctx, 409, 'conflict', `Notification ${id} is ${notification.status}, not dead`, {
      reason: 'not_dead',
      status: notification.status,
    });
  notification.status = 'pending';
  notification.nextAttemptAt = new Date().toISOString();
  for (const story of state.stories.values())
    for (const entry of story)
      if (entry.kind === 'notification' && entry.detail.id === id) entry.detail.status = 'pending';
  if (notification.orderId)
    appendStory(notification.orderId, {
      kind: 'operator_action',
      title: `operator re-queued notification ${id}.`,
      detail: { action: 'requeue_notification', operator: 'operator', result: 'pending' },
    });
  json(ctx, 200, { notification });
}

function stream(ctx) {
  ctx.respond = false;
  const res = ctx.res;
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  res.write(': connected\n\n');
  const streams = state.streams;
  streams.add(res);
  ctx.req.on('close', () => streams.delete(res));
}

async function control(ctx, action) {
  if (action === 'reset') {
    for (const res of state.streams) res.end();
    state = fresh();
    return json(ctx, 200, { reset: true });
  }
  if (action === 'requests') return json(ctx, 200, state.requests);
  if (action === 'streams') return json(ctx, 200, { open: state.streams.size });
  if (action === 'answer') {
    const body = await readJson(ctx.req);
    state.answers.set(`${body.method ?? 'GET'} ${body.path}`, {
      status: body.status ?? 200,
      body: body.body,
    });
    return json(ctx, 200, { set: true });
  }
  if (action === 'expire') {
    state.sessions.clear();
    return json(ctx, 200, { expired: true });
  }
  if (action === 'emit') {
    const body = await readJson(ctx.req);
    if (body.raw !== undefined) {
      send(typeof body.raw === 'string' ? body.raw : JSON.stringify(body.raw));
      return json(ctx, 200, { sent: state.streams.size });
    }
    let order = state.orders.find((row) => row.id === body.id);
    if (!order && body.order) {
      order = body.order;
      state.orders.unshift(order);
      state.stories.set(order.id, storyOf(order));
    }
    if (!order) return error(ctx, 404, 'not_found');
    if (body.status) order.status = body.status;
    if (body.entry) appendStory(order.id, body.entry);
    broadcast(order);
    return json(ctx, 200, { sent: state.streams.size });
  }
  return error(ctx, 404, 'not_found');
}

async function api(ctx, path) {
  const method = ctx.method;
  const changing = !['GET', 'HEAD', 'OPTIONS'].includes(method);
  const raw = changing ? await readJson(ctx.req).catch(() => '<invalid json>') : undefined;
  state.requests.push({
    method,
    path,
    query: ctx.querystring,
    csrf: ctx.get('X-Console-Csrf') || null,
    body:
      path === 'session' && raw ? { key: raw.key === undefined ? undefined : '<redacted>' } : raw,
  });
  if (changing && ctx.get('X-Console-Csrf') !== '1')
    return error(ctx, 403, 'csrf', 'Missing CSRF header');

  if (path === 'session' && method === 'POST') {
    if (raw?.key === 'rate-limited') {
      ctx.set('Retry-After', '30');
      return error(ctx, 429, 'rate_limited', 'Too many sign-ins');
    }
    if (raw?.key !== CONSOLE_KEY) return error(ctx, 401, 'invalid_console_key', 'Wrong key');
    const token = randomBytes(16).toString('hex');
    state.sessions.add(token);
    ctx.set(
      'Set-Cookie',
      `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/console; Max-Age=43200`,
    );
    ctx.status = 204;
    return;
  }
  if (!signedIn(ctx)) return error(ctx, 401, 'console_sign_in', 'Sign in first');
  const answer = state.answers.get(`${method} ${path}`);
  if (answer) return json(ctx, answer.status, answer.body);

  if (path === 'session' && method === 'GET')
    return json(ctx, 200, { operator: 'operator', expiresAt: '2099-01-01T00:00:00.000Z' });
  if (path === 'session' && method === 'DELETE') {
    state.sessions.delete(ctx.cookies.get(COOKIE));
    ctx.set('Set-Cookie', `${COOKIE}=; HttpOnly; SameSite=Strict; Path=/console; Max-Age=0`);
    ctx.status = 204;
    return;
  }
  if (path === 'orders' && method === 'GET') return listOrders(ctx);
  if (path === 'providers' && method === 'GET') return json(ctx, 200, { providers: providers() });
  if (path === 'notifications' && method === 'GET') {
    const status = new URLSearchParams(ctx.querystring).get('status');
    return json(ctx, 200, {
      items: state.notifications.filter((n) => !status || n.status === status),
      nextCursor: null,
    });
  }
  if (path === 'stream' && method === 'GET') return stream(ctx);
  let match = /^orders\/([^/]+)$/.exec(path);
  if (match && method === 'GET') return orderDetail(ctx, decodeURIComponent(match[1]));
  match = /^orders\/([^/]+)\/recheck$/.exec(path);
  if (match && method === 'POST') return recheck(ctx, decodeURIComponent(match[1]));
  match = /^orders\/([^/]+)\/summary$/.exec(path);
  if (match && method === 'GET') {
    const id = decodeURIComponent(match[1]);
    const order = state.orders.find((row) => row.id === id);
    if (!order) return error(ctx, 404, 'not_found');
    return json(ctx, 200, {
      text: `Order ${order.id} (${order.reference})\nStatus: ${order.status}\nProvider: ${order.provider}`,
    });
  }
  match = /^notifications\/([^/]+)\/requeue$/.exec(path);
  if (match && method === 'POST') return requeue(ctx, decodeURIComponent(match[1]));
  return error(ctx, 404, 'not_found');
}

/** The middleware: `/console/api/*` and `/console/_test/*`; everything else passes on. */
export function mockConsoleBackend() {
  return async function mockConsoleBackendMiddleware(ctx, next) {
    const test = /^\/console\/_test\/([a-z]+)$/.exec(ctx.path);
    if (test) return control(ctx, test[1]);
    const call = /^\/console\/api\/(.+)$/.exec(ctx.path);
    if (call) return api(ctx, call[1]);
    return next();
  };
}
