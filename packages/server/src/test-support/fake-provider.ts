/**
 * @module
 * A scriptable provider for route tests: counts calls, can block or fail order creation, and
 * answers `fetchStatus` from a table the test fills in.
 */
import type { Method } from '@pay-checkout/protocol';
import { ApiError } from '../core/api-error.js';
import type { Provider, ProviderStatus } from '../providers/provider.js';

export interface FakeProvider extends Provider {
  calls: number;
  /** Set to make the next createOrder calls wait for this promise. */
  gate: Promise<void> | null;
  /** Set to make createOrder throw. */
  failWith: ApiError | null;
  /** fetchStatus answers by provider reference. */
  statuses: Map<string, ProviderStatus>;
  /** How often fetchStatus was asked. */
  fetches: number;
}

export const FAKE_METHOD: Method = {
  id: 'ivy:bank',
  provider: 'ivy',
  name: 'Pay by bank',
  flow: 'redirect',
};

/** A fake provider posing as `ivy`, accepting the signature header `valid`. */
export function createFakeProvider(): FakeProvider {
  const fake: FakeProvider = {
    id: 'ivy',
    calls: 0,
    gate: null,
    failWith: null,
    statuses: new Map(),
    fetches: 0,
    methods: (session) => (session.amount.currency === 'EUR' ? [FAKE_METHOD] : []),
    async createOrder({ order }) {
      fake.calls++;
      if (fake.gate) await fake.gate;
      if (fake.failWith) throw fake.failWith;
      return {
        providerOrderId: `fake-${order.providerReference}`,
        action: {
          type: 'redirect',
          url: `https://pay.example/checkout?ref=${order.providerReference}`,
        },
        status: 'pending',
      };
    },
    verifyWebhook: (_raw, headers) => headers.get('x-fake-signature') === 'valid',
    parseWebhook(raw) {
      const body = JSON.parse(raw) as {
        id: string;
        reference: string;
        status: 'paid' | 'failed';
        /** Ask for confirmation through fetchStatus, as unsigned-body providers do. */
        confirm?: boolean;
      };
      return {
        dedupeKey: body.id,
        reference: body.reference,
        status: body.status,
        providerStatus: body.status,
        ...(body.confirm ? { confirmNeeded: true } : {}),
      };
    },
    async fetchStatus(order) {
      fake.fetches++;
      return fake.statuses.get(order.providerReference) ?? null;
    },
  };
  return fake;
}

export { ApiError };
