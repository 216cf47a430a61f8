/**
 * @module
 * The `Date` of IXOPAY callback retries: by default every retry keeps the first attempt's date
 * (IXOPAY does not say it re-dates them), signed anew over it; `redateRetries` dates each attempt
 * when it is sent. The provider clock runs as fast as the time scale, so retries minutes apart
 * in provider time carry dates minutes apart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startLoopback, waitFor, type Loopback } from '../../test-support/harness.js';
import { verifyIxopay } from './signature.js';

const TIME_SCALE = 0.0001;
const CREDENTIALS = {
  apiKey: 'ixo-dates-key',
  username: 'ixo-user',
  password: 'ixo-password',
  sharedSecret: 'ixo_dates_secret',
  requireSignature: false,
};
const CONTENT_TYPE = 'application/json; charset=utf-8';

let loopback: Loopback | undefined;
afterEach(async () => {
  await loopback?.close();
  loopback = undefined;
});

/** An emulator whose callbacks are refused twice, then taken; returns the three attempts. */
async function threeAttempts(redateRetries?: boolean) {
  const started = Date.now();
  loopback = await startLoopback(
    () => ({
      timeScale: TIME_SCALE,
      // Provider time: one real millisecond is 1 / TIME_SCALE provider milliseconds.
      now: () => started + (Date.now() - started) / TIME_SCALE,
      credentials: {
        ixopay: {
          ...CREDENTIALS,
          ...(redateRetries === undefined ? {} : { redateRetries }),
        },
      },
    }),
    [500, 503],
  );
  const { emulator, receiver } = loopback;
  const response = await fetch(`${emulator.url}/ixopay/transaction/${CREDENTIALS.apiKey}/debit`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64')}`,
      'Content-Type': CONTENT_TYPE,
    },
    body: JSON.stringify({
      merchantTransactionId: `1-dates-${process.pid}-${String(redateRetries)}`,
      amount: '19.99',
      currency: 'EUR',
      description: 'finished basket',
      callbackUrl: `${receiver.url}?x=1`,
    }),
  });
  expect(response.status).toBe(200);
  const attempts = await waitFor(() => (receiver.received.length >= 3 ? receiver.received : null));
  for (const attempt of attempts) {
    expect(
      verifyIxopay(
        CREDENTIALS.sharedSecret,
        {
          method: 'POST',
          body: attempt.raw,
          contentType: CONTENT_TYPE,
          date: String(attempt.headers['date']),
          requestUri: `${new URL(receiver.url).pathname}?x=1`,
        },
        String(attempt.headers['x-signature']),
      ),
    ).toBe(true);
  }
  expect(attempts.map((a) => a.status)).toEqual([500, 503, 200]);
  expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
  return attempts.map((a) => Date.parse(String(a.headers['date'])));
}

describe('IXOPAY callback retries', () => {
  it('keep the first attempt’s Date by default', async () => {
    const dates = await threeAttempts();
    expect(new Set(dates).size).toBe(1);
  });

  it('are dated afresh with redateRetries', async () => {
    const [first, second, third] = await threeAttempts(true);
    // Retries follow after 1 and 5 minutes of provider time.
    expect(second! - first!).toBeGreaterThanOrEqual(60_000);
    expect(third! - second!).toBeGreaterThanOrEqual(300_000);
  });
});
