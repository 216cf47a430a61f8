/**
 * @module
 * Hosted pages escape everything that comes from outside: the merchant's name, the references
 * and labels a merchant sends, in element content and in attributes alike.
 */
import { html } from 'hono/html';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reference, startHarness, type Harness } from '../test-support/harness.js';
import { outcomeButtons, renderPage } from './html.js';

const HOSTILE = `<script>"&'`;
const ESCAPED = '&lt;script&gt;&quot;&amp;&#39;';

describe('renderPage', () => {
  it('escapes the title, the brand and interpolated body text', () => {
    const page = renderPage({
      title: HOSTILE,
      brand: HOSTILE,
      body: html`<p title="${HOSTILE}">${HOSTILE}</p>`,
    });
    expect(page).not.toContain('<script>');
    expect(page).toContain(`<title>${ESCAPED} · ${ESCAPED}</title>`);
    expect(page).toContain(`<p class="brand">${ESCAPED}</p>`);
    expect(page).toContain(`<h1>${ESCAPED}</h1>`);
    expect(page).toContain(`<p title="${ESCAPED}">${ESCAPED}</p>`);
  });

  it('keeps trusted markup and the inline style as they are', () => {
    const page = renderPage({ title: 'Pay', brand: 'Ivy', body: outcomeButtons('checkout/s1') });
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<form method="post" action="checkout/s1/pay">');
    expect(page).toContain('<button type="submit" class="danger">Fail</button>');
    expect(page).toContain('@media (prefers-color-scheme: dark)');
  });

  it('escapes the action URL of the outcome buttons', () => {
    const buttons = String(outcomeButtons(`x"><script>`));
    expect(buttons).not.toContain('<script>');
    expect(buttons).toContain('action="x&quot;&gt;&lt;script&gt;/pay"');
  });
});

describe('a hosted page served by the emulator', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ merchantName: HOSTILE });
  });
  afterAll(async () => {
    await h.close();
  });

  it('escapes the merchant name, the display id and the mandate reference', async () => {
    const session = await h.createSession({
      referenceId: reference(HOSTILE),
      displayId: HOSTILE,
      mandate: {
        setup: true,
        referenceId: `mandate-${HOSTILE}`,
        userNotificationEmail: 'buyer@example.com',
        accountHolderName: 'Erika Mustermann',
      },
    });
    const response = await fetch(session.redirectUrl);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).not.toContain('<script>');
    expect(page).not.toContain(HOSTILE);
    expect(page).toContain(`<dd>${ESCAPED}</dd>`);
    expect(page).toContain(`You also authorise ${ESCAPED} to collect`);
    expect(page).toContain(`(mandate\n      mandate-${ESCAPED})`);
  });
});
