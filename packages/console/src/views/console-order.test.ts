/**
 * @module
 * `<console-order>` against the mock console API: the story in time order with each kind drawn
 * its own way, and the three operator actions.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { ConsoleApi } from '../api/client.js';
import { OrderStream } from '../api/stream.js';
import { ANNOUNCE, type AnnounceEvent } from '../announce.js';
import {
  answerWith,
  emitOrder,
  loggedRequests,
  openStreams,
  resetBackend,
  signInDirectly,
} from '../../test/helpers.js';
import { ConsoleOrder } from './console-order.js';

/** The view with the clipboard captured (or refused) instead of the system's. */
class TestOrder extends ConsoleOrder {
  copied: string[] = [];
  refuseClipboard = false;

  protected override async writeClipboard(text: string): Promise<void> {
    if (this.refuseClipboard) throw new Error('denied');
    this.copied.push(text);
  }
}
customElements.define('test-console-order', TestOrder);

const streams: OrderStream[] = [];

async function render(id: string, withStream = false): Promise<TestOrder> {
  const api = new ConsoleApi();
  const stream = withStream ? new OrderStream(api.streamUrl) : null;
  if (stream) streams.push(stream);
  const el = await fixture<TestOrder>(
    html`<test-console-order .api=${api} .stream=${stream} .orderId=${id}></test-console-order>`,
  );
  await waitUntil(() => el.shadowRoot!.querySelector('ol.story'), 'no story');
  return el;
}

function entries(el: ConsoleOrder): HTMLLIElement[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLLIElement>('ol.story > li')];
}

function button(el: ConsoleOrder, name: RegExp): HTMLButtonElement {
  const found = [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('button')].find((b) =>
    name.test(b.textContent ?? ''),
  );
  if (!found) throw new Error(`no button ${name}`);
  return found;
}

