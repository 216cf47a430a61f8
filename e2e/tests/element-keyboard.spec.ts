/**
 * A whole payment with the keyboard alone: Tab to the method, Enter, pay on the provider's page
 * with the keyboard, and land with focus on the result.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { HostedPage } from '../models/emulator.js';
import { Shop } from '../models/shop.js';

/** Presses Tab until `target` has focus (at most `limit` times). */
async function tabTo(page: Page, target: Locator, limit = 15): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await target.evaluate((el) => el.matches(':focus'))) return;
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}

test('a customer pays with the keyboard alone', async ({ page }) => {
  const checkout = await new Shop(page).buy();
  const method = checkout.method(/pay by bank/i);
  await expect(method).toBeVisible();
  await tabTo(page, method);
  await page.keyboard.press('Enter');

  const hosted = new HostedPage(page);
  await hosted.expectOpen('ivy');
  await tabTo(page, page.getByRole('button', { name: 'Pay', exact: true }));
  await page.keyboard.press('Enter');

  await expect(page).toHaveURL(/\/order\/complete\?pay_checkout_session=cs_/);
  await checkout.expectPaid();
  // Focus moves to the result, so a screen reader reads it and Tab continues from there.
  await expect(checkout.outcome(/payment received/i)).toBeFocused();
});
