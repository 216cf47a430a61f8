/**
 * Back from the provider's hosted page without paying (Ivy, IXOPAY): the checkout page does not
 * wait for news forever. After a short wait it has the server ask the provider, says the payment
 * has not arrived, and offers to keep waiting or to pay another way — and a payment that is made
 * after all, in another tab, still turns the page to paid.
 */
import { expect, test } from '@playwright/test';
import { horizontalOverflow } from '../fixtures/layout.js';
import { HostedPage } from '../models/emulator.js';
import { Shop } from '../models/shop.js';

const CHOICES = [
  { provider: 'ivy', method: /pay by bank/i, then: 'Pay another way' },
  { provider: 'ixopay', method: /^pay by card$/i, then: 'I have paid — keep waiting' },
] as const;

for (const { provider, method, then } of CHOICES) {
  test(`Back from ${provider}'s page without paying: "${then}", and a late payment still wins`, async ({
    page,
    context,
  }) => {
    const checkout = await new Shop(page).buy();
    await checkout.choose(method);
    await checkout.pay();
    const hosted = new HostedPage(page);
    await hosted.expectOpen(provider);
    const providerPage = page.url();

    await page.goBack();
    await expect(page).toHaveURL(/\/checkout\?session=cs_/);
    await checkout.expectConfirming();
    // The element's wait for news (15 s), then the server's question to the provider.
    const notYet = checkout.outcome(/we have not received your payment yet/i);
    await expect(notYet).toBeVisible({ timeout: 30_000 });
    await expect(checkout.status()).toHaveText(/we have not received your payment yet/i);
    await expect(checkout.element.getByRole('button', { name: 'Pay another way' })).toBeVisible();
    const keepWaiting = checkout.element.getByRole('button', {
      name: 'I have paid — keep waiting',
    });
    await expect(keepWaiting).toBeVisible();
    // This state too fits the narrowest phones.
    const wide = page.viewportSize();
    await page.setViewportSize({ width: 320, height: 640 });
    expect(await horizontalOverflow(page), 'not yet received at 320px').toEqual([]);
    if (wide) await page.setViewportSize(wide);

    await checkout.element.getByRole('button', { name: then }).click();
    if (then === 'Pay another way') {
      await expect(checkout.methodsHeading()).toBeVisible();
      await expect(checkout.methodsHeading()).toBeFocused();
    } else {
      await checkout.expectConfirming();
    }

    // The shopper pays the first attempt after all, in another tab.
    const other = await context.newPage();
    await other.goto(providerPage);
    await new HostedPage(other).pay();
    await checkout.expectPaid();
  });
}
