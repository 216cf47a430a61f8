/**
 * The QR step on the phone that pays: the code is on the screen the shopper holds, so the step
 * leads with the provider's app links and shows the code second, and its heading does not ask
 * them to scan it. The step and the outcome after it fit a 320 px screen too.
 */
import { devices, expect, test } from '@playwright/test';
import { horizontalOverflow } from '../fixtures/layout.js';
import { EmulatorControl, FibPhone } from '../models/emulator.js';
import { Shop } from '../models/shop.js';

// The device's browser type stays the project's (the one Chromium this machine has).
const { defaultBrowserType: _browser, ...pixel } = devices['Pixel 7'];
test.use(pixel);

test('on a phone the QR step leads with the app link, and it fits 320 px', async ({
  page,
  context,
  request,
}) => {
  const checkout = await new Shop(page).buy(1, 'IQ');
  await checkout.choose(/^FIB$/);
  await checkout.pay();

  const heading = checkout.element.getByRole('heading', { name: 'Pay in your banking app' });
  await expect(heading).toBeVisible();
  await expect(heading).toBeFocused();
  await expect(checkout.element.getByText('Scan the code with your banking app')).toBeHidden();
  await expect(checkout.status()).toHaveText('Pay in your banking app');

  const app = checkout.element.getByRole('link', { name: /^Open FIB/ }).first();
  const code = checkout.element.getByRole('img', { name: 'QR code for this payment' });
  await expect(app).toBeVisible();
  await expect(code).toBeVisible();
  const [appBox, codeBox, headingBox] = await Promise.all([
    app.boundingBox(),
    code.boundingBox(),
    heading.boundingBox(),
  ]);
  if (!appBox || !codeBox || !headingBox) throw new Error('the QR step is not laid out');
  expect(headingBox.y, 'the heading first').toBeLessThan(appBox.y);
  expect(appBox.y + appBox.height, 'the app link before the code').toBeLessThanOrEqual(codeBox.y);

  for (const size of [pixel.viewport, { width: 320, height: 640 }]) {
    await page.setViewportSize(size);
    expect(await horizontalOverflow(page), `QR step at ${size.width}px`).toEqual([]);
  }

  const phone = new FibPhone(await context.newPage());
  await phone.open(await new EmulatorControl(request).latestFibPhoneUrl());
  await phone.scanAndPay();
  await checkout.expectPaid();
  expect(await horizontalOverflow(page), 'outcome at 320px').toEqual([]);
});
