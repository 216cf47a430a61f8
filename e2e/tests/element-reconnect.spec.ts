/**
 * The element's own reconnection: the pay-checkout server restarts while the customer waits
 * for the bank's confirmation, and the open page still turns to paid by itself.
 */
import { expect, test } from '@playwright/test';
import { EmulatorControl, HostedPage } from '../models/emulator.js';
import { Shop } from '../models/shop.js';

test.afterEach(async ({ request }) => {
  await new EmulatorControl(request).resetFaults();
});

test('the open page reconnects after a server restart mid-payment and turns to paid', async ({
  page,
  request,
}) => {
  // The bank's confirmation (the webhook) arrives only after the restart.
  await new EmulatorControl(request).setFaults({ provider: 'ivy', delayMs: 5000 });
  const checkout = await new Shop(page).buy();
  await checkout.choose(/pay by bank/i);
  await checkout.pay();
  await new HostedPage(page).pay();
  await expect(page).toHaveURL(/\/order\/complete\?pay_checkout_session=cs_/);
  await checkout.expectConfirming();
  await page.evaluate(() => ((window as unknown as { __stillHere: boolean }).__stillHere = true));

  const restart = await request.post('/_demo/restart-server');
  expect(restart.ok()).toBe(true);
  // Still waiting, not an error: the element retries quietly.
  await checkout.expectConfirming();

  // The emulator delays each of Ivy's webhooks in turn (created, completed, paid): ~3 × 5 s.
  await expect(checkout.outcome(/payment received/i)).toBeVisible({ timeout: 30_000 });
  await checkout.expectPaid();
  expect(
    await page.evaluate(() => (window as unknown as { __stillHere?: boolean }).__stillHere),
  ).toBe(true);
});
