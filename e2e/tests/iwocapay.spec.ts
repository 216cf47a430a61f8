/**
 * Whole payments with iwocaPay (pay now / pay later) through the demo shop's UK market, the
 * server and the emulator's hosted iwocaPay checkout.
 */
import { expect, test } from '@playwright/test';
import { EmulatorControl, HostedPage } from '../models/emulator.js';
import { Shop } from '../models/shop.js';

test.afterEach(async ({ request }) => {
  await new EmulatorControl(request).resetFaults();
});

test('pays later with iwocaPay and sees the payment confirmed', async ({ page }) => {
  const checkout = await new Shop(page).buy(1, 'GB');
  await expect(checkout.amount()).toHaveText('£21.00');
  await checkout.choose(/iwocapay/i);
  await checkout.element.getByLabel('Payment terms').selectOption('PAY_LATER');
  await checkout.pay();

  const hosted = new HostedPage(page);
  await hosted.expectOpen('iwocapay');
  await expect(page.getByRole('radio', { name: /pay later/i })).toBeChecked();
  await expect(page.getByRole('radio', { name: /pay now/i })).toHaveCount(0);
  await hosted.pay();

  await expect(page).toHaveURL(/\/order\/complete\?pay_checkout_session=cs_/);
  await checkout.expectPaid();
});

test('a declined iwocaPay checkout shows the failure and offers another try', async ({ page }) => {
  const checkout = await new Shop(page).buy(1, 'GB');
  await checkout.choose(/iwocapay/i);
  await checkout.pay();

  const hosted = new HostedPage(page);
  await hosted.expectOpen('iwocapay');
  await expect(page.getByRole('radio', { name: /pay now/i })).toBeVisible();
  await hosted.fail();

  await expect(page).toHaveURL(/\/order\/complete\?pay_checkout_session=cs_/);
  await checkout.expectFailed();
  await expect(checkout.element.getByRole('button', { name: /try another method/i })).toBeVisible();
});
