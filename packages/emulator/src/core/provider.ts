/**
 * @module
 * What every provider module gives the emulator, and what the emulator gives it.
 */
import type { Hono } from 'hono';
import type { ProviderId } from './provider-ids.js';
import type { FaultStore } from './faults.js';
import type { Scheduler } from './scheduler.js';
import type { WebhookDispatcher } from './webhooks.js';

/** Shared services handed to each provider module. */
export interface ProviderContext {
  scheduler: Scheduler;
  webhooks: WebhookDispatcher;
  faults: FaultStore;
  /** The emulator's public base URL (no trailing slash), for hosted-page links. */
  publicUrl(): string;
  /** Where this provider's webhooks go right now. */
  webhookUrl(): string;
  /** Provider-time delay of the simulated bank step, before scaling. */
  settleDelayMs: number;
  /** The merchant's name as hosted pages show it. */
  merchantName: string;
  /** Source of randomness in [0, 1), for `errorRate`. */
  random: () => number;
}

/** An amount as the control API shows it: an integer of the currency's minor units. */
export interface ControlAmount {
  value: number;
  /** ISO 4217 code. */
  currency: string;
}

/** One entry of `GET /_emulator/orders`. */
export interface ControlOrder {
  provider: ProviderId;
  /** The provider's id of the payment (for Ivy: the checkout session id). */
  id: string;
  /** The merchant's reference as sent to the provider. */
  reference: string;
  amount: ControlAmount;
  /** The provider's own status word. */
  status: string;
  /** Where this provider's webhooks go. */
  webhookUrl: string;
  /** When the emulator created it (ISO 8601). */
  createdAt: string;
  /** Further provider-specific ids (e.g. Ivy's order id once there is one). */
  orderId?: string;
  /** The page where the customer acts on this payment (hosted page or FIB phone page), if any. */
  payUrl?: string;
  /** FuratPay/FIB: the phone page that stands in for the customer's banking app. */
  phoneUrl?: string;
}

/** Result of a control-API outcome request. */
export type OutcomeResult =
  | { ok: true; order: ControlOrder }
  | { ok: false; error: 'not_found' | 'invalid_status' | 'conflict'; message: string };

/** A provider emulator, mounted by the emulator under `/<id>`. */
export interface ProviderEmulator {
  id: ProviderId;
  /** Routes of the provider's API and hosted pages, relative to its prefix. */
  app: Hono;
  /** Every payment this provider holds, oldest first. */
  orders(): ControlOrder[];
  /** Settles a payment without a browser, using the provider's own status word. */
  outcome(id: string, status: string): OutcomeResult;
  /** The status words {@link outcome} accepts. */
  outcomeStatuses: readonly string[];
}
