/**
 * Whole payments with Koywe (PSE in Colombia) through the demo shop, the server and the
 * emulator: the customer enters the document and bank the method asks for, then pays or fails
 * on Koywe's hosted page.
 */
import { expect, test, type Page } from '@playwright/test';
import { EmulatorControl, HostedPage } from '../models/emulator.js';
import { Shop, type Checkout } from '../models/shop.js';
import { urls } from '../fixtures/urls.js';

test.afterEach(async ({ request }) => {
  await new EmulatorControl(request).resetFaults();
});

/** Chooses PSE and fills its fields by their labels, then continues to Koywe. */
async function payWithPse(page: Page, checkout: Checkout): Promise<HostedPage> {
  await checkout.choose(/^PSE$/);
  await checkout.element
    .getByLabel('Document type')
    .selectOption({ label: 'Cédula de ciudadanía (CC)' });
  await checkout.element.getByLabel('Document number').fill('1020304050');
  await checkout.element.getByLabel('Bank').selectOption({ label: 'Bancolombia' });
  await checkout.pay();
  const hosted = new HostedPage(page);
  await hosted.expectOpen('koywe');
  await expect(page.getByText('PSE · Bancolombia')).toBeVisible();
  return hosted;
}

test('pays by PSE with Koywe after entering document and bank', async ({ page }) => {
  const checkout = await new Shop(page).buy(1, 'CO');
  await expect(checkout.method(/^Nequi$/)).toBeVisible();
  // Hold the start of the payment until the busy state has been looked at.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(`${urls.server}/v1/sessions/*/orders`, async (route) => {
    await held;
    await route.fallback();
  });
  const paying = payWithPse(page, checkout);
  // While the payment starts: the button is busy, and the choice and inputs are locked.
  await expect(checkout.payButton()).toHaveAttribute('aria-busy', 'true');
  await expect(checkout.element.getByLabel('Document number')).toHaveAttribute('readonly', '');
  await checkout.method(/^Nequi$/).click({ force: true });
  await expect(checkout.method(/^PSE$/)).toBeChecked();
  release();
  const hosted = await paying;
  await hosted.pay();

  await expect(page).toHaveURL(/\/order\/complete\?pay_checkout_session=cs_/);
  // Koywe confirms PAID, then COMPLETED; only COMPLETED counts as paid.
  await checkout.expectPaid();
});

test('a failed PSE payment shows the failure and offers another try', async ({ page }) => {
  const checkout = await new Shop(page).buy(1, 'CO');
  const hosted = await payWithPse(page, checkout);
  await hosted.fail();

  await expect(page).toHaveURL(/\/order\/complete\?pay_checkout_session=cs_/);
  await checkout.expectFailed();
  await expect(checkout.element.getByRole('button', { name: /try another method/i })).toBeVisible();
});

test('an invalid document is refused before Koywe is asked', async ({ page, request }) => {
  const koyweOrders = async () =>
    (
      (await (
        await request.get(`${urls.emulator}/_emulator/orders?provider=koywe`)
      ).json()) as unknown[]
    ).length;
  const before = await koyweOrders();
  const checkout = await new Shop(page).buy(1, 'CO');
  await checkout.choose(/^PSE$/);
  await checkout.element.getByLabel('Document type').selectOption('CC');
  // Passes the field's loose pattern in the browser; the server's CC rule (6–10 digits) refuses it.
  await checkout.element.getByLabel('Document number').fill('12345');
  await checkout.element.getByLabel('Bank').selectOption('BANCOLOMBIA');
  await checkout.pay();
  await expect(
    checkout.element.getByText(/some details are not valid|algunos datos no son válidos/i).first(),
  ).toBeVisible();
  await expect(page).toHaveURL(/\/checkout\?session=cs_/);
  expect(await koyweOrders()).toBe(before);
});
