/**
 * @module
 * The emulated Koywe API, at the paths the real one has under `KOYWE_API_URL` (`…/api/v1`):
 * sign-in, payment methods, contacts (with document validation) and PAYIN orders (one payment
 * method each, `externalId` unique per merchant, read by id or by `externalId`). Errors use
 * Koywe's `{ statusCode, timestamp, path, errorCode, message }` shape; the error codes are the
 * emulator's own in Koywe's `<PREFIX><digits>` style (`MC00015` and `DC00010` are Koywe's).
 */
import { Hono } from 'hono';
import type { Context, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { amountFromNumber, isKnownCurrency } from '../../core/money.js';
import { apiFaults } from '../../core/faults.js';
import type { ProviderContext } from '../../core/provider.js';
import { issuePath, limitBody, readJson, type BodyIssue } from '../../core/requests.js';
import type { KoyweAuth } from './auth.js';
import { verifyDocument } from './documents.js';
import { internalError, koyweError } from './errors.js';
import type { KoyweState } from './state.js';
import { KOYWE_PAYMENT_METHODS, KOYWE_PSE_BANKS } from './types.js';

const SignInSchema = z.looseObject({ apiKey: z.string(), secret: z.string() });

const ContactSchema = z.looseObject({
  fullName: z.string().trim().min(1).max(200),
  countrySymbol: z.string().regex(/^[A-Z]{2}$/),
  documentType: z.string().min(1).max(16),
  documentNumber: z.string().min(1).max(32),
  businessType: z.enum(['PERSON', 'COMPANY']),
  email: z.email().max(254).optional(),
  phone: z.string().max(40).optional(),
});

const HttpUrl = z.url({ protocol: /^https?$/ }).max(2048);

const OrderSchema = z.looseObject({
  type: z.string(),
  originCurrencySymbol: z.string().regex(/^[A-Z]{3}$/),
  destinationCurrencySymbol: z.string().regex(/^[A-Z]{3}$/),
  amountIn: z.number().positive().optional(),
  amountOut: z.number().positive().optional(),
  quoteId: z.string().optional(),
  description: z.string().max(500).optional(),
  externalId: z.string().min(1).max(200),
  contactId: z.string().min(1).max(100),
  paymentMethods: z.array(
    z.looseObject({ method: z.string().min(1), extra: z.unknown().optional() }),
  ),
  successUrl: HttpUrl.optional(),
  failedUrl: HttpUrl.optional(),
});

/** Options of {@link createKoyweApi}. */
export interface KoyweApiOptions {
  ctx: ProviderContext;
  state: KoyweState;
  auth: KoyweAuth;
  orgId: string;
  merchantId: string;
}

/**
 * PSE's `extra` as Koywe's curl and step-by-step examples send it:
 * `{ "bankAccount": { "name": "BANCOLOMBIA" } }`.
 */
const PseExtraSchema = z.looseObject({
  bankAccount: z.looseObject({ name: z.string().trim().min(1).max(80) }),
});

/** The bank code of PSE's `extra` (`{ bankAccount: { name } }`), or undefined for any other shape. */
export function pseBankOf(extra: unknown): string | undefined {
  const parsed = PseExtraSchema.safeParse(extra);
  return parsed.success ? parsed.data.bankAccount.name : undefined;
}

/** Builds the API routes (mounted at the provider prefix). */
export function createKoyweApi(options: KoyweApiOptions): Hono {
  const { ctx, state, auth } = options;
  const app = new Hono();
  const faults = apiFaults({ ...ctx, provider: 'koywe', failure: internalError });
  const limit = limitBody((c) =>
    koyweError(413, c.req.path, 'SYS00413', 'The request body is too large.'),
  );
  for (const path of ['/auth/*', '/payment-method', '/organizations/*']) {
    app.use(path, faults, limit);
  }
  app.use('/payment-method', authenticate(auth));
  app.use('/organizations/*', authenticate(auth));

  app.post('/auth/sign-in', async (c) => {
    const body = await json(c, SignInSchema);
    if (body instanceof Response) return body;
    if (!auth.credentialsMatch(body.apiKey, body.secret)) {
      return koyweError(401, c.req.path, 'AUTH00001', 'Invalid API key or secret.');
    }
    return c.json({ token: auth.issue() });
  });

  app.get('/payment-method', (c) => {
    const country = c.req.query('countrySymbol');
    const currency = c.req.query('currencySymbol');
    return c.json(
      KOYWE_PAYMENT_METHODS.filter(
        (m) =>
          (!country || m.supportedCountries.includes(country)) &&
          (!currency || m.supportedCurrencies.includes(currency)),
      ),
    );
  });

  const merchant = '/organizations/:org/merchants/:merchant';
  const ours = (c: Context) =>
    c.req.param('org') === options.orgId && c.req.param('merchant') === options.merchantId;
  const notOurs = (c: Context) =>
    koyweError(403, c.req.path, 'MC00015', 'The merchant does not belong to this organization.');

  app.post(`${merchant}/contacts`, async (c) => {
    if (!ours(c)) return notOurs(c);
    const body = await json(c, ContactSchema);
    if (body instanceof Response) return body;
    const checked = verifyDocument(body.countrySymbol, body.documentType, body.documentNumber);
    if (!checked.ok) {
      return koyweError(400, c.req.path, 'DC00010', `Invalid document: ${checked.message}.`, {
        field: checked.field,
      });
    }
    const contact = state.contact({
      fullName: body.fullName,
      countrySymbol: body.countrySymbol,
      documentType: checked.type,
      documentNumber: checked.number,
      businessType: body.businessType,
      ...(body.email ? { email: body.email } : {}),
      ...(body.phone ? { phone: body.phone } : {}),
    });
    return c.json(contact, 201);
  });

  app.post(`${merchant}/orders`, async (c) => {
    if (!ours(c)) return notOurs(c);
    const body = await json(c, OrderSchema);
    if (body instanceof Response) return body;
    const path = c.req.path;
    if (body.type !== 'PAYIN') {
      return koyweError(400, path, 'OR00001', 'The emulator supports PAYIN orders only.');
    }
    const amounts = [body.amountIn, body.amountOut, body.quoteId].filter((a) => a !== undefined);
    if (amounts.length !== 1) {
      return koyweError(400, path, 'OR00002', 'Send exactly one of amountIn, amountOut, quoteId.');
    }
    if (body.amountIn === undefined) {
      return koyweError(400, path, 'OR00002', 'The emulator supports amountIn only.');
    }
    const currency = body.originCurrencySymbol;
    if (!isKnownCurrency(currency) || body.destinationCurrencySymbol !== currency) {
      return koyweError(400, path, 'OR00003', 'A PAYIN pays in and settles in one currency.');
    }
    try {
      amountFromNumber(body.amountIn, currency);
    } catch {
      return koyweError(400, path, 'OR00002', `amountIn has more decimals than ${currency} has.`);
    }
    if (body.paymentMethods.length !== 1) {
      return koyweError(400, path, 'OR00004', 'A PAYIN order takes exactly one payment method.');
    }
    const contact = state.findContact(body.contactId);
    if (!contact) return koyweError(404, path, 'CT00004', 'Contact not found.');
    const [chosen] = body.paymentMethods;
    const method = KOYWE_PAYMENT_METHODS.find(
      (m) =>
        m.method === chosen?.method &&
        m.supportedCountries.includes(contact.countrySymbol) &&
        m.supportedCurrencies.includes(currency),
    );
    if (!chosen || !method) {
      return koyweError(
        400,
        path,
        'OR00005',
        `Payment method ${chosen?.method ?? ''} is not available for ${contact.countrySymbol}/${currency}.`,
      );
    }
    if (method.method === 'PSE') {
      const extra = PseExtraSchema.safeParse(chosen.extra);
      if (!extra.success) {
        return validationError(path, extra.error.issues, 'paymentMethods.0.extra');
      }
      const bank = extra.data.bankAccount.name;
      if (!KOYWE_PSE_BANKS.some((b) => b.code === bank)) {
        return koyweError(
          400,
          path,
          'OR00006',
          `PSE does not know the bank "${bank.slice(0, 80)}".`,
        );
      }
    }
    const order = state.createOrder({
      amountIn: body.amountIn,
      currency,
      externalId: body.externalId,
      contactId: contact.id,
      method: method.method,
      ...(chosen.extra !== undefined ? { extra: chosen.extra } : {}),
      ...(body.description ? { description: body.description } : {}),
      ...(body.successUrl ? { successUrl: body.successUrl } : {}),
      ...(body.failedUrl ? { failedUrl: body.failedUrl } : {}),
    });
    if (order === 'duplicate') {
      return koyweError(
        409,
        path,
        'OR00009',
        `An order with externalId "${body.externalId.slice(0, 100)}" already exists.`,
      );
    }
    return c.json(order, 201);
  });

  app.get(`${merchant}/orders`, (c) => {
    // A wrong organisation reads as empty, as Koywe's testing page describes.
    if (!ours(c)) return c.json([]);
    const externalId = c.req.query('externalId');
    const found = externalId ? state.orderByExternalId(externalId) : undefined;
    return c.json(found ? [found.order] : []);
  });

  app.get(`${merchant}/orders/:id`, (c) => {
    const record = ours(c) ? state.order(c.req.param('id')) : undefined;
    if (!record) return koyweError(404, c.req.path, 'OR00404', 'Order not found.');
    return c.json(record.order);
  });

  return app;
}

/** Requires a valid bearer token. */
function authenticate(auth: KoyweAuth): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('Authorization') ?? '';
    const token = /^Bearer ([\w.-]{1,4096})$/.exec(header)?.[1];
    if (!token || !auth.valid(token)) {
      return koyweError(401, c.req.path, 'AUTH00002', 'Missing, invalid or expired token.');
    }
    await next();
  };
}

/** Reads a JSON body and validates it; a failure is Koywe's 400 listing the bad fields. */
async function json<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T> | Response> {
  const body = await readJson(c, schema);
  if (body.ok) return body.data;
  if (body.reason === 'not_json') {
    return koyweError(400, c.req.path, 'BAA00008', 'The request body must be JSON.');
  }
  return validationError(c.req.path, body.issues);
}

/** Koywe's 400 for a body that fails validation, naming each bad field (under `prefix`). */
function validationError(path: string, issues: readonly BodyIssue[], prefix = ''): Response {
  const message = issues
    .map((i) => {
      const field = [prefix, issuePath(i)].filter(Boolean).join('.');
      return `${field || '(body)'} ${i.message}`;
    })
    .join('; ');
  return koyweError(400, path, 'BAA00008', message);
}
