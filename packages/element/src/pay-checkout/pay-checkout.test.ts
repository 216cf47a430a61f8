/**
 * @module
 * Browser tests of `<pay-checkout>` against the fake backend of test/mock-backend.js (real HTTP
 * and Server-Sent Events through the test runner's dev server).
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type {
  PayFailureEvent,
  PayReadyEvent,
  PayStatusDetail,
  PaySuccessEvent,
} from '../events/events.js';
import '../define.js';
import { PayCheckout } from './pay-checkout.js';

const SERVER = `${location.origin}/mock`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let counter = 0;
/** A session id of the given scenario, unique to the calling test. */
function sessionOf(kind: string): string {
  counter += 1;
  return `${kind}-${Date.now().toString(36)}${counter}`;
}

/** The element with navigation captured instead of leaving the test page. */
class TestCheckout extends PayCheckout {
  navigations: string[] = [];

  protected override navigate(url: string): void {
    this.navigations.push(url);
  }
}
customElements.define('test-pay-checkout', TestCheckout);

interface RecordedOrder {
  key: string;
  body: unknown;
}

async function recordedOrders(session: string): Promise<RecordedOrder[]> {
  const response = await fetch(`/mock/_test/orders/${session}`);
  return (await response.json()) as RecordedOrder[];
}

async function openStreams(session: string): Promise<number> {
  const response = await fetch(`/mock/_test/streams/${session}`);
  return ((await response.json()) as { open: number }).open;
}

async function control(action: 'advance' | 'release', session: string): Promise<void> {
  const response = await fetch(`/mock/_test/${action}/${session}`, { method: 'POST' });
  if (!response.ok) throw new Error(`${action} failed: ${response.status}`);
}

function root(el: HTMLElement): ShadowRoot {
  if (!el.shadowRoot) throw new Error('no shadow root');
  return el.shadowRoot;
}

function textOf(el: HTMLElement): string {
  return (root(el).textContent ?? '').replace(/\s+/g, ' ').trim();
}

function liveRegion(el: HTMLElement): HTMLElement {
  const region = root(el).querySelector<HTMLElement>('[role="status"]');
  if (!region) throw new Error('no live region');
  return region;
}

function methodButton(el: HTMLElement, id: string): HTMLButtonElement {
  const button = root(el).querySelector<HTMLButtonElement>(`button[data-method="${id}"]`);
  if (!button) throw new Error(`no button for ${id}`);
  return button;
}

function buttonNamed(el: HTMLElement, name: string): HTMLButtonElement | undefined {
  return [...root(el).querySelectorAll('button')].find((b) => b.textContent?.trim() === name);
}

async function mount(session: string, extra: { server?: string; locale?: string } = {}) {
  return fixture<TestCheckout>(
    html`<test-pay-checkout
      session=${session}
      server=${extra.server ?? SERVER}
      locale=${extra.locale ?? 'en'}
      poll-interval="50"
    ></test-pay-checkout>`,
  );
}

function recordStatuses(el: HTMLElement): PayStatusDetail[] {
  const seen: PayStatusDetail[] = [];
  el.addEventListener('pay-status', (event) => seen.push(event.detail));
  return seen;
}

afterEach(() => {
  sessionStorage.clear();
});

