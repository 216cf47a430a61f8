/**
 * @module
 * `<console-providers>`: on or off, breaker, methods per market, the last hour of calls.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { ConsoleApi } from '../api/client.js';
import { resetBackend, signInDirectly } from '../../test/helpers.js';
import type { ConsoleProviders } from './console-providers.js';
import './console-providers.js';

describe('<console-providers>', () => {
  beforeEach(async () => {
    await resetBackend();
    await signInDirectly();
  });

  it('shows each provider with its breaker, markets and last hour, and is accessible', async () => {
    const el = await fixture<ConsoleProviders>(
      html`<console-providers .api=${new ConsoleApi()}></console-providers>`,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('tbody tr'));
    const row = (id: string): HTMLTableRowElement =>
      el.shadowRoot!.querySelector<HTMLTableRowElement>(`tr[data-provider="${id}"]`)!;
    const cells = (id: string): string[] =>
      [...row(id).children].map((cell) => cell.textContent!.replace(/\s+/g, ' ').trim());

    expect(cells('ivy')).to.deep.equal([
      'Ivy (ivy)',
      'On',
      'Closed (calls go through)',
      'DE: ivy:bank (bank) GB: ivy:bank (bank)',
      '40',
      '2',
      '5.0 %',
      '120 ms',
      '1.8 s',
    ]);
    expect(cells('koywe')[2]).to.equal('Open (calls held back)');
    expect(cells('koywe')[3]).to.equal('CL: koywe:KHIPU (bank) CO: koywe:PSE (bank)');
    expect(cells('furatpay').slice(1, 4)).to.deep.equal([
      'Off',
      'Half open (trying again)',
      'none',
    ]);
    expect(cells('furatpay').slice(6)).to.deep.equal(['—', '—', '—']);
    expect(el.shadowRoot!.querySelectorAll('th[scope=col]').length).to.equal(9);
    await expect(el).to.be.accessible();
  });
});
