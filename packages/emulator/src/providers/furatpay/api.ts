/**
 * @module
 * The emulated FuratPay API, at the paths the official plugin calls under the base URL:
 * `GET /payment_service/linked/list`, `POST /invoice`, `GET /invoice/:id` and
 * `POST /public/invoice/pay`, all with `x-api-key`, JSON bodies and `{ message }` errors.
 */
import { Hono } from 'hono';
import type { Context, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { apiFaults } from '../../core/faults.js';
import type { ProviderContext } from '../../core/provider.js';
import { describeIssue, limitBody, readJson, secretMatcher } from '../../core/requests.js';
import { furatPayError, internalError, unauthenticated } from './errors.js';
import { CreateInvoiceBodySchema, PayInvoiceBodySchema } from './schemas.js';
import type { FuratPayState } from './state.js';
import { logoUrl } from './logos.js';
import { FURATPAY_SERVICES, type FuratPayService } from './types.js';

const MAX_PAGE = 100;

/** Options of {@link createFuratPayApi}. */
export interface FuratPayApiOptions {
  ctx: ProviderContext;
  state: FuratPayState;
  apiKey: string;
}

/** The API paths, relative to the provider prefix. */
const API_PATHS = ['/payment_service/*', '/invoice', '/invoice/*', '/public/*'];

/** Builds the API routes (mounted at the provider prefix, beside the hosted pages). */
export function createFuratPayApi(options: FuratPayApiOptions): Hono {
  const { ctx, state } = options;
  const app = new Hono();
  const faults = apiFaults({ ...ctx, provider: 'furatpay', failure: internalError });
  const auth = authenticate(options.apiKey);
  const limit = limitBody(() => furatPayError(413, 'The request body is too large.'));
  for (const path of API_PATHS) app.use(path, faults, auth, limit);

  app.get('/payment_service/linked/list', (c) => {
    const size = boundedInt(c.req.query('limit'), 10, 1, MAX_PAGE);
    const offset = boundedInt(c.req.query('offset'), 0, 0, Number.MAX_SAFE_INTEGER);
    const modes = (c.req.query('status') ?? 'production,testing').split(',').map((s) => s.trim());
    const linked: FuratPayService[] = FURATPAY_SERVICES.filter((s) => modes.includes(s.mode)).map(
      ({ kind: _kind, ...service }) => ({ ...service, logo: logoUrl(ctx, service.id) }),
    );
    return c.json({
      data: linked.slice(offset, offset + size),
      meta: { total: linked.length, limit: size, offset },
    });
  });

  app.post('/invoice', async (c) => {
    const parsed = await parseBody(c, CreateInvoiceBodySchema);
    if (parsed instanceof Response) return parsed;
    const invoice = state.createInvoice(parsed);
    if (invoice === 'duplicate') {
      return furatPayError(409, `An invoice with code "${parsed.code}" already exists.`);
    }
    return c.json(invoice, 201);
  });

  app.get('/invoice/:id', (c) => {
    const record = state.invoice(c.req.param('id'));
    if (!record) return furatPayError(404, 'Invoice not found.');
    return c.json(record.invoice);
  });

  app.post('/public/invoice/pay', async (c) => {
    const parsed = await parseBody(c, PayInvoiceBodySchema);
    if (parsed instanceof Response) return parsed;
    const result = state.pay(parsed);
    if ('error' in result) {
      const status = result.error === 'not_found' ? 404 : result.error === 'conflict' ? 409 : 422;
      return furatPayError(status, result.message);
    }
    return c.json(result.answer);
  });

  for (const path of API_PATHS) {
    app.all(path, () => furatPayError(404, 'No such endpoint.'));
  }
  return app;
}

/** Checks `x-api-key` in constant time. */
function authenticate(apiKey: string): MiddlewareHandler {
  const matches = secretMatcher(apiKey);
  return async (c, next) => {
    const given = c.req.header('x-api-key');
    if (!given || !matches(given)) return unauthenticated();
    await next();
  };
}

function boundedInt(raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || !/^\d{1,15}$/.test(raw)) return fallback;
  return Math.min(Math.max(Number(raw), min), max);
}

/** Reads a JSON body and validates it; a failure becomes FuratPay's 422 naming every bad field. */
async function parseBody<T extends z.ZodType>(
  c: Context,
  schema: T,
): Promise<z.infer<T> | Response> {
  const body = await readJson(c, schema);
  if (body.ok) return body.data;
  if (body.reason === 'not_json') {
    return furatPayError(400, 'The request body must be a JSON object.');
  }
  return furatPayError(422, body.issues.map(describeIssue).join('; '));
}
