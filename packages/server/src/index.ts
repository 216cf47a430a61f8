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
  ConfigError,
  loadConfig,
  parseOrigin,
  type CheckoutServerConfig,
  type DatabaseConfig,
  type IvyConfig,
} from './config.js';
export { ApiError } from './core/api-error.js';
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
export {
  DuplicateReferenceError,
  type ApplyStatusInput,
  type ApplyStatusResult,
  type BeginIdempotencyInput,
  type CreateOrderInput,
  type IdempotencyBegin,
  type OrderRecord,
  type ProviderEventInput,
  type SessionEvent,
  type SessionRecord,
  type Store,
} from './store/store.js';
export { createSqliteStore, type SqliteStoreOptions } from './store/sqlite/sqlite-store.js';
