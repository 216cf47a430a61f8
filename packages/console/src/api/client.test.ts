/**
 * @module
 * The console's API client against the mock console API: the CSRF header on state-changing
 * calls, same-origin cookies, errors mapped in one place, 401 → `signed-out`.
 */
import { expect } from '@open-wc/testing';
import { ConsoleOrdersPageSchema } from '@pay-checkout/protocol/console';
import {
  answerWith,
  CONSOLE_KEY,
  loggedRequests,
  resetBackend,
  signInDirectly,
  storedAnywhere,
} from '../../test/helpers.js';
import { ConsoleApi, SIGNED_OUT } from './client.js';
import { ConsoleError } from './console-error.js';
import { parseAnswer } from './parse.js';

/** An order row as the contract has it. */
function row(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'ord_x1',
    sessionId: 'cs_x1',
    reference: 'shop-x1',
    provider: 'ivy',
    method: 'ivy:bank',
    status: 'paid',
    amount: { value: 2400, currency: 'EUR' },
    createdAt: '2026-12-06T10:00:00.000Z',
    updatedAt: '2026-12-06T10:00:00.000Z',
    anomalies: [],
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<ConsoleError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ConsoleError);
    return error as ConsoleError;
  }
  throw new Error('expected a rejection');
}

describe('ConsoleApi', () => {
  beforeEach(resetBackend);

  it('sends X-Console-Csrf: 1 on every state-changing call, and the server needs it', async () => {
    const api = new ConsoleApi();
    await api.signIn(CONSOLE_KEY);
    await api.orders();
    await api.recheck('ord_drop1');
    await api.requeue('ntf_dead1');
    await api.signOut();
    const calls = (await loggedRequests()).map((r) => `${r.method} ${r.path} ${r.csrf}`);
    expect(calls).to.deep.equal([
      'POST session 1',
      'GET orders null',
      'POST orders/ord_drop1/recheck 1',
      'POST notifications/ntf_dead1/requeue 1',
      'DELETE session 1',
    ]);
    // Without the header the same call is refused, so the header is what lets it through.
    await signInDirectly();
    const bare = await fetch('/console/api/orders/ord_drop1/recheck', { method: 'POST' });
    expect(bare.status).to.equal(403);
  });

  it('sends the session cookie, which script cannot read, and stores nothing of the key', async () => {
    const api = new ConsoleApi();
    await api.signIn(CONSOLE_KEY);
    const session = await api.session();
    expect(session.operator).to.equal('operator');
    expect(document.cookie).not.to.contain('pay_checkout_console');
    expect(storedAnywhere(CONSOLE_KEY)).to.deep.equal([]);
    expect(localStorage.length + sessionStorage.length).to.equal(0);
  });

  it('maps a 401 to console_sign_in and fires signed-out', async () => {
    const api = new ConsoleApi();
    let signedOut = 0;
    api.addEventListener(SIGNED_OUT, () => (signedOut += 1));
    const error = await rejection(api.orders());
    expect(error.code).to.equal('console_sign_in');
    expect(error.status).to.equal(401);
    expect(signedOut).to.equal(1);
  });

  it('a wrong key is invalid_console_key and does not count as signing out', async () => {
    const api = new ConsoleApi();
    let signedOut = 0;
    api.addEventListener(SIGNED_OUT, () => (signedOut += 1));
    const error = await rejection(api.signIn('not-the-key'));
    expect(error.code).to.equal('invalid_console_key');
    expect(error.message).to.equal('That key is not the console key.');
    expect(signedOut).to.equal(0);
  });

  it('a 429 says how long to wait', async () => {
    const error = await rejection(new ConsoleApi().signIn('rate-limited'));
    expect(error.code).to.equal('rate_limited');
    expect(error.retryAfter).to.equal(30);
    expect(error.message).to.contain('30 seconds');
  });

  it('404 and 409 keep the server’s words', async () => {
    const api = new ConsoleApi();
    await api.signIn(CONSOLE_KEY);
    expect((await rejection(api.order('ord_nope'))).code).to.equal('not_found');
    const conflict = await rejection(api.requeue('ntf_ok1'));
    expect(conflict.code).to.equal('conflict');
    expect(conflict.message).to.contain('not dead');
  });

  it('sends the filters as query parameters, leaving empty ones out', async () => {
    const api = new ConsoleApi();
    await api.signIn(CONSOLE_KEY);
    const page = await api.orders({ status: 'paid', provider: '', q: ' shop-10 ' }, '4');
    expect(page.items.map((row) => row.status)).to.deep.equal([]);
    const last = (await loggedRequests()).at(-1)!;
    expect(new URLSearchParams(last.query).toString()).to.equal('status=paid&q=shop-10&cursor=4');
  });

  it('refuses an answer of the wrong shape with a sentence naming the field', () => {
    const page = (value: unknown) => () =>
      parseAnswer(ConsoleOrdersPageSchema, value, 'the orders list');
    expect(page({ items: 'x', nextCursor: null, counts: {} })).to.throw(
      ConsoleError,
      /^The console API answered the orders list with a wrong "items": /,
    );
    const { status: _status, ...withoutStatus } = row();
    expect(page({ items: [withoutStatus], nextCursor: null, counts: {} })).to.throw(
      'The console API answered the orders list without "items[0].status".',
    );
    expect(page({ items: [], nextCursor: null, counts: { paid: 'x' } })).to.throw(
      /wrong "counts\.paid"/,
    );
    expect(page({ items: [row({ status: 'settled' })], nextCursor: null, counts: {} })).to.throw(
      /wrong "items\[0\]\.status": Invalid option/,
    );
    expect(page([])).to.throw(
      /^The console API answered the orders list with something unexpected/,
    );
  });

  it('an answer off the contract is a bad_response naming the first wrong field', async () => {
    const api = new ConsoleApi();
    await api.signIn(CONSOLE_KEY);
    const { status: _status, ...withoutStatus } = row();
    await answerWith('orders', { items: [row(), withoutStatus], nextCursor: null, counts: {} });
    const error = await rejection(api.orders());
    expect(error.code).to.equal('bad_response');
    expect(error.message).to.equal(
      'The console API answered the orders list without "items[1].status".',
    );

    await answerWith('providers', { providers: [{ id: 'ivy' }] });
    expect((await rejection(api.providers())).message).to.contain('"providers[0].name"');
    await answerWith(
      'orders/ord_drop1/recheck',
      { order: row({ amount: { value: 1.5 } }) },
      {
        method: 'POST',
      },
    );
    expect((await rejection(api.recheck('ord_drop1'))).message).to.match(
      /the re-check with a wrong "order\.amount\.value"/,
    );
    await answerWith('notifications', {
      items: [{ id: 'ntf_1', type: 'order.updated', status: 'lost' }],
      nextCursor: null,
    });
    expect((await rejection(api.notifications())).message).to.contain('wrong "items[0].status"');
    await answerWith('orders/ord_paid1/summary', { summary: 'text' });
    expect((await rejection(api.summary('ord_paid1'))).message).to.equal(
      'The console API answered the summary without "text".',
    );
  });

  it('drops a field the contract does not name', async () => {
    const api = new ConsoleApi();
    await api.signIn(CONSOLE_KEY);
    await answerWith('orders', {
      items: [row({ providerOrderId: 'prv_x1', secret: 'card 4242' })],
      nextCursor: null,
      counts: { paid: 1 },
      total: 1,
    });
    const page = await api.orders();
    expect(page).to.deep.equal({ items: [row()], nextCursor: null, counts: { paid: 1 } });
    await answerWith('session', {
      operator: 'operator',
      expiresAt: '2099-01-01T00:00:00.000Z',
      key: 'not for the page',
    });
    expect(Object.keys(await api.session())).to.deep.equal(['operator', 'expiresAt']);
  });

  it('reads error bodies with the contract, and lets the status speak when they are off it', async () => {
    const api = new ConsoleApi();
    await api.signIn(CONSOLE_KEY);
    await answerWith(
      'orders/ord_paid1',
      { error: { code: 'invalid_request', message: 'That is not an order id.', retryable: false } },
      { status: 400 },
    );
    const known = await rejection(api.order('ord_paid1'));
    expect([known.code, known.message, known.status]).to.deep.equal([
      'invalid_request',
      'That is not an order id.',
      400,
    ]);
    await answerWith('orders/ord_paid1', { error: { code: 42 } }, { status: 500 });
    const off = await rejection(api.order('ord_paid1'));
    expect([off.code, off.message, off.status]).to.deep.equal([
      'server',
      'The server answered 500.',
      500,
    ]);
  });
});
