/**
 * @module
 * Acknowledge first, then process, over a real process on a SQLite file and on PostgreSQL:
 * Koywe asks for an answer within 5 seconds, and its `order.completed` needs a read of the order
 * from Koywe's API before it may be applied. The built server answers the signed event 200 while
 * that API is slowed to 3 s per call (the order still `pending` at the answer, `paid` once the
 * read is done), and while it fails every call (the stored event is processed once the API is
 * back, with no second webhook).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '@pay-checkout/emulator';
import { CreateOrderResponseSchema } from '@pay-checkout/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signKoyweBody } from './providers/koywe/koywe-signature.js';
import type { RunningProcess } from './test-support/binaries.js';
import { createSession, expectJson, postOrder, setFaults } from './test-support/checkout-calls.js';
import { SHOP_ORIGIN } from './test-support/config.js';
import { createTestDatabase, describePostgres } from './test-support/postgres.js';
import { until } from './test-support/processes.js';
import { serverEnv, startServerProcess } from './test-support/server-process.js';

const KOYWE = {
  apiKey: 'koywe_ack_key',
  secret: 'koywe_ack_secret',
  orgId: 'org_ack',
  merchantId: 'mer_ack',
  webhookSecret: 'koywe_ack_webhook_secret',
};
const PSE_FIELDS = { documentType: 'CC', documentNumber: '1020304050', bank: 'BANCOLOMBIA' };

function scenarios(open: () => Promise<{ databaseUrl: string; close(): Promise<void> }>) {
  let emulator: RunningEmulator;
  let server: RunningProcess;
  let database: { databaseUrl: string; close(): Promise<void> };

  const faults = (body: Record<string, unknown>) => setFaults(emulator.url, body, 'koywe');

  const orderStatus = async (orderId: string) =>
    (
      (await expectJson(
        await fetch(`${server.url}/v1/orders/${orderId}`, { headers: { Origin: SHOP_ORIGIN } }),
        200,
        'read the order',
      )) as { status: string }
    ).status;

  /** A Koywe PSE order, completed at Koywe, whose own webhooks went nowhere. */
  const completedAtKoywe = async () => {
    const session = await createSession(server.url, {
      reference: `ack-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
      amount: { value: 9_900_000, currency: 'COP' },
      country: 'CO',
      customer: { email: 'ana@example.com', name: 'Ana Demo' },
    });
    const created = CreateOrderResponseSchema.parse(
      await expectJson(
        await postOrder(server.url, session.id, `ack-${session.id}`, {
          method: 'koywe:PSE',
          fields: PSE_FIELDS,
        }),
        201,
        'start a Koywe order',
      ),
    );
    if (created.action.type !== 'redirect') throw new Error('expected a redirect');
    const koyweOrderId = new URL(created.action.url).pathname.split('/').at(-1) ?? '';
    await expectJson(
      await fetch(`${emulator.url}/_emulator/orders/koywe/${koyweOrderId}/outcome`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ status: 'COMPLETED' }),
      }),
      200,
      'complete the order at Koywe',
    );
    const body = JSON.stringify({
      id: `evt_ack_${session.id}`,
      type: 'order.completed',
      data: { orderId: koyweOrderId, externalId: `1-${session.reference}`, status: 'COMPLETED' },
    });
    return { orderId: created.order.id, body };
  };

  const sendWebhook = async (body: string) => {
    const response = await fetch(`${server.url}/webhooks/koywe`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Koywe-Signature': signKoyweBody(KOYWE.webhookSecret, body),
      },
      body,
    });
    const text = await response.text();
    return { status: response.status, text };
  };

  beforeAll(async () => {
    database = await open();
    emulator = await startEmulator({
      port: 0,
      host: '127.0.0.1',
      timeScale: 0.01,
      credentials: { koywe: KOYWE },
      webhookUrls: { koywe: 'http://127.0.0.1:9/unused' },
    });
    await faults({ drop: true });
    server = await startServerProcess(
      'server',
      serverEnv(database.databaseUrl, {
        PAY_CHECKOUT_INBOX_POLL_MS: '200',
        KOYWE_API_URL: `${emulator.url}/koywe`,
        KOYWE_API_KEY: KOYWE.apiKey,
        KOYWE_SECRET: KOYWE.secret,
        KOYWE_ORG_ID: KOYWE.orgId,
        KOYWE_MERCHANT_ID: KOYWE.merchantId,
        KOYWE_WEBHOOK_SECRET: KOYWE.webhookSecret,
      }),
    );
  });

  afterAll(async () => {
    await server?.stop('SIGTERM');
    await emulator?.close();
    await database?.close();
  });

  it('answers order.completed before the 3 s read of the order, and applies it after', async () => {
    const { orderId, body } = await completedAtKoywe();
    await faults({ latencyMs: 3_000 });
    try {
      const answer = await sendWebhook(body);
      expect(answer.status).toBe(200);
      // The read is still on its way: nothing applied yet.
      expect(await orderStatus(orderId)).toBe('pending');
      await until(async () => (await orderStatus(orderId)) === 'paid', 'the order paid', {
        timeoutMs: 20_000,
        everyMs: 200,
      });
    } finally {
      await faults({ latencyMs: 0 });
    }
  }, 40_000);

  it('answers order.completed while Koywe fails every call, and applies it once Koywe is back', async () => {
    const { orderId, body } = await completedAtKoywe();
    await faults({ errorRate: 1 });
    try {
      const answer = await sendWebhook(body);
      expect(answer.status).toBe(200);
      // Tried and failed meanwhile: still pending, the event kept.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await orderStatus(orderId)).toBe('pending');
    } finally {
      await faults({ errorRate: 0 });
    }
    // No second webhook: the stored event is processed again once the API answers.
    await until(async () => (await orderStatus(orderId)) === 'paid', 'the order paid', {
      timeoutMs: 60_000,
      everyMs: 250,
    });
    // A repeat of the same event is acknowledged as a duplicate and changes nothing.
    const again = await sendWebhook(body);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.text)).toMatchObject({ duplicate: true });
  }, 90_000);
}

describe('webhook acknowledgement over a real process on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pay-checkout-ack-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  scenarios(async () => ({
    databaseUrl: `sqlite:${join(dir, 'checkout.db')}`,
    close: async () => {},
  }));
});

describePostgres('webhook acknowledgement over a real process on PostgreSQL', () => {
  scenarios(async () => {
    const database = await createTestDatabase('webhook_ack');
    return { databaseUrl: database.url, close: () => database.drop() };
  });
});
