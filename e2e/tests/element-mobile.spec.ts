/**
 * The element on a phone: a small touch screen, where it fits without sideways scrolling and
 * pays with taps.
 */
import { devices, expect, test } from '@playwright/test';
import { HostedPage } from '../models/emulator.js';
import { Shop } from '../models/shop.js';

// The device's browser type stays the project's (the one Chromium this machine has).
const { defaultBrowserType: _browser, ...pixel } = devices['Pixel 7'];
test.use(pixel);

test('pays by bank on a phone, with the element fitting the screen', async ({ page }) => {
  const checkout = await new Shop(page).buy(3);
  const method = checkout.method(/pay by bank/i);
  await expect(method).toBeVisible();
  const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  expect(fits).toBe(true);
  const box = await checkout.element.boundingBox();
  expect(box && box.width <= (page.viewportSize()?.width ?? 0)).toBe(true);

  await method.tap();
  await expect(method).toBeChecked();
  await checkout.payButton().tap();
  const hosted = new HostedPage(page);
  await hosted.expectOpen('ivy');
  await page.getByRole('button', { name: 'Pay', exact: true }).tap();
  await expect(page).toHaveURL(/\/order\/complete\?pay_checkout_session=cs_/);
  await checkout.expectPaid();
});
