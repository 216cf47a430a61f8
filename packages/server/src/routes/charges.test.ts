/**
 * @module
 * `POST /v1/charges` and `GET /v1/mandates` in process, with a fake charging provider: auth,
 * validation, 404/409 before any provider call, idempotent replays without a second charge,
 * 422 on another body, and a retry after a provider outage that resumes the same order with the
 * same provider key.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCheckoutServer, type CheckoutServer } from '../app.js';
import { ApiError } from '../core/api-error.js';
import type { CreateProviderChargeInput } from '../providers/provider.js';
import { createFakeProvider, type FakeProvider } from '../test-support/fake-provider.js';
import { SECRET_KEY, testConfig } from '../test-support/config.js';
import type { MandateRecord } from '../domain/records.js';

let server: CheckoutServer;
let fake: FakeProvider & { charges: CreateProviderChargeInput[]; chargeFails: ApiError | null };
let mandate: MandateRecord;

beforeEach(async () => {
  const base = createFakeProvider();
  fake = Object.assign(base, {
    charges: [] as CreateProviderChargeInput[],
    chargeFails: null as ApiError | null,
    async charge(input: CreateProviderChargeInput) {
      fake.charges.push(input);
      if (fake.chargeFails) throw fake.chargeFails;
      return {
        providerOrderId: `ivy-order-${input.order.providerReference}`,
        status: 'processing' as const,
      };
    },
  });
  server = createCheckoutServer(testConfig({}, { adapters: [fake] }));
  await server.store.migrate();
  const now = new Date();
  await server.ledger.createSession({
    id: 'cs_setup',
    reference: 'sub-1',
    amount: { value: 990, currency: 'EUR' },
    country: 'DE',
    returnUrl: 'https://shop.example/done',
    mandate: {
      setup: true,
      referenceId: 'mandate-1',
      userNotificationEmail: 'e@example.com',
      accountHolderName: 'Erika',
    },
    status: 'paid',
    createdAt: now.toISOString(),
    expiresAt: now.toISOString(),
  });
  const applied = await server.ledger.applyMandateUpdate({
    provider: 'ivy',
    reference: 'mandate-1',
    status: 'active',
    providerMandateId: 'ivy-m-1',
    now,
  });
  mandate = applied.mandate as MandateRecord;
});

afterEach(async () => {
  await server.close();
});

function post(body: unknown, headers: Record<string, string> = {}) {
  return server.fetch(
    new Request('http://localhost/v1/charges', {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${SECRET_KEY}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': 'key-1',
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}

const body = (overrides: Record<string, unknown> = {}) => ({
  mandateId: mandate.id,
  amount: { value: 990, currency: 'EUR' },
  reference: 'sub-1-2026-02',
  ...overrides,
});

async function code(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

describe('POST /v1/charges', () => {
  it('charges once per key and body, passing the key on, and answers the order', async () => {
    const first = await post(body());
    expect(first.status).toBe(201);
    const text = await first.text();
    expect(JSON.parse(text)).toMatchObject({
      status: 'processing',
      provider: 'ivy',
      method: 'ivy:mandate',
      reference: 'sub-1-2026-02',
      mandateId: mandate.id,
      amount: { value: 990, currency: 'EUR' },
    });
    const replay = await post(body());
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.text()).toBe(text);
    expect(fake.charges).toHaveLength(1);
    expect(fake.charges[0]).toMatchObject({ idempotencyKey: 'key-1', mandate: { id: mandate.id } });
    expect(fake.charges[0]?.order.providerReference).toBe('1-sub-1-2026-02');

    const other = await post(body({ amount: { value: 991, currency: 'EUR' } }));
    expect(other.status).toBe(422);
    expect(await code(other)).toBe('idempotency_key_reused');
    const sameReference = await post(body(), { 'Idempotency-Key': 'key-2' });
    expect(sameReference.status).toBe(409);
    expect(await code(sameReference)).toBe('duplicate_reference');
    expect(fake.charges).toHaveLength(1);
  });

  it('refuses unknown and inactive mandates before asking the provider', async () => {
    const unknown = await post(body({ mandateId: 'mdt_unknown' }));
    expect(unknown.status).toBe(404);
    await server.ledger.applyMandateUpdate({
      provider: 'ivy',
      reference: 'mandate-1',
      status: 'revoked',
      now: new Date(),
    });
    const revoked = await post(body(), { 'Idempotency-Key': 'key-2' });
    expect(revoked.status).toBe(409);
    expect(await revoked.json()).toMatchObject({
      error: { code: 'conflict', details: { mandateId: mandate.id, status: 'revoked' } },
    });
    expect(fake.charges).toHaveLength(0);
  });

  it('checks auth, the key, the body and the currency of the mandate', async () => {
    expect((await post(body(), { Authorization: 'Bearer nope' })).status).toBe(401);
    const noKey = await post(body(), { 'Idempotency-Key': '' });
    expect(noKey.status).toBe(400);
    expect(await code(noKey)).toBe('idempotency_key_required');
    const invalid = await post({ mandateId: '', amount: { value: 1.5, currency: 'EUR' } });
    expect(invalid.status).toBe(400);
    const issues = (
      (await invalid.json()) as { error: { details: { issues: { path: string }[] } } }
    ).error.details.issues.map((i) => i.path);
    expect(issues).toEqual(expect.arrayContaining(['mandateId', 'amount.value', 'reference']));
    const currency = await post(body({ amount: { value: 990, currency: 'GBP' } }), {
      'Idempotency-Key': 'key-3',
    });
    expect(currency.status).toBe(400);
    expect((await post('{', { 'Idempotency-Key': 'key-4' })).status).toBe(400);
    expect(fake.charges).toHaveLength(0);
  });

  it('resumes the same order with the same provider key after a provider outage', async () => {
    fake.chargeFails = new ApiError(502, 'provider_unavailable', 'down', { retryable: true });
    const down = await post(body());
    expect(down.status).toBe(502);
    fake.chargeFails = null;
    const retried = await post(body());
    expect(retried.status).toBe(201);
    expect(fake.charges).toHaveLength(2);
    expect(fake.charges[0]?.order.id).toBe(fake.charges[1]?.order.id);
    expect(fake.charges.map((c) => c.idempotencyKey)).toEqual(['key-1', 'key-1']);
  });

  it('fails the order when the provider refuses for good, and remembers the answer', async () => {
    fake.chargeFails = new ApiError(502, 'provider_error', 'Ivy refused the request: nope', {
      retryable: false,
    });
    const refused = await post(body());
    expect(refused.status).toBe(502);
    const orderId = fake.charges[0]?.order.id ?? '';
    expect((await server.ledger.getOrder(orderId))?.status).toBe('failed');
    fake.chargeFails = null;
    expect((await post(body())).status).toBe(502);
    expect(fake.charges).toHaveLength(1);
  });
});

describe('GET /v1/mandates', () => {
  const get = (path: string, auth = true) =>
    server.fetch(
      new Request(`http://localhost${path}`, {
        headers: auth ? { Authorization: `Bearer ${SECRET_KEY}` } : {},
      }),
    );

  it('reads a mandate by id and by reference, behind the bearer key', async () => {
    const byId = await get(`/v1/mandates/${mandate.id}`);
    expect(byId.status).toBe(200);
    expect(await byId.json()).toMatchObject({
      id: mandate.id,
      status: 'active',
      reference: 'mandate-1',
      providerMandateId: 'ivy-m-1',
      sessionId: 'cs_setup',
    });
    expect(await (await get('/v1/mandates?reference=mandate-1')).json()).toMatchObject({
      mandates: [{ id: mandate.id }],
    });
    expect(await (await get('/v1/mandates?reference=other')).json()).toEqual({ mandates: [] });
    expect((await get('/v1/mandates')).status).toBe(400);
    expect((await get('/v1/mandates/mdt_unknown')).status).toBe(404);
    expect((await get(`/v1/mandates/${mandate.id}`, false)).status).toBe(401);
  });
});
