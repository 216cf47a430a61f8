/**
 * @module
 * Every provider, listed once: the variables that configure it (a zod section beside its
 * adapter), the factory of its adapter, where it is offered, and where the emulator serves it.
 * The configuration, the app, `--help`, the README's configuration table and the emulator's
 * wiring all follow from this list.
 */
import type { ProviderId } from '@pay-checkout/protocol';
import type { EnvSection } from '../config/env-schema.js';
import { ivyEnv, type IvyConfig } from './ivy/ivy-config.js';
import { IVY_COUNTRIES, IVY_CURRENCIES } from './ivy/ivy-markets.js';
import { createIvyProvider } from './ivy/ivy-provider.js';
import { iwocaPayEnv, type IwocaPayConfig } from './iwocapay/iwocapay-config.js';
import { IWOCAPAY_COUNTRY, IWOCAPAY_CURRENCY } from './iwocapay/iwocapay-markets.js';
import { createIwocaPayProvider } from './iwocapay/iwocapay-provider.js';
import { ixopayEnv, type IxopayConfig } from './ixopay/ixopay-config.js';
import { IXOPAY_COUNTRIES, IXOPAY_CURRENCIES } from './ixopay/ixopay-markets.js';
import { createIxopayProvider } from './ixopay/ixopay-provider.js';
import { koyweEnv, type KoyweConfig } from './koywe/koywe-config.js';
import { createKoyweProvider } from './koywe/koywe-provider.js';
import { furatPayEnv, type FuratPayConfig } from './furatpay/furatpay-config.js';
import { FURATPAY_COUNTRIES, FURATPAY_CURRENCY_IDS } from './furatpay/furatpay-markets.js';
import { createFuratPayProvider } from './furatpay/furatpay-provider.js';
import type { Provider } from './provider.js';
import { guardProvider, type ProviderGuards } from './breaker.js';

/** Each provider's configuration, present when the provider is on. */
export interface ProviderConfigs {
  ivy?: IvyConfig;
  iwocapay?: IwocaPayConfig;
  ixopay?: IxopayConfig;
  koywe?: KoyweConfig;
  furatpay?: FuratPayConfig;
}

/** What every adapter is built with besides its own configuration. */
export interface ProviderDeps {
  /** The server's public base URL (webhook URLs hang off it). */
  publicUrl: string;
  now: () => Date;
  /** Base delay of the provider client's retry back-off. */
  retryBaseMs?: number;
  /** Each provider's breaker and bulkhead; every call of its adapter goes through them. */
  guards?: ProviderGuards;
  /** Told of every order call of every adapter once it ends (see {@link recordCalls}). */
  onCall?: (call: ProviderCall) => void;
}

/** One call of an adapter about an order, as {@link recordCalls} reports it. */
export interface ProviderCall {
  provider: ProviderId;
  /** The adapter method: `createOrder`, `fetchStatus`, `findOrderByReference`, `charge`. */
  operation: string;
  orderId: string;
  startedAt: Date;
  durationMs: number;
  /** The error it threw; undefined when it answered. */
  error?: unknown;
}

/** The adapter methods that are about one order, and where their order is. */
const ORDER_CALLS: Record<string, (args: unknown[]) => string | undefined> = {
  createOrder: (args) => (args[0] as { order?: { id?: string } } | undefined)?.order?.id,
  charge: (args) => (args[0] as { order?: { id?: string } } | undefined)?.order?.id,
  fetchStatus: (args) => (args[0] as { id?: string } | undefined)?.id,
  findOrderByReference: (args) => (args[0] as { id?: string } | undefined)?.id,
};

/**
 * The adapter with each call about an order (`createOrder`, `charge`, `fetchStatus`,
 * `findOrderByReference`) timed and reported to `onCall` when it ends; everything else passes
 * through. Wrapped inside the breaker's guard, so that {@link guardOf} still finds the guard.
 */
export function recordCalls<P extends Provider>(
  provider: P,
  onCall: (call: ProviderCall) => void,
  now: () => Date = () => new Date(),
): P {
  return new Proxy(provider, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      const orderOf = typeof key === 'string' ? ORDER_CALLS[key] : undefined;
      if (typeof value !== 'function') return value;
      // Called on the adapter itself: its methods may use its private fields.
      if (!orderOf) return (value as (...a: unknown[]) => unknown).bind(target);
      return async (...args: unknown[]) => {
        const startedAt = now();
        const started = performance.now();
        const report = (error?: unknown) => {
          const orderId = orderOf(args);
          if (orderId === undefined) return;
          try {
            onCall({
              provider: target.id,
              operation: key as string,
              orderId,
              startedAt,
              durationMs: Math.round(performance.now() - started),
              ...(error !== undefined ? { error } : {}),
            });
          } catch {
            // Reporting never changes the call's outcome.
          }
        };
        try {
          const result: unknown = await (value as (...a: unknown[]) => unknown).apply(target, args);
          report();
          return result;
        } catch (error) {
          report(error ?? new Error('failed'));
          throw error;
        }
      };
    },
  });
}

