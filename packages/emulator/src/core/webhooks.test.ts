/**
 * @module
 * Webhook delivery: retries against a real receiver, and the retry schedule's order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { IVY_RETRY_DELAYS_MS } from '../providers/ivy/retry-schedule.js';
import { startHarness, waitFor, type Harness } from '../test-support/harness.js';
import { FaultStore } from './faults.js';
import { Scheduler } from './scheduler.js';
import { WebhookDispatcher, type WebhookDelivery } from './webhooks.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('Ivy retry schedule', () => {
  it('is the documented delays, then ×2.2, 15 retries in all', () => {
    expect(IVY_RETRY_DELAYS_MS.slice(0, 6)).toEqual(
      [30, 22, 140, 541, 1426, 3200].map((s) => s * 1000),
    );
    expect(IVY_RETRY_DELAYS_MS).toHaveLength(15);
    expect(IVY_RETRY_DELAYS_MS[6]).toBe(7040_000);
  });
});

describe('delivery with retries', () => {
  it('retries a 500 twice, then succeeds on 200 with the same event id and bytes', async () => {
    h = await startHarness({ timeScale: 0.0005 }, [500, 500]);
    const session = await h.createSession();
    await h.control('POST', `orders/ivy/${session.id}/outcome`, { status: 'failed' });
    const log = await waitFor(async () => {
      const entries = (await (await h!.control('GET', 'webhooks')).json()) as WebhookDelivery[];
      return entries[0]?.delivered ? entries : undefined;
    }, 'delivery');
    expect(log).toHaveLength(1);
    expect(log[0]?.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(log[0]).toMatchObject({ provider: 'ivy', type: 'order_created', nextAttemptAt: null });
    expect(h.receiver.received.map((r) => r.status)).toEqual([500, 500, 200]);
    const ids = h.events().map((e) => e.id);
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toBe(log[0]?.eventId);
    const bodies = new Set(h.receiver.received.map((r) => r.body));
    expect(bodies.size).toBe(1);
    const signatures = new Set(h.receiver.received.map((r) => r.headers['x-ivy-signature']));
    expect(signatures.size).toBe(1);
  });

  it('counts only HTTP 200 as delivered for Ivy (a 204 is retried)', async () => {
    h = await startHarness({ timeScale: 0.0005 }, [204]);
    const session = await h.createSession();
    await h.control('POST', `orders/ivy/${session.id}/outcome`, { status: 'canceled' });
    const log = await waitFor(async () => {
      const entries = (await (await h!.control('GET', 'webhooks')).json()) as WebhookDelivery[];
      return entries[0]?.delivered ? entries : undefined;
    });
    expect(log[0]?.attempts.map((a) => a.status)).toEqual([204, 200]);
  });

  it('records connection errors and plans the next attempt', async () => {
    h = await startHarness({ timeScale: 1, webhookUrls: { ivy: 'http://127.0.0.1:9/closed' } });
    const session = await h.createSession();
    await h.control('POST', `orders/ivy/${session.id}/outcome`, { status: 'failed' });
    const [entry] = await waitFor(async () => {
      const entries = (await (await h!.control('GET', 'webhooks')).json()) as WebhookDelivery[];
      return entries[0]?.attempts.length ? entries : undefined;
    });
    expect(entry?.attempts[0]?.error).toEqual(expect.any(String));
    expect(entry?.delivered).toBe(false);
    const planned =
      Date.parse(entry?.nextAttemptAt ?? '') - Date.parse(entry?.attempts[0]?.at ?? '');
    expect(planned).toBeGreaterThanOrEqual(29_000);
  });
});

/** A scheduler that records every provider-time delay and runs the callback at once. */
class RecordingScheduler extends Scheduler {
  readonly delays: number[] = [];
  override after(ms: number, fn: () => unknown) {
    this.delays.push(ms);
    return this.afterReal(0, fn);
  }
}

describe('WebhookDispatcher', () => {
  it('waits the schedule’s delays in order and stops after the last retry', async () => {
    const scheduler = new RecordingScheduler(1, Date.now);
    let calls = 0;
    const dispatcher = new WebhookDispatcher({
      scheduler,
      faults: new FaultStore(),
      reorderHoldMs: 0,
      fetch: async () => {
        calls += 1;
        return new Response('down', { status: 503 });
      },
    });
    dispatcher.send({
      provider: 'ivy',
      eventId: 'evt-1',
      type: 'order_updated',
      orderKey: 'o1',
      url: 'http://127.0.0.1:1/x',
      body: '{}',
      headers: () => ({}),
      retryDelaysMs: IVY_RETRY_DELAYS_MS,
    });
    const [entry] = await waitFor(() => {
      const log = dispatcher.deliveries();
      return log[0]?.exhausted ? log : undefined;
    });
    expect(calls).toBe(16);
    expect(entry?.attempts).toHaveLength(16);
    expect(scheduler.delays).toEqual([...IVY_RETRY_DELAYS_MS]);
    expect(entry?.nextAttemptAt).toBeNull();
    dispatcher.close();
    scheduler.close();
  });
});
