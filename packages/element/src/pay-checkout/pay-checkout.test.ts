/**
 * @module
 * Browser tests of `<pay-checkout>` against the fake backend of test/mock-backend.js (real HTTP
 * and Server-Sent Events through the test runner's dev server).
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type {
  PayFailureEvent,
  PayReadyEvent,
  PayStatusDetail,
  PaySuccessEvent,
} from '../events/events.js';
import '../define.js';
import { ar } from '../translations/ar.js';
import { es } from '../translations/es.js';
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

async function connections(
  session: string,
): Promise<{ lastEventId: string | null; status: number }[]> {
  const response = await fetch(`/mock/_test/connections/${session}`);
  return (await response.json()) as { lastEventId: string | null; status: number }[];
}

async function control(action: 'advance' | 'release' | 'drop', session: string): Promise<void> {
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

function methodRadio(el: HTMLElement, id: string): HTMLInputElement {
  const radio = root(el).querySelector<HTMLInputElement>(`input[type="radio"][value="${id}"]`);
  if (!radio) throw new Error(`no radio for ${id}`);
  return radio;
}

/** Waits for `selector` in the element's shadow root and returns it. */
async function find<T extends Element>(el: HTMLElement, selector: string): Promise<T> {
  await waitUntil(() => root(el).querySelector(selector), `${selector} shown`);
  return root(el).querySelector(selector) as T;
}

function payButton(el: HTMLElement): HTMLButtonElement {
  const button = root(el).querySelector<HTMLButtonElement>('button[part="submit"]');
  if (!button) throw new Error('no pay button');
  return button;
}

