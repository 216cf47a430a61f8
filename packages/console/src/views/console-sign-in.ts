/**
 * @module
 * `<console-sign-in>`: the form that sends the console key once. The key lives only in the
 * password field until it is sent; the field is emptied right after, and nothing of it is
 * written to storage or cookies (the server sets its own HttpOnly session cookie).
 */
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import type { ConsoleApi } from '../api/client.js';
import { ConsoleError } from '../api/console-error.js';
import { baseStyles } from '../styles.js';

/** Fired when the server accepted the key. */
export const SIGNED_IN = 'console-signed-in';

export class ConsoleSignIn extends LitElement {
  static override properties = {
    api: { attribute: false },
    _busy: { state: true },
    _error: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      form {
        display: flex;
        flex-direction: column;
        gap: 1rem;
        max-width: 26rem;
      }
      .actions {
        display: flex;
        gap: 0.75rem;
      }
    `,
  ];

  declare api: ConsoleApi;
  declare protected _busy: boolean;
  declare protected _error: string;

  constructor() {
    super();
    this._busy = false;
    this._error = '';
  }

  protected override render(): TemplateResult {
    return html`
      <h1 tabindex="-1">Sign in</h1>
      <p>
        Enter the console key the server was started with (<span class="mono"
          >PAY_CHECKOUT_CONSOLE_KEY</span
        >).
      </p>
      <form @submit=${this.submit} novalidate>
        <label>
          Console key
          <input
            type="password"
            name="key"
            autocomplete="off"
            spellcheck="false"
            required
            minlength="1"
            aria-describedby=${this._error ? 'sign-in-error' : nothing}
            aria-invalid=${this._error ? 'true' : nothing}
          />
        </label>
        ${
          this._error
            ? html`<p class="error" id="sign-in-error" role="alert">${this._error}</p>`
            : nothing
        }
        <div class="actions">
          <button class="primary" type="submit" ?disabled=${this._busy}>
            ${this._busy ? 'Signing in…' : 'Sign in'}
          </button>
        </div>
      </form>
    `;
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('input[name="key"]');
    if (!input) return;
    const key = input.value;
    if (key.trim() === '') {
      this._error = 'Enter the console key.';
      input.focus();
      return;
    }
    this._busy = true;
    this._error = '';
    try {
      await this.api.signIn(key);
      input.value = '';
      this.dispatchEvent(new Event(SIGNED_IN, { bubbles: true, composed: true }));
    } catch (error) {
      input.value = '';
      this._error = error instanceof ConsoleError ? error.message : 'Signing in failed. Try again.';
      await this.updateComplete;
      input.focus();
    } finally {
      this._busy = false;
    }
  }
}

customElements.define('console-sign-in', ConsoleSignIn);

declare global {
  interface HTMLElementTagNameMap {
    'console-sign-in': ConsoleSignIn;
  }
}
