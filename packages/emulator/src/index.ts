/**
 * @packageDocumentation
 * `@pay-checkout/emulator` — offline emulators of the payment providers pay-checkout talks to:
 * their APIs, hosted payment pages and signed webhooks, plus a control API for tests and demos.
 */
export { createEmulator, EMULATED_PROVIDERS, type Emulator } from './emulator.js';
export { startEmulator, type RunningEmulator, type StartEmulatorOptions } from './start.js';
export {
  emulatorOptionsFromEnv,
  EmulatorConfigError,
  type ConfigIssue,
  type EmulatorEnvOptions,
} from './env.js';
export {
  DEFAULT_CHECKOUT_SERVER_URL,
  DEFAULT_EMULATOR_HOST,
  DEFAULT_EMULATOR_PORT,
  DEFAULT_SETTLE_DELAY_MS,
  type EmulatorCredentials,
  type EmulatorOptions,
} from './options.js';
export type { FaultSettings, FaultRequest, FaultsView } from './core/faults.js';
export type { WebhookAttempt, WebhookDelivery } from './core/webhooks.js';
export type { ControlOrder } from './core/provider.js';
export {
  signIvyWebhook,
  IVY_RETRY_DELAYS_MS,
  IVY_ORDER_STATUSES,
  IVY_CURRENCIES,
  type IvyCredentials,
  type IvyCheckoutSession,
  type IvyOrder,
  type IvyOrderStatus,
  type IvySessionStatus,
} from './providers/ivy/index.js';
