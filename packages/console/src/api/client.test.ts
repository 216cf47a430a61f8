/**
 * @module
 * The console's API client against the mock console API: the CSRF header on state-changing
 * calls, same-origin cookies, errors mapped in one place, 401 → `signed-out`.
 */
import { expect } from '@open-wc/testing';
import {
  CONSOLE_KEY,
  loggedRequests,
  resetBackend,
  signInDirectly,
  storedAnywhere,
} from '../../test/helpers.js';
import { ConsoleApi, SIGNED_OUT } from './client.js';
import { ConsoleError } from './console-error.js';
import { parseOrdersPage } from './parse.js';

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
    expect(() => parseOrdersPage({ items: 'x' })).to.throw(ConsoleError, /list "items"/);
    expect(() => parseOrdersPage({ items: [{ id: 'a' }] })).to.throw(/string "status"/);
    expect(() => parseOrdersPage({ items: [], counts: { paid: 'x' } })).to.throw(/"paid"/);
  });
});
