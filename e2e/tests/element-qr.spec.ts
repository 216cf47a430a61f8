/**
 * The QR flow across "devices": the checkout page shows the FIB code, a second page stands in
 * for the customer's phone and pays, and the checkout page turns to paid without a reload.
 * The demo offers FuratPay's FIB method in market IQ.
 */
import { expect, test } from '@playwright/test';
import { EmulatorControl, FibPhone } from '../models/emulator.js';
import { Shop } from '../models/shop.js';

test('the desktop page turns to paid live when the phone pays the QR code', async ({
  page,
  context,
  request,
}) => {
  const checkout = await new Shop(page).buy(1, 'IQ');
  const fib = checkout.element.locator('[part~="method"][data-method="furatpay:fib"]');
  await expect(fib).toBeVisible();
  await fib.getByRole('radio').check();
  // Choosing only selects: the QR comes with the Pay button.
  await expect(checkout.element.getByRole('img', { name: 'QR code for this payment' })).toHaveCount(
    0,
  );
  await checkout.pay();
  await expect(
    checkout.element.getByRole('img', { name: 'QR code for this payment' }),
  ).toBeVisible();
  await expect(checkout.element.getByRole('button', { name: 'Copy' })).toBeVisible();
  await expect(checkout.element.getByRole('timer')).toHaveText(/^Expires in \d+:\d\d$/);
  await page.evaluate(() => ((window as unknown as { __stillHere: boolean }).__stillHere = true));

  const phone = new FibPhone(await context.newPage());
  await phone.open(await new EmulatorControl(request).latestFibPhoneUrl());
  await phone.scanAndPay();

  await checkout.expectPaid();
  expect(
    await page.evaluate(() => (window as unknown as { __stillHere?: boolean }).__stillHere),
  ).toBe(true);
});
