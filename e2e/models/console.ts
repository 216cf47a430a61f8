/**
 * @module
 * The operator console (`/console/` of the pay-checkout server) as an operator uses it, plus an
 * accessibility check with axe-core run inside the page (the console's strict CSP allows no
 * injected script tag, so axe is evaluated through the browser's debugging protocol), and the
 * shop's backend that takes the server's notifications (e2e/fixtures/merchant-receiver.mjs).
 */
import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ports, urls } from '../fixtures/urls.js';

/** The console key the end-to-end stack starts the server with (PAY_CHECKOUT_CONSOLE_KEY). */
export const CONSOLE_KEY = 'e2e-console-key-0123456789abcdef';

/**
 * The port of the shop's notifications receiver: six above the server's, clear of the shop
 * (three above) and of the ports `pnpm demo --postgres` gives its two instances (four, five).
 */
export const MERCHANT_RECEIVER_PORT = ports.server + 6;

/** The receiver's address; the stack's MERCHANT_WEBHOOK_URL is its `/notifications`. */
export const MERCHANT_RECEIVER_URL = `http://127.0.0.1:${MERCHANT_RECEIVER_PORT}`;

/** One notification as the receiver recorded it, with the status it answered. */
export interface ReceivedNotification {
  webhookId: string;
  type: 'order.updated' | 'mandate.updated';
  orderId: string | null;
  sessionId: string | null;
  reference: string;
  status: string;
  answer: 204 | 503;
}

/** The shop's notifications receiver: what it took, and which sessions it refuses. */
export class MerchantReceiver {
  constructor(readonly request: APIRequestContext) {}

  /** Refuses (503) every notification of `session` from now on, or accepts them again. */
  async refuse(session: string, on = true): Promise<void> {
    const response = await this.request.post(`${MERCHANT_RECEIVER_URL}/_control/refuse`, {
      data: { session, on },
    });
    expect(response.status(), await response.text()).toBe(204);
  }

  /** The notifications of `session` received so far, oldest first. */
  async received(session: string): Promise<ReceivedNotification[]> {
    const response = await this.request.get(`${MERCHANT_RECEIVER_URL}/_control/received`, {
      params: { session },
    });
    expect(response.status(), await response.text()).toBe(200);
    return (await response.json()) as ReceivedNotification[];
  }

  /** Waits until the receiver has answered a notification of `session` with `answer`. */
  async expectAnswered(session: string, answer: 204 | 503): Promise<ReceivedNotification> {
    let found: ReceivedNotification | undefined;
    await expect
      .poll(
        async () => {
          found = (await this.received(session)).find((n) => n.answer === answer);
          return found !== undefined;
        },
        { message: `a notification of ${session} answered ${answer}`, timeout: 20_000 },
      )
      .toBe(true);
    return found!;
  }
}

let axeSource: string | undefined;

/** axe-core's browser bundle, from the workspace's install (it comes with @open-wc/testing). */
function axe(): string {
  if (axeSource) return axeSource;
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const require = createRequire(import.meta.url);
  const path = require.resolve('axe-core/axe.min.js', {
    paths: [root, `${root}node_modules/.pnpm/node_modules`],
  });
  axeSource = readFileSync(path, 'utf8');
  return axeSource;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

export class OperatorConsole {
  /** Messages of Content-Security-Policy refusals seen on the page. */
  readonly cspViolations: string[] = [];

  constructor(readonly page: Page) {
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) this.cspViolations.push(message.text());
    });
  }

  async open(path = '/console/'): Promise<void> {
    await this.page.goto(`${urls.server}${path}`);
  }

  heading(): Locator {
    return this.page.getByRole('heading', { level: 1 });
  }

  keyField(): Locator {
    return this.page.getByLabel('Console key');
  }

  /** Signs in with the key through the form. */
  async signIn(key = CONSOLE_KEY): Promise<void> {
    await expect(this.heading()).toHaveText('Sign in');
    await this.keyField().fill(key);
    await this.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(this.page.getByRole('navigation', { name: 'Console' })).toBeVisible();
  }

  nav(name: 'Orders' | 'Notifications' | 'Providers'): Locator {
    return this.page
      .getByRole('navigation', { name: 'Console' })
      .getByRole('link', { name, exact: true });
  }

  searchField(): Locator {
    return this.page.getByLabel('Search by reference, order id, session id or provider id');
  }

  /** Searches the orders list for a reference or id. */
  async search(text: string): Promise<void> {
    await this.searchField().fill(text);
    await this.page.getByRole('button', { name: 'Apply filters' }).click();
  }

  orderRows(): Locator {
    return this.page.locator('console-orders tbody tr');
  }

  /** Searches for `text` and opens the one order found. */
  async openOrder(text: string): Promise<void> {
    await this.search(text);
    await expect(this.orderRows()).toHaveCount(1);
    await this.orderRows().first().getByRole('link').click();
    await expect(this.heading()).toHaveText(/^Order /);
    await expect(this.storyEntries().first()).toBeVisible();
  }

  /** The order page's status (the first fact of its summary). */
  orderStatus(): Locator {
    return this.page.locator('console-order dl.facts dd').first();
  }

  storyEntries(kind?: string): Locator {
    return this.page.locator(`console-order ol.story > li${kind ? `[data-kind="${kind}"]` : ''}`);
  }

  /**
   * Waits until notification `id` is parked as dead, asking the console's API as the signed-in
   * operator (a parked notification does not change the page by itself).
   */
  async expectParked(id: string): Promise<void> {
    await expect
      .poll(
        async () => {
          const response = await this.page.request.get(`${urls.server}/console/api/notifications`, {
            params: { status: 'dead' },
          });
          expect(response.status(), await response.text()).toBe(200);
          const { items } = (await response.json()) as { items: { id: string }[] };
          return items.some((item) => item.id === id);
        },
        { message: `notification ${id} parked as dead`, timeout: 20_000 },
      )
      .toBe(true);
  }

  /** Runs axe on the whole page (shadow roots included); answers the violations. */
  async violations(): Promise<AxeViolation[]> {
    const loaded = await this.page.evaluate(() => 'axe' in window);
    if (!loaded) await this.page.evaluate(axe());
    return this.page.evaluate(async () => {
      const result = await (
        window as unknown as {
          axe: { run(context: Document): Promise<{ violations: AxeViolation[] }> };
        }
      ).axe.run(document);
      return result.violations.map(({ id, impact, help, nodes }) => ({
        id,
        impact,
        help,
        nodes: nodes.map((node) => ({ target: node.target })),
      }));
    });
  }

  /** axe finds nothing on the page as it is now. */
  async expectAccessible(): Promise<void> {
    expect(await this.violations()).toEqual([]);
  }
}
