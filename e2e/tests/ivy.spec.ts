/**
 * Whole payments with Ivy (pay by bank) through the demo shop, the server and the emulator.
 */
import { expect, test } from '@playwright/test';
import { EmulatorControl, HostedPage } from '../models/emulator.js';
import { Shop } from '../models/shop.js';

test.afterEach(async ({ request }) => {
  await new EmulatorControl(request).resetFaults();
});

test('pays by bank with Ivy and sees the payment confirmed', async ({ page }) => {
  const checkout = await new Shop(page).buy(2);
  await expect(checkout.amount()).toHaveText('€48.00');
  await checkout.choose(/pay by bank/i);
  await checkout.pay('Pay €48.00');

  const hosted = new HostedPage(page);
  await hosted.expectOpen('ivy');
  await hosted.pay();

  await expect(page).toHaveURL(/\/order\/complete\?pay_checkout_session=cs_/);
  await checkout.expectPaid();
  // The receipt names the shop's own order reference.
  await expect(checkout.element.getByText(/^demo-[a-z0-9]+-[0-9a-f]{6}$/)).toBeVisible();
});

test('a failed bank payment shows the failure and offers another try', async ({ page }) => {
  const checkout = await new Shop(page).buy();
  await checkout.choose(/pay by bank/i);
  await checkout.pay();

  const hosted = new HostedPage(page);
  await hosted.expectOpen('ivy');
  await hosted.fail();

  await expect(page).toHaveURL(/\/order\/complete\?pay_checkout_session=cs_/);
  await checkout.expectFailed();
  await expect(checkout.element.getByRole('button', { name: /try another method/i })).toBeVisible();
});

test('a webhook that arrives late still flips the open page to paid, without a reload', async ({
  page,
  request,
}) => {
  await new EmulatorControl(request).setFaults({ provider: 'ivy', delayMs: 2500 });
  const checkout = await new Shop(page).buy();
  await checkout.choose(/pay by bank/i);
  await checkout.pay();
  await new HostedPage(page).pay();

  await expect(page).toHaveURL(/\/order\/complete\?pay_checkout_session=cs_/);
  await checkout.expectConfirming();
  // Mark this document: if the page reloaded, the mark would be gone.
  await page.evaluate(() => ((window as unknown as { __stillHere: boolean }).__stillHere = true));

  await checkout.expectPaid();
  expect(
    await page.evaluate(() => (window as unknown as { __stillHere?: boolean }).__stillHere),
  ).toBe(true);
});

test('the return page never trusts its query string', async ({ page }) => {
  const checkout = await new Shop(page).buy();
  const sessionId = new URL(page.url()).searchParams.get('session');
  // Jump straight to the "complete" page with forged claims, without paying.
  await page.goto(`/order/complete?pay_checkout_session=${sessionId}&status=paid&result=success`);
  await expect(checkout.method(/pay by bank/i)).toBeVisible();
  await expect(checkout.outcome(/payment received/i)).toHaveCount(0);
});
