/**
 * @module
 * The Idempotency-Key contract on its own, over an in-memory SQLite store: key checks, request
 * hashes, replays, 409 while running, 422 for another body, and which failures are remembered.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import { createLedger, type Ledger } from './ledger.js';
import type { Store } from '../store/store.js';
import { ApiError } from './api-error.js';
import {
  idempotencyKey,
  idempotent,
  isFinalError,
  requestHash,
  type IdempotentAnswer,
} from './idempotency.js';

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('idempotencyKey', () => {
  it('returns a valid key', () => {
    expect(idempotencyKey('order-1')).toBe('order-1');
  });

  it.each([undefined, ''])('answers 400 idempotency_key_required for %j', (header) => {
    expect(thrown(() => idempotencyKey(header))).toMatchObject({
      status: 400,
      code: 'idempotency_key_required',
    });
  });

  it('answers 400 invalid_request naming the header for a malformed key', () => {
    const error = thrown(() => idempotencyKey('has space')) as ApiError;
    expect(error).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(error.toBody().error.details).toMatchObject({
      issues: [{ path: 'Idempotency-Key' }],
    });
  });
});

describe('requestHash', () => {
  it('is a SHA-256 hex digest that depends on every part', () => {
    expect(requestHash(['a', 1])).toMatch(/^[0-9a-f]{64}$/);
    expect(requestHash(['a', 1])).toBe(requestHash(['a', 1]));
    expect(requestHash(['a', 1])).not.toBe(requestHash(['a', 2]));
  });
});

describe('isFinalError', () => {
  it.each([
    [new ApiError(400, 'invalid_request', 'x'), true],
    [new ApiError(409, 'conflict', 'x'), true],
    [new ApiError(502, 'provider_error', 'x'), true],
    [new ApiError(502, 'provider_error', 'x', { retryable: true }), false],
    [new ApiError(503, 'provider_unavailable', 'x'), false],
    [new Error('boom'), false],
  ])('%s → %s', (error, final) => {
    expect(isFinalError(error)).toBe(final);
  });
});

describe('idempotent', () => {
  let store: Store;
  let ledger: Ledger;
  let calls: number;
  const ctx = (): { ledger: Ledger; now: () => Date } => ({ ledger, now: () => new Date() });
  const request = (hash = 'h1') => ({ scope: 'cs_1', key: 'k-1', requestHash: hash });
  const created = async (): Promise<IdempotentAnswer> => {
    calls += 1;
    return { status: 201, body: JSON.stringify({ n: calls }) };
  };

  beforeEach(async () => {
    store = createSqliteStore({ filename: ':memory:' });
    await store.migrate();
    ledger = createLedger(store);
    calls = 0;
  });

  afterEach(async () => {
    await store.close();
  });

  it('runs once and replays the first answer byte for byte', async () => {
    const first = await idempotent(ctx(), request(), created);
    expect(first.status).toBe(201);
    expect(first.headers.get('content-type')).toBe('application/json');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const replay = await idempotent(ctx(), request(), created);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.text()).toBe(await first.text());
    expect(calls).toBe(1);
  });

  it('answers 422 for another body and 409 while the first request runs', async () => {
    let finish!: () => void;
    const running = idempotent(ctx(), request(), async () => {
      await new Promise<void>((resolve) => (finish = resolve));
      return created();
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    const busy = await rejection(idempotent(ctx(), request(), created));
    expect(busy).toMatchObject({ status: 409, code: 'idempotency_key_in_progress' });
    expect(busy.retryable).toBe(true);
    finish();
    await running;
    const other = await rejection(idempotent(ctx(), request('h2'), created));
    expect(other).toMatchObject({ status: 422, code: 'idempotency_key_reused' });
    expect(calls).toBe(1);
  });

  it('remembers a final refusal and replays it', async () => {
    const refusal = new ApiError(409, 'conflict', 'No');
    await expect(idempotent(ctx(), request(), () => Promise.reject(refusal))).rejects.toBe(refusal);
    const replay = await idempotent(ctx(), request(), created);
    expect(replay.status).toBe(409);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(refusal.toBody());
    expect(calls).toBe(0);
  });

  it('frees the key after a failure that may succeed later', async () => {
    const outage = new ApiError(503, 'provider_unavailable', 'Later', { retryable: true });
    await expect(idempotent(ctx(), request(), () => Promise.reject(outage))).rejects.toBe(outage);
    const retry = await idempotent(ctx(), request(), created);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(calls).toBe(1);
  });
});
