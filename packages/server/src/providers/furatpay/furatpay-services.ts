/**
 * @module
 * FuratPay's linked payment services as methods: each active service becomes `furatpay:<slug>`
 * (`furatpay:fib`, `furatpay:zaincash`, `furatpay:fastpay`, `furatpay:qicard`…). The list comes
 * from FuratPay's API and is cached for a bounded time, one request at a time.
 */
import type { Method, MethodKind } from '@pay-checkout/protocol';
import { logoOf } from '../method-logos.js';
import type { FuratPayClient, FuratPayService } from './furatpay-client.js';

/** How long a fetched service list is used (default). */
export const SERVICES_TTL_MS = 5 * 60_000;

/** Services whose answer is a QR code the customer scans with their app. */
const QR_SERVICES = new Set(['fib', 'fastpay']);

/**
 * How the customer pays with the services we know that are not QR services: Zain Cash is a
 * mobile wallet, Qi Card and PayTabs take cards. Another service is taken as a wallet, the
 * usual kind of Iraqi payment service.
 */
const SERVICE_KINDS: Readonly<Record<string, MethodKind>> = Object.freeze({
  zaincash: 'wallet',
  qicard: 'card',
  paytabs: 'card',
});

/** The kind of a service slug: `qr` for QR services, else by {@link SERVICE_KINDS}. */
export function serviceKind(slug: string): MethodKind {
  if (QR_SERVICES.has(slug)) return 'qr';
  return Object.prototype.hasOwnProperty.call(SERVICE_KINDS, slug)
    ? (SERVICE_KINDS[slug] ?? 'wallet')
    : 'wallet';
}

/** A linked service as we offer it. */
export interface OfferedService {
  method: Method;
  /** FuratPay's `payment_service_id`. */
  serviceId: number;
}

/** The method code of a service name: `FIB` → `fib`, `Zain Cash` → `zaincash`. */
export function serviceSlug(service: Pick<FuratPayService, 'id' | 'name'>): string {
  const slug = service.name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '')
    .slice(0, 40);
  return slug || `service${service.id}`;
}

/**
 * The offered services of a service list: active ones, one per slug, first wins. FuratPay's own
 * `logo` (an image on its host) is not passed on: the browser would load it from a third party
 * and a strict `img-src` would block it. Known services get our own mark instead.
 */
export function toOfferedServices(services: readonly FuratPayService[]): OfferedService[] {
  const offered = new Map<string, OfferedService>();
  for (const service of services) {
    if ((service.status ?? 'active').toLowerCase() !== 'active') continue;
    const slug = serviceSlug(service);
    if (offered.has(slug)) continue;
    const id = `furatpay:${slug}`;
    offered.set(slug, {
      serviceId: service.id,
      method: {
        id,
        provider: 'furatpay',
        name: service.name,
        flow: QR_SERVICES.has(slug) ? 'qr' : 'redirect',
        kind: serviceKind(slug),
        ...logoOf(id),
      },
    });
  }
  return [...offered.values()];
}

/** A bounded-life cache of the linked services; concurrent callers share one request. */
export class ServiceCache {
  readonly #client: FuratPayClient;
  readonly #ttlMs: number;
  readonly #now: () => Date;
  #value: { services: OfferedService[]; until: number } | undefined;
  #inflight: Promise<OfferedService[]> | undefined;

  constructor(client: FuratPayClient, now: () => Date, ttlMs = SERVICES_TTL_MS) {
    this.#client = client;
    this.#now = now;
    this.#ttlMs = ttlMs;
  }

  /** The offered services, from the cache while it is fresh, else from FuratPay. */
  async get(options: { fresh?: boolean } = {}): Promise<OfferedService[]> {
    const now = this.#now().getTime();
    if (!options.fresh && this.#value && now < this.#value.until) return this.#value.services;
    this.#inflight ??= this.#client
      .linkedServices()
      .then((services) => {
        const offered = toOfferedServices(services);
        this.#value = { services: offered, until: this.#now().getTime() + this.#ttlMs };
        return offered;
      })
      .finally(() => {
        this.#inflight = undefined;
      });
    return this.#inflight;
  }
}
