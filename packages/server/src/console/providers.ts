/**
 * @module
 * The console's providers page: every provider of the registry, whether it is on, its breaker
 * (providers/breaker.ts), its methods per market and the last hour of its order calls from the
 * recorded activity (so the figures span every instance on the database). Methods are asked of
 * each adapter for one made-up session per market, at most every 5 minutes, with a time limit:
 * an adapter that asks its provider for them must not hold the page.
 */
import type { ConsoleProvider, ConsoleProviderMethod } from '@pay-checkout/protocol/console';
import type { AppContext } from '../core/context.js';
import type { SessionRecord } from '../domain/records.js';
import { guardOf } from '../providers/breaker.js';
import type { Provider } from '../providers/provider.js';
import { PROVIDER_ENTRIES } from '../providers/registry.js';

const HOUR_MS = 60 * 60 * 1000;
const METHODS_TTL_MS = 5 * 60 * 1000;
const METHODS_TIMEOUT_MS = 3_000;
const MAX_MARKETS = 40;

/** The currency a market is probed with, where the provider takes it. */
const CURRENCY_OF: Record<string, string> = {
  GB: 'GBP',
  PL: 'PLN',
  IQ: 'IQD',
  CL: 'CLP',
  MX: 'MXN',
  CO: 'COP',
  PE: 'PEN',
  AR: 'ARS',
  BR: 'BRL',
  SE: 'SEK',
  DK: 'DKK',
  NO: 'NOK',
  CH: 'CHF',
  CZ: 'CZK',
  HU: 'HUF',
  US: 'USD',
};

const methodCache = new WeakMap<Provider, { at: number; methods: ConsoleProviderMethod[] }>();

/** The value at quantile `q` of ascending `sorted`, or null when empty. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? null;
}

function probeSession(country: string, currency: string, now: Date): SessionRecord {
  return {
    id: 'cs_console_probe',
    reference: 'console-probe',
    amount: { value: 10_000, currency },
    country,
    returnUrl: 'https://console.invalid/return',
    status: 'created',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + HOUR_MS).toISOString(),
  };
}

async function methodsOf(
  provider: Provider,
  markets: { countries: ReadonlySet<string> | null; currencies: ReadonlySet<string> | null },
  now: Date,
): Promise<ConsoleProviderMethod[]> {
  const cached = methodCache.get(provider);
  if (cached && now.getTime() - cached.at < METHODS_TTL_MS) return cached.methods;
  const rows: ConsoleProviderMethod[] = [];
  const countries = [...(markets.countries ?? [])].slice(0, MAX_MARKETS);
  const currencies = [...(markets.currencies ?? [])];
  await Promise.all(
    countries.map(async (country) => {
      const preferred = CURRENCY_OF[country];
      const currency =
        preferred && (currencies.length === 0 || currencies.includes(preferred))
          ? preferred
          : currencies.includes('EUR')
            ? 'EUR'
            : (currencies[0] ?? 'EUR');
      try {
        const methods = await Promise.race([
          Promise.resolve(provider.methods(probeSession(country, currency, now))),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error('timeout')), METHODS_TIMEOUT_MS).unref(),
          ),
        ]);
        for (const method of methods) {
          rows.push({ id: method.id, market: country, kind: String(method.kind ?? 'other') });
        }
      } catch {
        // That market's methods are not known now.
      }
    }),
  );
  rows.sort((a, b) => a.market.localeCompare(b.market) || a.id.localeCompare(b.id));
  methodCache.set(provider, { at: now.getTime(), methods: rows });
  return rows;
}

/** Every provider as the console's providers page shows it. */
export async function providersView(ctx: AppContext): Promise<ConsoleProvider[]> {
  const now = ctx.now();
  const since = new Date(now.getTime() - HOUR_MS).toISOString();
  return Promise.all(
    PROVIDER_ENTRIES.map(async (entry) => {
      const provider = ctx.providers.get(entry.id);
      const stats = await ctx.store.activity.providerCalls(entry.id, since);
      return {
        id: entry.id,
        name: entry.name,
        enabled: provider !== undefined,
        breaker: (provider ? guardOf(provider)?.state : undefined) ?? 'closed',
        methods: provider ? await methodsOf(provider, entry.markets, now) : [],
        lastHour: {
          calls: stats.calls,
          errors: stats.errors,
          errorRate: stats.calls === 0 ? 0 : stats.errors / stats.calls,
          p50Ms: quantile(stats.durationsMs, 0.5),
          p99Ms: quantile(stats.durationsMs, 0.99),
        },
      };
    }),
  );
}
