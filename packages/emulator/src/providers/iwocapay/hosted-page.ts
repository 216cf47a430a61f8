/**
 * @module
 * iwocaPay's hosted checkout page: `GET /pay/order/<token>/landing/` (the `order_url`) shows the
 * seller, the amount, the reference and the payment terms on offer (pay now / pay later), with
 * three real form buttons — Pay, Fail, Cancel — posting to `/pay/order/<token>/complete/`, which
 * answers 303 to the order's `redirect_url` with `orderId=<id>` added.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { amountFromNumber, formatAmount } from '../../core/money.js';
import { html } from 'hono/html';
import { isOutcomeAction, pageResponder, type SafeHtml } from '../../core/html.js';
import type { IwocaPayState } from './state.js';
import type { IwocaPayOrder, IwocaPayPaymentTerm } from './types.js';

const page = pageResponder('iwocaPay · emulated');
const TERM_LABELS: Record<IwocaPayPaymentTerm, string> = {
  PAY_NOW: 'Pay now — instant bank transfer of the full amount',
  PAY_LATER: 'Pay later — credit in 3 or 12 monthly instalments',
};

/** Options of {@link createIwocaPayCheckoutPage}. */
export interface IwocaPayCheckoutPageOptions {
  state: IwocaPayState;
}

/** Builds the hosted checkout routes (mounted at the provider prefix). */
export function createIwocaPayCheckoutPage(options: IwocaPayCheckoutPageOptions): Hono {
  const { state } = options;
  const app = new Hono();

  app.get('/pay/order/:token/landing/', (c) => {
    const order = state.byToken(c.req.param('token'));
    if (!order) return page(c, 404, 'Order not found', html`<p>This pay link is not valid.</p>`);
    if (order.status !== 'CREATED') return finishedPage(c, state, order, 200);
    return page(c, 200, 'Pay with iwocaPay', openBody(order));
  });

  app.post('/pay/order/:token/complete/', async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const action = String(form['action'] ?? '');
    const term = typeof form['term'] === 'string' && form['term'] ? form['term'] : undefined;
    if (!isOutcomeAction(action)) {
      return page(c, 400, 'Unknown action', html`<p>Use Pay, Fail or Cancel.</p>`);
    }
    const result = state.checkout(c.req.param('token'), action, term);
    if ('error' in result) {
      const order = state.byToken(c.req.param('token'));
      if (!order) return page(c, 404, 'Order not found', html`<p>This pay link is not valid.</p>`);
      if (result.error === 'invalid') {
        return page(c, 400, 'Pay with iwocaPay', openBody(order, result.message));
      }
      return finishedPage(c, state, order, 409);
    }
    const target = state.redirectFor(result.order);
    if (target) return c.redirect(target, 303);
    return finishedPage(c, state, result.order, 200);
  });

  return app;
}

function money(order: IwocaPayOrder): string {
  return formatAmount(amountFromNumber(order.amount, 'GBP'), 'en-GB');
}

function openBody(order: IwocaPayOrder, problem?: string): SafeHtml {
  const terms = order.allowed_payment_terms;
  const trigger = order.reference.endsWith('-decline')
    ? html` This reference ends in <code>-decline</code>, so the credit check will decline it.`
    : order.reference.endsWith('-pending')
      ? html` This reference ends in <code>-pending</code>, so it will stay pending.`
      : '';
  return html`<dl>
      <dt>Seller</dt>
      <dd>${order.seller_name}</dd>
      <dt>Amount</dt>
      <dd class="amount">${money(order)}</dd>
      <dt>Reference</dt>
      <dd>${order.reference}</dd>
    </dl>
    <form method="post" action="../complete/">
      <fieldset style="border:0;padding:0;margin:0 0 1.25rem">
        <legend style="margin-bottom:.5rem">How would you like to pay?</legend>
        ${terms.map(
          (term, index) =>
            html`<label style="display:block;margin:.25rem 0">
              <input type="radio" name="term" value="${term}" ${index === 0 ? html`checked` : ''} />
              ${TERM_LABELS[term]}
            </label>`,
        )}
      </fieldset>
      ${problem ? html`<p role="alert">${problem}</p>` : ''}
      <div class="actions" role="group" aria-label="Checkout outcome">
        <button type="submit" name="action" value="pay" class="primary">Pay</button>
        <button type="submit" name="action" value="fail" class="danger">Fail</button>
        <button type="submit" name="action" value="cancel" class="secondary">Cancel</button>
      </div>
    </form>
    <p class="note">
      This is an emulated iwocaPay checkout; no money moves and no credit is checked. Pay approves
      the order at once and completes it a moment later; Fail declines it; Cancel abandons
      it.${trigger}
    </p>`;
}

function finishedPage(
  c: Context,
  state: IwocaPayState,
  order: IwocaPayOrder,
  status: 200 | 409,
): Response {
  const back = state.redirectFor(order);
  return page(
    c,
    status,
    order.status === 'UNSUCCESSFUL' ? 'This order was not completed' : 'This order is in progress',
    html`<dl>
        <dt>Amount</dt>
        <dd class="amount">${money(order)}</dd>
        <dt>Reference</dt>
        <dd>${order.reference}</dd>
        <dt>Status</dt>
        <dd>${order.status.toLowerCase()}</dd>
      </dl>
      ${back ? html`<p><a href="${back}">Return to the shop</a></p>` : ''}`,
  );
}