/** Where a provider is offered; null where its API decides per session (Koywe's methods). */
export interface Markets {
  countries: ReadonlySet<string> | null;
  currencies: ReadonlySet<string> | null;
}

/** One provider of the registry. */
export interface ProviderEntry<K extends ProviderId & keyof ProviderConfigs> {
  id: K;
  /** The provider's name as merchants know it. */
  name: string;
  env: EnvSection<ProviderConfigs[K]>;
  /** The variable that points the adapter at an API (the emulator's, in development). */
  apiUrlVariable: string;
  /** Where the emulator serves this provider's API, under its base URL. */
  emulatorPath: string;
  markets: Markets;
  create(config: NonNullable<ProviderConfigs[K]>, deps: ProviderDeps): Provider;
}

type Registry = { [K in keyof ProviderConfigs]: ProviderEntry<K> };

const retry = (deps: ProviderDeps) =>
  deps.retryBaseMs !== undefined ? { retryBaseMs: deps.retryBaseMs } : {};

/** The providers, in the order the documentation lists them. */
export const PROVIDERS: Readonly<Registry> = {
  ivy: {
    id: 'ivy',
    name: 'Ivy',
    env: ivyEnv,
    apiUrlVariable: 'IVY_API_URL',
    emulatorPath: '/ivy',
    markets: { countries: IVY_COUNTRIES, currencies: IVY_CURRENCIES },
    create: (config, deps) => createIvyProvider({ ...config, now: deps.now, ...retry(deps) }),
  },
  iwocapay: {
    id: 'iwocapay',
    name: 'iwocaPay',
    env: iwocaPayEnv,
    apiUrlVariable: 'IWOCAPAY_API_URL',
    emulatorPath: '/iwocapay',
    markets: { countries: new Set([IWOCAPAY_COUNTRY]), currencies: new Set([IWOCAPAY_CURRENCY]) },
    create: (config, deps) => createIwocaPayProvider({ ...config, ...retry(deps) }),
  },
  ixopay: {
    id: 'ixopay',
    name: 'IXOPAY',
    env: ixopayEnv,
    apiUrlVariable: 'IXOPAY_API_URL',
    emulatorPath: '/ixopay',
    markets: { countries: IXOPAY_COUNTRIES, currencies: IXOPAY_CURRENCIES },
    create: (config, deps) =>
      createIxopayProvider({
        ...config,
        callbackUrl: `${deps.publicUrl}/webhooks/ixopay`,
        now: deps.now,
        ...retry(deps),
      }),
  },
  koywe: {
    id: 'koywe',
    name: 'Koywe',
    env: koyweEnv,
    apiUrlVariable: 'KOYWE_API_URL',
    emulatorPath: '/koywe',
    markets: { countries: null, currencies: null },
    create: (config, deps) => createKoyweProvider({ ...config, now: deps.now, ...retry(deps) }),
  },
  furatpay: {
    id: 'furatpay',
    name: 'FuratPay',
    env: furatPayEnv,
    apiUrlVariable: 'FURATPAY_API_URL',
    emulatorPath: '/furatpay',
    markets: {
      countries: FURATPAY_COUNTRIES,
      currencies: new Set(Object.keys(FURATPAY_CURRENCY_IDS)),
    },
    create: (config, deps) => createFuratPayProvider({ ...config, now: deps.now, ...retry(deps) }),
  },
};

/** The registry's entries, in order. */
export const PROVIDER_ENTRIES = Object.values(PROVIDERS) as ProviderEntry<keyof ProviderConfigs>[];

function build<K extends keyof ProviderConfigs>(
  entry: ProviderEntry<K>,
  configs: ProviderConfigs,
  deps: ProviderDeps,
): Provider | undefined {
  const config = configs[entry.id];
  return config ? entry.create(config, deps) : undefined;
}

/** The adapters of every provider that `configs` switches on. */
export function createProviders(
  configs: ProviderConfigs,
  deps: ProviderDeps,
): Map<ProviderId, Provider> {
  const providers = new Map<ProviderId, Provider>();
  for (const entry of PROVIDER_ENTRIES) {
    const built = build(entry, configs, deps);
    if (!built) continue;
    const provider = deps.onCall ? recordCalls(built, deps.onCall, deps.now) : built;
    providers.set(
      entry.id,
      deps.guards ? guardProvider(provider, deps.guards.of(entry.id)) : provider,
    );
  }
  return providers;
}

/**
 * The variables that point every provider at an emulator listening on `emulatorUrl`
 * (`IVY_API_URL=<emulatorUrl>/ivy`, …).
 */
export function emulatorEnvironment(emulatorUrl: string): Record<string, string> {
  const base = emulatorUrl.replace(/\/+$/, '');
  return Object.fromEntries(
    PROVIDER_ENTRIES.map((entry) => [entry.apiUrlVariable, `${base}${entry.emulatorPath}`]),
  );
}
