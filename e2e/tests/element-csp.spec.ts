/**
 * The element on demanding pages: a page served with a strict Content-Security-Policy (no
 * inline script or style, Trusted Types required) pays without a single violation, and a page
 * that loads the npm package's ES modules instead of the script tag pays too.
 */
import { expect, test, type Page } from '@playwright/test';
import { HostedPage } from '../models/emulator.js';
import { Shop } from '../models/shop.js';

/** Collects CSP violations and console errors of every page this tab shows. */
async function watchForViolations(page: Page): Promise<{ violations: string[]; errors: string[] }> {
  const seen = { violations: [] as string[], errors: [] as string[] };
  await page.exposeFunction('__reportViolation', (text: string) => seen.violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      void (window as unknown as { __reportViolation: (text: string) => void }).__reportViolation(
        `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
  page.on('console', (message) => {
    if (message.type() === 'error') seen.errors.push(message.text());
  });
  page.on('pageerror', (error) => seen.errors.push(error.message));
  return seen;
}

test('pays on a page with a strict CSP and Trusted Types, without a violation', async ({
  page,
}) => {
  const seen = await watchForViolations(page);
  const checkout = await new Shop(page).buy(1, 'DE', { page: 'strict' });
  const policy = (await page.request.get(page.url())).headers()['content-security-policy'];
  expect(policy).toContain("script-src 'self'");
  expect(policy).toContain("style-src 'self'");
  expect(policy).toContain("require-trusted-types-for 'script'");

  await expect(checkout.amount()).toHaveText('€24.00');
  await checkout.choose(/pay by bank/i);
  await checkout.pay('Pay €24.00');
  const hosted = new HostedPage(page);
  await hosted.expectOpen('ivy');
  await hosted.pay();
  await expect(page).toHaveURL(/\/order\/complete\?page=strict&pay_checkout_session=cs_/);
  await checkout.expectPaid();

  expect(seen.violations).toEqual([]);
  expect(seen.errors.filter((text) => !/favicon/.test(text))).toEqual([]);
});

test('pays on a page that imports the npm package as ES modules, in German', async ({ page }) => {
  const seen = await watchForViolations(page);
  const checkout = await new Shop(page).buy(1, 'DE', { page: 'esm', lang: 'de' });
  await expect(checkout.element.getByRole('heading', { name: 'Zahlungsart wählen' })).toBeVisible();
  expect(
    await page.evaluate(() =>
      Array.from(document.querySelectorAll('script'), (script) => script.type || 'classic'),
    ),
  ).toEqual(['importmap', 'module']);

  await checkout.choose(/banküberweisung/i);
  // The button carries the amount as German writes it.
  await checkout.pay(/^24,00\s€ bezahlen$/);
  await new HostedPage(page).pay();
  await expect(page).toHaveURL(/\/order\/complete\?page=esm&lang=de&pay_checkout_session=cs_/);
  await expect(checkout.outcome(/zahlung eingegangen/i)).toBeVisible();
  expect(seen.errors.filter((text) => !/favicon/.test(text))).toEqual([]);
});
