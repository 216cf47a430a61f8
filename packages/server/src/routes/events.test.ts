/**
 * @module
 * The SSE stream over a real socket: headers, `retry`, snapshot, live events, heartbeats,
 * Last-Event-ID resume without gap or repeat, clean-up on disconnect, and the cut-off of a
 * reader that stops reading.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StatusEventSchema } from '@pay-checkout/protocol';
import { startCheckoutServer, type StartedCheckoutServer } from '../node.js';
import { SSE_MAX_BUFFERED_BYTES } from './events.js';
import { createFakeProvider } from '../test-support/fake-provider.js';
import { SECRET_KEY, sessionBody, testConfig } from '../test-support/config.js';
import { eventually, openSse, type SseConnection } from '../test-support/sse-client.js';

let running: StartedCheckoutServer;
const open: SseConnection[] = [];

beforeEach(async () => {
  running = await startCheckoutServer(
    testConfig({}, { adapters: [createFakeProvider()], sseHeartbeatMs: 50 }),
    {
      port: 0,
      host: '127.0.0.1',
    },
  );
});
afterEach(async () => {
  for (const connection of open.splice(0)) connection.close();
  await running.close();
});

async function sse(path: string, headers: Record<string, string> = {}) {
  const connection = await openSse(`${running.url}${path}`, headers);
  open.push(connection);
  return connection;
}

async function setup() {
  const response = await fetch(`${running.url}/v1/sessions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(sessionBody()),
  });
  const session = (await response.json()) as { id: string };
  const order = await running.server.ledger.createOrder({
    id: 'ord_test',
    sessionId: session.id,
    provider: 'ivy',
    method: 'ivy:bank',
    now: new Date(),
  });
  const apply = (status: 'pending' | 'processing' | 'paid' | 'failed') =>
    running.server.ledger
      .applyStatus({ orderId: order.id, status, source: 'webhook', now: new Date() })
      .then((result) => {
        if (result.sessionEvent) running.server.bus.publish(session.id);
        return result;
      });
  return { sessionId: session.id, orderId: order.id, apply };
}

describe('GET /v1/sessions/:id/events', () => {
  it('sends the headers, retry first, then a snapshot, then live events and heartbeats', async () => {
    const { sessionId, orderId, apply } = await setup();
    const stream = await sse(`/v1/sessions/${sessionId}/events`, {
      Origin: 'https://shop.example',
    });
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.response.headers.get('cache-control')).toBe('no-cache');
    expect(stream.response.headers.get('x-accel-buffering')).toBe('no');

    const snapshot = await stream.waitFor((m) => m.event === 'status');
    expect(stream.raw().startsWith('retry: 3000\n\n')).toBe(true);
    expect(snapshot.id).toBe('0');
    expect(StatusEventSchema.parse(JSON.parse(snapshot.data))).toMatchObject({
      orderId,
      status: 'created',
    });

    await apply('pending');
    await apply('paid');
    const paid = await stream.waitFor((m) => m.data.includes('"paid"'));
    expect(paid.id).toBe('2');
    expect(stream.messages.map((m) => m.id)).toEqual(['0', '1', '2']);
    expect(stream.raw()).toMatch(
      /event: status\nid: 1\ndata: \{"orderId":"ord_test","status":"pending","at":"[^"]+"\}\n\n/,
    );
    await eventually(() => stream.comments.includes('ping'));
  });

  it('starts with a snapshot of the current status and its seq', async () => {
    const { sessionId, apply } = await setup();
    await apply('pending');
    await apply('processing');
    const stream = await sse(`/v1/sessions/${sessionId}/events`);
    const snapshot = await stream.waitFor(() => true);
    expect(snapshot).toMatchObject({ event: 'status', id: '2' });
    expect(JSON.parse(snapshot.data)).toMatchObject({ status: 'processing' });
  });

  it('resumes after Last-Event-ID with no gap and no repeat (header or query)', async () => {
    const { sessionId, apply } = await setup();
    await apply('pending');
    await apply('processing');
    const resumed = await sse(`/v1/sessions/${sessionId}/events`, { 'Last-Event-ID': '1' });
    const viaQuery = await sse(`/v1/sessions/${sessionId}/events?lastEventId=1`);
    await resumed.waitFor((m) => m.id === '2');
    await viaQuery.waitFor((m) => m.id === '2');
    await apply('paid');
    await resumed.waitFor((m) => m.id === '3');
    await viaQuery.waitFor((m) => m.id === '3');
    expect(resumed.messages.map((m) => m.id)).toEqual(['2', '3']);
    expect(viaQuery.messages.map((m) => m.id)).toEqual(['2', '3']);
    expect(resumed.messages.map((m) => JSON.parse(m.data).status)).toEqual(['processing', 'paid']);
  });

  it('answers a cursor from the future with a snapshot', async () => {
    const { sessionId, apply } = await setup();
    await apply('pending');
    const stream = await sse(`/v1/sessions/${sessionId}/events`, { 'Last-Event-ID': '99' });
    expect(await stream.waitFor(() => true)).toMatchObject({ id: '1' });
  });

  it('delivers every event exactly once while events race the connection', async () => {
    const { sessionId, apply } = await setup();
    const streams = await Promise.all(
      Array.from({ length: 5 }, () => sse(`/v1/sessions/${sessionId}/events`)),
    );
    await Promise.all([apply('pending'), apply('processing'), apply('paid')]);
    for (const stream of streams) {
      await stream.waitFor((m) => m.id === '3');
      const ids = stream.messages.map((m) => Number(m.id));
      expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
    }
  });

  it('404s an unknown session and frees the subscription when the client leaves', async () => {
    const missing = await fetch(`${running.url}/v1/sessions/cs_nope/events`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const { sessionId } = await setup();
    const stream = await sse(`/v1/sessions/${sessionId}/events`);
    await stream.waitFor(() => true);
    expect(running.server.bus.size()).toBe(1);
    stream.close();
    await eventually(() => running.server.bus.size() === 0);
  });

  it('cuts off a reader that stops reading once the bound is passed; it resumes by Last-Event-ID', async () => {
    const { sessionId, orderId } = await setup();
    // In process nothing sits between the stream and its reader, so whatever the reader does not
    // read stays in the stream (over a socket, the socket's buffers would fill first).
    const response = await running.server.fetch(
      new Request(`${running.url}/v1/sessions/${sessionId}/events`),
    );
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    while (!received.includes('id: 0\n')) {
      const { value } = await reader.read();
      received += decoder.decode(value, { stream: true });
    }
    expect(running.server.bus.size()).toBe(1);

    // Batches of events larger than the bound, each announced, while the reader reads nothing,
    // until the stream gives up on it.
    const perBatch = Math.ceil(SSE_MAX_BUFFERED_BYTES / 64); // every message is over 64 bytes
    const at = new Date().toISOString();
    let count = 0;
    const append = async (n: number) => {
      for (const end = count + n; count < end;) {
        count += 1;
        await running.server.store.sessionEvents.append({
          sessionId,
          seq: count,
          orderId,
          status: count % 2 === 1 ? 'pending' : 'processing',
          at,
        });
      }
      running.server.bus.publish(sessionId);
    };
    for (let batch = 1; running.server.bus.size() > 0; batch++) {
      expect(batch, 'the stream is still open after 20 batches').toBeLessThanOrEqual(20);
      await append(perBatch);
      // Time for the stream to read the batch and for a heartbeat to meet the backlog.
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Events after the cut-off reach the reader only when it comes back.
    await append(3);

    // The body ends after what was queued (at most the bound and the write that passed it):
    // complete messages only, then the end.
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += decoder.decode(value, { stream: true });
    }
    expect(received.length).toBeLessThan(SSE_MAX_BUFFERED_BYTES + perBatch * 200);
    expect(received.endsWith('\n\n')).toBe(true);
    const ids = [...received.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids).toEqual(ids.map((_, i) => i));
    const last = ids.at(-1)!;
    expect(last).toBeLessThan(count);

    // Reconnecting from the last id it saw, the reader gets the rest: no gap, no repeat.
    const resumed = await sse(`/v1/sessions/${sessionId}/events`, {
      'Last-Event-ID': String(last),
    });
    await resumed.waitFor((m) => m.id === String(count));
    expect(resumed.messages.map((m) => Number(m.id))).toEqual(
      Array.from({ length: count - last }, (_, i) => last + 1 + i),
    );
  });
});
