/**
 * Whole payments with FuratPay in the Iraqi market (IQD) through the demo shop, the server and
 * the emulator: a redirect service (ZainCash) paying and failing, and the FIB QR flow across
 * two "devices" — the checkout page shows the QR, a phone in another browser context pays, and
 * the checkout page turns to paid without a reload.
 */
import { devices, expect, test } from '@playwright/test';
import { EmulatorControl, FibPhone, HostedPage } from '../models/emulator.js';
import { Shop } from '../models/shop.js';

test.afterEach(async ({ request }) => {
  await new EmulatorControl(request).resetFaults();
});

test('pays with ZainCash through FuratPay and sees the payment confirmed', async ({ page }) => {
  const checkout = await new Shop(page).buy(1, 'IQ');
  await checkout.choose(/^ZainCash$/);
  await checkout.pay();

  const hosted = new HostedPage(page);
  await hosted.expectOpen('furatpay');
  await hosted.pay();

  await expect(page).toHaveURL(/\/order\/complete\?pay_checkout_session=cs_/);
  await checkout.expectPaid();
});

test('a failed ZainCash payment shows the failure and offers another try', async ({ page }) => {
  const checkout = await new Shop(page).buy(1, 'IQ');
  await checkout.choose(/^ZainCash$/);
  await checkout.pay();

  const hosted = new HostedPage(page);
  await hosted.expectOpen('furatpay');
  await hosted.fail();

  await expect(page).toHaveURL(/\/order\/complete\?pay_checkout_session=cs_/);
  await checkout.expectFailed();
  await expect(checkout.element.getByRole('button', { name: /try another method/i })).toBeVisible();
});

test('FIB: the phone scans and pays, the open checkout page flips to paid without a reload', async ({
  page,
  browser,
  request,
}) => {
  const checkout = await new Shop(page).buy(1, 'IQ');
  await checkout.choose(/^FIB$/);
  await checkout.pay();
  await expect(
    checkout.element.getByRole('img', { name: 'QR code for this payment' }),
  ).toBeVisible();
  const checkoutUrl = page.url();
  // Mark this document: if the page reloaded or navigated, the mark would be gone.
  await page.evaluate(() => ((window as unknown as { __stillHere: boolean }).__stillHere = true));

  // The customer's phone: another browser context, so nothing is shared with the checkout page.
  const phoneContext = await browser.newContext({ ...devices['Pixel 7'] });
  try {
    const phone = new FibPhone(await phoneContext.newPage());
    await phone.open(await new EmulatorControl(request).latestFibPhoneUrl());
    await phone.scanAndPay();
  } finally {
    await phoneContext.close();
  }

  await expect(checkout.outcome(/payment received/i)).toBeVisible();
  expect(page.url()).toBe(checkoutUrl);
  expect(
    await page.evaluate(() => (window as unknown as { __stillHere?: boolean }).__stillHere),
  ).toBe(true);
});
