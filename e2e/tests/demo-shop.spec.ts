/**
 * The demo as a shop would run it: the element's files compressed and cached for a year under
 * versioned URLs, the session's methods requested from the page's `<head>` before the script
 * runs (and that answer used by the element), the shop's own texts in the chosen language, the
 * dark theme offered next to the language, and no box of the shop's drawn around the element's.
 */
import { expect, test, type Page } from '@playwright/test';
import { Checkout, Shop } from '../models/shop.js';

/** Borders and shadows of the element's ancestors: the shop's boxes around the element's. */
function boxesAround(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    for (let node = document.querySelector('pay-checkout')?.parentElement; node;) {
      const style = getComputedStyle(node);
      const borders = ['Top', 'Right', 'Bottom', 'Left'].map(
        (side) => style.getPropertyValue(`border-${side.toLowerCase()}-width`) !== '0px',
      );
      if (borders.some(Boolean) || style.boxShadow !== 'none' || style.outlineStyle !== 'none') {
        found.push(`<${node.localName}${node.className ? `.${node.className}` : ''}>`);
      }
      node = node.parentElement;
    }
    return found;
  });
}

test('the element’s files are compressed and cached for a year; the methods come preloaded', async ({
  page,
  request,
}) => {
  await new Shop(page).buy();
  const checkout = new Checkout(page);
  await expect(checkout.payButton()).toBeVisible();

  const script = await page.locator('script[src*="pay-checkout.js"]').getAttribute('src');
  expect(script, 'a versioned URL').toMatch(/^\/assets\/[0-9a-f]{12}\/pay-checkout\.js$/);
  const lazy = await page
    .locator('link[rel="modulepreload"]')
    .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
  expect(lazy.some((href) => href.endsWith('/pay-checkout.methods.js'))).toBe(true);
  for (const [encoding, expected] of [
    ['br, gzip', 'br'],
    ['gzip', 'gzip'],
  ] as const) {
    for (const file of [script, ...lazy]) {
      const response = await request.get(file ?? '', {
        headers: { 'accept-encoding': encoding },
      });
      expect(response.status(), file ?? '').toBe(200);
      expect(response.headers()['content-encoding'], `${file} for ${encoding}`).toBe(expected);
      expect(response.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(response.headers()['vary']?.toLowerCase()).toContain('accept-encoding');
    }
  }

  // The methods are asked for once, by the page's <head>, and the element takes that answer.
  const session = new URL(page.url()).searchParams.get('session') ?? '';
  const preload = page.locator('link[rel="preload"][as="fetch"]');
  await expect(preload).toHaveAttribute('href', new RegExp(`/v1/sessions/${session}/methods$`));
  const href = await preload.evaluate((link) => (link as HTMLLinkElement).href);
  const requests = await page.evaluate(
    (url) =>
      performance
        .getEntriesByType('resource')
        .filter((entry) => entry.name === url)
        .map((entry) => (entry as PerformanceResourceTiming).initiatorType),
    href,
  );
  expect(requests).toEqual(['link']);
});

test('the shop speaks the chosen language and offers the dark theme next to it', async ({
  page,
}) => {
  await new Shop(page).buy(1, 'CO', { lang: 'es' });
  const checkout = new Checkout(page);
  await expect(checkout.methodsHeading('Elige una forma de pago')).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Pago');
  await expect(page).toHaveTitle(/^Pago — /);

  // Language and theme side by side, in one settings form of the header.
  const settings = page.getByRole('banner').getByRole('form', {
    name: 'Preferencias de visualización',
  });
  const language = settings.getByLabel('Idioma');
  const theme = settings.getByLabel('Tema');
  await expect(language).toHaveValue('es');
  await expect(theme.locator('option')).toHaveText(['Claro', 'Oscuro']);
  const [languageBox, themeBox] = await Promise.all([language.boundingBox(), theme.boundingBox()]);
  expect(themeBox && languageBox && Math.abs(themeBox.y - languageBox.y)).toBeLessThan(8);
  expect(await boxesAround(page)).toEqual([]);
  // The settings' button is written in the header's own text colour, readable on its background.
  const apply = settings.getByRole('button', { name: 'Aplicar' });
  const headerColour = await page
    .getByRole('banner')
    .evaluate((header) => getComputedStyle(header).color);
  await expect(apply).toHaveCSS('color', headerColour);

  const light = await checkout.element.evaluate(
    (el) => getComputedStyle(el.shadowRoot?.querySelector('.base') as Element).backgroundColor,
  );
  await theme.selectOption('dark');
  await settings.getByRole('button', { name: 'Aplicar' }).click();
  await expect(page.locator('html')).toHaveClass(/pay-theme-dark/);
  await expect(checkout.methodsHeading('Elige una forma de pago')).toBeVisible();
  const dark = await checkout.element.evaluate(
    (el) => getComputedStyle(el.shadowRoot?.querySelector('.base') as Element).backgroundColor,
  );
  expect(dark).not.toBe(light);
  // Dark: each channel of the element's background is below half.
  const channels = (dark.match(/\d+/g) ?? []).slice(0, 3).map(Number);
  expect(
    channels.every((value) => value < 128),
    dark,
  ).toBe(true);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Pago');
  expect(await boxesAround(page)).toEqual([]);
});
