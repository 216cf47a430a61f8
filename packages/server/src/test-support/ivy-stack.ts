/**
 * @module
 * The set-up the Ivy end-to-end suites share: a merchant endpoint that checks signatures, and
 * the emulator (time scaled to 1 %, a 2 s settlement) with a checkout server configured against
 * both, Ivy's webhooks coming to the server. Plus {@link seedOrder}, an order moved through its
 * statuses straight on a server's ledger, for suites that need rows without a payment.
 */
import type { CheckoutServerConfig } from '../config.js';
import type { OrderStatus } from '@pay-checkout/protocol/status';
import type { Ledger } from '../core/ledger.js';
import { startCheckoutStack, type CheckoutStack } from './checkout-stack.js';
import { IVY_API_KEY, IVY_WEBHOOK_SECRET } from './config.js';
import { startTestMerchant, type TestMerchant } from './merchant-endpoint.js';

export interface IvyStackOptions {
  /** The merchant's signing secret (`MERCHANT_WEBHOOK_SECRET`). */
  merchantSecret: string;
  /** More of the server's environment. */
  env?: Record<string, string | undefined>;
  /** Programmatic config on top of the environment. */
  extras?: Partial<CheckoutServerConfig>;
}

/** A running Ivy stack and the merchant endpoint it notifies. */
export interface IvyStack extends CheckoutStack {
  merchant: TestMerchant;
}

/** Starts the merchant endpoint, the emulator and the server; `close` stops all three. */
export async function startIvyStack(options: IvyStackOptions): Promise<IvyStack> {
  const merchant = await startTestMerchant(options.merchantSecret);
  let stack: CheckoutStack;
  try {
    stack = await startCheckoutStack({
      emulator: {
        // One bank step is 2 s of provider time → 20 ms; SEPA settlement is a multiple.
        timeScale: 0.01,
        settleDelayMs: 2000,
        credentials: { ivy: { apiKey: IVY_API_KEY, webhookSecret: IVY_WEBHOOK_SECRET } },
        webhookUrls: { ivy: 'http://127.0.0.1:9/unused' },
      },
      env: (emulatorUrl) => ({
        IVY_API_KEY,
        IVY_WEBHOOK_SECRET,
        IVY_API_URL: `${emulatorUrl}/ivy`,
        MERCHANT_WEBHOOK_URL: merchant.url,
        MERCHANT_WEBHOOK_SECRET: options.merchantSecret,
        ...options.env,
      }),
      ...(options.extras ? { extras: options.extras } : {}),
      webhooksFor: ['ivy'],
    });
  } catch (error) {
    await merchant.close();
    throw error;
  }
  return {
    ...stack,
    merchant,
    async close() {
      try {
        await stack.close();
      } finally {
        await merchant.close();
      }
    },
  };
}

/** What {@link seedOrder} writes. */
export interface SeedOrder {
  sessionId: string;
  reference: string;
  orderId: string;
  /** The statuses the order moves through, in order, each as a webhook's. */
  statuses: readonly OrderStatus[];
  amount?: { value: number; currency: string };
  now?: Date;
}

/** A session of an hour and its Ivy order, moved through `statuses` on `ledger`. */
export async function seedOrder(ledger: Ledger, seed: SeedOrder): Promise<void> {
  const now = seed.now ?? new Date();
  await ledger.createSession({
    id: seed.sessionId,
    reference: seed.reference,
    amount: seed.amount ?? { value: 500, currency: 'EUR' },
    country: 'DE',
    returnUrl: 'https://shop.example/',
    status: 'created',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 3_600_000).toISOString(),
  });
  await ledger.createOrder({
    id: seed.orderId,
    sessionId: seed.sessionId,
    provider: 'ivy',
    method: 'ivy:bank',
    now,
  });
  for (const status of seed.statuses) {
    await ledger.applyStatus({ orderId: seed.orderId, status, source: 'webhook', now });
  }
}
