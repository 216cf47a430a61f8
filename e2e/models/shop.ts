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
  /** `origin` is where the shop is opened; by default the address the stack serves it on. */
  constructor(
    private readonly page: Page,
    private readonly origin = '',
  ) {}

  /**
   * Opens the product page and buys for a market (DE, GB, CO, CL, BR, MX, IQ: each with its
   * currency); lands on the checkout page with the element.
   */
  async buy(quantity = 1, market = 'DE', options: CheckoutPageOptions = {}): Promise<Checkout> {
    await this.page.goto(`${this.origin}/`);
    // The product's form; the header has display settings of its own.
    const form = this.page.getByRole('main');
    await form.getByLabel('Ship to').selectOption(market);
    await form.getByLabel('Quantity').selectOption(String(quantity));
    if (options.page) await form.getByLabel('Checkout page').selectOption(options.page);
    if (options.lang) await form.getByLabel('Language').selectOption(options.lang);
    await form.getByRole('button', { name: 'Buy now' }).click();
    await expect(this.page).toHaveURL(/\/checkout\?session=cs_/);
    return new Checkout(this.page);
  }
}

export class Checkout {
  readonly element: Locator;

  constructor(private readonly page: Page) {
    this.element = page.locator('pay-checkout');
  }

  /** The amount to pay, as the summary above the methods shows it. */
  amount(): Locator {
    return this.element.locator('[part~="amount"]');
  }

  /** The heading of the methods step, the legend of its radio group. */
  methodsHeading(name: string | RegExp = /choose a payment method/i): Locator {
    return this.element.getByRole('heading', { name });
  }

  /** The method's radio with this visible name (e.g. "Pay by bank"). */
  method(name: string | RegExp): Locator {
    return this.element.getByRole('radio', { name });
  }

  /** Every method's radio, in the order the element lists them. */
  methods(): Locator {
    return this.element.getByRole('radio');
  }

  /** The open method's part: its one-line note and, if it has any, its inputs. */
  details(): Locator {
    return this.element.locator('[part~="method-details"]');
  }

  /** The one primary button, whose text carries the amount ("Pay €24.00"). */
  payButton(name: string | RegExp = /^Pay /): Locator {
    return this.element.getByRole('button', { name });
  }

  /** Selects a method; this alone starts nothing. */
  async choose(name: string | RegExp): Promise<void> {
    const method = this.method(name);
    await method.check();
    await expect(method).toBeChecked();
  }

  /** Presses the Pay button, which starts the payment with the selected method. */
  async pay(name?: string | RegExp): Promise<void> {
    await this.payButton(name).click();
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
