/**
 * @module
 * The emulated IXOPAY Transaction and Status APIs, mirroring the paths below `/api/v3`:
 * `POST /transaction/{apiKey}/debit`, `GET /status/{apiKey}/getByUuid/{uuid}` and
 * `GET /status/{apiKey}/getByMerchantTransactionId/{id}`.
 *
 * Every call needs HTTP Basic credentials of the API user and the connector's API key in the
 * path; with request signing on (the default here) also `X-Signature` over method, body hash,
 * Content-Type, `X-Date`/`Date` and the request URI.
 */
import { Hono } from 'hono';
import type { Context, MiddlewareHandler } from 'hono';
import { apiFaults } from '../../core/faults.js';
import type { ProviderContext } from '../../core/provider.js';
import { limitBody, readJson, secretMatcher } from '../../core/requests.js';
import {
  IXOPAY_ERROR_CODES,
  internalError,
  invalidSignature,
  ixopayFailure,
  unauthenticated,
} from './errors.js';
import { DebitBodySchema } from './schemas.js';
import { verifyIxopay } from './signature.js';
import type { IxopayState } from './state.js';

/** Transaction types of the real API that the emulated connector does not process. */
const OTHER_TYPES = new Set([
  'preauthorize',
  'capture',
  'void',
  'refund',
  'register',
  'deregister',
  'payout',
  'incrementalAuthorization',
]);

/** Options of {@link createIxopayApi}. */
export interface IxopayApiOptions {
  ctx: ProviderContext;
  state: IxopayState;
  apiKey: string;
  username: string;
  password: string;
  sharedSecret: string;
  /** Whether requests must carry a valid `X-Signature` (default true). */
  requireSignature?: boolean;
}

/** Builds the API routes (mounted at the provider prefix). */
export function createIxopayApi(options: IxopayApiOptions): Hono {
  const { ctx, state } = options;
  const app = new Hono();
  const guards: MiddlewareHandler[] = [
    apiFaults({ ...ctx, provider: 'ixopay', failure: internalError }),
    authenticate(options),
    limitBody(() =>
      ixopayFailure(413, IXOPAY_ERROR_CODES.invalidBody, 'The request body is too large.'),
    ),
  ];
  if (options.requireSignature ?? true) guards.push(requireSignature(options.sharedSecret));
  for (const path of ['/transaction/:apiKey/*', '/status/:apiKey/*']) app.use(path, ...guards);

  app.post('/transaction/:apiKey/debit', async (c) => {
    const body = await readJson(c, DebitBodySchema);
    if (!body.ok && body.reason === 'not_json') {
      return ixopayFailure(
        400,
        IXOPAY_ERROR_CODES.invalidBody,
        'Invalid body: the request must be JSON.',
      );
    }
    if (!body.ok) {
      const reasons = body.issues.map((issue) => issue.message).join('; ');
      return ixopayFailure(
        200,
        IXOPAY_ERROR_CODES.invalidRequestData,
        `Invalid request data: ${reasons}`,
      );
    }
    return c.json(state.debit(body.data));
  });

  app.post('/transaction/:apiKey/:type', (c) => {
    const type = c.req.param('type');
    if (!OTHER_TYPES.has(type)) return notFound(c);
    return ixopayFailure(
      200,
      IXOPAY_ERROR_CODES.invalidConfiguration,
      `The emulated connector processes debits only, not ${type}.`,
    );
  });

  app.get('/status/:apiKey/getByUuid/:uuid', (c) => {
    const tx = state.byUuid(c.req.param('uuid'));
    return tx ? c.json(state.statusOf(tx)) : transactionNotFound();
  });

  app.get('/status/:apiKey/getByMerchantTransactionId/:id', (c) => {
    const tx = state.byMerchantTransactionId(c.req.param('id'));
    return tx ? c.json(state.statusOf(tx)) : transactionNotFound();
  });

  app.all('/transaction/*', notFound);
  app.all('/status/*', notFound);
  return app;
}

function notFound(_c: Context): Response {
  return ixopayFailure(404, IXOPAY_ERROR_CODES.requestFailed, 'No such endpoint.');
}

function transactionNotFound(): Response {
  return ixopayFailure(200, IXOPAY_ERROR_CODES.notFound, 'Transaction not found.');
}

/** Checks Basic credentials and the path's API key in constant time. */
function authenticate(options: IxopayApiOptions): MiddlewareHandler {
  const userMatches = secretMatcher(`${options.username}:${options.password}`);
  const keyMatches = secretMatcher(options.apiKey);
  return async (c, next) => {
    const header = c.req.header('Authorization') ?? '';
    const match = /^Basic ([A-Za-z0-9+/]+=*)$/.exec(header.trim());
    const credentials = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    const userOk = userMatches(credentials);
    const keyOk = keyMatches(c.req.param('apiKey') ?? '');
    if (!match || !userOk || !keyOk) return unauthenticated();
    await next();
  };
}

/** Checks `X-Signature` against the request as received (X-Date takes precedence over Date). */
function requireSignature(secret: string): MiddlewareHandler {
  return async (c, next) => {
    const date = c.req.header('X-Date') ?? c.req.header('Date');
    if (!date) return invalidSignature();
    const url = new URL(c.req.url);
    const body = new Uint8Array(await c.req.arrayBuffer());
    const ok = verifyIxopay(
      secret,
      {
        method: c.req.method,
        body,
        contentType: c.req.header('Content-Type') ?? '',
        date,
        requestUri: `${url.pathname}${url.search}`,
      },
      c.req.header('X-Signature'),
    );
    if (!ok) return invalidSignature();
    await next();
  };
}
