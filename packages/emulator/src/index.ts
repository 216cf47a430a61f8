/**
 * @packageDocumentation
 * The emulator package — offline emulators of the payment providers pay-checkout talks to:
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
export {
  signIwocaPayWebhook,
  IWOCAPAY_RETRY_DELAYS_MS,
  IWOCAPAY_ORDER_STATUSES,
  IWOCAPAY_PAYMENT_TERMS,
  type IwocaPayCredentials,
  type IwocaPayOrder,
  type IwocaPayOrderStatus,
  type IwocaPayPaymentTerm,
} from './providers/iwocapay/index.js';
export {
  signFuratPayWebhook,
  qrDataUrl,
  FURATPAY_RETRY_DELAYS_MS,
  FURATPAY_INVOICE_STATUSES,
  FURATPAY_SERVICES,
  FIB_QR_LIFETIME_MS,
  type FuratPayCredentials,
  type FuratPayInvoice,
  type FuratPayInvoiceStatus,
  type FuratPayService,
} from './providers/furatpay/index.js';
export {
  signIxopay,
  verifyIxopay,
  IXOPAY_RETRY_DELAYS_MS,
  IXOPAY_TRANSACTION_STATUSES,
  type IxopayCredentials,
  type IxopaySignatureInput,
  type IxopayTransactionStatus,
  type IxopayReturnType,
  type IxopayCallbackResult,
} from './providers/ixopay/index.js';
export {
  signKoyweWebhook,
  KOYWE_RETRY_DELAYS_MS,
  KOYWE_ORDER_STATUSES,
  KOYWE_PAYMENT_METHODS,
  KOYWE_PSE_BANKS,
  KOYWE_FAILING_AMOUNT,
  KOYWE_TOKEN_LIFETIME_S,
  type CancelSpelling,
  type KoyweCredentials,
  type KoyweEmulator,
  type KoyweContact,
  type KoyweOrder,
  type KoyweOrderStatus,
  type KoywePaymentMethod,
} from './providers/koywe/index.js';
