/**
 * @module
 * The providers the emulator stands for, by the path prefix each is served under
 * (`/iwocapay`, `/ixopay`, `/koywe`, `/furatpay`, `/ivy`).
 */

/** Every provider's prefix, in the order the command lists them. */
export const PROVIDER_IDS = ['iwocapay', 'ixopay', 'koywe', 'furatpay', 'ivy'] as const;

/** One provider's prefix. */
export type ProviderId = (typeof PROVIDER_IDS)[number];
