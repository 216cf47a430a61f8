/**
 * @module
 * The emulated iwocaPay's orders, their life cycle and the webhooks each change implies.
 *
 * Life cycle: CREATED → PENDING → APPROVED → SUCCESSFUL, and CREATED/PENDING/APPROVED →
 * UNSUCCESSFUL. On the hosted page, Pay moves the order to PENDING and APPROVED at once and to
 * SUCCESSFUL after the simulated settlement step; Fail makes it PENDING then UNSUCCESSFUL;
 * Cancel makes it UNSUCCESSFUL (iwocaPay has no cancelled status). Sandbox triggers (ours):
 * a reference ending in `-decline` ends UNSUCCESSFUL after Pay, one ending in `-pending` stops
 * at PENDING. Every change is sent as a webhook to the order's own `webhook_url`, when it has
 * one: signed in the current shape, or in the documented unsigned shape when the emulator is
 * set up so (`webhookFormat: 'unsigned'`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { amountFromNumber } from '../../core/money.js';
import type { ControlOrder, OutcomeResult, ProviderContext } from '../../core/provider.js';
import { IWOCAPAY_RETRY_DELAYS_MS } from './retry-schedule.js';
import type { CreateOrderData } from './schemas.js';
import { signIwocaPayWebhook } from './signature.js';
import {
  IWOCAPAY_ORDER_STATUSES,
  IWOCAPAY_PAYMENT_TERMS,
  IWOCAPAY_TERMINAL,
  type IwocaPayOrder,
  type IwocaPayOrderStatus,
  type IwocaPayPaymentTerm,
  type IwocaPayWebhookFormat,
} from './types.js';

/** The hosted-page buttons. */
export type CheckoutAction = 'pay' | 'fail' | 'cancel';

/** Failure of a state change, mapped to an HTTP answer by the caller. */
export type StateError =
  | { error: 'not_found' }
  | { error: 'conflict'; message: string }
  | { error: 'invalid'; message: string };

/** The forward chain, in order. */
const CHAIN: readonly IwocaPayOrderStatus[] = ['CREATED', 'PENDING', 'APPROVED', 'SUCCESSFUL'];

/** Options of {@link IwocaPayState}. */
export interface IwocaPayStateOptions {
  ctx: ProviderContext;
  /** The access token: webhooks are signed with it. */
  accessToken: string;
  /** Where buyers go when an order has no `redirect_url` of its own. */
  defaultRedirectUrl?: string;
  /** The webhook shape sent (default `signed`). */
  webhookFormat?: IwocaPayWebhookFormat;
}

/** Orders of the emulated iwocaPay. */
export class IwocaPayState {
  readonly #ctx: ProviderContext;
  readonly #accessToken: string;
  readonly #defaultRedirectUrl: string | null;
  readonly #webhookFormat: IwocaPayWebhookFormat;
  /** A key that is certainly not the real token, for the `badSignature` fault. */
  readonly #wrongKey = randomBytes(32).toString('hex');
  readonly #orders = new Map<string, IwocaPayOrder>();
  readonly #byToken = new Map<string, string>();
  #orderNumbers = 0;

  constructor(options: IwocaPayStateOptions) {
    this.#ctx = options.ctx;
    this.#accessToken = options.accessToken;
    this.#defaultRedirectUrl = options.defaultRedirectUrl ?? null;
    this.#webhookFormat = options.webhookFormat ?? 'signed';
  }

