/**
 * @module
 * `<console-orders>` against the mock console API: newest first, counts, filters, search,
 * cursor paging, live updates from the event stream.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { ConsoleApi } from '../api/client.js';
import { OrderStream } from '../api/stream.js';
import { ANNOUNCE, type AnnounceEvent } from '../announce.js';
import {
  answerWith,
  emitOrder,
  emitRaw,
  loggedRequests,
  openStreams,
  resetBackend,
  signInDirectly,
} from '../../test/helpers.js';
import { matchesFilters, type ConsoleOrders } from './console-orders.js';
import type { ConsoleOrderRow } from '@pay-checkout/protocol/console';
import './console-orders.js';

const streams: OrderStream[] = [];

async function render(withStream = false): Promise<ConsoleOrders> {
  const api = new ConsoleApi();
  const stream = withStream ? new OrderStream(api.streamUrl) : null;
  if (stream) streams.push(stream);
  const el = await fixture<ConsoleOrders>(
    html`<console-orders .api=${api} .stream=${stream}></console-orders>`,
  );
  await waitUntil(() => rows(el).length > 0, 'no rows');
  return el;
}

function rows(el: ConsoleOrders): HTMLTableRowElement[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLTableRowElement>('tbody tr')];
}

function ids(el: ConsoleOrders): string[] {
  return rows(el).map((row) => row.dataset.order!);
}

function field<T extends Element>(el: ConsoleOrders, name: string): T {
  return el.shadowRoot!.querySelector<T>(`[name="${name}"]`)!;
}

async function submit(el: ConsoleOrders): Promise<void> {
  const before = (await loggedRequests()).length;
  el.shadowRoot!.querySelector<HTMLFormElement>('form[role=search]')!.requestSubmit();
  await waitUntil(async () => (await loggedRequests()).length > before);
  await waitUntil(
    () => el.shadowRoot!.querySelector('table')?.getAttribute('aria-busy') !== 'true',
  );
  await el.updateComplete;
}

describe('<console-orders>', () => {
  beforeEach(async () => {
    await resetBackend();
    await signInDirectly();
  });
  afterEach(() => streams.splice(0).forEach((stream) => stream.close()));

  it('lists orders newest first with the counts per status, and is accessible', async () => {
    const el = await render();
    expect(ids(el)).to.deep.equal(['ord_new6', 'ord_drop1', 'ord_fail4', 'ord_paid1']);
    const counts = [...el.shadowRoot!.querySelectorAll('.counts button')].map((b) =>
      b.textContent!.replace(/\s+/g, ' ').trim(),
    );
    expect(counts).to.deep.equal([
      'All: 6',
      'created: 1',
      'pending: 1',
      'authorized: 1',
      'paid: 2',
      'failed: 1',
    ]);
    // Status in words, not colour only; the reference links to the story.
    const paid = rows(el)[3]!;
    expect(paid.querySelector('.status')!.textContent).to.equal('paid');
    expect(paid.querySelector('a')!.getAttribute('href')).to.equal('/console/orders/ord_paid1');
    expect(paid.textContent).to.contain('24.00 EUR');
    expect(el.shadowRoot!.querySelectorAll('th[scope=col]').length).to.equal(8);
    await expect(el).to.be.accessible();
  });

  it('filters by status, provider, method, anomaly and dates', async () => {
    const el = await render();
    await waitUntil(() => el.shadowRoot!.querySelectorAll('[name=provider] option').length > 1);
    field<HTMLSelectElement>(el, 'status').value = 'paid';
    await submit(el);
    expect(ids(el)).to.deep.equal(['ord_paid1', 'ord_late2']);

    field<HTMLSelectElement>(el, 'provider').value = 'furatpay';
    await submit(el);
    expect(ids(el)).to.deep.equal(['ord_late2']);

    el.shadowRoot!.querySelector<HTMLButtonElement>('.form-actions button[type=button]')!.click();
    await waitUntil(() => ids(el).length === 4);
    field<HTMLSelectElement>(el, 'anomaly').value = 'stuck';
    await submit(el);
    expect(ids(el)).to.deep.equal(['ord_drop1']);

    field<HTMLSelectElement>(el, 'anomaly').value = '';
    field<HTMLInputElement>(el, 'method').value = 'koywe:PSE';
    field<HTMLInputElement>(el, 'from').value = '2026-12-06';
    field<HTMLInputElement>(el, 'to').value = '2026-12-06';
    await submit(el);
    expect(ids(el)).to.deep.equal(['ord_fail4']);
    const query = new URLSearchParams((await loggedRequests()).at(-1)!.query);
    expect(query.get('method')).to.equal('koywe:PSE');
    expect(new Date(query.get('from')!).getTime()).to.equal(
      new Date('2026-12-06T00:00:00').getTime(),
    );
    expect(new Date(query.get('to')!).getTime()).to.equal(
      new Date('2026-12-06T23:59:59.999').getTime(),
    );
  });

  it('filters by status from the counts at the top', async () => {
    const el = await render();
    const failed = [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('.counts button')].find(
      (b) => b.dataset.status === 'failed',
    )!;
    failed.click();
    await waitUntil(() => ids(el).join() === 'ord_fail4');
    await el.updateComplete;
    expect(failed.getAttribute('aria-pressed')).to.equal('true');
  });

  it('searches by reference, order id, session id and provider id', async () => {
    const el = await render();
    for (const [q, expected] of [
      ['shop-1003', ['ord_paid1']],
      ['ord_late', ['ord_late2']],
      ['cs_rev3', ['ord_rev3']],
      ['prv_fail4', ['ord_fail4']],
    ] as const) {
      field<HTMLInputElement>(el, 'q').value = q;
      await submit(el);
      expect(ids(el), q).to.deep.equal(expected);
    }
    field<HTMLInputElement>(el, 'q').value = 'nothing-like-this';
    await submit(el);
    expect(el.shadowRoot!.textContent).to.contain('No order matches these filters.');
  });

  it('pages with the cursor', async () => {
    const el = await render();
    const more = el.shadowRoot!.querySelector<HTMLButtonElement>('button.more')!;
    expect(more.textContent).to.contain('Show older orders');
    const announced = oneEvent(el, ANNOUNCE) as Promise<AnnounceEvent>;
    more.click();
    await waitUntil(() => ids(el).length === 6);
    expect(ids(el).slice(4)).to.deep.equal(['ord_late2', 'ord_rev3']);
    expect(el.shadowRoot!.querySelector('button.more')).to.equal(null);
    expect((await announced).detail).to.equal('2 older orders added.');
    expect((await loggedRequests()).at(-1)!.query).to.contain('cursor=4');
  });

  it('updates a row live from the stream and announces it', async () => {
    const el = await render(true);
    await waitUntil(async () => (await openStreams()) === 1, 'stream not open');
    const announced = oneEvent(el, ANNOUNCE) as Promise<AnnounceEvent>;
    await emitOrder({ id: 'ord_drop1', status: 'paid' });
    expect((await announced).detail).to.equal('Order shop-1005 is now paid.');
    await el.updateComplete;
    const row = rows(el).find((r) => r.dataset.order === 'ord_drop1')!;
    expect(row.querySelector('.status')!.textContent).to.equal('paid');
    expect(row.textContent).to.contain('(updated)');
    const paidCount = el.shadowRoot!.querySelector('.counts button[data-status=paid]')!;
    expect(paidCount.textContent).to.contain('paid: 3');
  });

  it('adds a new order on top live, and leaves out one the filters exclude', async () => {
    const el = await render(true);
    await waitUntil(async () => (await openStreams()) === 1);
    const order = {
      id: 'ord_live7',
      sessionId: 'cs_live7',
      reference: 'shop-1007',
      provider: 'ivy',
      method: 'ivy:bank',
      status: 'pending',
      amount: { value: 100, currency: 'EUR' },
      createdAt: '2026-12-06T10:07:00.000Z',
      updatedAt: '2026-12-06T10:07:00.000Z',
      anomalies: [],
      providerOrderId: 'prv_live7',
    };
    const announced = oneEvent(el, ANNOUNCE) as Promise<AnnounceEvent>;
    await emitOrder({ id: order.id, order });
    expect((await announced).detail).to.equal('New order shop-1007: pending.');
    expect(ids(el)[0]).to.equal('ord_live7');

    field<HTMLSelectElement>(el, 'status').value = 'failed';
    await submit(el);
    await emitOrder({ id: 'ord_new6', status: 'pending' });
    await emitOrder({ id: 'ord_fail4', status: 'failed' });
    await waitUntil(() => rows(el)[0]?.textContent?.includes('(updated)'));
    expect(ids(el)).to.deep.equal(['ord_fail4']);
  });

  it('keeps a row found by the provider’s order id when it changes live', async () => {
    const el = await render(true);
    await waitUntil(async () => (await openStreams()) === 1);
    field<HTMLInputElement>(el, 'q').value = 'prv_drop1';
    await submit(el);
    expect(ids(el)).to.deep.equal(['ord_drop1']);
    const announced = oneEvent(el, ANNOUNCE) as Promise<AnnounceEvent>;
    await emitOrder({ id: 'ord_drop1', status: 'paid' });
    expect((await announced).detail).to.equal('Order shop-1005 is now paid.');
    await el.updateComplete;
    expect(ids(el)).to.deep.equal(['ord_drop1']);
    expect(rows(el)[0]!.querySelector('.status')!.textContent).to.equal('paid');
  });

  it('shows the bad_response naming the field when a row lacks its status', async () => {
    const page = (await (await fetch('/console/api/orders')).json()) as {
      items: Record<string, unknown>[];
    };
    const { status: _status, ...withoutStatus } = page.items[2]!;
    await answerWith('orders', {
      items: [page.items[0], page.items[1], withoutStatus],
      nextCursor: null,
      counts: {},
    });
    const el = await fixture<ConsoleOrders>(
      html`<console-orders .api=${new ConsoleApi()}></console-orders>`,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('[role=alert]'), 'no alert');
    expect(el.shadowRoot!.querySelector('[role=alert] p')!.textContent).to.equal(
      'The console API answered the orders list without "items[2].status".',
    );
    expect(rows(el)).to.deep.equal([]);
    await expect(el).to.be.accessible();
  });

  it('shows a live change off the contract as an error naming the field, and keeps the row', async () => {
    const el = await render(true);
    await waitUntil(async () => (await openStreams()) === 1);
    const drop = rows(el).find((r) => r.dataset.order === 'ord_drop1')!;
    const before = drop.textContent;
    const page = (await (await fetch('/console/api/orders')).json()) as {
      items: { id: string }[];
    };
    const live = page.items.find((item) => item.id === 'ord_drop1')!;
    await emitRaw({ ...live, status: 'paid', amount: { value: 48.5, currency: 'EUR' } });
    await waitUntil(() => el.shadowRoot!.querySelector('[data-live-error]'), 'no live error');
    expect(
      el.shadowRoot!.querySelector('[data-live-error]')!.textContent!.replace(/\s+/g, ' ').trim(),
    ).to.equal(
      'A change could not be shown. The console API answered a live order change with a wrong ' +
        '"amount.value": must be an integer number of minor units (1999 for 19.99 EUR).',
    );
    expect(rows(el).find((r) => r.dataset.order === 'ord_drop1')!.textContent).to.equal(before);

    // The next change that can be read is shown, and clears the error.
    const announced = oneEvent(el, ANNOUNCE) as Promise<AnnounceEvent>;
    await emitOrder({ id: 'ord_drop1', status: 'paid' });
    expect((await announced).detail).to.equal('Order shop-1005 is now paid.');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[data-live-error]')).to.equal(null);
  });

  it('offers to try again when the list cannot be loaded', async () => {
    await resetBackend();
    const el = await fixture<ConsoleOrders>(
      html`<console-orders .api=${new ConsoleApi()}></console-orders>`,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('[role=alert]'));
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('Sign in again');
  });
});

describe('matchesFilters', () => {
  it('matches a live row as the server searches: ids exactly, the reference by prefix', () => {
    const row: ConsoleOrderRow = {
      id: 'ord_new6',
      sessionId: 'cs_new6',
      reference: 'shop-1006',
      provider: 'ivy',
      method: 'ivy:bank',
      status: 'created',
      amount: { value: 1500, currency: 'EUR' },
      createdAt: '2026-12-06T10:06:00.000Z',
      updatedAt: '2026-12-06T10:06:00.000Z',
      anomalies: [],
    };
    expect(matchesFilters(row, { q: row.id })).to.equal(true);
    expect(matchesFilters(row, { q: row.sessionId })).to.equal(true);
    expect(matchesFilters(row, { q: row.reference.slice(0, 5) })).to.equal(true);
    expect(matchesFilters(row, { q: row.id.slice(0, 5) })).to.equal(false);
    expect(matchesFilters(row, { q: row.sessionId.slice(0, 4) })).to.equal(false);
    // A row already shown was matched by the server, possibly by the provider's order id.
    expect(matchesFilters(row, { q: 'prv_elsewhere' }, true)).to.equal(true);
  });
});
