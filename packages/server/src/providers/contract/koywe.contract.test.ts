/**
 * @module
 * Koywe against the shared adapter contract, with its emulator over loopback (PSE in Colombia,
 * with the customer's document and bank entered as method fields).
 */
import { startEmulator } from '@pay-checkout/emulator';
import { signKoyweBody } from '../koywe/koywe-signature.js';
import { describeProviderContract } from './provider-contract.js';

const KOYWE = {
  apiKey: 'koywe_contract_key',
  secret: 'koywe_contract_secret',
  orgId: 'org_contract',
  merchantId: 'mer_contract',
  webhookSecret: 'koywe_contract_webhook_secret',
};

describeProviderContract({
  provider: 'koywe',
  startEmulator: () =>
    startEmulator({
      port: 0,
      host: '127.0.0.1',
      timeScale: 0.01,
      settleDelayMs: 2000,
      credentials: { koywe: KOYWE },
    }),
  serverEnv: (emulatorUrl) => ({
    KOYWE_API_URL: `${emulatorUrl}/koywe`,
    KOYWE_API_KEY: KOYWE.apiKey,
    KOYWE_SECRET: KOYWE.secret,
    KOYWE_ORG_ID: KOYWE.orgId,
    KOYWE_MERCHANT_ID: KOYWE.merchantId,
    KOYWE_WEBHOOK_SECRET: KOYWE.webhookSecret,
  }),
  session: {
    amount: { value: 9_900_000, currency: 'COP' },
    country: 'CO',
    extra: { customer: { email: 'ana@example.com', name: 'Ana Demo' } },
  },
  method: 'koywe:PSE',
  fields: { documentType: 'CC', documentNumber: '1020304050', bank: 'BANCOLOMBIA' },
  // Koywe says to fulfil on COMPLETED; PAID alone is `authorized` (see koywe-status.ts).
  outcomes: { success: 'COMPLETED', failure: 'FAILED' },
  // Koywe announces every order at creation (`order.created`, answered before any fault is set);
  // the suite's delivery checks are about what the outcome sends.
  deliveryConcerns: (delivery, ctx) =>
    delivery.type !== 'order.created' &&
    (delivery.body.includes(ctx.emulatorOrder.id) ||
      delivery.body.includes(ctx.order.providerReference)),
  forgeWebhook: ({ serverUrl, order, emulatorOrder }) => {
    const body = JSON.stringify({
      id: `evt_forged_${order.id}`,
      type: 'order.completed',
      data: {
        orderId: emulatorOrder.id,
        externalId: order.providerReference,
        status: 'COMPLETED',
        amountIn: 99000,
        originCurrencySymbol: 'COP',
      },
    });
    return fetch(`${serverUrl}/webhooks/koywe`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Koywe-Signature': signKoyweBody('not-the-webhook-secret', body),
      },
      body,
    });
  },
});