describe('<console-order>', () => {
  beforeEach(async () => {
    await resetBackend();
    await signInDirectly();
  });
  afterEach(() => streams.splice(0).forEach((stream) => stream.close()));

  it('tells the story in time order, each kind in its own way, and is accessible', async () => {
    const el = await render('ord_paid1');
    const root = el.shadowRoot!;
    expect(root.querySelector('h1')!.textContent).to.equal('Order shop-1003');
    expect(entries(el).map((li) => li.dataset.kind)).to.deep.equal([
      'created',
      'provider_call',
      'provider_call',
      'webhook',
      'webhook',
      'transition',
      'stream_event',
      'webhook',
      'poll',
      'notification',
      'operator_action',
    ]);
    const times = entries(el).map((li) => li.querySelector('time')!.getAttribute('datetime')!);
    expect([...times].sort()).to.deep.equal(times);

    const [, call, failedCall, refused, verified, transition, event, duplicate, poll] = entries(el);
    expect(call!.textContent).to.contain('createOrder').and.contain('OK').and.contain('182 ms');
    expect(call!.textContent).to.contain('201');
    expect(failedCall!.textContent).to.contain('error').and.contain('1.3 s').and.contain('503');
    expect(refused!.textContent).to.contain('refused').and.contain('invalid_signature');
    expect(verified!.textContent).to.contain('verified').and.contain('New').and.contain('evt_1');
    const body = verified!.querySelector('details')!;
    expect(body.querySelector('summary')!.textContent).to.contain('masked');
    expect(body.open).to.equal(false);
    expect(body.querySelector('pre')!.textContent).to.contain('j***@example.com');
    expect(transition!.textContent)
      .to.match(/pending\s*→\s*paid/)
      .and.contain('webhook');
    expect(event!.textContent).to.contain('3');
    expect(duplicate!.textContent).to.contain('Duplicate');
    expect(poll!.textContent).to.contain('reconciler').and.contain('unchanged');

    const notification = entries(el)[9]!;
    expect(notification.querySelectorAll('tbody tr').length).to.equal(2);
    expect(notification.textContent).to.contain('HTTP 500').and.contain('ECONNREFUSED');
    expect(notification.querySelector('caption')!.textContent).to.contain('ntf_dead1');
    expect(entries(el)[10]!.textContent).to.contain('copy summary').and.contain('operator');
    await expect(el).to.be.accessible();
  });

  it('asks the provider now and shows the order become paid, recorded in the story', async () => {
    const el = await render('ord_drop1');
    expect(el.shadowRoot!.querySelector('dd .status')!.textContent).to.equal('pending');
    const announced = oneEvent(el, ANNOUNCE) as Promise<AnnounceEvent>;
    button(el, /Ask the provider now/).click();
    expect((await announced).detail).to.equal('The provider was asked: the order is paid.');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('dd .status')!.textContent).to.equal('paid');
    expect(entries(el).map((li) => li.dataset.kind)).to.deep.equal([
      'created',
      'poll',
      'transition',
      'operator_action',
    ]);
    expect(entries(el)[3]!.textContent).to.contain('recheck').and.contain('operator');
    const recheck = (await loggedRequests()).find((r) => r.path === 'orders/ord_drop1/recheck')!;
    expect(recheck).to.include({ method: 'POST', csrf: '1' });
    await expect(el).to.be.accessible();
  });

  it('copies the support summary to the clipboard', async () => {
    const el = await render('ord_paid1');
    button(el, /Copy support summary/).click();
    await waitUntil(() => el.copied.length === 1);
    expect(el.copied[0]).to.contain('Order ord_paid1 (shop-1003)');
    await waitUntil(() => el.shadowRoot!.querySelector('[data-message]'));
    expect(el.shadowRoot!.querySelector('[data-message]')!.textContent).to.contain('clipboard');
  });

  it('shows the summary to copy by hand when the clipboard is refused', async () => {
    const el = await render('ord_paid1');
    el.refuseClipboard = true;
    button(el, /Copy support summary/).click();
    await waitUntil(() => el.shadowRoot!.querySelector('textarea'));
    expect(el.shadowRoot!.querySelector('textarea')!.value).to.contain('Status: paid');
    await expect(el).to.be.accessible();
  });

  it('re-queues a dead notification', async () => {
    const el = await render('ord_paid1');
    const requeue = button(el, /Re-queue notification/);
    expect(requeue.textContent).to.contain('ntf_dead1');
    requeue.click();
    await waitUntil(() => el.shadowRoot!.querySelector('[data-message]'));
    expect(el.shadowRoot!.querySelector('[data-message]')!.textContent).to.contain(
      'Notification ntf_dead1 is queued again.',
    );
    expect(() => button(el, /Re-queue notification/)).to.throw();
    expect(entries(el).at(-1)!.textContent).to.contain('requeue notification');
    const call = (await loggedRequests()).find(
      (r) => r.path === 'notifications/ntf_dead1/requeue',
    )!;
    expect(call.csrf).to.equal('1');
  });

  it('shows a new webhook live, marked new and announced', async () => {
    const el = await render('ord_new6', true);
    await waitUntil(async () => (await openStreams()) === 1);
    expect(entries(el).length).to.equal(1);
    const announced = oneEvent(el, ANNOUNCE) as Promise<AnnounceEvent>;
    await emitOrder({
      id: 'ord_new6',
      entry: {
        kind: 'webhook',
        title: 'A webhook from Ivy was verified.',
        detail: { verdict: 'verified', duplicate: false, body: { status: 'pending' } },
      },
    });
    expect((await announced).detail).to.equal('1 new entry in the story of this order.');
    await el.updateComplete;
    const last = entries(el).at(-1)!;
    expect(last.dataset.kind).to.equal('webhook');
    expect(last.textContent).to.contain('(new)');
  });

  it('shows the bad_response naming the field when a story entry is of an unknown kind', async () => {
    const detail = (await (await fetch('/console/api/orders/ord_paid1')).json()) as {
      story: unknown[];
    };
    detail.story[3] = { at: '2026-12-06T10:03:20.000Z', kind: 'rumour', title: '?', detail: {} };
    await answerWith('orders/ord_paid1', detail);
    const el = await fixture<TestOrder>(
      html`<test-console-order
        .api=${new ConsoleApi()}
        .orderId=${'ord_paid1'}
      ></test-console-order>`,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('[role=alert]'), 'no alert');
    expect(el.shadowRoot!.querySelector('[role=alert] p')!.textContent).to.match(
      /^The console API answered the order with a wrong "story\[3\]\.kind": /,
    );
    expect(el.shadowRoot!.querySelector('ol.story')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('says a notification was not sent when no notification URL is configured', async () => {
    const detail = (await (await fetch('/console/api/orders/ord_paid1')).json()) as {
      story: { kind: string; detail: Record<string, unknown> }[];
    };
    const index = detail.story.findIndex((entry) => entry.kind === 'notification');
    detail.story[index]!.detail = {
      ...detail.story[index]!.detail,
      status: 'delivered',
      attempts: [],
      urlConfigured: false,
    };
    await answerWith('orders/ord_paid1', detail);
    const el = await render('ord_paid1');
    const entry = entries(el)[index]!;
    expect(entry.textContent).to.contain('Not sent: no notification URL is configured');
    expect(entry.textContent).to.contain('MERCHANT_WEBHOOK_URL');
    expect(entry.textContent).not.to.contain('Not attempted yet.');
    await expect(el).to.be.accessible();
  });

  it('says so when there is no such order', async () => {
    const el = await fixture<TestOrder>(
      html`<test-console-order
        .api=${new ConsoleApi()}
        .orderId=${'ord_nope'}
      ></test-console-order>`,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('[role=alert]'));
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain(
      'There is no order ord_nope.',
    );
    await expect(el).to.be.accessible();
  });
});
