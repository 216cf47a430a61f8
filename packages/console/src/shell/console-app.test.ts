/**
 * @module
 * `<console-app>` end to end against the mock console API: the sign-in view until signed in
 * and again on any 401, history routing under /console/, focus on each new view's heading, the
 * live region, and a keyboard-only round.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import {
  CONSOLE_KEY,
  deepActiveElement,
  expireSessions,
  press,
  resetBackend,
  signInDirectly,
  storedAnywhere,
  tabTo,
  type,
} from '../../test/helpers.js';
import type { ConsoleApp } from './console-app.js';
import './console-app.js';

const original = location.pathname + location.search;

function view(el: ConsoleApp): HTMLElement | null {
  return el.shadowRoot!.querySelector('main')!.firstElementChild as HTMLElement | null;
}

function viewTag(el: ConsoleApp): string | undefined {
  return view(el)?.localName;
}

function heading(el: ConsoleApp): HTMLElement | null {
  return view(el)?.shadowRoot?.querySelector('h1') ?? null;
}

async function open(path: string): Promise<ConsoleApp> {
  history.replaceState(null, '', path);
  const el = await fixture<ConsoleApp>(html`<console-app></console-app>`);
  await waitUntil(() => viewTag(el) && viewTag(el) !== 'p', 'the app did not settle');
  return el;
}

describe('<console-app>', () => {
  beforeEach(resetBackend);
  afterEach(() => history.replaceState(null, '', original));

  it('shows the sign-in view while nobody is signed in, with its landmarks, accessibly', async () => {
    const el = await open('/console/orders');
    expect(viewTag(el)).to.equal('console-sign-in');
    const root = el.shadowRoot!;
    expect(root.querySelector('header')).not.to.equal(null);
    expect(root.querySelector('main')).not.to.equal(null);
    expect(root.querySelector('nav')).to.equal(null);
    expect(root.querySelector('[role=status][aria-live=polite]')).not.to.equal(null);
    expect(document.title).to.equal('Sign in · pay-checkout console');
    await expect(el).to.be.accessible();
  });

  it('signs in, then shows the page of the address, with focus on its heading', async () => {
    const el = await open('/console/orders/ord_paid1');
    const form = view(el)!;
    form.shadowRoot!.querySelector('input')!.value = CONSOLE_KEY;
    form.shadowRoot!.querySelector('form')!.requestSubmit();
    await waitUntil(() => viewTag(el) === 'console-order', 'no order view');
    await waitUntil(() => heading(el)!.textContent!.includes('shop-1003'), 'order not shown');
    expect(deepActiveElement()).to.equal(heading(el));
    expect(el.shadowRoot!.querySelector('nav a[aria-current=page]')!.textContent).to.equal(
      'Orders',
    );
    expect(el.shadowRoot!.querySelector('.operator')!.textContent).to.contain('operator');
    expect(storedAnywhere(CONSOLE_KEY)).to.deep.equal([]);
    await waitUntil(() =>
      el.shadowRoot!.querySelector('[role=status]')!.textContent!.includes('Signed in as operator'),
    );
    await expect(el).to.be.accessible();
  });

  it('goes back to the sign-in view when the server answers 401', async () => {
    await signInDirectly();
    const el = await open('/console/orders');
    expect(viewTag(el)).to.equal('console-orders');
    await expireSessions();
    el.shadowRoot!.querySelector<HTMLAnchorElement>('nav a[href="/console/providers"]')!.click();
    await waitUntil(() => viewTag(el) === 'console-sign-in', 'no sign-in view after a 401');
    expect(location.pathname).to.equal('/console/providers');
    await waitUntil(() =>
      el.shadowRoot!.querySelector('[role=status]')!.textContent!.includes('session has ended'),
    );
    // Signing in again lands on the page that was asked for.
    await signInDirectly();
    view(el)!.dispatchEvent(new Event('console-signed-in', { bubbles: true, composed: true }));
    await waitUntil(() => viewTag(el) === 'console-providers');
  });

  it('routes links, Back and deep links under /console/ without reloading', async () => {
    await signInDirectly();
    const el = await open('/console/');
    (window as unknown as { marker?: number }).marker = 1;
    const orders = view(el)!;
    await waitUntil(() => orders.shadowRoot!.querySelector('tbody a'));
    orders
      .shadowRoot!.querySelector<HTMLAnchorElement>('a[href="/console/orders/ord_paid1"]')!
      .click();
    await waitUntil(() => viewTag(el) === 'console-order');
    expect(location.pathname).to.equal('/console/orders/ord_paid1');
    expect((window as unknown as { marker?: number }).marker).to.equal(1);
    await waitUntil(() => document.title === 'Order ord_paid1 · pay-checkout console');

    history.back();
    await waitUntil(() => viewTag(el) === 'console-orders', 'Back did not return');
    el.shadowRoot!.querySelector<HTMLAnchorElement>(
      'nav a[href="/console/notifications"]',
    )!.click();
    await waitUntil(() => viewTag(el) === 'console-notifications');
    await expect(el).to.be.accessible();

    el.navigate('/console/nowhere');
    await waitUntil(() => heading(el) === null && el.shadowRoot!.querySelector('main h1'));
    expect(el.shadowRoot!.querySelector('main h1')!.textContent).to.equal('Page not found');
    await expect(el).to.be.accessible();
  });

  it('is usable by keyboard alone: sign in, move between pages, act', async () => {
    const el = await open('/console/orders');
    const first = await tabTo(() => true);
    expect(first.textContent).to.equal('Skip to main content');
    await tabTo((active) => active.localName === 'input');
    await type(CONSOLE_KEY);
    await press('Enter');
    await waitUntil(() => viewTag(el) === 'console-orders');
    await waitUntil(() => deepActiveElement() === heading(el));

    await tabTo((active) => active.textContent === 'Notifications');
    await press('Enter');
    await waitUntil(() => viewTag(el) === 'console-notifications');
    await waitUntil(() => deepActiveElement() === heading(el), 'focus not on the new heading');
    await waitUntil(() => view(el)!.shadowRoot!.querySelector('tbody button'));
    const requeue = await tabTo(
      (active) => active.localName === 'button' && active.textContent!.includes('Re-queue'),
    );
    await press('Enter');
    await waitUntil(() =>
      view(el)!.shadowRoot!.querySelector('[data-message]')?.textContent?.includes('queued again'),
    );
    expect(requeue.isConnected).to.equal(false);
    // Focus was not lost to the page: it sits on the re-queued row.
    expect(deepActiveElement()?.textContent).to.equal('ntf_dead1');
  });

  it('keeps the orders filters in the address, so a filtered list can be bookmarked', async () => {
    await signInDirectly();
    const el = await open('/console/orders?status=paid&wtr=ignored');
    const orders = view(el)!;
    const rows = () =>
      [...orders.shadowRoot!.querySelectorAll<HTMLElement>('tbody tr')].map((r) => r.dataset.order);
    await waitUntil(() => rows().length > 0);
    expect(rows()).to.deep.equal(['ord_paid1', 'ord_late2']);
    expect(orders.shadowRoot!.querySelector<HTMLSelectElement>('[name=status]')!.value).to.equal(
      'paid',
    );
    orders.shadowRoot!.querySelector<HTMLInputElement>('[name=q]')!.value = 'shop-1002';
    orders.shadowRoot!.querySelector<HTMLFormElement>('form[role=search]')!.requestSubmit();
    await waitUntil(() => rows().join() === 'ord_late2');
    expect(location.pathname + location.search).to.equal('/console/orders?q=shop-1002&status=paid');
  });

  it('signs out', async () => {
    await signInDirectly();
    const el = await open('/console/orders');
    [...el.shadowRoot!.querySelectorAll('button')]
      .find((b) => b.textContent === 'Sign out')!
      .click();
    await waitUntil(() => viewTag(el) === 'console-sign-in');
    const check = await fetch('/console/api/session');
    expect(check.status).to.equal(401);
  });
});
