/**
 * @module
 * What the provider adapters' tests share: an emulator on a free loopback port, the session and
 * order records an adapter is handed, the emulator's "decide this order" control call, and a
 * way to catch the {@link ApiError} a call fails with.
 */
import {
  startEmulator,
  type RunningEmulator,
  type StartEmulatorOptions,
} from '@pay-checkout/emulator';
import { ApiError } from '../core/api-error.js';
import type { OrderRecord, SessionRecord } from '../domain/records.js';

/** An emulator on a free port of 127.0.0.1 (port and host may still be overridden). */
export function startTestEmulator(options: StartEmulatorOptions): Promise<RunningEmulator> {
  return startEmulator({ port: 0, host: '127.0.0.1', ...options });
}

/** A stored checkout session: EUR 19.99 in Germany with a fresh reference, unless overridden. */
export function testSession(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: 'cs_unit',
    reference: `order-${Math.random().toString(36).slice(2)}`,
    amount: { value: 1999, currency: 'EUR' },
    country: 'DE',
    returnUrl: 'https://shop.example/done',
    status: 'created',
    createdAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    ...overrides,
  };
}

/** The first order attempt of `session` with one provider's method. */
export function testOrder(
  session: SessionRecord,
  order: Pick<OrderRecord, 'provider' | 'method'> & Partial<OrderRecord>,
): OrderRecord {
  return {
    id: 'ord_unit',
    sessionId: session.id,
    attempt: 1,
    providerReference: `1-${session.reference}`,
    providerOrderId: null,
    status: 'created',
    amount: session.amount,
    needsReview: false,
    lateSuccess: false,
    createdAt: session.createdAt,
    updatedAt: session.createdAt,
    ...order,
  };
}

/** Tells the emulator how the provider's order `id` ends (`paid`, `failed`, `expired` …). */
export function setEmulatedOutcome(
  emulator: RunningEmulator,
  provider: string,
  id: string,
  status: string,
): Promise<Response> {
  return fetch(`${emulator.url}/_emulator/orders/${provider}/${id}/outcome`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ status }),
  });
}

/** The {@link ApiError} `promise` rejects with; fails the test on anything else. */
export async function apiError(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}
