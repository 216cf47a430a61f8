/**
 * @module
 * `GET /v1/sessions/:id/methods` with every provider configured against the emulator: each
 * method has a kind and, for a known brand, our own data: logo; a session that sets up a mandate
 * offers only methods that can carry one, and `POST /v1/sessions/:id/orders` refuses any other
 * before a provider is asked.
 */
import type { RunningEmulator } from '@pay-checkout/emulator';
import {
  CreateOrderResponseSchema,
  ErrorBodySchema,
  MethodsResponseSchema,
  SessionSchema,
  type Method,
  type MethodsResponse,
} from '@pay-checkout/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckoutServer, type CheckoutServer } from '../app.js';
import { MAX_LOGO_BYTES, methodLogo } from '../providers/method-logos.js';
import type { Provider } from '../providers/provider.js';
import {
  IXOPAY_EMULATOR_CREDENTIALS,
  ixopayServerEnv,
} from '../providers/ixopay/ixopay-test-credentials.js';
import { createFakeProvider, FAKE_METHOD } from '../test-support/fake-provider.js';
import {
  IVY_API_KEY,
  IVY_WEBHOOK_SECRET,
  SECRET_KEY,
  SHOP_ORIGIN,
  sessionBody,
  testConfig,
} from '../test-support/config.js';
import { startTestEmulator } from '../test-support/provider-fixtures.js';

const BASE = 'http://checkout.test';
const UNUSED = 'http://127.0.0.1:9/unused';
const IWOCAPAY = { supplierUuid: 'b7c1d9a4-2f3e-4c5d-8e9f-0a1b2c3d4e5f', accessToken: 'iw_tok' };
const KOYWE = {
  apiKey: 'koywe_methods_key',
  secret: 'koywe_methods_secret',
  orgId: 'org_methods',
  merchantId: 'mer_methods',
  webhookSecret: 'koywe_methods_webhook_secret',
};
const FURATPAY = { apiKey: 'furat_methods_key', webhookSecret: 'furat_methods_secret' };

/** Where each provider is offered, in the emulator's markets. */
const MARKETS = [
  { country: 'DE', amount: { value: 1999, currency: 'EUR' } },
  { country: 'GB', amount: { value: 12_000, currency: 'GBP' } },
  { country: 'CO', amount: { value: 9_900_000, currency: 'COP' } },
  { country: 'BR', amount: { value: 25_000, currency: 'BRL' } },
  { country: 'MX', amount: { value: 50_000, currency: 'MXN' } },
  { country: 'CL', amount: { value: 10_000, currency: 'CLP' } },
  { country: 'IQ', amount: { value: 25_000, currency: 'IQD' } },
];

const mandateSetup = (reference: string) => ({
  setup: true,
  referenceId: `${reference}-mandate`,
  userNotificationEmail: 'ana@example.com',
  accountHolderName: 'Ana Demo',
});

let emulator: RunningEmulator;
let server: CheckoutServer;

beforeAll(async () => {
  emulator = await startTestEmulator({
    timeScale: 0.01,
    credentials: {
      ivy: { apiKey: IVY_API_KEY, webhookSecret: IVY_WEBHOOK_SECRET },
      ixopay: { ...IXOPAY_EMULATOR_CREDENTIALS },
      iwocapay: IWOCAPAY,
      koywe: KOYWE,
      furatpay: FURATPAY,
    },
    // iwocaPay takes its webhook URL per order.
    webhookUrls: { ivy: UNUSED, ixopay: UNUSED, koywe: UNUSED, furatpay: UNUSED },
  });
  const url = emulator.url;
  server = createCheckoutServer(
    testConfig({
      IVY_API_KEY,
      IVY_WEBHOOK_SECRET,
      IVY_API_URL: `${url}/ivy`,
      ...ixopayServerEnv(url),
      IWOCAPAY_API_URL: `${url}/iwocapay`,
      IWOCAPAY_SUPPLIER_UUID: IWOCAPAY.supplierUuid,
      IWOCAPAY_ACCESS_TOKEN: IWOCAPAY.accessToken,
      KOYWE_API_URL: `${url}/koywe`,
      KOYWE_API_KEY: KOYWE.apiKey,
      KOYWE_SECRET: KOYWE.secret,
      KOYWE_ORG_ID: KOYWE.orgId,
      KOYWE_MERCHANT_ID: KOYWE.merchantId,
      KOYWE_WEBHOOK_SECRET: KOYWE.webhookSecret,
      FURATPAY_API_URL: `${url}/furatpay`,
      FURATPAY_API_KEY: FURATPAY.apiKey,
      FURATPAY_WEBHOOK_SECRET: FURATPAY.webhookSecret,
    }),
  );
});
afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

function request(target: CheckoutServer, path: string, init: RequestInit = {}) {
  return target.fetch(new Request(`${BASE}${path}`, init));
}

async function createSession(
  target: CheckoutServer,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const response = await request(target, '/v1/sessions', {
    method: 'POST',
    headers: { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(sessionBody(overrides)),
  });
  expect(response.status).toBe(201);
  return SessionSchema.parse(await response.json()).id;
}

async function methodsOf(target: CheckoutServer, sessionId: string): Promise<MethodsResponse> {
  const response = await request(target, `/v1/sessions/${sessionId}/methods`);
  expect(response.status).toBe(200);
  return MethodsResponseSchema.parse(await response.json());
}

function postOrder(target: CheckoutServer, sessionId: string, method: string, key: string) {
  return request(target, `/v1/sessions/${sessionId}/orders`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: SHOP_ORIGIN, 'Idempotency-Key': key },
    body: JSON.stringify({ method }),
  });
}

