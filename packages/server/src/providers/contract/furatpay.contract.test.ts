/**
 * @module
 * FuratPay against the shared adapter contract, with its emulator over loopback: FIB (the QR
 * flow) as the method, invoice statuses as outcomes.
 */
import { startEmulator } from '@pay-checkout/emulator';
import { signFuratPay } from '../furatpay/furatpay-signature.js';
import { describeProviderContract } from './provider-contract.js';

const FURATPAY_API_KEY = 'furatpay_contract_key';
const FURATPAY_WEBHOOK_SECRET = 'furatpay_contract_webhook_secret';

describeProviderContract({
  provider: 'furatpay',
  startEmulator: () =>
    startEmulator({
      port: 0,
      host: '127.0.0.1',
      timeScale: 0.01,
      credentials: {
        furatpay: { apiKey: FURATPAY_API_KEY, webhookSecret: FURATPAY_WEBHOOK_SECRET },
      },
    }),
  serverEnv: (emulatorUrl) => ({
    FURATPAY_API_URL: `${emulatorUrl}/furatpay`,
    FURATPAY_API_KEY,
    FURATPAY_WEBHOOK_SECRET,
  }),
  session: { amount: { value: 25_000, currency: 'IQD' }, country: 'IQ' },
  method: 'furatpay:fib',
  outcomes: { success: 'paid', failure: 'failed' },
  forgeWebhook: ({ serverUrl, order }) => {
    const data = {
      id: order.providerOrderId ?? 'forged',
      code: order.providerReference,
      order_number: order.providerReference,
      status: 'paid',
    };
    const timestamp = String(Math.floor(Date.now() / 1000));
    return fetch(`${serverUrl}/webhooks/furatpay`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Timestamp': timestamp,
        'X-Signature': signFuratPay('not-the-webhook-secret', data, timestamp),
      },
      body: JSON.stringify({ type: 'INVOICE_PAID', data }),
    });
  },
});
