/**
 * @module
 * `<console-notifications>`: pending, delivered and dead notifications, and re-queueing the
 * dead ones.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { ConsoleApi } from '../api/client.js';
import { ANNOUNCE, type AnnounceEvent } from '../announce.js';
import { loggedRequests, resetBackend, signInDirectly } from '../../test/helpers.js';
import type { ConsoleNotifications } from './console-notifications.js';
import './console-notifications.js';

async function render(): Promise<ConsoleNotifications> {
  const el = await fixture<ConsoleNotifications>(
    html`<console-notifications .api=${new ConsoleApi()}></console-notifications>`,
  );
  await waitUntil(() => el.shadowRoot!.querySelector('tbody tr'));
  return el;
}

function ids(el: ConsoleNotifications): string[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLTableRowElement>('tbody tr')].map(
    (row) => row.dataset.notification!,
  );
}

describe('<console-notifications>', () => {
  beforeEach(async () => {
    await resetBackend();
    await signInDirectly();
  });

  it('lists every notification with its status in words, and is accessible', async () => {
    const el = await render();
    expect(ids(el)).to.deep.equal(['ntf_pend1', 'ntf_dead1', 'ntf_ok1']);
    const statuses = [...el.shadowRoot!.querySelectorAll('tbody .status')].map(
      (s) => s.textContent,
    );
    expect(statuses).to.deep.equal(['pending', 'dead', 'delivered']);
    const link = el.shadowRoot!.querySelector('tr[data-notification=ntf_dead1] a')!;
    expect(link.getAttribute('href')).to.equal('/console/orders/ord_paid1');
    // Only the dead one can be re-queued.
    expect(el.shadowRoot!.querySelectorAll('tbody button').length).to.equal(1);
    await expect(el).to.be.accessible();
  });

  it('filters by status', async () => {
    const el = await render();
    el.shadowRoot!.querySelector<HTMLSelectElement>('select[name=status]')!.value = 'dead';
    el.shadowRoot!.querySelector('form')!.requestSubmit();
    await waitUntil(() => ids(el).join() === 'ntf_dead1');
    expect((await loggedRequests()).at(-1)!.query).to.equal('status=dead');
    expect(el.shadowRoot!.querySelector('caption')!.textContent).to.contain('dead notifications');
  });

  it('re-queues a dead notification with the CSRF header, and announces it', async () => {
    const el = await render();
    const requeue = el.shadowRoot!.querySelector<HTMLButtonElement>('tbody button')!;
    expect(requeue.textContent!.replace(/\s+/g, ' ').trim()).to.equal('Re-queue ntf_dead1');
    const announced = oneEvent(el, ANNOUNCE) as Promise<AnnounceEvent>;
    requeue.click();
    expect((await announced).detail).to.equal('Notification ntf_dead1 is queued again.');
    await el.updateComplete;
    const row = el.shadowRoot!.querySelector('tr[data-notification=ntf_dead1]')!;
    expect(row.querySelector('.status')!.textContent).to.equal('pending');
    expect(el.shadowRoot!.querySelectorAll('tbody button').length).to.equal(0);
    const call = (await loggedRequests()).find((r) => r.path.endsWith('/requeue'))!;
    expect(call).to.include({ method: 'POST', csrf: '1' });
    await expect(el).to.be.accessible();
  });
});
