/**
 * @module
 * The emulator's options and their defaults.
 */
import type { FuratPayCredentials } from './providers/furatpay/index.js';
import type { IvyCredentials } from './providers/ivy/index.js';
import type { IwocaPayCredentials } from './providers/iwocapay/index.js';
import type { IxopayCredentials } from './providers/ixopay/index.js';
import type { KoyweCredentials } from './providers/koywe/index.js';

/** Default port of the emulator. */
export const DEFAULT_EMULATOR_PORT = 8788;
/** Default host of the emulator. */
export const DEFAULT_EMULATOR_HOST = '127.0.0.1';
/** Where the checkout server listens by default; webhooks go there unless told otherwise. */
export const DEFAULT_CHECKOUT_SERVER_URL = 'http://127.0.0.1:8787';
/** Default provider-time duration of the simulated bank step. */
export const DEFAULT_SETTLE_DELAY_MS = 2000;

/** Credentials per provider; a provider without them answers 503 on its prefix. */
export interface EmulatorCredentials {
  ivy?: IvyCredentials;
  iwocapay?: IwocaPayCredentials;
  furatpay?: FuratPayCredentials;
  ixopay?: IxopayCredentials;
  koywe?: KoyweCredentials;
}

/** Options of `createEmulator`. */
export interface EmulatorOptions {
  /** Public base URL of the emulator, for hosted-page links (default `http://127.0.0.1:8788`). */
  publicUrl?: string;
  /** Multiplies every provider delay: webhook retries, bank settlement, session expiry (default 1). */
  timeScale?: number;
  /** Provider-time duration of the simulated bank step (default 2000 ms). */
  settleDelayMs?: number;
  /** The credentials each provider accepts and signs with. */
  credentials: EmulatorCredentials;
  /** Webhook target per provider (default `${checkoutServerUrl}/webhooks/<provider>`). */
  webhookUrls?: { ivy?: string; ixopay?: string; furatpay?: string; koywe?: string };
  /** Base URL of the checkout server, for default webhook targets (default `http://127.0.0.1:8787`). */
  checkoutServerUrl?: string;
  /** The merchant's name on hosted pages and in provider objects (default `Demo Shop`). */
  merchantName?: string;
  /** The clock, in epoch milliseconds (default `Date.now`). */
  now?: () => number;
  /** The fetch used to deliver webhooks (default the global fetch). */
  fetch?: typeof fetch;
  /** Source of randomness in [0, 1) for the `errorRate` fault (default `Math.random`). */
  random?: () => number;
}

/** Removes trailing slashes from a base URL. */
export function trimBaseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}
