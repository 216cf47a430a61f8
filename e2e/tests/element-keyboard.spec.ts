/**
 * A whole payment with the keyboard alone: one Tab stop for the methods, the arrow keys to move
 * between them (the selection follows), Tab on to the chosen method's inputs and the Pay button,
 * pay on the provider's page with the keyboard, and land with focus on the result.
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

/** Presses ArrowDown inside the focused radio group until `radio` is checked. */
async function arrowTo(page: Page, radio: Locator, limit = 10): Promise<void> {
  for (let i = 0; i < limit && !(await radio.isChecked()); i++) {
    await page.keyboard.press('ArrowDown');
  }
  await expect(radio).toBeFocused();
  await expect(radio).toBeChecked();
}

test('a customer pays with the keyboard alone', async ({ page }) => {
  const checkout = await new Shop(page).buy();
  const [first, second] = [checkout.methods().nth(0), checkout.methods().nth(1)];
  await expect(first).toBeChecked();
  await tabTo(page, first);

  // The arrow keys move between methods, and the selection follows.
  await page.keyboard.press('ArrowDown');
  await expect(second).toBeFocused();
  await expect(second).toBeChecked();
  await expect(first).not.toBeChecked();
  await expect(checkout.details()).toHaveCount(1);
  await page.keyboard.press('ArrowUp');
  await expect(first).toBeFocused();
  await expect(first).toBeChecked();
  await arrowTo(page, checkout.method(/pay by bank/i));
  // Moving between methods starts nothing.
  await expect(page).toHaveURL(/\/checkout\?session=cs_/);
  // The methods are one Tab stop: the next Tab leaves the group for the Pay button.
  await page.keyboard.press('Tab');
  await expect(checkout.payButton()).toBeFocused();
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

test('Tab goes from the chosen method to its inputs, then Space on Pay starts the payment', async ({
  page,
}) => {
  const checkout = await new Shop(page).buy(1, 'CO');
  const first = checkout.methods().first();
  await expect(first).toBeChecked();
  await tabTo(page, first);
  await arrowTo(page, checkout.method(/^PSE$/));

  // Tab leaves the group for the open method's inputs, in order, then the Pay button.
  await page.keyboard.press('Tab');
  const documentType = checkout.element.getByLabel('Document type');
  await expect(documentType).toBeFocused();
  await documentType.selectOption('CC');
  await page.keyboard.press('Tab');
  await expect(checkout.element.getByLabel('Document number')).toBeFocused();
  await page.keyboard.type('1020304050');
  await page.keyboard.press('Tab');
  const bankField = checkout.element.getByLabel('Bank');
  await expect(bankField).toBeFocused();
  await bankField.selectOption('BANCOLOMBIA');
  await page.keyboard.press('Tab');
  await expect(checkout.payButton()).toBeFocused();
  await page.keyboard.press('Space');

  await new HostedPage(page).expectOpen('koywe');
});
