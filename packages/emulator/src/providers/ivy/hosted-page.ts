/**
 * @module
 * Ivy's hosted checkout page: `GET /checkout?session=<id>` shows the merchant, the amount and the
 * reference with three real form buttons — Pay, Fail, Cancel — that post to
 * `/checkout/<id>/pay|fail|cancel` and answer 303 to the merchant's callback URL with
 * `session=<id>&referenceId=<ref>` added to its query.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { formatAmount, amountFromNumber } from '../../core/money.js';
import { html } from 'hono/html';
import { isOutcomeAction, outcomeButtons, pageResponder, type SafeHtml } from '../../core/html.js';
import type { ProviderContext } from '../../core/provider.js';
import type { IvyState, SessionRecord } from './state.js';

const page = pageResponder('Ivy · emulated');
const SUCCESS_STATUSES = new Set([
  'processing',
  'waiting_for_payment',
  'waiting_for_bank_confirmation',
  'finalizing',
  'paid',
]);

/** Options of {@link createIvyCheckoutPage}. */
export interface IvyCheckoutPageOptions {
  ctx: ProviderContext;
  state: IvyState;
}

/** Builds the hosted checkout routes (mounted at the provider prefix). */
export function createIvyCheckoutPage(options: IvyCheckoutPageOptions): Hono {
  const { ctx, state } = options;
  const app = new Hono();

  app.get('/checkout', (c) => {
    const id = c.req.query('session');
    if (!id) return page(c, 400, 'Checkout not found', html`<p>The link has no session.</p>`);
    const record = state.session(id);
    if (!record) {
      return page(c, 404, 'Checkout not found', html`<p>This checkout link is not valid.</p>`);
    }
    if (record.session.status !== 'open') return finishedPage(c, state, record, 200);
    return page(c, 200, 'Pay by bank', openBody(ctx, record));
  });

  app.post('/checkout/:id/:action', (c) => {
    const action = c.req.param('action');
    if (!isOutcomeAction(action)) {
      return page(c, 404, 'Checkout not found', html`<p>Unknown action.</p>`);
    }
    const result = state.checkout(c.req.param('id'), action);
    if ('error' in result) {
      const record = state.session(c.req.param('id'));
      if (!record) {
        return page(c, 404, 'Checkout not found', html`<p>This checkout link is not valid.</p>`);
      }
      return finishedPage(c, state, record, 409);
    }
    const target = action === 'pay' ? 'successCallbackUrl' : 'errorCallbackUrl';
    return c.redirect(callbackUrl(result.record.session[target], result.record), 303);
  });

  return app;
}

function openBody(ctx: ProviderContext, record: SessionRecord): SafeHtml {
  const { session } = record;
  const id = encodeURIComponent(session.id);
  const failing = session.referenceId.endsWith('-fail');
  return html`<dl>
      <dt>Merchant</dt>
      <dd>${ctx.merchantName}</dd>
      <dt>Amount</dt>
      <dd class="amount">${formatAmount(record.money, session.locale)}</dd>
      <dt>Reference</dt>
      <dd>${session.displayId}</dd>
      ${mandateTerms(ctx, record)}
    </dl>
    ${outcomeButtons(`checkout/${id}`)}
    <p class="note">
      This is an emulated Ivy bank payment; no money moves. After Pay, the bank confirms the payment
      a moment
      later${failing ? html` — this reference ends in <code>-fail</code>, so the bank will decline it` : ''}.
    </p>`;
}

const CADENCE_WORDS: Record<string, string> = {
  WEEKLY: 'weekly',
  BI_WEEKLY: 'every two weeks',
  MONTHLY: 'monthly',
  QUARTERLY: 'quarterly',
  SEMI_ANNUAL: 'every six months',
  ANNUAL: 'yearly',
  ON_DEMAND: 'when due',
};

/** What the customer agrees to when the checkout also sets up a SEPA Direct Debit mandate. */
function mandateTerms(ctx: ProviderContext, record: SessionRecord): SafeHtml | string {
  const mandate = record.session.mandate as
    | {
        setup?: boolean;
        referenceId?: string;
        additionalDisplayInformation?: {
          cadence?: string;
          price?: { amount: number; currency: string };
        };
      }
    | undefined;
  if (!mandate?.setup) return '';
  const display = mandate.additionalDisplayInformation;
  const cadence = display?.cadence ? (CADENCE_WORDS[display.cadence] ?? display.cadence) : '';
  let amount = '';
  if (display?.price) {
    try {
      amount = formatAmount(
        amountFromNumber(display.price.amount, display.price.currency),
        record.session.locale,
      );
    } catch {
      amount = '';
    }
  }
  const failing = mandate.referenceId?.endsWith('-fail-setup') === true;
  return html`<dt>Direct debit mandate</dt>
    <dd class="mandate">
      You also authorise ${ctx.merchantName} to collect future
      payments${amount ? html` of ${amount}` : ''}${cadence ? html` ${cadence}` : ''} from your
      account by SEPA Direct Debit (mandate
      ${mandate.referenceId ?? ''}).${failing ? html` The reference ends in <code>-fail-setup</code>, so the bank will decline the mandate.` : ''}
    </dd>`;
}

function finishedPage(
  c: Context,
  state: IvyState,
  record: SessionRecord,
  status: 200 | 409,
): Response {
  const { session } = record;
  const order = session.orderId ? state.order(session.orderId) : undefined;
  const title =
    session.status === 'expired' ? 'This checkout has expired' : 'This checkout is closed';
  const success = order !== undefined && SUCCESS_STATUSES.has(order.status);
  const back = callbackUrl(success ? session.successCallbackUrl : session.errorCallbackUrl, record);
  return page(
    c,
    status,
    title,
    html`<dl>
        <dt>Amount</dt>
        <dd class="amount">${formatAmount(record.money, session.locale)}</dd>
        <dt>Reference</dt>
        <dd>${session.displayId}</dd>
        ${
          order
            ? html`<dt>Payment</dt>
                <dd>${order.status.replaceAll('_', ' ')}</dd>`
            : ''
        }
      </dl>
      <p><a href="${back}">Return to the shop</a></p>`,
  );
}

/** The callback URL with `session` and `referenceId` added to its query. */
function callbackUrl(base: string, record: SessionRecord): string {
  const url = new URL(base);
  url.searchParams.set('session', record.session.id);
  url.searchParams.set('referenceId', record.session.referenceId);
  return url.toString();
}
