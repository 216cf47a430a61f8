/**
 * @module
 * The set-up the Ivy end-to-end suites share: the emulator (time scaled to 1 %, a 2 s
 * settlement) with a checkout server configured against it, Ivy's webhooks coming to the server
 * ({@link startIvyCheckoutStack}), and the same with a merchant endpoint that checks signatures
 * as the server's notification URL ({@link startIvyStack}). Also exports `seedOrder`
 * (test-stores.ts), for suites that need a server's rows without a payment.
 */
import type { CheckoutServerConfig } from '../config.js';
import { startCheckoutStack, type CheckoutStack } from './checkout-stack.js';
import { IVY_API_KEY, IVY_WEBHOOK_SECRET } from './config.js';
import { startTestMerchant, type TestMerchant } from './merchant-endpoint.js';

/** Options of {@link startIvyCheckoutStack}. */
export interface IvyCheckoutStackOptions {
  /** More of the server's environment. */
  env?: Record<string, string | undefined>;
  /** Programmatic config on top of the environment. */
  extras?: Partial<CheckoutServerConfig>;
}

/** Options of {@link startIvyStack}. */
export interface IvyStackOptions extends IvyCheckoutStackOptions {
  /** The merchant's signing secret (`MERCHANT_WEBHOOK_SECRET`). */
  merchantSecret: string;
}

/** A running Ivy stack and the merchant endpoint it notifies. */
export interface IvyStack extends CheckoutStack {
  merchant: TestMerchant;
}

/** Starts the emulator and a server on Ivy, with no notification URL unless `env` sets one. */
export function startIvyCheckoutStack(
  options: IvyCheckoutStackOptions = {},
): Promise<CheckoutStack> {
  return startCheckoutStack({
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
      ...options.env,
    }),
    ...(options.extras ? { extras: options.extras } : {}),
    webhooksFor: ['ivy'],
  });
}

/** Starts the merchant endpoint, the emulator and the server; `close` stops all three. */
export async function startIvyStack(options: IvyStackOptions): Promise<IvyStack> {
  const merchant = await startTestMerchant(options.merchantSecret);
  let stack: CheckoutStack;
  try {
    stack = await startIvyCheckoutStack({
      env: {
        MERCHANT_WEBHOOK_URL: merchant.url,
        MERCHANT_WEBHOOK_SECRET: options.merchantSecret,
        ...options.env,
      },
      ...(options.extras ? { extras: options.extras } : {}),
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

export { seedOrder, type SeedOrder } from './test-stores.js';
