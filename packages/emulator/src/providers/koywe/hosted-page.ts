/**
 * @module
 * Koywe's hosted payment page: `GET /pay/<orderId>` shows the merchant, amount, method (and the
 * PSE bank) — with a test QR for Nequi and Pix, as Koywe's sandbox does — and three real form
 * buttons, Pay, Fail and Cancel, posting to `/pay/<orderId>/pay|fail|cancel`. Pay answers 303 to
 * the order's `successUrl`, Fail and Cancel to its `failedUrl`.
 */
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { formatAmount } from '../../core/money.js';
import { html, raw } from 'hono/html';
import { isOutcomeAction, outcomeButtons, pageResponder, type SafeHtml } from '../../core/html.js';
import type { ProviderContext } from '../../core/provider.js';
import { pseBankOf } from './api.js';
import type { KoyweState, OrderRecord } from './state.js';
import { KOYWE_FAILING_AMOUNT } from './state.js';
import { KOYWE_AUTO_COMPLETE_METHODS, KOYWE_PSE_BANKS, KOYWE_QR_METHODS } from './types.js';

const page = pageResponder('Koywe · emulated');

/** Options of {@link createKoyweCheckoutPage}. */
export interface KoyweCheckoutPageOptions {
  ctx: ProviderContext;
  state: KoyweState;
}

/** Builds the hosted payment page routes (mounted at the provider prefix). */
export function createKoyweCheckoutPage(options: KoyweCheckoutPageOptions): Hono {
  const { ctx, state } = options;
  const app = new Hono();

  app.get('/pay/:id', (c) => {
    const record = state.order(c.req.param('id'));
    if (!record)
      return page(c, 404, 'Payment not found', html`<p>This payment link is not valid.</p>`);
    if (record.order.status !== 'PENDING') return finishedPage(c, record, 200);
    return page(c, 200, 'Pay with Koywe', openBody(ctx, record));
  });

  app.post('/pay/:id/:action', (c) => {
    const action = c.req.param('action');
    if (!isOutcomeAction(action))
      return page(c, 404, 'Payment not found', html`<p>Unknown action.</p>`);
    const result = state.checkout(c.req.param('id'), action);
    if (result === 'not_found') {
      return page(c, 404, 'Payment not found', html`<p>This payment link is not valid.</p>`);
    }
    if (result === 'conflict') {
      const record = state.order(c.req.param('id'));
      return record
        ? finishedPage(c, record, 409)
        : page(c, 404, 'Payment not found', html`<p>This payment link is not valid.</p>`);
    }
    const target = action === 'pay' ? result.order.successUrl : result.order.failedUrl;
    if (!target) return finishedPage(c, result, 200);
    return c.redirect(backUrl(target, result), 303);
  });

  return app;
}

function methodLabel(record: OrderRecord): string {
  const method = record.order.paymentMethods[0];
  if (!method) return '';
  const bankCode = method.method === 'PSE' ? pseBankOf(method.extra) : undefined;
  const bank = KOYWE_PSE_BANKS.find((b) => b.code === bankCode)?.name ?? bankCode;
  return bank ? `${method.method} · ${bank}` : method.method;
}

function openBody(ctx: ProviderContext, record: OrderRecord): SafeHtml {
  const { order } = record;
  const id = encodeURIComponent(order.id);
  const method = order.paymentMethods[0]?.method ?? '';
  const failing = order.amountIn === KOYWE_FAILING_AMOUNT;
  return html`<dl>
      <dt>Merchant</dt>
      <dd>${ctx.merchantName}</dd>
      <dt>Amount</dt>
      <dd class="amount">${formatAmount(record.money)}</dd>
      <dt>Method</dt>
      <dd>${methodLabel(record)}</dd>
      <dt>Reference</dt>
      <dd>${order.externalId}</dd>
    </dl>
    ${KOYWE_QR_METHODS.has(method) ? testQr(order.id) : ''} ${outcomeButtons(id)}
    <p class="note">
      This is an emulated Koywe sandbox payment; no money moves.
      ${KOYWE_AUTO_COMPLETE_METHODS.has(method) ? 'This method completes by itself in the sandbox.' : ''}
      ${failing ? html`The amount is ${KOYWE_FAILING_AMOUNT}, so the payment will fail.` : ''}
    </p>`;
}

/**
 * A test QR: a 25 × 25 pattern with the three finder squares, drawn from the order id. It only
 * looks like a QR code (nothing to scan in the sandbox), as Koywe's sandbox shows one before its
 * outcome buttons.
 */
function testQr(orderId: string): SafeHtml {
  const size = 25;
  const bits = createHash('sha256').update(orderId).digest();
  const finder = (x: number, y: number) => {
    for (const [fx, fy] of [
      [0, 0],
      [size - 7, 0],
      [0, size - 7],
    ] as const) {
      const dx = x - fx;
      const dy = y - fy;
      if (dx >= 0 && dx < 7 && dy >= 0 && dy < 7) {
        const ring = Math.min(dx, dy, 6 - dx, 6 - dy);
        return ring !== 1;
      }
    }
    return null;
  };
  let rects = '';
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const fixed = finder(x, y);
      const index = y * size + x;
      const on = fixed ?? (((bits[index % 32] ?? 0) >> (index % 8)) & 1) === 1;
      if (on) rects += `<rect x="${x}" y="${y}" width="1" height="1"/>`;
    }
  }
  return html`<figure style="margin:0 0 1.25rem;text-align:center">
    ${raw(
      `<svg role="img" aria-label="Test QR code" viewBox="-2 -2 ${size + 4} ${size + 4}" width="180" height="180" shape-rendering="crispEdges" style="background:#fff"><g fill="#000">${rects}</g></svg>`,
    )}
    <figcaption class="note">Test QR code — in the sandbox, choose the outcome below.</figcaption>
  </figure>`;
}

function finishedPage(c: Context, record: OrderRecord, status: 200 | 409): Response {
  const { order } = record;
  const success = ['PROCESSING', 'PAID', 'COMPLETED', 'ON_HOLD'].includes(order.status);
  const target = success ? order.successUrl : order.failedUrl;
  return page(
    c,
    status,
    'This payment is closed',
    html`<dl>
        <dt>Amount</dt>
        <dd class="amount">${formatAmount(record.money)}</dd>
        <dt>Reference</dt>
        <dd>${order.externalId}</dd>
        <dt>Status</dt>
        <dd>${order.status.toLowerCase().replaceAll('_', ' ')}</dd>
      </dl>
      ${target ? html`<p><a href="${backUrl(target, record)}">Return to the shop</a></p>` : ''}`,
  );
}

/** The merchant's URL with `orderId` and `externalId` added to its query. */
function backUrl(base: string, record: OrderRecord): string {
  const url = new URL(base);
  url.searchParams.set('orderId', record.order.id);
  url.searchParams.set('externalId', record.order.externalId);
  return url.toString();
}
