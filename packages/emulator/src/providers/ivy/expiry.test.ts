/**
 * @module
 * Session expiry: lazily on access (injected clock) and by a timer scaled by the time scale.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, waitFor, type Harness } from '../../test-support/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('session expiry', () => {
  it('expires lazily once the clock passes expiresAt', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    // timeScale 1: the one-hour timer cannot fire during the test, only the lazy check can.
    h = await startHarness({ now: () => now, timeScale: 1 });
    const session = await h.createSession();
    expect(session.expiresAt).toBe(now / 1000 + 3600);
    now += 3599_000;
    const open = await h.ivy('checkout/session/details', { id: session.id });
    expect(await open.json()).toMatchObject({ status: 'open' });
    now += 1000;
    const expired = await h.ivy('checkout/session/details', { id: session.id });
    expect(await expired.json()).toMatchObject({ status: 'expired' });
    const event = await waitFor(() =>
      h?.events().find((e) => e.type === 'checkout_session_expired'),
    );
    expect(event.payload).toMatchObject({ id: session.id, referenceId: session.referenceId });
    const page = await fetch(session.redirectUrl);
    expect(await page.text()).toContain('This checkout has expired');
    const pay = await fetch(`${h.emulator.url}/ivy/checkout/${session.id}/pay`, {
      method: 'POST',
      redirect: 'manual',
    });
    expect(pay.status).toBe(409);
  });

  it('expires by timer, scaled by the time scale', async () => {
    // One hour of provider time at 1e-6 is 3.6 ms.
    h = await startHarness({ timeScale: 0.000_001 });
    const session = await h.createSession();
    const event = await waitFor(() =>
      h?.events().find((e) => e.type === 'checkout_session_expired'),
    );
    expect(event.payload).toMatchObject({ id: session.id, status: 'expired' });
    const orders = (await (await h.control('GET', 'orders')).json()) as { status: string }[];
    expect(orders[0]?.status).toBe('expired');
  });
});
