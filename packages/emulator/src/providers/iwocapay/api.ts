/**
 * @module
 * The emulated iwocaPay API, on the real paths under the provider prefix:
 * - `POST /api/lending/edge/ecommerce/seller/{supplier_uuid}/order/` — create (201)
 * - `GET /api/lending/edge/ecommerce/order/{order_id}/` — read (documented)
 * - `GET|DELETE /api/iwocapay/ecommerce/seller/{seller_id}/order/{order_id}/` — read / cancel
 *   (iwoca's plugin)
 * - `GET /api/iwocapay/ecommerce/seller/{seller_id}/connection_check/` — token check
 *
 * Every call needs `Authorization: Bearer <access token>` (401 otherwise); a token may act only
 * for its own seller (403) and read only its own orders (404).
 */
import { Hono } from 'hono';
import type { Context, MiddlewareHandler } from 'hono';
import { apiFaults } from '../../core/faults.js';
import type { ProviderContext } from '../../core/provider.js';
import { limitBody, readJson, secretMatcher } from '../../core/requests.js';
import {
  forbidden,
  iwocaError,
  internalError,
  invalid,
  notFound,
  terminalCancel,
  unauthenticated,
} from './errors.js';
import { CreateOrderBodySchema } from './schemas.js';
import type { IwocaPayState } from './state.js';
import type { IwocaPayOrder } from './types.js';

/** Options of {@link createIwocaPayApi}. */
export interface IwocaPayApiOptions {
  ctx: ProviderContext;
  state: IwocaPayState;
  supplierUuid: string;
  accessToken: string;
}

/** The order as "create order" answers it. */
function createdView(order: IwocaPayOrder): Record<string, unknown> {
  return {
    id: order.id,
    amount: order.amount,
    reference: order.reference,
    order_url: order.order_url,
    status: order.status,
    allowed_payment_terms: [...order.allowed_payment_terms],
  };
}

/** The order as the read endpoints answer it. */
function readView(order: IwocaPayOrder): Record<string, unknown> {
  return {
    id: order.id,
    amount: order.amount,
    reference: order.reference,
    redirect_url: order.redirect_url,
    pricing: { representative_interest: 0, promotions: [] },
    pay_link_id: order.pay_link_id,
    seller_name: order.seller_name,
    status: order.status,
    allowed_payment_terms: [...order.allowed_payment_terms],
  };
}

/** Builds the API routes (mounted at the provider prefix). */
export function createIwocaPayApi(options: IwocaPayApiOptions): Hono {
  const { ctx, state } = options;
  const supplier = options.supplierUuid.toLowerCase();
  const app = new Hono();

  app.use('/api/*', apiFaults({ ...ctx, provider: 'iwocapay', failure: internalError }));
  app.use('/api/*', authenticate(options.accessToken));
  app.use(
    '/api/*',
    limitBody(() =>
      iwocaError(413, [{ code: 'too_large', detail: 'The request body is too large.' }]),
    ),
  );

  const ownSeller = (c: Context): boolean =>
    (c.req.param('seller') ?? '').toLowerCase() === supplier;
  const ownOrder = (id: string): IwocaPayOrder | undefined => {
    const order = state.get(id);
    return order && order.seller_id === supplier ? order : undefined;
  };

  app.post('/api/lending/edge/ecommerce/seller/:seller/order/', async (c) => {
    if (!ownSeller(c)) return forbidden();
    const body = await readJson(c, CreateOrderBodySchema);
    if (!body.ok && body.reason === 'not_json') {
      return invalid([
        { pointer: '/', detail: 'JSON parse error: the body must be a JSON object.' },
      ]);
    }
    if (!body.ok) {
      return invalid(
        body.issues.map((issue) => ({
          pointer: `/${issue.path.map(String).join('/')}`,
          detail: issue.message,
        })),
      );
    }
    const order = state.create(body.data.data, supplier);
    return c.json({ data: createdView(order) }, 201);
  });

  app.get('/api/lending/edge/ecommerce/order/:id/', (c) => {
    const order = ownOrder(c.req.param('id'));
    if (!order) return notFound();
    return c.json({ data: readView(order) });
  });

  app.get('/api/iwocapay/ecommerce/seller/:seller/order/:id/', (c) => {
    if (!ownSeller(c)) return forbidden();
    const order = ownOrder(c.req.param('id'));
    if (!order) return notFound();
    return c.json({ data: readView(order) });
  });

  app.delete('/api/iwocapay/ecommerce/seller/:seller/order/:id/', (c) => {
    if (!ownSeller(c)) return forbidden();
    if (!ownOrder(c.req.param('id'))) return notFound();
    const result = state.cancel(c.req.param('id'));
    if (result === undefined) return notFound();
    if (result === 'terminal') return terminalCancel();
    return c.json({ data: readView(result) });
  });

  app.get('/api/iwocapay/ecommerce/seller/:seller/connection_check/', (c) => {
    if (!ownSeller(c)) return forbidden();
    return c.json({ data: { seller_id: supplier } });
  });

  app.all('/api/*', () => notFound('No such endpoint. Paths end with a slash, as iwoca’s do.'));
  return app;
}

/** Checks the bearer token in constant time. */
function authenticate(accessToken: string): MiddlewareHandler {
  const matches = secretMatcher(accessToken);
  return async (c, next) => {
    const header = c.req.header('Authorization');
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!header) return unauthenticated(true);
    if (!match?.[1] || !matches(match[1])) return unauthenticated(false);
    await next();
  };
}
