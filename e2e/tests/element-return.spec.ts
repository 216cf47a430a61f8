/**
 * The element on the way back from the provider: it resumes from the session on the server
 * (never from the return URL's query), in a new tab after the first was closed, and after the
 * Back button; and it fires the final event exactly once.
 */
import { expect, test, type Page } from '@playwright/test';
import { urls } from '../fixtures/urls.js';
import { HostedPage } from '../models/emulator.js';
import { Checkout, Shop } from '../models/shop.js';

/** Counts `pay-success` events in this tab, across page loads (sessionStorage is per tab). */
async function countSuccesses(page: Page): Promise<void> {
  await page.addInitScript(() => {
    document.addEventListener('pay-success', () => {
      const seen = Number(sessionStorage.getItem('e2e:pay-success') ?? '0');
      sessionStorage.setItem('e2e:pay-success', String(seen + 1));
    });
  });
}

const successes = (page: Page) =>
  page.evaluate(() => Number(sessionStorage.getItem('e2e:pay-success') ?? '0'));

test('a closed tab after paying: the return URL in a new tab shows the payment', async ({
  page,
  context,
}) => {
  const checkout = await new Shop(page).buy();
  const sessionId = new URL(page.url()).searchParams.get('session');
  await checkout.choose(/pay by bank/i);
  await checkout.pay();
  const hosted = new HostedPage(page);
  await hosted.expectOpen('ivy');

  // The customer pays, then closes the tab before it is back at the shop: the bank takes the
  // payment, but its way back (a redirect to the return URL) never happens.
  let paid!: () => void;
  const atTheBank = new Promise<void>((resolve) => (paid = resolve));
  await page.route(`${urls.emulator}/ivy/checkout/*/pay`, async (route) => {
    const answer = await route.fetch({ maxRedirects: 0 });
    expect(answer.status()).toBe(303);
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<p>Paid.</p>' });
    paid();
  });
  await hosted.pay();
  await atTheBank;
  await page.close();

  const tab = await context.newPage();
  await tab.goto(`/order/complete?pay_checkout_session=${sessionId}`);
  const resumed = new Checkout(tab);
  await resumed.expectPaid();
  await expect(resumed.method(/pay by bank/i)).toHaveCount(0);
});

test('Back from the result shows the payment, not the methods, with one success event', async ({
  page,
}) => {
  await countSuccesses(page);
  const checkout = await new Shop(page).buy();
  await checkout.choose(/pay by bank/i);
  await checkout.pay();
  const hosted = new HostedPage(page);
  await hosted.expectOpen('ivy');
  await hosted.pay();
  await expect(page).toHaveURL(/\/order\/complete\?pay_checkout_session=cs_/);
  await checkout.expectPaid();
  expect(await successes(page)).toBe(1);

  // Back through the provider's page to the checkout page the customer started on.
  await page.goBack();
  await hosted.expectOpen('ivy');
  await page.goBack();
  await expect(page).toHaveURL(/\/checkout\?session=cs_/);
  await checkout.expectPaid();
  await expect(checkout.method(/pay by bank/i)).toHaveCount(0);

  // And forward again, and a reload: still paid, still one success event in this tab.
  await page.goForward();
  await page.goForward();
  await expect(page).toHaveURL(/\/order\/complete/);
  await page.reload();
  await checkout.expectPaid();
  expect(await successes(page)).toBe(1);
});
