/**
 * @module
 * `<console-sign-in>`: the key is sent once, never kept, and a refusal is said in words.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { ConsoleApi } from '../api/client.js';
import {
  CONSOLE_KEY,
  deepActiveElement,
  loggedRequests,
  press,
  resetBackend,
  storedAnywhere,
  type,
} from '../../test/helpers.js';
import { SIGNED_IN, type ConsoleSignIn } from './console-sign-in.js';
import './console-sign-in.js';

async function render(): Promise<ConsoleSignIn> {
  return fixture<ConsoleSignIn>(html`<console-sign-in .api=${new ConsoleApi()}></console-sign-in>`);
}

function input(el: ConsoleSignIn): HTMLInputElement {
  return el.shadowRoot!.querySelector('input')!;
}

describe('<console-sign-in>', () => {
  beforeEach(async () => {
    await resetBackend();
    localStorage.clear();
    sessionStorage.clear();
  });

  it('is accessible, with a labelled password field', async () => {
    const el = await render();
    await expect(el).to.be.accessible();
    expect(input(el).type).to.equal('password');
    expect(el.shadowRoot!.querySelector('label')!.textContent).to.contain('Console key');
  });

  it('signs in with the key typed and submitted by keyboard, storing nothing of it', async () => {
    const el = await render();
    input(el).focus();
    await type(CONSOLE_KEY);
    const signedIn = oneEvent(el, SIGNED_IN);
    await press('Enter');
    await signedIn;
    expect(input(el).value).to.equal('');
    expect(storedAnywhere(CONSOLE_KEY)).to.deep.equal([]);
    expect(localStorage.length + sessionStorage.length).to.equal(0);
    expect(document.cookie).not.to.contain('pay_checkout_console');
    const [request] = await loggedRequests();
    expect(request).to.include({ method: 'POST', path: 'session', csrf: '1' });
  });

  it('says when the key is wrong, empties the field and puts focus back in it', async () => {
    const el = await render();
    input(el).value = 'a wrong key of some length';
    el.shadowRoot!.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await waitUntil(() => el.shadowRoot!.querySelector('[role=alert]'), 'no error shown');
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain(
      'not the console key',
    );
    expect(input(el).value).to.equal('');
    expect(input(el).getAttribute('aria-invalid')).to.equal('true');
    await waitUntil(() => deepActiveElement() === input(el), 'focus not back in the field');
    await expect(el).to.be.accessible();
  });

  it('says how long to wait after too many attempts', async () => {
    const el = await render();
    input(el).value = 'rate-limited';
    el.shadowRoot!.querySelector('form')!.requestSubmit();
    await waitUntil(() => el.shadowRoot!.querySelector('[role=alert]'));
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('30 seconds');
  });

  it('asks for a key instead of sending an empty one', async () => {
    const el = await render();
    el.shadowRoot!.querySelector('form')!.requestSubmit();
    await waitUntil(() => el.shadowRoot!.querySelector('[role=alert]'));
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain(
      'Enter the console key',
    );
    expect(await loggedRequests()).to.deep.equal([]);
  });
});
