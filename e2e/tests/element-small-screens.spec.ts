/**
 * The methods step on small phones, in every market the demo sells to: on a Pixel 7 and on a
 * 320 × 640 CSS px screen (the narrowest phones in use), with each method selected in turn so
 * that its note and inputs are open, nothing scrolls sideways and no box of the element
 * reaches past the screen's edge.
 */
import { devices, expect, test } from '@playwright/test';
import { horizontalOverflow } from '../fixtures/layout.js';
import { Shop } from '../models/shop.js';

// The device's browser type stays the project's (the one Chromium this machine has).
const { defaultBrowserType: _browser, ...pixel } = devices['Pixel 7'];
test.use(pixel);

const SCREENS = [
  { name: 'Pixel 7', size: pixel.viewport },
  { name: '320 × 640', size: { width: 320, height: 640 } },
];

test('every market fits a Pixel 7 and a 320 px screen, with each method open', async ({ page }) => {
  // Seven markets, each opened once and checked on both screens.
  test.setTimeout(120_000);
  await page.goto('/');
  const markets = await page
    .getByRole('main')
    .getByLabel('Ship to')
    .locator('option')
    .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
  expect(markets.length).toBeGreaterThanOrEqual(7);

  for (const market of markets) {
    await test.step(market, async () => {
      await page.setViewportSize(pixel.viewport);
      const checkout = await new Shop(page).buy(1, market);
      await expect(checkout.payButton()).toBeVisible();
      const methods = await checkout.methods().all();
      expect(methods.length, `methods in ${market}`).toBeGreaterThan(0);
      for (const screen of SCREENS) {
        await page.setViewportSize(screen.size);
        for (const method of methods) {
          const name = await method.getAttribute('value');
          await method.check();
          await expect(checkout.details()).toBeVisible();
          expect
            .soft(await horizontalOverflow(page), `${market}, ${name}, ${screen.name}`)
            .toEqual([]);
        }
      }
    });
  }
});