describe('<pay-checkout>', () => {
  it('is registered by the define entry', () => {
    expect(customElements.get('pay-checkout')).to.equal(PayCheckout);
    expect(document.createElement('pay-checkout')).to.be.instanceOf(PayCheckout);
  });

  it('shows a loading state with a live region, then the methods, and fires pay-ready', async () => {
    const session = sessionOf('slow');
    const el = await mount(session);
    expect(el.phase).to.equal('loading');
    expect(textOf(el)).to.contain('Loading payment options');
    const region = liveRegion(el);
    expect(region.getAttribute('aria-live')).to.equal('polite');
    await expect(el).to.be.accessible();

    const ready = oneEvent(el, 'pay-ready');
    await control('release', session);
    const { detail } = (await ready) as PayReadyEvent;
    expect(detail.session.id).to.equal(session);
    expect(detail.methods.map((m) => m.id)).to.deep.equal([
      'ivy:bank',
      'furatpay:fib',
      'koywe:PSE',
    ]);

    const list = root(el).querySelector('ul[part="methods"]');
    const heading = root(el).querySelector('h2#methods-heading');
    expect(list?.getAttribute('aria-labelledby')).to.equal('methods-heading');
    expect(heading?.textContent).to.equal('Choose a payment method');
    expect(list?.querySelectorAll('li > button')).to.have.length(3);
    expect(liveRegion(el)).to.equal(region, 'the live region stays the same node');
    await expect(el).to.be.accessible();
  });

  describe('money', () => {
    const amountOf = (el: HTMLElement) =>
      root(el).querySelector('[part="amount"]')?.textContent?.trim();

    it('formats EUR with two decimals', async () => {
      const el = await mount(sessionOf('open'));
      await oneEvent(el, 'pay-ready');
      expect(amountOf(el)).to.equal('€19.99');
    });

    it('formats CLP without decimals', async () => {
      const el = await mount(sessionOf('clp'));
      await oneEvent(el, 'pay-ready');
      expect(amountOf(el)).to.match(/^CLP\s50,000$/);
    });

    it('formats IQD with three decimals, whatever the locale data says', async () => {
      const el = await mount(sessionOf('iqd'));
      await oneEvent(el, 'pay-ready');
      expect(amountOf(el)).to.match(/^IQD\s25\.000$/);
    });
  });

  it('posts once with an Idempotency-Key and navigates, even when clicked twice fast', async () => {
    const session = sessionOf('open');
    const el = await mount(session);
    await oneEvent(el, 'pay-ready');

    const button = methodButton(el, 'ivy:bank');
    button.click();
    button.click();
    await waitUntil(() => el.navigations.length > 0, 'navigated');

    const orders = await recordedOrders(session);
    expect(orders).to.have.length(1);
    expect(orders[0]?.key).to.match(UUID);
    expect(orders[0]?.body).to.deep.equal({ method: 'ivy:bank' });
    expect(el.navigations).to.deep.equal([`https://provider.example/checkout?session=${session}`]);
    expect(el.phase).to.equal('redirecting');
    expect(sessionStorage.getItem(`pay-checkout:${session}:redirected`)).to.equal('1');
    await expect(el).to.be.accessible();
  });

  it('re-sends the same Idempotency-Key for the same attempt after a reload', async () => {
    const session = sessionOf('open');
    const first = await mount(session);
    await oneEvent(first, 'pay-ready');
    methodButton(first, 'ivy:bank').click();
    await waitUntil(() => first.navigations.length > 0);
    first.remove();
    // A reload before the provider's page opened: the tab never left for the provider.
    sessionStorage.removeItem(`pay-checkout:${session}:redirected`);

    const second = await mount(session);
    await oneEvent(second, 'pay-ready');
    methodButton(second, 'ivy:bank').click();
    await waitUntil(() => second.navigations.length > 0);

    const orders = await recordedOrders(session);
    expect(orders).to.have.length(2);
    expect(orders[1]?.key).to.equal(orders[0]?.key);
    expect(second.navigations).to.deep.equal(first.navigations);
  });

  it('validates required and pattern fields before submitting them', async () => {
    const session = sessionOf('open');
    const el = await mount(session);
    await oneEvent(el, 'pay-ready');

    const pse = methodButton(el, 'koywe:PSE');
    expect(pse.getAttribute('aria-expanded')).to.equal('false');
    pse.click();
    await el.updateComplete;
    expect(pse.getAttribute('aria-expanded')).to.equal('true');
    const form = root(el).querySelector('form');
    const select = root(el).querySelector<HTMLSelectElement>('select[name="bank"]');
    const input = root(el).querySelector<HTMLInputElement>('input[name="document"]');
    if (!form || !select || !input) throw new Error('form not rendered');
    expect(root(el).querySelector(`label[for="${input.id}"]`)?.textContent).to.equal(
      'Document number',
    );

    form.requestSubmit();
    await el.updateComplete;
    expect(textOf(el)).to.contain('Bank is required.');
    expect(textOf(el)).to.contain('Document number is required.');
    expect(select.getAttribute('aria-invalid')).to.equal('true');
    await waitUntil(() => root(el).activeElement === select, 'focus moves to the first error');
    await expect(el).to.be.accessible();

    select.value = 'b1';
    input.value = '12ab';
    form.requestSubmit();
    await el.updateComplete;
    expect(textOf(el)).to.contain('Document number is not valid.');
    expect(textOf(el)).not.to.contain('Bank is required.');
    expect(await recordedOrders(session)).to.have.length(0);

    input.value = '123456';
    form.requestSubmit();
    await waitUntil(() => el.navigations.length > 0, 'navigated');
    const orders = await recordedOrders(session);
    expect(orders.map((o) => o.body)).to.deep.equal([
      { method: 'koywe:PSE', fields: { bank: 'b1', document: '123456' } },
    ]);
  });

  it('on the return page shows confirming, then paid live, and fires pay-success once', async () => {
    const session = sessionOf('retpaid');
    const el = await mount(session);
    const statuses = recordStatuses(el);
    const successes: PaySuccessEvent[] = [];
    el.addEventListener('pay-success', (event) => successes.push(event));

    await waitUntil(() => el.status === 'pending', 'snapshot received');
    expect(el.phase).to.equal('status');
    expect(textOf(el)).to.contain('Confirming your payment…');
    await expect(el).to.be.accessible();

    await control('advance', session);
    await waitUntil(() => el.status === 'processing');
    expect(textOf(el)).to.contain('Confirming your payment…');

    await control('advance', session);
    await waitUntil(() => el.status === 'paid');
    await el.updateComplete;
    expect(textOf(el)).to.contain('Payment received');
    expect(liveRegion(el).textContent?.trim()).to.equal('Payment received');
    expect(statuses.map((s) => s.status)).to.deep.equal(['pending', 'processing', 'paid']);
    expect(successes).to.have.length(1);
    expect(successes[0]?.detail).to.deep.equal({ orderId: 'ord_ret', sessionId: session });
    expect(successes[0]?.bubbles && successes[0]?.composed).to.equal(true);
    expect(buttonNamed(el, 'Try another method')).to.equal(undefined);
    await expect(el).to.be.accessible();
  });

  it('fires pay-failure on failure, and "Try another method" shows the methods again', async () => {
    const session = sessionOf('retfail');
    const el = await mount(session);
    await waitUntil(() => el.status === 'pending', 'snapshot received');

    const failure = oneEvent(el, 'pay-failure');
    await control('advance', session);
    const { detail } = (await failure) as PayFailureEvent;
    expect(detail).to.deep.equal({ status: 'failed', orderId: 'ord_ret', sessionId: session });
    await el.updateComplete;
    expect(textOf(el)).to.contain('Payment failed');
    await expect(el).to.be.accessible();

    const ready = oneEvent(el, 'pay-ready');
    buttonNamed(el, 'Try another method')?.click();
    await ready;
    expect(el.phase).to.equal('methods');
    expect(el.status).to.equal(undefined);
    expect(root(el).querySelectorAll('button[data-method]')).to.have.length(3);
    await expect(el).to.be.accessible();
  });

  it('never moves the screen backwards on stale or contradicting events', async () => {
    const session = sessionOf('stale');
    const el = await mount(session);
    const statuses = recordStatuses(el);
    let failures = 0;
    el.addEventListener('pay-failure', () => (failures += 1));
    await waitUntil(() => el.status === 'pending', 'snapshot received');

    await control('advance', session); // processing
    await waitUntil(() => el.status === 'processing');
    await control('advance', session); // pending again: stale
    await control('advance', session); // paid, then failed in the same chunk
    await waitUntil(() => el.status === 'paid');
    await el.updateComplete;

    expect(statuses.map((s) => s.status)).to.deep.equal(['pending', 'processing', 'paid']);
    expect(failures).to.equal(0);
    expect(textOf(el)).to.contain('Payment received');
    await expect(el).to.be.accessible();
  });

  it('shows a paid session as paid and fires pay-success', async () => {
    const session = sessionOf('paid');
    const el = await mount(session);
    const success = await oneEvent(el, 'pay-success');
    expect(success.detail).to.deep.equal({ orderId: 'ord_paid', sessionId: session });
    await el.updateComplete;
    expect(textOf(el)).to.contain('Payment received');
    await expect(el).to.be.accessible();
  });

  it('shows an expired session without offering another attempt', async () => {
    const session = sessionOf('expired');
    const el = await mount(session);
    const failure = await oneEvent(el, 'pay-failure');
    expect(failure.detail.status).to.equal('expired');
    await el.updateComplete;
    expect(textOf(el)).to.contain('Payment expired');
    expect(buttonNamed(el, 'Try another method')).to.equal(undefined);
    await expect(el).to.be.accessible();
  });

  it('falls back to polling when the event stream is unavailable', async () => {
    const session = sessionOf('nosse');
    const el = await mount(session);
    const success = oneEvent(el, 'pay-success');
    await success;
    await el.updateComplete;
    expect(el.status).to.equal('paid');
    expect(textOf(el)).to.contain('Payment received');
  });

  it('shows a QR code and waits for the status of that order', async () => {
    const session = sessionOf('qr');
    const el = await mount(session);
    await oneEvent(el, 'pay-ready');
    methodButton(el, 'furatpay:fib').click();
    await waitUntil(() => el.phase === 'qr', 'QR shown');
    await el.updateComplete;
    expect(textOf(el)).to.contain('FIB:PAY:12345');
    expect(root(el).querySelector('[part="qr-code"]')?.textContent).to.equal('123-456');
    const links = [...root(el).querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(links).to.deep.equal(['https://fib.example/pay?c=123']);
    await expect(el).to.be.accessible();

    // Let the stream connect (its snapshot is the session without an order) before advancing.
    await waitUntil(async () => (await openStreams(session)) === 1, 'stream open');
    await control('advance', session);
    await waitUntil(() => el.status === 'pending', 'pending');
    await control('advance', session);
    await waitUntil(() => el.status === 'paid', 'paid');
    await el.updateComplete;
    expect(el.navigations).to.deep.equal([]);
    expect(textOf(el)).to.contain('Payment received');
  });

  describe('errors', () => {
    it('explains an unknown session, without a retry', async () => {
      const el = await mount(sessionOf('missing'));
      await waitUntil(() => el.phase === 'error');
      expect(textOf(el)).to.contain('This checkout could not be found.');
      expect(buttonNamed(el, 'Try again')).to.equal(undefined);
      expect(liveRegion(el).textContent).to.contain('could not be found');
      await expect(el).to.be.accessible();
    });

    it('explains an expired session', async () => {
      const el = await mount(sessionOf('gone'));
      await waitUntil(() => el.phase === 'error');
      expect(textOf(el)).to.contain('This checkout has expired.');
      await expect(el).to.be.accessible();
    });

    it('offers a retry when the server is unreachable, and recovers', async () => {
      const session = sessionOf('open');
      const el = await mount(session, { server: 'http://127.0.0.1:9' });
      await waitUntil(() => el.phase === 'error', 'error shown', { timeout: 8000 });
      expect(textOf(el)).to.contain('We could not reach the payment service.');
      const retry = buttonNamed(el, 'Try again');
      expect(retry).to.not.equal(undefined);
      await expect(el).to.be.accessible();

      retry?.click();
      await el.updateComplete;
      expect(el.phase).to.equal('loading');
      const ready = oneEvent(el, 'pay-ready');
      el.server = SERVER;
      await ready;
      expect(el.phase).to.equal('methods');
    });

    it('retries a GET that failed with a 5xx', async () => {
      const el = await mount(sessionOf('flaky'));
      await oneEvent(el, 'pay-ready');
      expect(el.phase).to.equal('methods');
    });

    it('explains a session paid meanwhile when a method is chosen', async () => {
      const el = await mount(sessionOf('paidrace'));
      await oneEvent(el, 'pay-ready');
      methodButton(el, 'ivy:bank').click();
      await waitUntil(() => el.phase === 'error');
      expect(textOf(el)).to.contain('This checkout has already been paid.');
      expect(el.navigations).to.deep.equal([]);
      await expect(el).to.be.accessible();
    });

    it('says so when it is not configured', async () => {
      const el = await fixture<PayCheckout>(html`<pay-checkout></pay-checkout>`);
      expect(el.phase).to.equal('error');
      expect(textOf(el)).to.contain('This checkout is not set up correctly.');
      await expect(el).to.be.accessible();
    });
  });
});