async function emulatedOrders(provider: string): Promise<unknown[]> {
  return (await (
    await fetch(`${emulator.url}/_emulator/orders?provider=${provider}`)
  ).json()) as unknown[];
}

describe('GET /v1/sessions/:id/methods', () => {
  it('gives every method of every provider a kind, and known brands our own small logo', async () => {
    const offered: Method[] = [];
    for (const market of MARKETS) {
      offered.push(...(await methodsOf(server, await createSession(server, market))).methods);
    }
    expect(new Set(offered.map((m) => m.provider))).toEqual(
      new Set(['ivy', 'ixopay', 'iwocapay', 'koywe', 'furatpay']),
    );
    for (const method of offered) {
      expect(method.kind, method.id).toBeDefined();
      // Only marks of our own, the same ones method-logos.test.ts checks in depth.
      expect(method.logo, method.id).toBe(methodLogo(method.id));
      if (method.logo) {
        expect(method.logo.startsWith('data:image/svg+xml,'), method.id).toBe(true);
        expect(Buffer.byteLength(method.logo), method.id).toBeLessThanOrEqual(MAX_LOGO_BYTES);
      }
      for (const field of method.fields ?? []) {
        expect(field.name, method.id).toMatch(/^[a-z][A-Za-z]*$/);
      }
    }
    const kinds = Object.fromEntries(offered.map((m) => [m.id, m.kind]));
    expect(kinds).toMatchObject({
      'ivy:bank': 'bank',
      'ixopay:card': 'card',
      'iwocapay:checkout': 'bnpl',
      'koywe:PSE': 'bank',
      'koywe:NEQUI': 'wallet',
      'koywe:PIX_DYNAMIC': 'bank',
      'koywe:CARD': 'card',
      'furatpay:fib': 'qr',
      'furatpay:zaincash': 'wallet',
    });
    expect(new Set(offered.filter((m) => m.mandate).map((m) => m.id))).toEqual(
      new Set(['ivy:bank']),
    );
  });

  it("fills in the session's refused document and names the inputs for autocomplete", async () => {
    const id = await createSession(server, {
      ...MARKETS[2],
      customer: { email: 'ana@example.com', document: { type: 'CC', number: '123' } },
    });
    const nequi = (await methodsOf(server, id)).methods.find((m) => m.id === 'koywe:NEQUI');
    expect(nequi?.fields).toEqual([
      expect.objectContaining({ name: 'fullName', autocomplete: 'name' }),
      expect.objectContaining({ name: 'documentType', value: 'CC' }),
      expect.objectContaining({ name: 'documentNumber', autocomplete: 'off', value: '123' }),
    ]);
  });
});

describe('a session that sets up a mandate', () => {
  it('offers only methods that can carry the mandate', async () => {
    const plain = await methodsOf(server, await createSession(server, MARKETS[0]));
    expect(plain.methods.map((m) => m.id).sort()).toEqual(['ivy:bank', 'ixopay:card']);
    const reference = `order-mandate-${Date.now()}`;
    const id = await createSession(server, {
      ...MARKETS[0],
      reference,
      mandate: mandateSetup(reference),
    });
    const methods = (await methodsOf(server, id)).methods;
    expect(methods.map((m) => [m.id, m.mandate])).toEqual([['ivy:bank', true]]);
  });

  it('refuses an order with another method before any provider is asked', async () => {
    const reference = `order-mandate-card-${Date.now()}`;
    const id = await createSession(server, {
      ...MARKETS[0],
      reference,
      mandate: mandateSetup(reference),
    });
    const before = (await emulatedOrders('ixopay')).length;
    const refused = await postOrder(server, id, 'ixopay:card', 'k-card');
    expect(refused.status).toBe(400);
    expect(ErrorBodySchema.parse(await refused.json()).error.code).toBe('method_unavailable');
    expect((await emulatedOrders('ixopay')).length).toBe(before);
    expect(await server.ledger.listOrders(id)).toEqual([]);

    const started = await postOrder(server, id, 'ivy:bank', 'k-bank');
    expect(started.status).toBe(201);
    expect(CreateOrderResponseSchema.parse(await started.json()).order.method).toBe('ivy:bank');
  });

  it('does not ask providers that cannot charge a mandate for their methods', async () => {
    let asked = 0;
    const noMandates: Provider = {
      ...createFakeProvider(),
      id: 'ixopay',
      methods: () => {
        asked++;
        return [{ ...FAKE_METHOD, id: 'ixopay:card', provider: 'ixopay', kind: 'card' }];
      },
    };
    const ivy = createFakeProvider();
    const withMandates: Provider = {
      ...ivy,
      methods: () => [{ ...FAKE_METHOD, kind: 'bank', mandate: true }],
      charge: () => Promise.reject(new Error('not charged here')),
    };
    const local = createCheckoutServer(testConfig({}, { adapters: [withMandates, noMandates] }));
    try {
      const reference = `order-mandate-ask-${Date.now()}`;
      const id = await createSession(local, { reference, mandate: mandateSetup(reference) });
      expect((await methodsOf(local, id)).methods.map((m) => m.id)).toEqual(['ivy:bank']);
      expect(asked).toBe(0);
      await methodsOf(local, await createSession(local));
      expect(asked).toBe(1);
    } finally {
      await local.close();
    }
  });
});
