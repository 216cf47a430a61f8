/**
 * @packageDocumentation
 * `@pay-checkout/protocol` — the wire contract shared by the element and the server.
 *
 * Schemas are zod; the inferred types are what both sides compile against. `./money` and
 * `./status` are importable on their own and carry no dependency.
 */
export * from './common.js';
export * from './error.js';
export * from './events.js';
export * from './method.js';
export * from './money.js';
export * from './order.js';
export * from './session.js';
export * from './status.js';
export * from './status-schema.js';
export * from './charge.js';
export * from './mandate.js';
export * from './notification.js';
