/**
 * @module
 * The emulated Ivy service API under `/api/service`: checkout session create/details/expire,
 * order details, mandate retrieve/lookup/revoke, `subaccount/create` and `charge/create` (with an
 * optional `subaccountId` of a created subaccount), with Ivy's authentication,
 * error bodies and idempotency (the `Idempotency-Key` header, and `charge/create`'s mandatory
 * body `idempotencyKey`: the same key and body replay the first answer, another body is a 409).
 */
import { Hono } from 'hono';
import type { Context, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { apiFaults } from '../../core/faults.js';
import { IdempotencyStore, type IdempotencyDecision } from '../../core/idempotency.js';
import type { ProviderContext } from '../../core/provider.js';
import {
  describeIssue,
  issuePath,
  limitBody,
  readJson,
  secretMatcher,
} from '../../core/requests.js';
import {
  conflict,
  internalError,
  ivyError,
  notFound,
  unauthenticated,
  validationError,
} from './errors.js';
import {
  CreateChargeBodySchema,
  CreateSessionBodySchema,
  CreateSubaccountBodySchema,
  MandateIdBodySchema,
  MandateLookupBodySchema,
  OrderLookupBodySchema,
  SessionIdBodySchema,
} from './schemas.js';
import type { IvyState } from './state.js';

/** Bounds of `expiresAt` after creation, with a minute of slack for clock skew. */
const MIN_LIFETIME_S = 30 * 60;
const MAX_LIFETIME_S = 24 * 60 * 60;
const SKEW_S = 60;

/** Options of {@link createIvyApi}. */
export interface IvyApiOptions {
  ctx: ProviderContext;
  state: IvyState;
  apiKey: string;
}

/** Builds the `/api/service` routes. */
export function createIvyApi(options: IvyApiOptions): Hono {
  const { ctx, state } = options;
  const app = new Hono();

  app.use('*', apiFaults({ ...ctx, provider: 'ivy', failure: internalError }));
  app.use('*', authenticate(options.apiKey));
  app.use(
    '*',
    limitBody(() =>
      ivyError(413, {
        message: 'The request body is too large.',
        category: 'invalid_request_error',
        code: 'VALIDATION',
      }),
    ),
  );
  app.use('*', idempotency(new IdempotencyStore()));
  const chargeKeys = new IdempotencyStore();

  app.post('/checkout/session/create', async (c) => {
    const parsed = await parseBody(c, CreateSessionBodySchema);
    if (parsed instanceof Response) return parsed;
    const { expiresAt } = parsed;
    if (expiresAt !== undefined) {
      const now = ctx.scheduler.now() / 1000;
      if (expiresAt < now + MIN_LIFETIME_S - SKEW_S || expiresAt > now + MAX_LIFETIME_S + SKEW_S) {
        return validationError(
          'expiresAt must be between 30 minutes and 24 hours from now, in epoch seconds.',
          'expiresAt',
        );
      }
    }
    const session = state.create(parsed);
    if (session === 'duplicate') {
      return conflict(
        `A checkout session with referenceId "${parsed.referenceId}" already exists.`,
        'referenceId',
      );
    }
    return c.json(session);
  });

  app.post('/checkout/session/details', async (c) => {
    const parsed = await parseBody(c, SessionIdBodySchema);
    if (parsed instanceof Response) return parsed;
    const record = state.session(parsed.id);
    if (!record) return notFound('Checkout session not found.', 'id');
    return c.json(record.session);
  });

  app.post('/checkout/session/expire', async (c) => {
    const parsed = await parseBody(c, SessionIdBodySchema);
    if (parsed instanceof Response) return parsed;
    const result = state.expire(parsed.id);
    if ('error' in result) {
      return result.error === 'not_found'
        ? notFound('Checkout session not found.', 'id')
        : conflict(result.message, 'id');
    }
    return c.json(result);
  });

  app.post('/order/details', async (c) => {
    const parsed = await parseBody(c, OrderLookupBodySchema);
    if (parsed instanceof Response) return parsed;
    // `id` is either kind of id Ivy knows an order by: its own, or the checkout's referenceId.
    const order = state.order(parsed.id) ?? state.orderByReference(parsed.id);
    if (!order) return notFound('Order not found.', 'id');
    return c.json(order);
  });

  app.post('/mandate/retrieve', async (c) => {
    const parsed = await parseBody(c, MandateIdBodySchema);
    if (parsed instanceof Response) return parsed;
    const mandate = state.mandate(parsed.id);
    return mandate ? c.json(mandate) : notFound('Mandate not found.', 'id');
  });

  app.post('/mandate/lookup', async (c) => {
    const parsed = await parseBody(c, MandateLookupBodySchema);
    if (parsed instanceof Response) return parsed;
    const mandate = state.mandateByReference(parsed.referenceId);
    return mandate ? c.json(mandate) : notFound('Mandate not found.', 'referenceId');
  });

  app.post('/mandate/revoke', async (c) => {
    const parsed = await parseBody(c, MandateIdBodySchema);
    if (parsed instanceof Response) return parsed;
    const mandate = state.revokeMandate(parsed.id);
    return mandate ? c.json(mandate) : notFound('Mandate not found.', 'id');
  });

  app.post('/charge/create', async (c) => {
    const parsed = await parseBody(c, CreateChargeBodySchema);
    if (parsed instanceof Response) return parsed;
    const fingerprint = IdempotencyStore.fingerprint('POST', 'charge/create', canonical(parsed));
    const decision = chargeKeys.begin(parsed.idempotencyKey, fingerprint);
    const answered = idempotentAnswer(decision, 'idempotencyKey');
    if (answered) return answered;
    const result = state.charge(parsed);
    let response: Response;
    if (!('error' in result)) response = c.json(result);
    else if (result.error === 'mandate_not_found') {
      response = notFound('Mandate not found.', 'mandateId');
    } else if (result.error === 'subaccount_not_found') {
      response = notFound('Subaccount not found.', 'subaccountId');
    } else if (result.error === 'mandate_inactive') {
      response = conflict(`The mandate is ${result.status} and cannot be charged.`, 'mandateId');
    } else {
      response = conflict(
        `An order with referenceId "${parsed.referenceId}" already exists.`,
        'referenceId',
      );
    }
    chargeKeys.complete(parsed.idempotencyKey, {
      status: response.status,
      body: await response.clone().text(),
      contentType: response.headers.get('Content-Type') ?? 'application/json',
    });
    return response;
  });

  app.post('/subaccount/create', async (c) => {
    const parsed = await parseBody(c, CreateSubaccountBodySchema);
    if (parsed instanceof Response) return parsed;
    return c.json(state.createSubaccount(parsed));
  });

  // A catch-all route rather than `notFound`: a mounted app's `notFound` is not used by the
  // app it is mounted in, which would answer a plain-text 404.
  app.all('*', () =>
    ivyError(404, {
      message: 'No such endpoint. The emulated Ivy API accepts POST requests under /api/service.',
      category: 'invalid_request_error',
      code: 'NOT_FOUND',
    }),
  );
  return app;
}

/** JSON with object keys sorted at every level: equal bodies in any key order compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(
          Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : item,
  );
}

/** Checks `X-Ivy-Api-Key` in constant time. */
function authenticate(apiKey: string): MiddlewareHandler {
  const matches = secretMatcher(apiKey);
  return async (c, next) => {
    const given = c.req.header('X-Ivy-Api-Key');
    if (!given || !matches(given)) return unauthenticated();
    await next();
  };
}

/** Replays the stored response of a repeated `Idempotency-Key`; refuses a reused key. */
function idempotency(store: IdempotencyStore): MiddlewareHandler {
  return async (c, next) => {
    const key = c.req.header('Idempotency-Key');
    if (key === undefined || c.req.method !== 'POST') return next();
    if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
      return validationError(
        'Idempotency-Key must be 1 to 255 printable ASCII characters.',
        'Idempotency-Key',
      );
    }
    const fingerprint = IdempotencyStore.fingerprint(c.req.method, c.req.path, await c.req.text());
    const decision = store.begin(key, fingerprint);
    const answered = idempotentAnswer(decision, 'Idempotency-Key');
    if (answered) return answered;
    try {
      await next();
    } catch (error) {
      store.release(key);
      throw error;
    }
    if (c.res.status >= 500) {
      store.release(key);
      return;
    }
    const body = await c.res.clone().text();
    store.complete(key, {
      status: c.res.status,
      body,
      contentType: c.res.headers.get('Content-Type') ?? 'application/json',
    });
  };
}

