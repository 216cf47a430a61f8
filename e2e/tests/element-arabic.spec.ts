/**
 * The checkout in Arabic: the element lays out right to left, every text of its own is Arabic
 * (the only Latin words left are the payment brands' names), and the merchant's description,
 * written in English, keeps its own left-to-right direction inside the Arabic page.
 */
import { expect, test, type Locator } from '@playwright/test';
import { urls } from '../fixtures/urls.js';
import { Shop, type Checkout } from '../models/shop.js';

/** Names of payment brands, written the way the brands write them in every language. */
const BRANDS = new Set(['ZainCash', 'FastPay', 'QiCard', 'FIB', 'QR']);

/** Arabic letters, digits and punctuation only: no word in another script. */
const ARABIC = /^[^\p{Script=Latin}]*\p{Script=Arabic}[^\p{Script=Latin}]*$/u;

/**
 * The Latin words of the element's text (what it shows and what it announces), leaving out what
 * is not the element's to translate: the merchant's description, the amount (a currency may be
 * written with its code) and the brands' marks (a logo, or the brand's initial in its place).
 */
function latinWords(checkout: Checkout): Promise<string[]> {
  return checkout.element.locator('[part~="base"]').evaluate((base) => {
    const notOurs = '[part~="description"], [part~="amount"], [part~="method-logo"], style';
    const words: string[] = [];
    const walker = document.createTreeWalker(base, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest(notOurs)) continue;
      // What is rendered (the visually hidden announcements too), and the options of a select.
      if (!parent.getClientRects().length && !parent.closest('select')) continue;
      words.push(...(node.textContent?.match(/\p{Script=Latin}+/gu) ?? []));
    }
    return words;
  });
}

async function expectArabic(locator: Locator): Promise<void> {
  for (const text of await locator.allInnerTexts()) expect(text.trim()).toMatch(ARABIC);
}

/** The Pay button is Arabic but for the amount it names. */
async function expectArabicPay(checkout: Checkout): Promise<void> {
  const amount = (await checkout.amount().innerText()).trim();
  const button = (await checkout.payButton(/^ادفع /).innerText()).trim();
  expect(button).toContain(amount);
  expect(button.replace(amount, '').trim()).toMatch(ARABIC);
}

test('in Iraq, the Arabic checkout is right to left with no English of its own', async ({
  page,
}) => {
  // A merchant who writes its descriptions in English, whatever the customer's language.
  await page.route(`${urls.server}/v1/sessions/*/methods`, async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as { session: { description?: string } };
    body.session.description = '1 × Espresso beans, 1 kg';
    await route.fulfill({ response, json: body });
  });
  const checkout = await new Shop(page).buy(1, 'IQ', { lang: 'ar' });
  await expect(checkout.payButton(/^ادفع /)).toBeVisible();
  await expectArabicPay(checkout);
  const base = checkout.element.locator('[part~="base"]');
  await expect(base).toHaveAttribute('dir', 'rtl');
  expect(await base.evaluate((el) => el.matches(':dir(rtl)'))).toBe(true);
  await expectArabic(checkout.methodsHeading(ARABIC));

  // The description reads in its own direction: English, left to right, in the Arabic page.
  const description = checkout.element.locator('[part~="description"]');
  await expect(description).toHaveText('1 × Espresso beans, 1 kg');
  await expect(description).toHaveAttribute('dir', 'auto');
  expect(await description.evaluate((el) => el.matches(':dir(ltr)'))).toBe(true);

  // Each method open in turn: its note (and inputs, if any) are Arabic too.
  for (const method of await checkout.methods().all()) {
    await method.check();
    await expect(checkout.details()).toBeVisible();
    await expectArabic(checkout.details().locator('[part~="method-note"], label'));
    const stray = (await latinWords(checkout)).filter((word) => !BRANDS.has(word));
    expect(stray, `Latin words with ${await method.getAttribute('value')} open`).toEqual([]);
  }
});

test('in Germany, the Arabic checkout names even the bank and card methods in Arabic', async ({
  page,
}) => {
  const checkout = await new Shop(page).buy(1, 'DE', { lang: 'ar' });
  await expect(checkout.payButton(/^ادفع /)).toBeVisible();
  await expectArabicPay(checkout);
  await expectArabic(checkout.element.locator('[part~="method-name"]'));
  expect(await latinWords(checkout)).toEqual([]);
});

test('in Colombia, the Arabic checkout labels the PSE fields in Arabic', async ({ page }) => {
  const checkout = await new Shop(page).buy(1, 'CO', { lang: 'ar' });
  await checkout.choose(/^PSE$/);
  const labels = checkout.details().locator('label');
  await expect(labels.first()).toBeVisible();
  await expectArabic(labels);
  // Each select's prompt ("Choose…") is Arabic; the options are the banks' and documents' names.
  for (const prompt of await checkout.details().locator('select option[value=""]').all()) {
    expect((await prompt.textContent())?.trim()).toMatch(ARABIC);
  }
  await expectArabicPay(checkout);
});