  /** Creates a CREATED order. A repeated `reference` makes a new order, as we assume iwoca does. */
  create(data: CreateOrderData, sellerId: string): IwocaPayOrder {
    const id = randomUUID();
    const token = randomBytes(16).toString('hex');
    const order: IwocaPayOrder = {
      id,
      amount: data.amount,
      reference: data.reference,
      status: 'CREATED',
      allowed_payment_terms: data.allowed_payment_terms
        ? [...data.allowed_payment_terms]
        : ['PAY_LATER', 'PAY_NOW'],
      order_url: `${this.#ctx.publicUrl()}/iwocapay/pay/order/${token}/landing/`,
      redirect_url: data.redirect_url ?? this.#defaultRedirectUrl,
      webhook_url: data.webhook_url ?? null,
      pay_link_id: randomUUID(),
      order_number: (this.#orderNumbers += 1),
      seller_name: this.#ctx.merchantName,
      ...(data.source !== undefined ? { source: data.source } : {}),
      ...(data.meta_data !== undefined ? { meta_data: { ...data.meta_data } } : {}),
      seller_id: sellerId,
      token,
      created_at: new Date(this.#ctx.scheduler.now()).toISOString(),
    };
    this.#orders.set(id, order);
    this.#byToken.set(token, id);
    return order;
  }

  /** The order with this id. */
  get(id: string): IwocaPayOrder | undefined {
    return this.#orders.get(id);
  }

  /** The order behind a hosted-page token. */
  byToken(token: string): IwocaPayOrder | undefined {
    const id = this.#byToken.get(token);
    return id ? this.#orders.get(id) : undefined;
  }

  /** Applies a hosted-page button; `term` is the buyer's choice of payment terms. */
  checkout(
    token: string,
    action: CheckoutAction,
    term: string | undefined,
  ): { order: IwocaPayOrder } | StateError {
    const order = this.byToken(token);
    if (!order) return { error: 'not_found' };
    if (order.status !== 'CREATED') {
      return { error: 'conflict', message: `This order is ${order.status.toLowerCase()}.` };
    }
    if (action === 'cancel') {
      this.#move(order, 'UNSUCCESSFUL');
      return { order };
    }
    if (action === 'fail') {
      this.#move(order, 'PENDING');
      this.#move(order, 'UNSUCCESSFUL');
      return { order };
    }
    const chosen =
      term ??
      (order.allowed_payment_terms.length === 1 ? order.allowed_payment_terms[0] : undefined);
    if (!chosen || !isTerm(chosen) || !order.allowed_payment_terms.includes(chosen)) {
      return { error: 'invalid', message: 'Choose one of the payment terms on offer.' };
    }
    order.chosen_payment_term = chosen;
    this.#move(order, 'PENDING');
    if (order.reference.endsWith('-pending')) return { order };
    if (order.reference.endsWith('-decline')) {
      this.#ctx.scheduler.after(this.#ctx.settleDelayMs, () => {
        if (order.status === 'PENDING') this.#move(order, 'UNSUCCESSFUL');
      });
      return { order };
    }
    this.#move(order, 'APPROVED');
    this.#ctx.scheduler.after(this.#ctx.settleDelayMs, () => {
      // The control API may have settled the order meanwhile.
      if (order.status === 'APPROVED') this.#move(order, 'SUCCESSFUL');
    });
    return { order };
  }

  /** Merchant-side cancel (DELETE); a terminal order cannot be cancelled. */
  cancel(id: string): IwocaPayOrder | 'terminal' | undefined {
    const order = this.#orders.get(id);
    if (!order) return undefined;
    if (IWOCAPAY_TERMINAL.has(order.status)) return 'terminal';
    this.#move(order, 'UNSUCCESSFUL');
    return order;
  }

  /**
   * The control API's outcome. A forward status walks through the steps before it (each one a
   * webhook, as a buyer's checkout would); UNSUCCESSFUL ends any open order.
   */
  outcome(id: string, status: string): OutcomeResult {
    const order = this.#orders.get(id) ?? this.byToken(id);
    if (!order) {
      return { ok: false, error: 'not_found', message: `No iwocaPay order "${id}".` };
    }
    if (!isStatus(status) || status === 'CREATED') {
      return {
        ok: false,
        error: 'invalid_status',
        message: `"${status}" is not an iwocaPay status an order can move to.`,
      };
    }
    if (IWOCAPAY_TERMINAL.has(order.status)) {
      return {
        ok: false,
        error: 'conflict',
        message: `The order is ${order.status} already; iwocaPay orders do not change after that.`,
      };
    }
    if (status === 'UNSUCCESSFUL') {
      this.#move(order, 'UNSUCCESSFUL');
    } else {
      const from = CHAIN.indexOf(order.status);
      const to = CHAIN.indexOf(status);
      if (to < from) {
        return {
          ok: false,
          error: 'conflict',
          message: `The order is ${order.status} already and cannot go back to ${status}.`,
        };
      }
      for (const step of CHAIN.slice(from + 1, to + 1)) this.#move(order, step);
    }
    return { ok: true, order: this.#controlOrder(order) };
  }

  /** Every order as a control-API order, oldest first. */
  controlOrders(): ControlOrder[] {
    return [...this.#orders.values()].map((order) => this.#controlOrder(order));
  }

  /** Where the buyer goes after the hosted page: the redirect URL with `orderId` added. */
  redirectFor(order: IwocaPayOrder): string | null {
    if (!order.redirect_url) return null;
    const url = new URL(order.redirect_url);
    url.searchParams.set('orderId', order.id);
    return url.toString();
  }

  #move(order: IwocaPayOrder, status: IwocaPayOrderStatus): void {
    if (order.status === status) return;
    order.status = status;
    this.#emit(order);
  }

  #controlOrder(order: IwocaPayOrder): ControlOrder {
    return {
      provider: 'iwocapay',
      id: order.id,
      reference: order.reference,
      amount: amountFromNumber(order.amount, 'GBP'),
      status: order.status,
      webhookUrl: order.webhook_url ?? '',
      createdAt: order.created_at,
    };
  }

  /**
   * Sends the order's status change, when it has a webhook URL: the current shape signed with
   * the access token, or the documented unsigned shape. With the `badSignature` fault either one
   * carries a signature made with a wrong key.
   */
  #emit(order: IwocaPayOrder): void {
    if (!order.webhook_url) return;
    const webhookId = randomUUID();
    const signed = this.#webhookFormat === 'signed';
    const body = JSON.stringify({
      data: signed
        ? {
            webhook_id: webhookId,
            event_type: 'ORDER_STATUS_CHANGED',
            order_id: order.id,
            amount: order.amount,
            reference: order.reference,
            status: order.status,
          }
        : {
            order_id: order.order_number,
            pay_link_id: order.pay_link_id,
            amount: order.amount,
            reference: order.reference,
            status: order.status,
          },
    });
    this.#ctx.webhooks.send({
      provider: 'iwocapay',
      eventId: webhookId,
      type: 'ORDER_STATUS_CHANGED',
      orderKey: order.id,
      url: order.webhook_url,
      body,
      headers: (bytes, tamper) => ({
        'Content-Type': 'application/json',
        ...(signed || tamper
          ? {
              'X-Iwocapay-Hmac-Sha256': signIwocaPayWebhook(
                tamper ? this.#wrongKey : this.#accessToken,
                bytes,
              ),
            }
          : {}),
      }),
      retryDelaysMs: IWOCAPAY_RETRY_DELAYS_MS,
    });
  }
}

function isStatus(status: string): status is IwocaPayOrderStatus {
  return (IWOCAPAY_ORDER_STATUSES as readonly string[]).includes(status);
}

function isTerm(term: string): term is IwocaPayPaymentTerm {
  return (IWOCAPAY_PAYMENT_TERMS as readonly string[]).includes(term);
}