/** Chooses the method and presses the one Pay button. */
function payWith(el: HTMLElement, id: string): void {
  methodRadio(el, id).click();
  payButton(el).click();
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

function heading(el: HTMLElement): string {
  return (root(el).querySelector('h2')?.textContent ?? '').trim();
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
    await waitUntil(() => textOf(el).includes('Loading payment options'), 'loading announced');
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

    // One radio group, named by its legend's heading; the first method is chosen already.
    const group = root(el).querySelector('fieldset[part="methods"]');
    expect(group?.querySelector('legend h2')?.textContent).to.equal('Choose a payment method');
    const radios = [...root(el).querySelectorAll<HTMLInputElement>('input[type="radio"]')];
    expect(radios.map((r) => r.value)).to.deep.equal(['ivy:bank', 'furatpay:fib', 'koywe:PSE']);
    expect(radios.map((r) => r.checked)).to.deep.equal([true, false, false]);
    expect(new Set(radios.map((r) => r.name)).size).to.equal(1);
    // The server's logo where it sent one, a neutral one where not, never a remote image.
    const logo = root(el).querySelector<HTMLImageElement>('[data-method="ivy:bank"] img');
    expect(logo?.getAttribute('src')).to.match(/^data:image\/svg\+xml,/);
    expect(logo?.alt).to.equal('');
    expect(root(el).querySelector('[data-method="furatpay:fib"] .logo')?.textContent).to.equal('F');
    // The chosen method opens in place with what happens next; one button carries the amount.
    expect(root(el).querySelectorAll('[part="method-details"]')).to.have.length(1);
    expect(root(el).querySelector('[part="method-note"]')?.textContent?.trim()).to.equal(
      'You will be sent to your bank to approve the payment.',
    );
    expect(payButton(el).textContent?.trim()).to.equal('Pay €19.99');
    expect(root(el).querySelectorAll('button')).to.have.length(1);
    expect(liveRegion(el)).to.equal(region, 'the live region stays the same node');
    await expect(el).to.be.accessible();
  });

  it('only selects a method on a click: the payment starts with the Pay button', async () => {
    const session = sessionOf('qr');
    const el = await mount(session);
    await oneEvent(el, 'pay-ready');
    methodRadio(el, 'furatpay:fib').click();
    await el.updateComplete;
    expect(methodRadio(el, 'furatpay:fib').checked).to.equal(true);
    expect(root(el).querySelector('[part="method-note"]')?.textContent?.trim()).to.equal(
      'You will get a code to pay with your banking app.',
    );
    expect(el.phase).to.equal('methods');
    expect(el.navigations).to.deep.equal([]);
    expect(await recordedOrders(session)).to.have.length(0);
    payButton(el).click();
    await waitUntil(() => el.phase === 'qr', 'the QR step');
    expect((await recordedOrders(session)).map((o) => o.body)).to.deep.equal([
      { method: 'furatpay:fib' },
    ]);
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

    it('formats IQD fils with three decimals, whatever the locale data says', async () => {
      const el = await mount(sessionOf('iqd'));
      await oneEvent(el, 'pay-ready');
      expect(amountOf(el)).to.match(/^IQD\s25\.250$/);
    });
  });

  it('posts once with an Idempotency-Key and navigates, even when clicked twice fast', async () => {
    const session = sessionOf('open');
    const el = await mount(session);
    await oneEvent(el, 'pay-ready');

    payWith(el, 'ivy:bank');
    payButton(el).click();
    await waitUntil(() => el.navigations.length > 0, 'navigated');

    const orders = await recordedOrders(session);
    expect(orders).to.have.length(1);
    expect(orders[0]?.key).to.match(UUID);
    expect(orders[0]?.body).to.deep.equal({ method: 'ivy:bank' });
    expect(el.navigations).to.deep.equal([`https://provider.example/checkout?session=${session}`]);
    expect(el.phase).to.equal('redirecting');
    expect(textOf(el)).to.contain('Taking you to your payment provider');
    expect(sessionStorage.getItem(`pay-checkout:${session}:redirected`)).to.equal('1');
    await expect(el).to.be.accessible();
  });

  it('locks the choice while the attempt starts, busy on the pressed button, then redirects', async () => {
    const session = sessionOf('slowpay');
    const el = await mount(session);
    await oneEvent(el, 'pay-ready');
    payWith(el, 'ivy:bank');
    await waitUntil(() => el.phase === 'submitting');
    await el.updateComplete;
    const button = payButton(el);
    expect(button.getAttribute('aria-busy')).to.equal('true');
    expect(button.getAttribute('aria-disabled')).to.equal('true');
    expect(button.querySelector('.spinner')).to.not.equal(null);
    // Neither another method nor a second press changes anything meanwhile.
    methodRadio(el, 'furatpay:fib').click();
    button.click();
    await el.updateComplete;
    expect(methodRadio(el, 'ivy:bank').checked).to.equal(true);
    expect(liveRegion(el).textContent?.trim()).to.equal('Starting your payment…');
    await expect(el).to.be.accessible();
    await control('release', session);
    await waitUntil(() => el.navigations.length === 1, 'navigated');
    expect(el.phase).to.equal('redirecting');
    expect(await recordedOrders(session)).to.have.length(1);
  });

  it('makes the inputs read-only while the attempt starts', async () => {
    const session = sessionOf('slowpay');
    const el = await mount(session);
    await oneEvent(el, 'pay-ready');
    methodRadio(el, 'koywe:PSE').click();
    const bank = await find<HTMLSelectElement>(el, 'select[name="bank"]');
    bank.value = 'b1';
    const number = root(el).querySelector<HTMLInputElement>('input[name="documentNumber"]');
    if (!number) throw new Error('no document number');
    number.value = '1234567';
    payButton(el).click();
    await waitUntil(() => el.phase === 'submitting');
    await el.updateComplete;
    expect(number.readOnly).to.equal(true);
    expect(root(el).querySelector<HTMLInputElement>('input[name="fullName"]')?.readOnly).to.equal(
      true,
    );
    expect(bank.disabled).to.equal(true);
    // The request may reach the backend after this point: release until it went through.
    await waitUntil(async () => {
      await control('release', session);
      return el.navigations.length === 1;
    }, 'navigated');
  });

  it('can be operated with the keyboard alone: one tab stop, arrows choose', async () => {
    const session = sessionOf('open');
    const el = await mount(session);
    await oneEvent(el, 'pay-ready');
    const active = () => root(el).activeElement as HTMLInputElement | null;
    el.focus();
    await sendKeys({ press: 'Tab' });
    expect(active()?.value).to.equal('ivy:bank');
    // Arrows move the choice; nothing starts.
    await sendKeys({ press: 'ArrowDown' });
    expect(active()?.value).to.equal('furatpay:fib');
    expect(methodRadio(el, 'furatpay:fib').checked).to.equal(true);
    await sendKeys({ press: 'ArrowDown' });
    expect(active()?.value).to.equal('koywe:PSE');
    expect(el.phase).to.equal('methods');
    // The group is one stop: Tab leaves it for the chosen method's inputs.
    await waitUntil(() => root(el).querySelector('select[name="bank"]'), 'inputs shown');
    await sendKeys({ press: 'Tab' });
    expect(active()?.name).to.equal('fullName');
    await sendKeys({ press: 'Shift+Tab' });
    expect(active()?.value).to.equal('koywe:PSE');
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Tab' });
    expect(active()?.name).to.equal('documentType');
    await sendKeys({ press: 'Tab' });
    expect(active()?.name).to.equal('bank');
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: '1234567' });
    await sendKeys({ press: 'Tab' });
    expect(active()).to.equal(payButton(el));
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.navigations.length === 1, 'paid with the keyboard');
    expect((await recordedOrders(session))[0]?.body).to.deep.equal({
      method: 'koywe:PSE',
      fields: { fullName: 'Ana Gómez', documentType: 'CC', bank: 'b1', documentNumber: '1234567' },
    });
  });

  it('prompts in selects, chooses a lone option and fills in what the session knows', async () => {
    const el = await mount(sessionOf('open'));
    await oneEvent(el, 'pay-ready');
    methodRadio(el, 'koywe:PSE').click();
    const bank = await find<HTMLSelectElement>(el, 'select[name="bank"]');
    expect(bank.options[0]?.textContent?.trim()).to.equal('Choose…');
    expect(bank.value).to.equal('');
    const type = root(el).querySelector<HTMLSelectElement>('select[name="documentType"]');
    expect([...(type?.options ?? [])].map((o) => o.value)).to.deep.equal(['CC']);
    expect(type?.value).to.equal('CC');
    const name = root(el).querySelector<HTMLInputElement>('input[name="fullName"]');
    expect(name?.value).to.equal('Ana Gómez');
    expect(name?.autocomplete).to.equal('name');
    expect(name?.readOnly).to.equal(false);
    expect(
      root(el).querySelector<HTMLInputElement>('input[name="documentNumber"]')?.autocomplete,
    ).to.equal('off');
    await expect(el).to.be.accessible();
  });

  it('re-sends the same Idempotency-Key for the same attempt after a reload', async () => {
    const session = sessionOf('open');
    const first = await mount(session);
    await oneEvent(first, 'pay-ready');
    payWith(first, 'ivy:bank');
    await waitUntil(() => first.navigations.length > 0);
    first.remove();
    // A reload before the provider's page opened: the tab never left for the provider.
    sessionStorage.removeItem(`pay-checkout:${session}:redirected`);

    const second = await mount(session);
    await oneEvent(second, 'pay-ready');
    payWith(second, 'ivy:bank');
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

    methodRadio(el, 'koywe:PSE').click();
    const select = await find<HTMLSelectElement>(el, 'select[name="bank"]');
    const form = root(el).querySelector<HTMLFormElement>('form[part="pay"]');
    const input = root(el).querySelector<HTMLInputElement>('input[name="documentNumber"]');
    if (!form || !input) throw new Error('form not rendered');
    expect(input.inputMode).to.equal('numeric');
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
      {
        method: 'koywe:PSE',
        fields: { fullName: 'Ana Gómez', documentType: 'CC', bank: 'b1', documentNumber: '123456' },
      },
    ]);
  });

  it('on the return page shows confirming, then paid live, and fires pay-success once', async () => {
    const session = sessionOf('retpaid');
    const el = await mount(session);
    const statuses = recordStatuses(el);
    const successes: PaySuccessEvent[] = [];
    el.addEventListener('pay-success', (event) => successes.push(event));

    await waitUntil(() => el.status === 'pending', 'snapshot received');
    expect(el.phase).to.equal('confirming');
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
    expect(el.phase).to.equal('paid');
    expect(root(el).activeElement?.textContent).to.equal('Payment received', 'focus on the result');
    expect(await el.result).to.deep.equal({
      status: 'paid',
      orderId: 'ord_ret',
      sessionId: session,
    });
    await expect(el).to.be.accessible();
  });

  it('fires the final event once per order, not again after a reload', async () => {
    const session = sessionOf('paid');
    const first = await mount(session);
    await oneEvent(first, 'pay-success');
    first.remove();

    const second = await mount(session);
    let fired = 0;
    second.addEventListener('pay-success', () => (fired += 1));
    // The screen and the promise still tell the outcome.
    expect((await second.result).status).to.equal('paid');
    await second.updateComplete;
    expect(textOf(second)).to.contain('Payment received');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fired).to.equal(0);
  });

  it('replays the latest state to listeners that subscribe late, and resolves ready', async () => {
    const session = sessionOf('retpaid');
    const el = await mount(session);
    const ready = await el.ready;
    expect(ready.session.id).to.equal(session);
    await waitUntil(() => el.status === 'pending');

    const late: string[] = [];
    el.addEventListener('pay-status', (event) => late.push(event.detail.status));
    el.addEventListener('pay-ready', () => late.push('ready'));
    await Promise.resolve();
    expect(late).to.deep.equal(['pending', 'ready']);
    await control('advance', session);
    await waitUntil(() => late.length === 3);
    expect(late[2]).to.equal('processing');
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

    expect(el.phase).to.equal('failed');
    let readies = 0;
    el.addEventListener('pay-ready', () => (readies += 1));
    await Promise.resolve();
    expect(readies).to.equal(1, 'the earlier pay-ready is replayed to a late listener');
    buttonNamed(el, 'Try another method')?.click();
    await waitUntil(() => readies === 2, 'pay-ready again');
    expect(el.phase).to.equal('methods');
    expect(el.status).to.equal(undefined);
    expect(root(el).querySelectorAll('input[type="radio"]')).to.have.length(3);
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

  it('fires pay-ready before pay-success on the return page', async () => {
    const session = sessionOf('paid');
    const el = document.createElement('test-pay-checkout') as TestCheckout;
    const events: string[] = [];
    for (const type of ['pay-ready', 'pay-success']) {
      el.addEventListener(type, () => events.push(type));
    }
    el.setAttribute('session', session);
    el.setAttribute('server', SERVER);
    el.setAttribute('locale', 'en');
    const success = oneEvent(el, 'pay-success');
    document.body.append(el);
    try {
      await success;
      expect(events).to.deep.equal(['pay-ready', 'pay-success']);
    } finally {
      el.remove();
    }
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

  describe('QR codes', () => {
    it('draws a text-only QR code lazily, with the code to copy and app links', async () => {
      const session = sessionOf('qr');
      const el = await mount(session);
      await oneEvent(el, 'pay-ready');
      payWith(el, 'furatpay:fib');
      await waitUntil(() => el.phase === 'qr', 'QR shown');
      await waitUntil(() => root(el).querySelector('svg[part="qr-image"]'), 'QR code drawn');
      const image = root(el).querySelector('svg[part="qr-image"]');
      expect(image?.getAttribute('role')).to.equal('img');
      expect(image?.getAttribute('aria-label')).to.equal('QR code for this payment');
      expect(root(el).querySelector('svg path')?.getAttribute('d')).to.match(/^M\d+ \d+h\d+/);
      expect(root(el).querySelector('[part="qr-code"]')?.textContent).to.equal('123-456');
      expect(root(el).querySelector('[part="countdown"]')?.textContent).to.match(
        /^Expires in [45]:\d\d$/,
      );
      // Unsafe schemes are dropped; the links hide where a mouse points (a desktop here).
      const links = [...root(el).querySelectorAll('a')].map((a) => a.getAttribute('href'));
      expect(links).to.deep.equal(['https://fib.example/pay?c=123']);
      expect(liveRegion(el).textContent?.trim()).to.equal(
        'Scan the code with your banking app to pay',
      );
      await expect(el).to.be.accessible();

      // Let the stream connect (its snapshot is the session without an order) before advancing.
      await waitUntil(async () => (await openStreams(session)) === 1, 'stream open');
      await control('advance', session);
      await waitUntil(() => el.status === 'pending', 'pending');
      expect(el.phase).to.equal('qr', 'waiting for the scan stays on the code');
      await control('advance', session);
      await waitUntil(() => el.status === 'paid', 'paid');
      await el.updateComplete;
      expect(el.navigations).to.deep.equal([]);
      expect(textOf(el)).to.contain('Payment received');
      await expect(el).to.be.accessible();
    });

    it("shows the provider's image and copies the readable code", async () => {
      const session = sessionOf('qrimg');
      const el = await mount(session);
      await oneEvent(el, 'pay-ready');
      payWith(el, 'furatpay:fib');
      await waitUntil(() => root(el).querySelector('img[part="qr-image"]'), 'image shown');
      const image = root(el).querySelector('img[part="qr-image"]');
      expect(image?.getAttribute('alt')).to.equal('QR code for this payment');
      expect(image?.getAttribute('src')).to.match(/^data:image\/png;base64,/);
      const copy = buttonNamed(el, 'Copy');
      let copied: string | undefined;
      Object.defineProperty(navigator, 'clipboard', {
        configurable: true,
        value: { writeText: async (text: string) => void (copied = text) },
      });
      copy?.click();
      await waitUntil(() => buttonNamed(el, 'Copied'), 'copied');
      expect(copied).to.equal('123-456');
      expect(liveRegion(el).textContent?.trim()).to.equal('Copied');
      await expect(el).to.be.accessible();
    });

    it('offers a fresh code once it expires: a new attempt with a new key', async () => {
      const session = sessionOf('qrexp');
      const el = await mount(session);
      await oneEvent(el, 'pay-ready');
      payWith(el, 'furatpay:fib');
      await waitUntil(() => el.phase === 'qr');
      await waitUntil(() => buttonNamed(el, 'Get a new code'), 'expired', { timeout: 5000 });
      const fresh = buttonNamed(el, 'Get a new code');
      expect(textOf(el)).to.contain('This code has expired.');
      expect(root(el).querySelector('[part="qr-image"]')).to.equal(null);
      await expect(el).to.be.accessible();

      fresh?.click();
      await waitUntil(async () => (await recordedOrders(session)).length === 2, 'second order');
      const [first, second] = await recordedOrders(session);
      expect(second?.key).to.match(UUID);
      expect(second?.key).not.to.equal(first?.key);
      await waitUntil(() => root(el).querySelector('svg[part="qr-image"]'), 'new code drawn');
    });

    it('shows the same code again after a reload (same key, same answer)', async () => {
      const session = sessionOf('qr');
      const first = await mount(session);
      await oneEvent(first, 'pay-ready');
      payWith(first, 'furatpay:fib');
      await waitUntil(() => first.phase === 'qr');
      first.remove();

      const second = await mount(session);
      await waitUntil(() => second.phase === 'qr', 'QR shown again');
      const orders = await recordedOrders(session);
      expect(orders).to.have.length(2);
      expect(orders[1]?.key).to.equal(orders[0]?.key);
    });
  });

  it('shows what a mandate set up with the payment allows', async () => {
    const el = await mount(sessionOf('mandate'));
    await oneEvent(el, 'pay-ready');
    expect(root(el).querySelector('[part="mandate"]')?.textContent).to.equal(
      'You also authorise future payments of up to €50.00, every month.',
    );
    await expect(el).to.be.accessible();
  });

  describe('live status', () => {
    it('reconnects by itself after a proxy 502, resuming after the last event', async () => {
      const session = sessionOf('drop');
      const el = await mount(session);
      const statuses = recordStatuses(el);
      await waitUntil(() => el.status === 'pending', 'snapshot');
      await waitUntil(() => el.connection === 'stream');

      // The server goes away; the next connection meets a proxy's 502 page, which ends a native
      // EventSource for good. Meanwhile the payment moves on.
      await control('drop', session);
      await control('advance', session);
      await waitUntil(() => el.status === 'processing', 'caught up after reconnecting', {
        timeout: 8000,
      });
      const seen = await connections(session);
      expect(seen[0]).to.deep.equal({ lastEventId: null, status: 200 });
      expect(seen[1]).to.deep.equal({ lastEventId: '1', status: 502 });
      expect(seen.at(-1)).to.deep.equal({ lastEventId: '1', status: 200 });

      await control('advance', session);
      await waitUntil(() => el.status === 'paid', 'paid over the new stream');
      expect(statuses.map((s) => s.status)).to.deep.equal(['pending', 'processing', 'paid']);
    });
  });

  describe('language', () => {
    it('speaks Spanish for es-CO and formats COP with its two ISO decimals', async () => {
      const el = await mount(sessionOf('es'), { locale: 'es-CO' });
      await oneEvent(el, 'pay-ready');
      expect(heading(el)).to.equal('Elige una forma de pago');
      expect(root(el).querySelector('[part="base"]')?.getAttribute('dir')).to.equal('ltr');
      expect(root(el).querySelector('[part="amount"]')?.textContent?.replace(/\s/g, ' ')).to.equal(
        '$ 1.000,50',
      );
      await expect(el).to.be.accessible();
    });

    it('speaks Arabic right to left', async () => {
      const el = await mount(sessionOf('open'), { locale: 'ar-IQ' });
      await oneEvent(el, 'pay-ready');
      const base = root(el).querySelector('[part="base"]');
      expect(base?.getAttribute('dir')).to.equal('rtl');
      expect(base?.getAttribute('lang')).to.equal('ar');
      expect(heading(el)).to.equal('اختر طريقة الدفع');
      await expect(el).to.be.accessible();
    });

    for (const [locale, text] of [
      ['pt-BR', 'Escolha uma forma de pagamento'],
      ['de-AT', 'Zahlungsart wählen'],
      ['xx-YY', 'Choose a payment method'],
    ] as const) {
      it(`shows "${text}" for ${locale}`, async () => {
        const el = await mount(sessionOf('open'), { locale });
        await oneEvent(el, 'pay-ready');
        expect(heading(el)).to.equal(text);
      });
    }

    it('follows the lang of the page around it, and every string can be replaced', async () => {
      const wrapper = await fixture<HTMLDivElement>(
        html`<div lang="de">
          <test-pay-checkout session=${sessionOf('open')} server=${SERVER}></test-pay-checkout>
        </div>`,
      );
      const el = wrapper.querySelector('test-pay-checkout') as TestCheckout;
      await oneEvent(el, 'pay-ready');
      expect(heading(el)).to.equal('Zahlungsart wählen');
      el.strings = { chooseMethod: 'Wie möchten Sie zahlen?' };
      await el.updateComplete;
      expect(heading(el)).to.equal('Wie möchten Sie zahlen?');
    });
  });

  it('takes the dark theme from the theme file', async () => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = new URL('../themes/dark.css', import.meta.url).href;
    const loaded = new Promise((resolve) => link.addEventListener('load', resolve));
    document.head.append(link);
    await loaded;
    try {
      const wrapper = await fixture<HTMLDivElement>(
        html`<div class="pay-theme-dark">
          <test-pay-checkout session=${sessionOf('open')} server=${SERVER}></test-pay-checkout>
        </div>`,
      );
      const el = wrapper.querySelector('test-pay-checkout') as TestCheckout;
      await oneEvent(el, 'pay-ready');
      const base = root(el).querySelector('[part="base"]') as HTMLElement;
      expect(getComputedStyle(base).backgroundColor).to.equal('rgb(17, 24, 39)');
      expect(getComputedStyle(base).color).to.equal('rgb(243, 244, 246)');
      await expect(el).to.be.accessible();
    } finally {
      link.remove();
    }
  });

  it('works inside another shadow root and takes its theme from there', async () => {
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.innerHTML = `<style>:host { --pay-color-primary: rgb(1, 2, 3); }</style>`;
    const el = document.createElement('test-pay-checkout') as TestCheckout;
    el.setAttribute('session', sessionOf('open'));
    el.setAttribute('server', SERVER);
    const ready = oneEvent(el, 'pay-ready');
    shadow.append(el);
    await ready;
    // The custom property set on the outer component's host reaches inside.
    expect(getComputedStyle(el).getPropertyValue('--pay-color-primary').trim()).to.equal(
      'rgb(1, 2, 3)',
    );
    const heading = root(el).querySelector('h2') as HTMLElement;
    expect(heading.textContent).to.equal('Choose a payment method');
    await expect(el).to.be.accessible();
    payWith(el, 'ivy:bank');
    await waitUntil(() => el.navigations.length === 1, 'pays from inside the shadow root');
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
      payWith(el, 'ivy:bank');
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

describe('waiting, recovering and focus', () => {
  /** The element's focused control, inside its shadow root. */
  const focusedText = (el: HTMLElement) =>
    (root(el).activeElement as HTMLElement | null)?.innerText.trim();

  async function mountStuck(kind: string) {
    const session = sessionOf(kind);
    const el = await fixture<TestCheckout>(
      html`<test-pay-checkout
        session=${session}
        server=${SERVER}
        locale="en"
        poll-interval="50"
        confirm-timeout="200"
      ></test-pay-checkout>`,
    );
    return { session, el };
  }

  async function refreshCount(order: string): Promise<number> {
    const response = await fetch(`/mock/_test/refreshes/${order}`);
    return ((await response.json()) as { count: number }).count;
  }

  it('asks the server after a while without news, and says the payment is not there yet', async () => {
    const before = await refreshCount('ord_stuck');
    const { session, el } = await mountStuck('stuck');
    await waitUntil(() => el.phase === 'confirming', 'confirming');
    await waitUntil(() => buttonNamed(el, 'Pay another way'), 'unconfirmed', { timeout: 5000 });
    expect(await refreshCount('ord_stuck')).to.be.greaterThan(before);
    expect(heading(el)).to.equal('We have not received your payment yet');
    expect(buttonNamed(el, 'I have paid — keep waiting')).to.not.equal(undefined);
    expect(liveRegion(el).textContent?.trim()).to.equal('We have not received your payment yet');
    expect(focusedText(el)).to.equal('We have not received your payment yet');
    await expect(el).to.be.accessible();

    // Keeping on waiting goes back to "Confirming…", and the late success still wins.
    buttonNamed(el, 'I have paid — keep waiting')?.click();
    await el.updateComplete;
    expect(heading(el)).to.equal('Confirming your payment…');
    expect(focusedText(el)).to.equal('Confirming your payment…');
    await control('advance', session);
    await waitUntil(() => el.phase === 'paid', 'paid');
    expect(heading(el)).to.equal('Payment received');
  });

  it('lets the shopper pay another way, and a late success of the first attempt still wins', async () => {
    const { session, el } = await mountStuck('stuck');
    await waitUntil(() => buttonNamed(el, 'Pay another way'), 'unconfirmed', { timeout: 5000 });
    const another = buttonNamed(el, 'Pay another way');
    another?.focus();
    another?.click();
    await waitUntil(() => el.phase === 'methods', 'methods again');
    await el.updateComplete;
    expect(focusedText(el)).to.equal('Choose a payment method');
    await expect(el).to.be.accessible();

    const success = oneEvent(el, 'pay-success');
    await control('advance', session);
    expect((await success).detail).to.deep.equal({ orderId: 'ord_stuck', sessionId: session });
    expect(el.phase).to.equal('paid');
  });

  it('shows the payment the server found when asked', async () => {
    const { el } = await mountStuck('stuckpaid');
    const success = await oneEvent(el, 'pay-success');
    expect(success.detail.orderId).to.equal('ord_stuckpaid');
    expect(el.phase).to.equal('paid');
    expect(buttonNamed(el, 'Pay another way')).to.equal(undefined);
  });

  it('counts a QR code down on the server’s clock, not the device’s', async () => {
    const el = await mount(sessionOf('qrskew'));
    await oneEvent(el, 'pay-ready');
    payWith(el, 'furatpay:fib');
    await waitUntil(() => el.phase === 'qr', 'qr');
    await waitUntil(() => textOf(el).includes('Expires in'), 'countdown');
    expect(textOf(el)).to.match(/Expires in [45]:\d\d/);
    expect(textOf(el)).not.to.contain('This code has expired.');
  });

  it('moves focus to the QR step when a QR method is chosen by keyboard', async () => {
    const el = await mount(sessionOf('qr'));
    await oneEvent(el, 'pay-ready');
    methodRadio(el, 'furatpay:fib').click();
    payButton(el).focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.phase === 'qr', 'qr');
    await el.updateComplete;
    await waitUntil(() => focusedText(el) !== undefined, 'focus inside');
    expect(focusedText(el)).to.equal('Scan the code with your banking app to pay');
  });

  it('announces a QR code that runs out on screen, and keeps focus inside', async () => {
    const el = await mount(sessionOf('qrexp'));
    await oneEvent(el, 'pay-ready');
    methodRadio(el, 'furatpay:fib').click();
    payButton(el).focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.phase === 'qr', 'qr');
    await waitUntil(() => buttonNamed(el, 'Copy'), 'copy button');
    buttonNamed(el, 'Copy')?.focus();
    await waitUntil(() => buttonNamed(el, 'Get a new code'), 'expired', { timeout: 5000 });
    await el.updateComplete;
    expect(liveRegion(el).textContent?.trim()).to.equal('This code has expired.');
    expect(focusedText(el)).to.equal('This code has expired.');
  });

  it('moves focus to the methods after "Try again" once they load', async () => {
    const el = await mount(sessionOf('open'), { server: 'http://127.0.0.1:9' });
    await waitUntil(() => el.phase === 'error', 'error shown', { timeout: 8000 });
    const retry = buttonNamed(el, 'Try again');
    retry?.focus();
    expect(focusedText(el)).to.equal('Try again');
    // The retry button goes away while the methods load: focus waits for them.
    retry?.click();
    const ready = oneEvent(el, 'pay-ready');
    el.server = SERVER;
    await ready;
    await el.updateComplete;
    expect(focusedText(el)).to.equal('Choose a payment method');
  });

  it('moves focus to the methods after "Try another method" on a failed payment', async () => {
    const session = sessionOf('retfail');
    const el = await mount(session);
    await waitUntil(() => el.status === 'pending', 'snapshot received');
    await control('advance', session);
    await waitUntil(() => buttonNamed(el, 'Try another method'), 'failed');
    await el.updateComplete;
    expect(focusedText(el)).to.equal('Payment failed');
    const again = buttonNamed(el, 'Try another method');
    again?.focus();
    again?.click();
    await waitUntil(() => el.phase === 'methods', 'methods again');
    await el.updateComplete;
    expect(focusedText(el)).to.equal('Choose a payment method');
  });

  it('keeps focus on the Pay button when an attempt fails to start', async () => {
    const el = await mount(sessionOf('ivyblip'));
    await oneEvent(el, 'pay-ready');
    payButton(el).focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => root(el).querySelector('[part="error"]'), 'start failed');
    await el.updateComplete;
    expect(root(el).activeElement).to.equal(payButton(el));
    expect(payButton(el).disabled).to.equal(false);
  });

  it('moves focus to the message when the session turns out paid as the payment starts', async () => {
    const el = await mount(sessionOf('paidrace'));
    await oneEvent(el, 'pay-ready');
    payButton(el).focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.phase === 'error', 'error shown');
    await el.updateComplete;
    expect(focusedText(el)).to.equal(
      'This checkout has already been paid. There is nothing more to do.',
    );
    await expect(el).to.be.accessible();
  });
});

describe('amounts and text as the shopper’s region writes them', () => {
  const amountOf = (el: HTMLElement) =>
    (root(el).querySelector('[part="amount"]')?.textContent ?? '').replace(/\u00a0/g, ' ').trim();

  it('writes pesos the Colombian way, dropping zero decimals only', async () => {
    const whole = await mount(sessionOf('cop'), { locale: 'es' });
    await oneEvent(whole, 'pay-ready');
    expect(amountOf(whole)).to.equal('$ 99.000');
    const cents = await mount(sessionOf('copcents'), { locale: 'es' });
    await oneEvent(cents, 'pay-ready');
    expect(amountOf(cents)).to.equal('$ 99.000,50');
  });

  it('writes pesos the Mexican way in Mexico', async () => {
    const el = await mount(sessionOf('mxn'), { locale: 'es' });
    await oneEvent(el, 'pay-ready');
    expect(amountOf(el)).to.equal('$450.00');
  });

  it('keeps the merchant’s description in its own direction on an Arabic page', async () => {
    const el = await mount(sessionOf('arabic'), { locale: 'ar' });
    await oneEvent(el, 'pay-ready');
    const description = root(el).querySelector<HTMLElement>('[part="description"]');
    expect(description?.getAttribute('dir')).to.equal('auto');
    expect(getComputedStyle(description as HTMLElement).direction).to.equal('ltr');
    expect(root(el).querySelector('.base')?.getAttribute('dir')).to.equal('rtl');
  });
});

describe('mistakes of the page’s setup', () => {
  let warnings: string[] = [];
  const original = console.warn;
  beforeEach(() => {
    warnings = [];
    console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
  });
  afterEach(() => {
    console.warn = original;
  });

  it('names a server attribute that is not a URL in the console, neutrally to the shopper', async () => {
    const el = await fixture<PayCheckout>(
      html`<pay-checkout session="open-x" server="ftp://pay.example"></pay-checkout>`,
    );
    expect(el.phase).to.equal('error');
    expect(textOf(el)).to.contain('This checkout is not set up correctly.');
    expect(buttonNamed(el, 'Try again')).to.equal(undefined);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/^pay-checkout: the server attribute \("ftp:\/\/pay.example"\)/);
  });

  it('names a session the server does not know', async () => {
    const session = sessionOf('missing');
    const el = await mount(session);
    await waitUntil(() => el.phase === 'error', 'error shown');
    expect(textOf(el)).to.contain('This checkout could not be found.');
    expect(warnings.join('\n')).to.contain(`has no session "${session}"`);
    expect(warnings.join('\n')).to.contain('POST /v1/sessions');
  });

  it('says a server that refuses this page’s origin is a setting, not a network problem', async () => {
    // The same mock backend on another origin: it answers, but sends no CORS headers.
    const other = location.origin.includes('localhost')
      ? location.origin.replace('localhost', '127.0.0.1')
      : location.origin.replace('127.0.0.1', 'localhost');
    const el = await mount(sessionOf('open'), { server: `${other}/mock` });
    await waitUntil(() => el.phase === 'error', 'error shown', { timeout: 8000 });
    expect(textOf(el)).to.contain('This checkout is not set up correctly.');
    expect(textOf(el)).not.to.contain('connection');
    expect(buttonNamed(el, 'Try again')).to.equal(undefined);
    expect(warnings.join('\n')).to.contain(`refuses this page's origin, ${location.origin}`);
    expect(warnings.join('\n')).to.contain('PAY_CHECKOUT_ALLOWED_ORIGINS');
    await expect(el).to.be.accessible();
  });
});

