/**
 * @module
 * The demo shop as a customer sees it, and the `<pay-checkout>` element inside it.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** How the demo's checkout page embeds the element, and in which language it is shown. */
export interface CheckoutPageOptions {
  /** `script` (default), `esm` (the npm package's ES modules) or `strict` (strict CSP). */
  page?: 'script' | 'esm' | 'strict';
  /** `en` (default), `es`, `pt-BR`, `de` or `ar`. */
  lang?: string;
}

export class Shop {
  constructor(private readonly page: Page) {}

  /**
   * Opens the product page and buys for a market (DE, GB, CO, CL, BR, MX, IQ: each with its
   * currency); lands on the checkout page with the element.
   */
  async buy(quantity = 1, market = 'DE', options: CheckoutPageOptions = {}): Promise<Checkout> {
    await this.page.goto('/');
    await this.page.getByLabel('Ship to').selectOption(market);
    await this.page.getByLabel('Quantity').selectOption(String(quantity));
    if (options.page) await this.page.getByLabel('Checkout page').selectOption(options.page);
    if (options.lang) await this.page.getByLabel('Language').selectOption(options.lang);
    await this.page.getByRole('button', { name: 'Buy now' }).click();
    await expect(this.page).toHaveURL(/\/checkout\?session=cs_/);
    return new Checkout(this.page);
  }
}

export class Checkout {
  readonly element: Locator;

  constructor(private readonly page: Page) {
    this.element = page.locator('pay-checkout');
  }

  /** The method button with this visible name (e.g. "Pay by bank"). */
  method(name: string | RegExp): Locator {
    return this.element.getByRole('button', { name });
  }

  async choose(name: string | RegExp): Promise<void> {
    await this.method(name).click();
  }

  /** The element's live status region (role=status). */
  status(): Locator {
    return this.element.getByRole('status');
  }

  /** The outcome heading the element shows once the payment is settled. */
  outcome(name: RegExp): Locator {
    return this.element.getByRole('heading', { name });
  }

  async expectPaid(): Promise<void> {
    await expect(this.outcome(/payment received/i)).toBeVisible();
    await expect(this.status()).toHaveText(/payment received/i);
  }

  async expectFailed(): Promise<void> {
    await expect(this.outcome(/payment failed/i)).toBeVisible();
  }

  async expectConfirming(): Promise<void> {
    await expect(this.outcome(/confirming your payment/i)).toBeVisible();
  }
}
