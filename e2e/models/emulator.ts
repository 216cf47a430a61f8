/**
 * @module
 * Drives the provider emulator: its hosted pages (as the customer) and its control API
 * (as the test), e.g. to delay webhooks.
 */
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { urls } from '../fixtures/urls.js';

export interface Faults {
  provider?: string;
  duplicate?: boolean;
  reorder?: boolean;
  delayMs?: number;
  drop?: boolean;
  badSignature?: boolean;
  errorRate?: number;
  latencyMs?: number;
}

/** One entry of the emulator's `GET /_emulator/orders`. */
export interface EmulatedOrder {
  provider: string;
  id: string;
  reference: string;
  status: string;
  /** The page where the customer acts (hosted page or FIB phone page). */
  payUrl?: string;
  /** FuratPay/FIB: the page that stands in for the customer's banking app. */
  phoneUrl?: string;
}

export class EmulatorControl {
  constructor(private readonly request: APIRequestContext) {}

  async setFaults(faults: Faults): Promise<void> {
    const response = await this.request.post(`${urls.emulator}/_emulator/faults`, { data: faults });
    expect(response.ok()).toBe(true);
  }

  async resetFaults(): Promise<void> {
    const response = await this.request.delete(`${urls.emulator}/_emulator/faults`);
    expect(response.ok()).toBe(true);
  }

  /** Every payment the emulator holds for `provider`, oldest first. */
  async orders(provider: string): Promise<EmulatedOrder[]> {
    const response = await this.request.get(
      `${urls.emulator}/_emulator/orders?provider=${provider}`,
    );
    expect(response.ok()).toBe(true);
    return (await response.json()) as EmulatedOrder[];
  }

  /** The FIB phone page of the newest FuratPay payment that has one. */
  async latestFibPhoneUrl(): Promise<string> {
    const withPhone = (await this.orders('furatpay')).filter((o) => o.phoneUrl);
    const url = withPhone.at(-1)?.phoneUrl;
    if (!url) throw new Error('the emulator holds no FIB payment');
    return url;
  }
}

/** A provider's hosted payment page with its Pay / Fail / Cancel buttons. */
export class HostedPage {
  constructor(private readonly page: Page) {}

  async expectOpen(provider: string): Promise<void> {
    await expect(this.page).toHaveURL(new RegExp(`^${urls.emulator}/${provider}/`));
  }

  async pay(): Promise<void> {
    await this.page.getByRole('button', { name: 'Pay', exact: true }).click();
  }

  async fail(): Promise<void> {
    await this.page.getByRole('button', { name: 'Fail', exact: true }).click();
  }

  async cancel(): Promise<void> {
    await this.page.getByRole('button', { name: 'Cancel', exact: true }).click();
  }
}

/** The FIB "phone" page: the customer's banking app after scanning the QR. */
export class FibPhone {
  constructor(private readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await expect(
      this.page.getByRole('button', { name: 'Scan and pay', exact: true }),
    ).toBeVisible();
  }

  async scanAndPay(): Promise<void> {
    await this.page.getByRole('button', { name: 'Scan and pay', exact: true }).click();
  }

  async fail(): Promise<void> {
    await this.page.getByRole('button', { name: 'Fail', exact: true }).click();
  }
}
