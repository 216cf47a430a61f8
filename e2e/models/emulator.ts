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
