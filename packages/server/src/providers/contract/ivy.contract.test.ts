/**
 * @module
 * Ivy against the shared adapter contract, with its emulator over loopback.
 */
import { startEmulator } from '@pay-checkout/emulator';
import { signIvyBody } from '../ivy/ivy-signature.js';
import { IVY_API_KEY, IVY_WEBHOOK_SECRET } from '../../test-support/config.js';
import { describeProviderContract } from './provider-contract.js';

describeProviderContract({
  provider: 'ivy',
  startEmulator: () =>
    startEmulator({
      port: 0,
      host: '127.0.0.1',
      timeScale: 0.01,
      settleDelayMs: 2000,
      credentials: { ivy: { apiKey: IVY_API_KEY, webhookSecret: IVY_WEBHOOK_SECRET } },
    }),
  serverEnv: (emulatorUrl) => ({
    IVY_API_URL: `${emulatorUrl}/ivy`,
    IVY_API_KEY,
    IVY_WEBHOOK_SECRET,
  }),
  session: { amount: { value: 1999, currency: 'EUR' }, country: 'DE' },
  method: 'ivy:bank',
  outcomes: { success: 'paid', failure: 'failed' },
  forgeWebhook: ({ serverUrl, order, emulatorOrder }) => {
    const body = JSON.stringify({
      id: `evt-forged-${order.id}`,
      type: 'order_updated',
      payload: {
        id: emulatorOrder.orderId ?? 'forged',
        referenceId: order.providerReference,
        status: 'paid',
        price: { total: 19.99, currency: 'EUR' },
      },
      date: new Date().toISOString(),
    });
    return fetch(`${serverUrl}/webhooks/ivy`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Ivy-Signature': signIvyBody('not-the-webhook-secret', body),
      },
      body,
    });
  },
});
