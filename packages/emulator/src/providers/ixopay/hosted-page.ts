/**
 * @module
 * The hosted payment page of a REDIRECT debit: `GET /redirect/<uuid>/<token>` shows the
 * merchant, the amount and the description with three real form buttons — Pay, Fail, Cancel —
 * posting to `/redirect/<uuid>/<token>/pay|fail|cancel`, which answer 303 to the merchant's
 * `successUrl`, `errorUrl` or `cancelUrl`.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { formatAmount } from '../../core/money.js';
import { html } from 'hono/html';
import { isOutcomeAction, outcomeButtons, pageResponder, type SafeHtml } from '../../core/html.js';
import type { ProviderContext } from '../../core/provider.js';
import type { IxopayState } from './state.js';
import type { IxopayTransaction } from './types.js';

const page = pageResponder('IXOPAY · emulated');

/** Options of {@link createIxopayHostedPage}. */
export interface IxopayHostedPageOptions {
  ctx: ProviderContext;
  state: IxopayState;
}

/** Builds the hosted-page routes (mounted at the provider prefix). */
export function createIxopayHostedPage(options: IxopayHostedPageOptions): Hono {
  const { ctx, state } = options;
  const app = new Hono();

  app.get('/redirect/:uuid/:token', (c) => {
    const tx = state.withToken(c.req.param('uuid'), c.req.param('token'));
    if (!tx) return invalidLink(c);
    if (tx.status !== 'REDIRECT') return finishedPage(c, tx, 200);
    return page(c, 200, 'Pay by card', openBody(ctx, tx, c.req.param('token')));
  });

  app.post('/redirect/:uuid/:token/:action', (c) => {
    const action = c.req.param('action');
    if (!isOutcomeAction(action)) return invalidLink(c);
    const result = state.redirectAction(c.req.param('uuid'), c.req.param('token'), action);
    if (!result) return invalidLink(c);
    if (!result.applied) return finishedPage(c, result.tx, 409);
    const target = backUrl(result.tx);
    return target ? c.redirect(target, 303) : finishedPage(c, result.tx, 200);
  });

  return app;
}

function openBody(ctx: ProviderContext, tx: IxopayTransaction, token: string): SafeHtml {
  return html`<dl>
      <dt>Merchant</dt>
      <dd>${ctx.merchantName}</dd>
      <dt>Amount</dt>
      <dd class="amount">${formatAmount(tx.money)}</dd>
      ${
        tx.description
          ? html`<dt>Description</dt>
              <dd>${tx.description}</dd>`
          : ''
      }
      <dt>Reference</dt>
      <dd>${tx.merchantTransactionId}</dd>
      <dt>Card</dt>
      <dd>Visa •••• 1111</dd>
    </dl>
    ${outcomeButtons(token)}
    <p class="note">
      This is an emulated IXOPAY card payment; no money moves. Pay approves it, Fail declines it
      (error 2003), Cancel abandons it (error 2002).
    </p>`;
}

function finishedPage(c: Context, tx: IxopayTransaction, status: 200 | 409): Response {
  const target = backUrl(tx);
  return page(
    c,
    status,
    'This payment is complete',
    html`<dl>
        <dt>Amount</dt>
        <dd class="amount">${formatAmount(tx.money)}</dd>
        <dt>Reference</dt>
        <dd>${tx.merchantTransactionId}</dd>
        <dt>Payment</dt>
        <dd>${tx.status.toLowerCase()}</dd>
      </dl>
      ${target ? html`<p><a href="${target}">Return to the shop</a></p>` : ''}`,
  );
}

/** Where the customer goes back to for the transaction's current status. */
function backUrl(tx: IxopayTransaction): string | undefined {
  if (tx.status === 'SUCCESS' || tx.status === 'PENDING') return tx.successUrl;
  if (tx.status === 'CANCELLED') return tx.cancelUrl ?? tx.errorUrl;
  if (tx.status === 'ERROR') return tx.errorUrl;
  return undefined;
}

function invalidLink(c: Context): Response {
  return page(c, 404, 'Payment not found', html`<p>This payment link is not valid.</p>`);
}
