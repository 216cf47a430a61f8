/**
 * @packageDocumentation
 * `@pay-checkout/server` — the companion backend of `<pay-checkout>`: sessions, idempotent
 * orders, provider webhooks, the status machine and the SSE stream, as a `fetch` handler.
 *
 * @example
 * import { createCheckoutServer, loadConfig } from '@pay-checkout/server';
 * const server = createCheckoutServer(loadConfig(process.env));
 * export default { fetch: server.fetch };
 */
export { createCheckoutServer, MAX_BODY_BYTES, type CheckoutServer } from './app.js';
export {
  CONFIG_SECTIONS,
  ConfigError,
  configSchema,
  loadConfig,
  parseOrigin,
  type CheckoutServerConfig,
  type IvyConfig,
} from './config.js';
export { ApiError } from './core/api-error.js';
export {
  createProviders,
  emulatorEnvironment,
  PROVIDERS,
  type Markets,
  type ProviderConfigs,
  type ProviderDeps,
  type ProviderEntry,
} from './providers/registry.js';
export type { EnvSection, EnvVariable } from './config/env-schema.js';
export { IVY_SANDBOX_URL } from './providers/ivy/ivy-config.js';
export { Metrics } from './core/metrics.js';
export type { EventBus, SessionListener } from './bus/bus.js';
export { createMemoryBus } from './bus/memory-bus.js';
export type {
  CreateProviderOrderInput,
  CreateProviderOrderResult,
  HeaderReader,
  ParsedWebhook,
  Provider,
  ProviderStatus,
} from './providers/provider.js';
export { createIvyProvider, IVY_BANK_METHOD } from './providers/ivy/ivy-provider.js';
export { signIvyBody, verifyIvySignature } from './providers/ivy/ivy-signature.js';
export { IVY_COUNTRIES, IVY_CURRENCIES } from './providers/ivy/ivy-markets.js';
export { createIxopayProvider, IXOPAY_CARD_METHOD } from './providers/ixopay/ixopay-provider.js';
export { signIxopay, verifyIxopayCallback } from './providers/ixopay/ixopay-signature.js';
export { IXOPAY_COUNTRIES, IXOPAY_CURRENCIES } from './providers/ixopay/ixopay-markets.js';
export { IXOPAY_SANDBOX_URL, type IxopayConfig } from './providers/ixopay/ixopay-config.js';
export {
  createIwocaPayProvider,
  IWOCAPAY_METHOD,
  IWOCAPAY_SIGNATURE_HEADER,
} from './providers/iwocapay/iwocapay-provider.js';
export {
  signIwocaPayBody,
  verifyIwocaPaySignature,
} from './providers/iwocapay/iwocapay-signature.js';
export { IWOCAPAY_SANDBOX_URL, type IwocaPayConfig } from './providers/iwocapay/iwocapay-config.js';
export {
  createKoyweProvider,
  type KoyweProvider,
  type KoyweProviderOptions,
} from './providers/koywe/koywe-provider.js';
export { KOYWE_SANDBOX_URL, type KoyweConfig } from './providers/koywe/koywe-config.js';
export { signKoyweBody, verifyKoyweSignature } from './providers/koywe/koywe-signature.js';
export { KOYWE_ORDER_STATUS, mapKoyweOrderStatus } from './providers/koywe/koywe-status.js';
export {
  createFuratPayProvider,
  type FuratPayProvider,
  type FuratPayProviderOptions,
} from './providers/furatpay/furatpay-provider.js';
export { FURATPAY_DEFAULT_URL, type FuratPayConfig } from './providers/furatpay/furatpay-config.js';
export { signFuratPay, verifyFuratPaySignature } from './providers/furatpay/furatpay-signature.js';
export {
  FURATPAY_INVOICE_STATUS,
  mapFuratPayInvoiceStatus,
} from './providers/furatpay/furatpay-status.js';
export {
  DuplicateReferenceError,
  type ApplyStatusInput,
  type ApplyStatusResult,
  type BeginIdempotencyInput,
  type ClaimOutboxInput,
  type CreateChargeOrderInput,
  type CreateChargeOrderResult,
  type CreateOrderInput,
  type IdempotencyBegin,
  type MandateDetails,
  type MandateRecord,
  type MandateStatus,
  type MandateUpdateInput,
  type MandateUpdateResult,
  type OrderRecord,
  type OutboxAttemptResult,
  type OutboxMessage,
  type OutboxType,
  type ProviderEventInput,
  type SessionEvent,
  type SessionRecord,
} from './domain/records.js';
export type { Repositories, Store } from './store/store.js';
export { createLedger, type Ledger } from './core/ledger.js';
export { openStore } from './store/open-store.js';
export { createSqliteStore, type SqliteStoreOptions } from './store/sqlite/sqlite-store.js';
export { createPostgresStore, type PostgresStoreOptions } from './store/postgres/postgres-store.js';
export type {
  CreateProviderChargeInput,
  CreateProviderChargeResult,
  ParsedMandateEvent,
} from './providers/provider.js';
export {
  DEFAULT_RETRY_POLICY,
  OutboxDeliverer,
  retryDelay,
  type OutboxDelivererOptions,
  type RetryPolicy,
} from './notify/outbox-deliverer.js';
export type { MerchantWebhookConfig } from './notify/merchant-webhook-config.js';
export {
  verifyWebhook,
  WebhookVerificationError,
  type MerchantWebhookEvent,
  type WebhookMandate,
  type WebhookOrder,
} from './webhooks.js';
