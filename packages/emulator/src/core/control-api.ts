/**
 * @module
 * The control API under `/_emulator`: list orders, settle them without a browser, switch faults,
 * read the webhook delivery log. Errors use the project's `{ error: { code, message } }` shape.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { z } from 'zod';
import { PROVIDER_IDS, type ProviderId } from './provider-ids.js';
import { FaultRequestSchema, type FaultStore } from './faults.js';
import type { ProviderEmulator } from './provider.js';
import type { WebhookDispatcher } from './webhooks.js';

/** What the control API works on. */
export interface ControlApiOptions {
  providers: ReadonlyMap<ProviderId, ProviderEmulator>;
  faults: FaultStore;
  webhooks: WebhookDispatcher;
}

/** A schema failure as a list of `{ path, message }`, the body itself named `(body)`. */
function fieldIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}

const OutcomeBodySchema = z.strictObject({ status: z.string().min(1) });
const ProviderParamSchema = z.enum(PROVIDER_IDS);

/** Builds the `/_emulator` routes. */
export function createControlApi(options: ControlApiOptions): Hono {
  const app = new Hono();

  app.get('/healthz', (c) => c.json({ status: 'ok', providers: [...options.providers.keys()] }));

  app.get('/orders', (c) => {
    const provider = c.req.query('provider');
    const all = [...options.providers.values()]
      .filter((p) => !provider || p.id === provider)
      .flatMap((p) => p.orders());
    all.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    return c.json(all);
  });

  app.post('/orders/:provider/:id/outcome', async (c) => {
    const providerId = ProviderParamSchema.safeParse(c.req.param('provider'));
    const provider = providerId.success ? options.providers.get(providerId.data) : undefined;
    if (!provider) {
      return fail(
        c,
        404,
        'not_found',
        `No provider "${c.req.param('provider')}" is emulated here.`,
      );
    }
    const body = await readJson(c);
    if (body === INVALID_JSON) return fail(c, 400, 'invalid_request', 'The body must be JSON.');
    const parsed = OutcomeBodySchema.safeParse(body);
    if (!parsed.success) {
      return fail(
        c,
        400,
        'invalid_request',
        'The body must be { "status": "<provider status>" }.',
        {
          issues: fieldIssues(parsed.error),
          allowed: provider.outcomeStatuses,
        },
      );
    }
    const result = provider.outcome(c.req.param('id'), parsed.data.status);
    if (result.ok) return c.json(result.order);
    const status = result.error === 'not_found' ? 404 : result.error === 'conflict' ? 409 : 400;
    const code = result.error === 'invalid_status' ? 'invalid_request' : result.error;
    const details =
      result.error === 'invalid_status' ? { allowed: provider.outcomeStatuses } : undefined;
    return fail(c, status, code, result.message, details);
  });

  app.get('/faults', (c) => c.json(options.faults.view()));

  app.post('/faults', async (c) => {
    const body = await readJson(c);
    if (body === INVALID_JSON) return fail(c, 400, 'invalid_request', 'The body must be JSON.');
    const parsed = FaultRequestSchema.safeParse(body);
    if (!parsed.success) {
      return fail(c, 400, 'invalid_request', 'Invalid fault settings.', {
        issues: fieldIssues(parsed.error),
      });
    }
    return c.json(options.faults.set(parsed.data));
  });

  app.delete('/faults', (c) => {
    const provider = c.req.query('provider');
    if (provider === undefined) return c.json(options.faults.reset());
    const parsed = ProviderParamSchema.safeParse(provider);
    if (!parsed.success) {
      return fail(c, 400, 'invalid_request', `Unknown provider "${provider}".`);
    }
    return c.json(options.faults.reset(parsed.data));
  });

  app.get('/webhooks', (c) => {
    const provider = ProviderParamSchema.safeParse(c.req.query('provider'));
    return c.json(options.webhooks.deliveries(provider.success ? provider.data : undefined));
  });

  app.notFound((c) => fail(c, 404, 'not_found', 'No such control route.'));
  return app;
}

const INVALID_JSON = Symbol('invalid JSON');

/** The parsed body (an empty body reads as `{}`), or {@link INVALID_JSON}. */
async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return INVALID_JSON;
  }
}

function fail(
  c: Context,
  status: 400 | 404 | 409,
  code: string,
  message: string,
  details?: unknown,
): Response {
  return c.json(
    { error: { code, message, ...(details === undefined ? {} : { details }) } },
    status,
  );
}
