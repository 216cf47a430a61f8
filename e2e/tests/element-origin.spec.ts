/**
 * A checkout page on an origin the pay-checkout server does not allow (the merchant forgot to
 * list it in PAY_CHECKOUT_ALLOWED_ORIGINS): the customer sees one short, neutral message and no
 * retry loop, and the developer console gets one warning naming the setting to change.
 */
import { expect, test } from '@playwright/test';
import { horizontalOverflow } from '../fixtures/layout.js';
import { urls } from '../fixtures/urls.js';
import { Shop } from '../models/shop.js';

test('a page on an unlisted origin shows a neutral message and warns once', async ({ page }) => {
  const warnings: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text());
  });
  let toServer = 0;
  page.on('request', (request) => {
    if (request.url().startsWith(urls.server)) toServer++;
  });

  const checkout = await new Shop(page, urls.unlistedShop).buy();
  expect(new URL(page.url()).origin).toBe(urls.unlistedShop);
  await expect(
    checkout.element
      .getByRole('paragraph')
      .filter({ hasText: 'This checkout is not set up correctly.' }),
  ).toBeVisible();
  // Nothing to retry: a refused origin is a setting to change, not a network to wait for.
  await expect(checkout.element.getByRole('button')).toHaveCount(0);
  await expect(checkout.methods()).toHaveCount(0);

  const asked = toServer;
  // Longer than the element's longest pause between two retries (3 s).
  await page.waitForTimeout(4_000);
  expect(toServer, 'requests to the server once the message shows').toBe(asked);

  // The message fits the narrowest phones.
  await page.setViewportSize({ width: 320, height: 640 });
  expect(await horizontalOverflow(page), 'the message at 320px').toEqual([]);

  const ours = warnings.filter((text) => text.startsWith('pay-checkout:'));
  expect(ours).toHaveLength(1);
  expect(ours[0]).toContain('PAY_CHECKOUT_ALLOWED_ORIGINS');
  expect(ours[0]).toContain(urls.unlistedShop);
});
