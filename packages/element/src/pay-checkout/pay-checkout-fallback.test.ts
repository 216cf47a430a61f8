/**
 * @module
 * Browser tests of `<pay-checkout>` when a provider is down, against the fake backend of
 * test/mock-backend.js: a method the server lists as unavailable is shown disabled with a
 * translated reason and the first usable method is selected; an attempt that fails because its
 * provider is down disables that method at once, selects another, and reads the methods again.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../define.js';
import { ar } from '../translations/ar.js';
import { de } from '../translations/de.js';
import { en } from '../translations/en.js';
import { es } from '../translations/es.js';
import { ptBR } from '../translations/pt-BR.js';
import { PayCheckout } from './pay-checkout.js';

const SERVER = `${location.origin}/mock`;

let counter = 0;
function sessionOf(kind: string): string {
  counter += 1;
  return `${kind}-${Date.now().toString(36)}f${counter}`;
}

/** The element with navigation captured instead of leaving the test page. */
class FallbackCheckout extends PayCheckout {
  navigations: string[] = [];

  protected override navigate(url: string): void {
    this.navigations.push(url);
  }
}
customElements.define('fallback-pay-checkout', FallbackCheckout);

function mount(session: string, locale = 'en') {
  return fixture<FallbackCheckout>(
    html`<fallback-pay-checkout
      session=${session}
      server=${SERVER}
      locale=${locale}
      poll-interval="50"
    ></fallback-pay-checkout>`,
  );
}

function root(el: HTMLElement): ShadowRoot {
  if (!el.shadowRoot) throw new Error('no shadow root');
  return el.shadowRoot;
}

function radio(el: HTMLElement, id: string): HTMLInputElement {
  const found = root(el).querySelector<HTMLInputElement>(`input[type="radio"][value="${id}"]`);
  if (!found) throw new Error(`no radio for ${id}`);
  return found;
}

function checked(el: HTMLElement): string | undefined {
  return root(el).querySelector<HTMLInputElement>('input[type="radio"]:checked')?.value;
}

function reasonOf(el: HTMLElement, id: string): string | undefined {
  return root(el)
    .querySelector(`[data-method="${id}"] [part="method-unavailable"]`)
    ?.textContent?.trim();
}

function payButton(el: HTMLElement): HTMLButtonElement {
  const button = root(el).querySelector<HTMLButtonElement>('button[part="submit"]');
  if (!button) throw new Error('no pay button');
  return button;
}

async function recordedMethods(session: string): Promise<string[]> {
  const response = await fetch(`/mock/_test/orders/${session}`);
  const orders = (await response.json()) as { body: { method: string } }[];
  return orders.map((order) => order.body.method);
}

async function methodReads(session: string): Promise<number> {
  const response = await fetch(`/mock/_test/gets/${session}`);
  return ((await response.json()) as { count: number }).count;
}

afterEach(() => {
  sessionStorage.clear();
});

describe('<pay-checkout> with a provider down', () => {
  it('shows its method disabled, says why, and selects the first usable one', async () => {
    const session = sessionOf('down');
    const el = await mount(session);
    await oneEvent(el, 'pay-ready');

    const ivy = radio(el, 'ivy:bank');
    expect(ivy.disabled).to.equal(true);
    expect(reasonOf(el, 'ivy:bank')).to.equal(en.methodUnavailable);
    expect(ivy.getAttribute('aria-describedby')).to.equal(
      root(el).querySelector('[part="method-unavailable"]')?.id,
    );
    // Ivy is listed first; the first method that can be used is selected instead.
    expect(checked(el)).to.equal('furatpay:fib');
    expect(reasonOf(el, 'furatpay:fib')).to.equal(undefined);
    expect(radio(el, 'furatpay:fib').disabled).to.equal(false);

    // A click on the disabled method changes nothing.
    root(el).querySelector<HTMLElement>('[data-method="ivy:bank"]')?.click();
    await el.updateComplete;
    expect(checked(el)).to.equal('furatpay:fib');

    payButton(el).click();
    await waitUntil(async () => (await recordedMethods(session)).length === 1, 'order posted');
    expect(await recordedMethods(session)).to.deep.equal(['furatpay:fib']);
  });

  for (const table of [es, ptBR, de, ar]) {
    it(`says why in ${table.$code}`, async () => {
      const el = await mount(sessionOf('down'), table.$code);
      await oneEvent(el, 'pay-ready');
      expect(table.methodUnavailable).to.not.equal(en.methodUnavailable);
      expect(reasonOf(el, 'ivy:bank')).to.equal(table.methodUnavailable);
    });
  }

  it('offers the other methods at once when an attempt fails because its provider is down', async () => {
    const session = sessionOf('ivydown');
    const el = await mount(session);
    await oneEvent(el, 'pay-ready');
    expect(checked(el)).to.equal('ivy:bank');
    expect(radio(el, 'ivy:bank').disabled).to.equal(false);

    payButton(el).click();
    await waitUntil(() => radio(el, 'ivy:bank').disabled, 'Ivy disabled after the failure');
    expect(el.phase).to.equal('methods');
    expect(el.navigations).to.deep.equal([]);
    expect(root(el).querySelector('[part="error"]')?.textContent?.trim()).to.equal(
      en.errorMethodUnavailable,
    );
    expect(reasonOf(el, 'ivy:bank')).to.equal(en.methodUnavailable);
    expect(checked(el)).to.equal('furatpay:fib');
    // The methods are read again: the server now lists Ivy as unavailable itself.
    await waitUntil(async () => (await methodReads(session)) === 2, 'methods read again');

    payButton(el).click();
    await waitUntil(async () => (await recordedMethods(session)).length === 2, 'second attempt');
    expect(await recordedMethods(session)).to.deep.equal(['ivy:bank', 'furatpay:fib']);
  });

  it('disables the failed method even while the server still lists it', async () => {
    const session = sessionOf('ivyblip');
    const el = await mount(session);
    await oneEvent(el, 'pay-ready');
    payButton(el).click();
    await waitUntil(async () => (await methodReads(session)) === 2, 'methods read again');
    await el.updateComplete;
    expect(radio(el, 'ivy:bank').disabled).to.equal(true);
    expect(checked(el)).to.equal('furatpay:fib');
  });

  it('disables the Pay button and says so when no method can be used', async () => {
    const session = sessionOf('alldown');
    const el = await mount(session);
    await oneEvent(el, 'pay-ready');
    expect(checked(el)).to.equal(undefined);
    expect(payButton(el).disabled).to.equal(true);
    expect(root(el).querySelector('[part="message"]')?.textContent?.trim()).to.equal(en.noMethods);
    payButton(el).click();
    await el.updateComplete;
    expect(await recordedMethods(session)).to.deep.equal([]);
  });

  it('keeps every method usable when the server says nothing about availability', async () => {
    const el = await mount(sessionOf('open'));
    await oneEvent(el, 'pay-ready');
    for (const input of root(el).querySelectorAll<HTMLInputElement>('input[type="radio"]')) {
      expect(input.disabled, input.value).to.equal(false);
    }
    expect(root(el).querySelector('[part="method-unavailable"]')).to.equal(null);
    expect(checked(el)).to.equal('ivy:bank');
  });
});