describe('the shopper’s language, the outcome and the layout', () => {
  it('translates the server’s method names and labels by key, never mixing languages', async () => {
    const el = await mount(sessionOf('open'), { locale: 'es' });
    await oneEvent(el, 'pay-ready');
    const labels = es.labels ?? {};
    expect(
      root(el).querySelector('[data-method="ivy:bank"] [part="method-name"]')?.textContent,
    ).to.equal(labels['ivy:bank']);
    const amount = root(el).querySelector('[part="amount"]')?.textContent?.trim() ?? '';
    expect(payButton(el).textContent?.trim()).to.equal(es.pay(amount));
    methodRadio(el, 'koywe:PSE').click();
    const bank = await find<HTMLSelectElement>(el, 'select[name="bank"]');
    expect(root(el).querySelector(`label[for="${bank.id}"]`)?.textContent).to.equal(
      labels['field:bank'],
    );
    expect(bank.options[0]?.textContent?.trim()).to.equal(es.choose);
    root(el).querySelector<HTMLFormElement>('form[part="pay"]')?.requestSubmit();
    await el.updateComplete;
    const message = root(el).querySelector(`#${bank.id}-error`)?.textContent ?? '';
    expect(message).to.equal(es.fieldRequired(labels['field:bank'] ?? ''));
    expect(textOf(el)).not.to.match(/\b(Bank|Document|required|Full name)\b/);
  });

  it('speaks the page’s language from the first announcement on', async () => {
    const session = sessionOf('slow');
    const heard: string[] = [];
    const observer = new MutationObserver((records) => {
      for (const record of records) {
        const region = (record.target as Node).parentElement?.closest('[role="status"]');
        const text = region?.textContent?.trim();
        if (text && heard.at(-1) !== text) heard.push(text);
      }
    });
    const el = document.createElement('test-pay-checkout') as TestCheckout;
    el.setAttribute('session', session);
    el.setAttribute('server', SERVER);
    el.setAttribute('lang', 'ar');
    document.body.append(el);
    await el.updateComplete;
    observer.observe(root(el), { subtree: true, characterData: true, childList: true });
    await waitUntil(() => heard.length > 0, 'an announcement');
    await control('release', session);
    await oneEvent(el, 'pay-ready');
    observer.disconnect();
    el.remove();
    expect(heard[0]).to.equal(ar.loading);
    expect(heard.join(' ')).not.to.match(/[A-Za-z]{3}/);
  });

  it('shows the outcome with an icon, the method and the merchant’s reference', async () => {
    const session = sessionOf('retpaid');
    const el = await mount(session);
    await waitUntil(() => el.status === 'pending', 'snapshot received');
    await control('advance', session);
    await control('advance', session);
    await waitUntil(() => el.phase === 'paid', 'paid');
    await el.updateComplete;
    expect(root(el).querySelector('svg[part="status-icon"]')).to.not.equal(null);
    const facts = [...root(el).querySelectorAll('[part="details"] dt, [part="details"] dd')].map(
      (node) => node.textContent?.trim(),
    );
    expect(facts).to.deep.equal(['Method', 'Bank transfer (Ivy)', 'Reference', `order-${session}`]);
    await expect(el).to.be.accessible();
  });

  it('marks the chosen method’s row, and only that one', async () => {
    const el = await mount(sessionOf('open'));
    await oneEvent(el, 'pay-ready');
    const row = (id: string) => {
      const style = getComputedStyle(root(el).querySelector(`[data-method="${id}"]`) as Element);
      return { border: style.borderTopColor, shadow: style.boxShadow };
    };
    const primary = 'rgb(29, 78, 216)';
    expect(row('ivy:bank')).to.deep.include({ border: primary });
    expect(row('ivy:bank').shadow).to.contain(primary);
    expect(row('furatpay:fib').border).not.to.equal(primary);
    expect(row('furatpay:fib').shadow).to.equal('none');
    methodRadio(el, 'furatpay:fib').click();
    await el.updateComplete;
    expect(row('furatpay:fib')).to.deep.include({ border: primary });
    expect(row('ivy:bank').shadow).to.equal('none');
  });

  it('reserves the amount’s line while loading, so nothing jumps when it arrives', async () => {
    const session = sessionOf('slow');
    const el = await mount(session);
    const ghost = root(el).querySelector('[part="skeleton"] .amount')?.getBoundingClientRect();
    const ready = oneEvent(el, 'pay-ready');
    await control('release', session);
    await ready;
    const amount = root(el).querySelector('[part="amount"]')?.getBoundingClientRect();
    if (!ghost || !amount) throw new Error('no amount line');
    expect(Math.abs(amount.top - ghost.top)).to.be.below(1);
    expect(Math.abs(amount.height - ghost.height)).to.be.below(1);
  });
});
