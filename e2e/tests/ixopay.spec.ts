/**
 * Whole card payments with IXOPAY (hosted payment page) through the demo shop, the server and
 * the emulator: success and failure.
 */
import { expect, test } from '@playwright/test';
import { horizontalOverflow } from '../fixtures/layout.js';
import { EmulatorControl, HostedPage } from '../models/emulator.js';
import { Shop } from '../models/shop.js';

test.afterEach(async ({ request }) => {
  await new EmulatorControl(request).resetFaults();
});

test('pays by card with IXOPAY and sees the payment confirmed', async ({ page }) => {
  const checkout = await new Shop(page).buy(2, 'DE');
  await expect(checkout.amount()).toHaveText('€48.00');
  await checkout.choose(/^pay by card$/i);
  await checkout.pay();

  const hosted = new HostedPage(page);
  await hosted.expectOpen('ixopay');
  await expect(page.getByText('€48.00')).toBeVisible();
  await hosted.pay();

  await expect(page).toHaveURL(/\/order\/complete\?pay_checkout_session=cs_/);
  await checkout.expectPaid();
});

test('a declined card payment shows the failure and offers another try', async ({ page }) => {
  const checkout = await new Shop(page).buy(1, 'GB');
  await checkout.choose(/^pay by card$/i);
  await checkout.pay();

  const hosted = new HostedPage(page);
  await hosted.expectOpen('ixopay');
  await hosted.fail();

  await expect(page).toHaveURL(/\/order\/complete\?pay_checkout_session=cs_/);
  await checkout.expectFailed();
  await expect(checkout.element.getByRole('button', { name: /try another method/i })).toBeVisible();
  // The failure fits the narrowest phones too.
  await page.setViewportSize({ width: 320, height: 640 });
  expect(await horizontalOverflow(page), 'the failure at 320px').toEqual([]);
});

test('without any callback, the return still confirms the payment', async ({ page, request }) => {
  await new EmulatorControl(request).setFaults({ provider: 'ixopay', drop: true });
  const checkout = await new Shop(page).buy(1, 'DE');
  await checkout.choose(/^pay by card$/i);
  await checkout.pay();
  await new HostedPage(page).pay();

  // No callback ever arrives: the return route asks IXOPAY's Status API instead.
  await expect(page).toHaveURL(/\/order\/complete\?pay_checkout_session=cs_/);
  await checkout.expectPaid();
});
