/**
 * @module
 * Every fault of `POST /_emulator/faults`, against a real receiver.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  WEBHOOK_SECRET,
  hmacHex,
  pause,
  sharedHarness,
  waitFor,
  type IvySessionJson,
} from '../test-support/harness.js';
import type { WebhookDelivery } from './webhooks.js';

const h = sharedHarness();
afterEach(async () => {
  await h.control('DELETE', 'faults');
});

async function setFaults(body: Record<string, unknown>): Promise<void> {
  const response = await h.control('POST', 'faults', body);
  expect(response.status).toBe(200);
}

function receivedFor(session: IvySessionJson) {
  return h.receiver.received.filter((r) => r.body.includes(session.referenceId));
}

async function log(session: IvySessionJson): Promise<WebhookDelivery[]> {
  const all = (await (await h.control('GET', 'webhooks')).json()) as WebhookDelivery[];
  return all.filter((d) => d.body.includes(session.referenceId));
}

describe('webhook faults', () => {
  it('duplicate sends every webhook twice with the same event id', async () => {
    await setFaults({ duplicate: true });
    const session = await h.createSession();
    await h.control('POST', `orders/ivy/${session.id}/outcome`, { status: 'failed' });
    const received = await waitFor(() => {
      const list = receivedFor(session);
      return list.length >= 2 ? list : undefined;
    });
    expect(received[0]?.body).toBe(received[1]?.body);
    const entries = await log(session);
    expect(entries.map((e) => e.duplicate)).toEqual([false, true]);
  });

  it('reorder sends an order’s webhooks newest first', async () => {
    await setFaults({ reorder: true, provider: 'ivy' });
    const session = await h.createSession();
    await fetch(`${h.emulator.url}/ivy/checkout/${session.id}/pay`, {
      method: 'POST',
      redirect: 'manual',
    });
    const received = await waitFor(() => {
      const list = receivedFor(session);
      return list.length >= 3 ? list : undefined;
    });
    expect(received.map((r) => JSON.parse(r.body).type)).toEqual([
      'order_updated',
      'checkout_session_completed',
      'order_created',
    ]);
  });

  it('delayMs holds each delivery back', async () => {
    await setFaults({ delayMs: 60_000 });
    const session = await h.createSession();
    await h.control('POST', `orders/ivy/${session.id}/outcome`, { status: 'failed' });
    const [entry] = await waitFor(async () => {
      const entries = await log(session);
      return entries[0]?.nextAttemptAt ? entries : undefined;
    });
    expect(entry?.attempts).toEqual([]);
    expect(Date.parse(entry?.nextAttemptAt ?? '')).toBeGreaterThan(Date.now() + 30_000);
    expect(receivedFor(session)).toEqual([]);
  });

  it('drop records the webhook but never sends it', async () => {
    await setFaults({ drop: true });
    const session = await h.createSession();
    await h.control('POST', `orders/ivy/${session.id}/outcome`, { status: 'failed' });
    await pause(100);
    expect(receivedFor(session)).toEqual([]);
    const [entry] = await log(session);
    expect(entry).toMatchObject({ dropped: true, delivered: false, attempts: [] });
  });

  it('badSignature signs with a wrong key', async () => {
    await setFaults({ badSignature: true });
    const session = await h.createSession();
    await h.control('POST', `orders/ivy/${session.id}/outcome`, { status: 'failed' });
    const [received] = await waitFor(() => {
      const list = receivedFor(session);
      return list.length ? list : undefined;
    });
    const signature = received?.headers['x-ivy-signature'];
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    expect(signature).not.toBe(hmacHex(WEBHOOK_SECRET, received?.raw ?? ''));
  });
});

describe('API faults', () => {
  it('errorRate 1 answers 500 Ivy-style and changes nothing', async () => {
    await setFaults({ errorRate: 1 });
    const before = ((await (await h.control('GET', 'orders')).json()) as unknown[]).length;
    const response = await h.ivy('checkout/session/create', {
      price: { total: 1, currency: 'EUR' },
      referenceId: 'fault-1',
      successCallbackUrl: 'https://shop.example/ok',
      errorCallbackUrl: 'https://shop.example/ko',
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({
      category: 'api_error',
      code: 'INTERNAL_SERVER_ERROR',
    });
    const after = ((await (await h.control('GET', 'orders')).json()) as unknown[]).length;
    expect(after).toBe(before);
  });

  it('tooManyRequests answers 429 with Retry-After and changes nothing', async () => {
    await setFaults({ provider: 'ivy', tooManyRequests: { retryAfterSeconds: 7 } });
    const before = ((await (await h.control('GET', 'orders')).json()) as unknown[]).length;
    const response = await h.ivy('checkout/session/create', {
      price: { total: 1, currency: 'EUR' },
      referenceId: 'fault-429',
      successCallbackUrl: 'https://shop.example/ok',
      errorCallbackUrl: 'https://shop.example/ko',
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(await response.json()).toMatchObject({ error: 'too_many_requests' });
    const after = ((await (await h.control('GET', 'orders')).json()) as unknown[]).length;
    expect(after).toBe(before);

    // With `rate: 0` no call is refused.
    await setFaults({ provider: 'ivy', tooManyRequests: { retryAfterSeconds: 7, rate: 0 } });
    expect((await h.createSession()).status).toBe('open');
  });

  it('tooManyRequests of another provider leaves this one alone', async () => {
    await setFaults({ provider: 'koywe', tooManyRequests: { retryAfterSeconds: 1 } });
    expect((await h.createSession()).status).toBe('open');
  });

  it('scopes faults to one provider', async () => {
    await setFaults({ errorRate: 1, provider: 'koywe' });
    const session = await h.createSession();
    expect(session.status).toBe('open');
  });

  it('latencyMs still answers correctly', async () => {
    await setFaults({ latencyMs: 20 });
    const session = await h.createSession();
    const details = await h.ivy('checkout/session/details', { id: session.id });
    expect(details.status).toBe(200);
  });
});

describe('/_emulator/faults', () => {
  it('shows, merges and resets the switches', async () => {
    await setFaults({ duplicate: true });
    await setFaults({ drop: true });
    await setFaults({ provider: 'ivy', latencyMs: 5 });
    const view = await (await h.control('GET', 'faults')).json();
    expect(view).toEqual({
      global: { duplicate: true, drop: true },
      providers: { ivy: { latencyMs: 5 } },
    });
    await h.control('DELETE', 'faults');
    expect(await (await h.control('GET', 'faults')).json()).toEqual({ global: {}, providers: {} });
  });

  it.each([
    [{ errorRate: 2 }],
    [{ tooManyRequests: { retryAfterSeconds: -1 } }],
    [{ tooManyRequests: { rate: 0.5 } }],
    [{ provider: 'stripe' }],
    [{ duplicate: 'yes' }],
    [{ unknown: true }],
  ])('rejects %j with 400', async (body) => {
    const response = await h.control('POST', 'faults', body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_request' } });
  });
});
