/**
 * @module
 * Graceful shutdown over a real listener: with 20 order creations waiting on the provider,
 * `close()` turns `/readyz` 503 at once, answers new requests 503 with `Retry-After` and
 * `Connection: close`, ends SSE streams with a short `retry:` hint, lets every creation finish
 * and store its order, and only then closes the store — the keys answer the same after a
 * restart on the same database file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCheckoutServer } from './node.js';
import { SECRET_KEY, SHOP_ORIGIN, sessionBody, testConfig } from './test-support/config.js';
import { createFakeProvider, FAKE_METHOD } from './test-support/fake-provider.js';
import {
  createTestDatabase,
  describePostgres,
  type TestDatabase,
} from './test-support/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'pay-checkout-shutdown-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ORDERS = 20;

async function drain(databaseUrl: string): Promise<void> {
  const fake = createFakeProvider();
  let release!: () => void;
  fake.gate = new Promise<void>((resolve) => (release = resolve));
  const config = testConfig({ DATABASE_URL: databaseUrl }, { adapters: [fake] });
  const first = await startCheckoutServer(config, { port: 0, host: '127.0.0.1' });
  // One session per creation: a session starts one payment attempt at a time.
  const sessions = await Promise.all(
    Array.from({ length: ORDERS }, async () => {
      const created = await fetch(`${first.url}/v1/sessions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(sessionBody()),
      });
      expect(created.status).toBe(201);
      return ((await created.json()) as { id: string }).id;
    }),
  );
  const stream = await fetch(`${first.url}/v1/sessions/${sessions[0]}/events`, {
    headers: { Origin: SHOP_ORIGIN },
  });
  const reader = stream.body!.getReader();
  const order = (key: string, base: string, index: number) =>
    fetch(`${base}/v1/sessions/${sessions[index]}/orders`, {
      method: 'POST',
      headers: { Origin: SHOP_ORIGIN, 'Content-Type': 'application/json', 'Idempotency-Key': key },
      body: JSON.stringify({ method: FAKE_METHOD.id }),
    });
  const keys = Array.from({ length: ORDERS }, (_, index) => `drain-key-${index}`);
  const answers = keys.map((key, index) => order(key, first.url, index));
  while (fake.calls < ORDERS) await new Promise((resolve) => setTimeout(resolve, 10));

  const closing = first.close({ timeoutMs: 10_000 });
  const ready = await fetch(`${first.url}/readyz`).catch(() => null);
  // The listener may already refuse the connection; when it answers, it says it is draining.
  if (ready) {
    expect(ready.status).toBe(503);
    expect(JSON.stringify(await ready.json())).toContain('draining');
  }
  release();
  const responses = await Promise.all(answers);
  expect(responses.map((response) => response.status).filter((status) => status >= 300)).toEqual(
    [],
  );
  const bodies = (await Promise.all(responses.map((response) => response.json()))) as {
    order: { id: string };
  }[];
  await closing;
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  expect(text).toContain('retry: 1000');

  const second = await startCheckoutServer(
    testConfig({ DATABASE_URL: databaseUrl }, { adapters: [fake] }),
    { port: 0, host: '127.0.0.1' },
  );
  try {
    const replays = await Promise.all(keys.map((key, index) => order(key, second.url, index)));
    const again = (await Promise.all(replays.map((response) => response.json()))) as {
      order: { id: string };
    }[];
    expect(again.map((body) => body.order.id)).toEqual(bodies.map((body) => body.order.id));
    expect(fake.calls).toBe(ORDERS);
  } finally {
    await second.close();
  }
}

it('drains on SQLite: in-flight order creations complete, /readyz answers 503', async () => {
  await drain(`sqlite:${join(dir, 'drain.db')}`);
});

describePostgres('on PostgreSQL', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('shutdown');
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('drains on PostgreSQL: in-flight order creations complete, /readyz answers 503', async () => {
    await drain(database.url);
  });
});
