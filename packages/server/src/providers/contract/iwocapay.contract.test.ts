/**
 * @module
 * iwocaPay against the shared adapter contract, with its emulator over loopback. iwocaPay takes
 * the webhook URL per order, so the emulator needs no webhook target of its own.
 */
import { startEmulator } from '@pay-checkout/emulator';
import { signIwocaPayBody } from '../iwocapay/iwocapay-signature.js';
import { describeProviderContract } from './provider-contract.js';

const SUPPLIER_UUID = '0b6f4c1e-8d2a-4f3b-9c5d-7e1a2b3c4d5e';
const ACCESS_TOKEN = 'iwocapay_contract_access_token';

describeProviderContract({
  provider: 'iwocapay',
  startEmulator: () =>
    startEmulator({
      port: 0,
      host: '127.0.0.1',
      timeScale: 0.01,
      settleDelayMs: 2000,
      credentials: { iwocapay: { supplierUuid: SUPPLIER_UUID, accessToken: ACCESS_TOKEN } },
    }),
  serverEnv: (emulatorUrl) => ({
    IWOCAPAY_API_URL: `${emulatorUrl}/iwocapay`,
    IWOCAPAY_SUPPLIER_UUID: SUPPLIER_UUID,
    IWOCAPAY_ACCESS_TOKEN: ACCESS_TOKEN,
  }),
  connect: () => {},
  session: { amount: { value: 2100, currency: 'GBP' }, country: 'GB' },
  method: 'iwocapay:checkout',
  fields: { terms: 'PAY_LATER' },
  outcomes: { success: 'SUCCESSFUL', failure: 'UNSUCCESSFUL' },
  forgeWebhook: ({ serverUrl, order, emulatorOrder }) => {
    const body = JSON.stringify({
      data: {
        webhook_id: '11111111-1111-4111-8111-111111111111',
        event_type: 'ORDER_STATUS_CHANGED',
        order_id: emulatorOrder.id,
        amount: 21.0,
        reference: order.providerReference,
        status: 'SUCCESSFUL',
      },
    });
    return fetch(`${serverUrl}/webhooks/iwocapay`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Iwocapay-Hmac-Sha256': signIwocaPayBody('not-the-access-token', body),
      },
      body,
    });
  },
});
