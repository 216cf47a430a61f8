/**
 * @module
 * The customer-facing pages of the emulated FuratPay:
 * - `GET /pay/:id` — a service's hosted payment page (ZainCash, FastPay, QiCard…) with Pay, Fail
 *   and Cancel buttons that post to `/pay/:id/<action>` and answer 303 to the merchant's
 *   `redirect_url` (or back to the page when there is none);
 * - `GET /fib/:id` — the FIB "phone": the QR the customer scans, its readable code, and the
 *   buttons "Scan and pay" and "Fail" that stand in for the customer's banking app. The QR on
 *   the checkout page encodes this page's URL, so a real phone can open it too.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { formatAmount } from '../../core/money.js';
import { html } from 'hono/html';
import {
  isOutcomeAction,
  outcomeButtons,
  pageResponder,
  postButton,
  type SafeHtml,
} from '../../core/html.js';
import type { ProviderContext } from '../../core/provider.js';
import { qrDataUrl } from './qr.js';
import {
  failsInSandbox,
  type FuratPayState,
  type InvoiceRecord,
  type PaymentAction,
} from './state.js';
import { FURATPAY_SERVICES, type FuratPayPayment } from './types.js';

const page = pageResponder('FuratPay · emulated');
const APPS: Readonly<Record<string, string>> = {
  personal: 'Personal',
  business: 'Business',
  corporate: 'Corporate',
};

/** Options of {@link createFuratPayPages}. */
export interface FuratPayPagesOptions {
  ctx: ProviderContext;
  state: FuratPayState;
}

/** Builds the page routes (mounted at the provider prefix). */
export function createFuratPayPages(options: FuratPayPagesOptions): Hono {
  const { ctx, state } = options;
  const app = new Hono();

  app.get('/pay/:id', (c) => {
    const found = state.payment(c.req.param('id'));
    if (!found || found.payment.kind === 'fib') return notFound(c);
    const { payment, record } = found;
    const service = serviceName(payment);
    if (payment.status !== 'pending' || record.invoice.status !== 'pending') {
      return page(c, 200, `${service}: payment ${payment.status}`, summary(ctx, record, payment));
    }
    return page(c, 200, `Pay with ${service}`, hostedBody(ctx, record, payment));
  });

  app.post('/pay/:id/:action', (c) => {
    const action = c.req.param('action');
    if (!isOutcomeAction(action)) return notFound(c);
    const found = state.payment(c.req.param('id'));
    if (!found || found.payment.kind === 'fib') return notFound(c);
    const result = state.act(found.payment.id, action);
    if ('error' in result) {
      return page(c, 409, 'This payment is closed', summary(ctx, found.record, found.payment));
    }
    return c.redirect(found.payment.returnUrl ?? `${state.pageUrl(found.payment)}`, 303);
  });

  app.get('/fib/:id', (c) => {
    const found = state.payment(c.req.param('id'));
    if (!found || found.payment.kind !== 'fib') return notFound(c);
    const { payment, record } = found;
    const app = APPS[c.req.query('app') ?? ''];
    const title = app ? `FIB ${app}` : 'FIB';
    if (payment.status !== 'pending' || record.invoice.status !== 'pending') {
      const word = payment.status === 'paid' ? 'Payment complete' : `Payment ${payment.status}`;
      return page(c, 200, `${title}: ${word}`, summary(ctx, record, payment));
    }
    return page(c, 200, `${title}: confirm payment`, phoneBody(ctx, state, record, payment));
  });

  app.post('/fib/:id/:action', (c) => {
    const action = c.req.param('action') as PaymentAction;
    if (action !== 'pay' && action !== 'fail') return notFound(c);
    const found = state.payment(c.req.param('id'));
    if (!found || found.payment.kind !== 'fib') return notFound(c);
    const result = state.act(found.payment.id, action);
    if ('error' in result) {
      return page(c, 409, 'This payment is closed', summary(ctx, found.record, found.payment));
    }
    return c.redirect(state.pageUrl(found.payment), 303);
  });

  return app;
}

function serviceName(payment: FuratPayPayment): string {
  return FURATPAY_SERVICES.find((s) => s.id === payment.serviceId)?.name ?? 'FuratPay';
}

function details(ctx: ProviderContext, record: InvoiceRecord): SafeHtml {
  return html`<dl>
    <dt>Merchant</dt>
    <dd>${ctx.merchantName}</dd>
    <dt>Amount</dt>
    <dd class="amount">${formatAmount(record.money)}</dd>
    <dt>Invoice</dt>
    <dd>${record.invoice.order_number}</dd>
  </dl>`;
}

function declineNote(record: InvoiceRecord): SafeHtml | string {
  return failsInSandbox(record.invoice.total)
    ? html` This total ends in <code>.66</code> (or is 666), so the payment will be declined.`
    : '';
}

function hostedBody(
  ctx: ProviderContext,
  record: InvoiceRecord,
  payment: FuratPayPayment,
): SafeHtml {
  const id = encodeURIComponent(payment.id);
  return html`${details(ctx, record)} ${outcomeButtons(id)}
    <p class="note">
      This is an emulated ${serviceName(payment)} payment through FuratPay; no money
      moves.${declineNote(record)}
    </p>`;
}

function phoneBody(
  ctx: ProviderContext,
  state: FuratPayState,
  record: InvoiceRecord,
  payment: FuratPayPayment,
): SafeHtml {
  const id = encodeURIComponent(payment.id);
  const qr = qrDataUrl(state.pageUrl(payment));
  return html`${details(ctx, record)}
    <p style="text-align:center">
      <img src="${qr}" alt="QR code of this payment" width="200" height="200" />
    </p>
    <dl>
      <dt>Code</dt>
      <dd><code>${payment.readableCode ?? ''}</code></dd>
      <dt>Valid until</dt>
      <dd>${payment.validUntil ?? ''}</dd>
    </dl>
    <div class="actions" role="group" aria-label="Confirm in the banking app">
      ${postButton(`${id}/pay`, 'Scan and pay', 'primary')}
      ${postButton(`${id}/fail`, 'Fail', 'danger')}
    </div>
    <p class="note">
      This page stands in for the customer's FIB app after scanning the QR code; no money
      moves.${declineNote(record)}
    </p>`;
}

function summary(ctx: ProviderContext, record: InvoiceRecord, payment: FuratPayPayment): SafeHtml {
  const back = payment.returnUrl;
  return html`${details(ctx, record)}
    <dl>
      <dt>Payment</dt>
      <dd>${payment.status}</dd>
      <dt>Invoice status</dt>
      <dd>${record.invoice.status}</dd>
    </dl>
    ${back ? html`<p><a href="${back}">Return to the shop</a></p>` : ''}`;
}

function notFound(c: Context): Response {
  return page(c, 404, 'Payment not found', html`<p>This payment link is not valid.</p>`);
}
