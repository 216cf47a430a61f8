/**
 * @module
 * IXOPAY against the shared adapter contract, with its emulator over loopback. IXOPAY takes the
 * callback URL per debit, so the emulator needs no wiring to the server.
 */
import { startEmulator } from '@pay-checkout/emulator';
import { signIxopay } from '../ixopay/ixopay-signature.js';
import { IXOPAY_EMULATOR_CREDENTIALS, ixopayServerEnv } from '../ixopay/ixopay-test-credentials.js';
import { describeProviderContract } from './provider-contract.js';

describeProviderContract({
  provider: 'ixopay',
  startEmulator: () =>
    startEmulator({
      port: 0,
      host: '127.0.0.1',
      timeScale: 0.0001,
      settleDelayMs: 2000,
      credentials: { ixopay: { ...IXOPAY_EMULATOR_CREDENTIALS } },
    }),
  serverEnv: ixopayServerEnv,
  connect: () => {},
  session: { amount: { value: 1999, currency: 'EUR' }, country: 'DE' },
  method: 'ixopay:card',
  outcomes: { success: 'SUCCESS', failure: 'ERROR' },
  forgeWebhook: ({ serverUrl, order, emulatorOrder }) => {
    const body = JSON.stringify({
      result: 'OK',
      uuid: emulatorOrder.id,
      merchantTransactionId: order.providerReference,
      transactionType: 'DEBIT',
      amount: '19.99',
      currency: 'EUR',
    });
    const date = new Date().toUTCString();
    const contentType = 'application/json; charset=utf-8';
    return fetch(`${serverUrl}/webhooks/ixopay`, {
      method: 'POST',
      headers: {
        'Content-Type': contentType,
        Date: date,
        'X-Signature': signIxopay('not-the-shared-secret', {
          method: 'POST',
          body,
          contentType,
          date,
          requestUri: '/webhooks/ixopay',
        }),
      },
      body,
    });
  },
});
