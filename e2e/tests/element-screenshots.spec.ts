/**
 * Screenshots for review, not comparison: the methods step and the "payment received" screen on
 * a desktop and on a Pixel 7, in English, Spanish and Arabic, saved as
 * `.cache/screenshots/<screen>-<device>-<language>.png` at the repository's root, outside the
 * test output that every Playwright run clears. Each language is shown in the market that speaks
 * it (Spanish in Colombia, whose PSE method opens a form; Arabic in Iraq).
 */
import { devices, expect, test, type Browser, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { urls } from '../fixtures/urls.js';
import { HostedPage } from '../models/emulator.js';
import { Checkout, Shop } from '../models/shop.js';

const folder = fileURLToPath(new URL('../../.cache/screenshots/', import.meta.url));

// The devices' browser type stays the project's (the one Chromium this machine has).
const { defaultBrowserType: _desktopBrowser, ...desktop } = devices['Desktop Chrome'];
const { defaultBrowserType: _pixelBrowser, ...pixel } = devices['Pixel 7'];
const DEVICES = { desktop, pixel7: pixel };

const LANGUAGES = [
  { lang: 'en', market: 'DE', paid: 'Payment received' },
  { lang: 'es', market: 'CO', paid: 'Pago recibido' },
  { lang: 'ar', market: 'IQ', paid: 'تم استلام الدفعة' },
];

/** Runs `shoot` in a fresh context per device, each with the shop as its base URL. */
async function onEachDevice(
  browser: Browser,
  shoot: (page: Page, device: string) => Promise<void>,
): Promise<void> {
  for (const [device, options] of Object.entries(DEVICES)) {
    const context = await browser.newContext({ ...options, baseURL: urls.shop });
    try {
      await shoot(await context.newPage(), device);
    } finally {
      await context.close();
    }
  }
}

async function save(page: Page, name: string): Promise<void> {
  await page.screenshot({
    path: `${folder}${name}.png`,
    fullPage: true,
    animations: 'disabled',
    scale: 'css',
  });
}

test('the methods step, on a desktop and a phone, in English, Spanish and Arabic', async ({
  page,
  browser,
}) => {
  // One session per language, opened on each device.
  const checkouts: { lang: string; url: string }[] = [];
  for (const { lang, market } of LANGUAGES) {
    await new Shop(page).buy(1, market, { lang });
    checkouts.push({ lang, url: page.url() });
  }
  await onEachDevice(browser, async (tab, device) => {
    for (const { lang, url } of checkouts) {
      await tab.goto(url);
      const checkout = new Checkout(tab);
      await expect(checkout.payButton(/./)).toBeVisible();
      // The method with a form, where there is one, so that its inputs are in the picture.
      const pse = checkout.method(/^PSE$/);
      if (await pse.count()) await checkout.choose(/^PSE$/);
      await expect(checkout.details()).toBeVisible();
      await save(tab, `methods-${device}-${lang}`);
    }
  });
});

test('the payment received screen, on a desktop and a phone, in English, Spanish and Arabic', async ({
  page,
  browser,
}) => {
  const checkout = await new Shop(page).buy();
  const session = new URL(page.url()).searchParams.get('session');
  await checkout.choose(/pay by bank/i);
  await checkout.pay();
  await new HostedPage(page).pay();
  await checkout.expectPaid();

  // The one paid session, shown on its return page in each language.
  await onEachDevice(browser, async (tab, device) => {
    for (const { lang, paid } of LANGUAGES) {
      const query = lang === 'en' ? '' : `&lang=${lang}`;
      await tab.goto(`/order/complete?pay_checkout_session=${session}${query}`);
      await expect(new Checkout(tab).outcome(new RegExp(paid))).toBeVisible();
      await save(tab, `outcome-${device}-${lang}`);
    }
  });
});