/** Reads a JSON body and validates it; a failure becomes Ivy's 400 naming the first bad field. */
async function parseBody<T extends z.ZodType>(
  c: Context,
  schema: T,
): Promise<z.infer<T> | Response> {
  const body = await readJson(c, schema);
  if (body.ok) return body.data;
  if (body.reason === 'not_json') return validationError('The request body must be a JSON object.');
  const first = body.issues[0];
  return validationError(
    body.issues.map(describeIssue).join('; '),
    (first && issuePath(first)) || undefined,
  );
}

/**
 * Ivy's answer when an idempotency key settles the request by itself: 409 `idempotency_error`
 * for another body or a request still running, the stored answer for a repeat; null to go on.
 * `param` names where the key came from (`Idempotency-Key` header or `idempotencyKey` field).
 */
function idempotentAnswer(decision: IdempotencyDecision, param: string): Response | null {
  if (decision.kind === 'mismatch' || decision.kind === 'in_progress') {
    return ivyError(409, {
      message:
        decision.kind === 'mismatch'
          ? `This ${param} was already used with a different request.`
          : `A request with this ${param} is still being processed.`,
      category: 'idempotency_error',
      code: 'CONFLICT',
      param,
    });
  }
  if (decision.kind === 'replay') {
    return new Response(decision.response.body, {
      status: decision.response.status,
      headers: { 'Content-Type': decision.response.contentType, 'Idempotent-Replayed': 'true' },
    });
  }
  return null;
}
