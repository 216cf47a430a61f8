/**
 * @module
 * The emulated Koywe's state: contacts, PAYIN orders, their life cycle and the webhooks each
 * change implies.
 *
 * Life cycle (sandbox): an order is created `PENDING` (`order.created`). Pay on the hosted page
 * — or nothing at all for KHIPU and SPEI, which complete by themselves — moves it `PROCESSING`,
 * then after the simulated bank step `PAID`, then `COMPLETED`, one event per step; an order of
 * `amountIn` 666 goes `PROCESSING` → `FAILED` instead. Fail makes it `FAILED`, Cancel
 * `CANCELLED` (event `order.cancelled`, or `order.canceled` when configured).
 */
import { amountFromNumber, type Money } from '../../core/money.js';
import { randomId } from '../../core/ids.js';
import type { ControlOrder, OutcomeResult, ProviderContext } from '../../core/provider.js';
import type { Cancel } from '../../core/scheduler.js';
import { KOYWE_RETRY_DELAYS_MS } from './retry-schedule.js';
import { signKoyweWebhook } from './signature.js';
import {
  KOYWE_AUTO_COMPLETE_METHODS,
  KOYWE_FINAL_STATUSES,
  KOYWE_ORDER_STATUSES,
  type KoyweContact,
  type KoyweOrder,
  type KoyweOrderStatus,
} from './types.js';

/** The sandbox amount that always fails. */
export const KOYWE_FAILING_AMOUNT = 666;

/** The hosted-page buttons. */
export type KoyweCheckoutAction = 'pay' | 'fail' | 'cancel';

/** How the cancellation event is spelled (Koywe's docs use both). */
export type CancelSpelling = 'cancelled' | 'canceled';

/** An order plus what the emulator keeps beside it. */
export interface OrderRecord {
  order: KoyweOrder;
  money: Money;
  /** Pending steps of the simulated payment. */
  timers: Cancel[];
}

/** What the API passes to {@link KoyweState.createOrder}. */
export interface NewOrder {
  amountIn: number;
  currency: string;
  externalId: string;
  description?: string;
  contactId: string;
  method: string;
  extra?: unknown;
  successUrl?: string;
  failedUrl?: string;
}

/** Options of {@link KoyweState}. */
export interface KoyweStateOptions {
  ctx: ProviderContext;
  webhookSecret: string;
  cancelSpelling?: CancelSpelling;
}

/** Contacts and orders of the emulated Koywe merchant. */
export class KoyweState {
  readonly #ctx: ProviderContext;
  readonly #secret: string;
  readonly #cancelSpelling: CancelSpelling;
  /** A key that is certainly not the real secret, for the `badSignature` fault. */
  readonly #wrongSecret = randomId(32);
  readonly #contacts = new Map<string, KoyweContact>();
  readonly #contactByDocument = new Map<string, string>();
  readonly #orders = new Map<string, OrderRecord>();
  readonly #orderByExternalId = new Map<string, string>();

  constructor(options: KoyweStateOptions) {
    this.#ctx = options.ctx;
    this.#secret = options.webhookSecret;
    this.#cancelSpelling = options.cancelSpelling ?? 'cancelled';
  }

  #iso(): string {
    return new Date(this.#ctx.scheduler.now()).toISOString();
  }

  /** Creates a contact, or returns the existing one with the same document (assumption). */
  contact(input: Omit<KoyweContact, 'id' | 'createdAt'>): KoyweContact {
    const key = `${input.countrySymbol}:${input.documentType}:${input.documentNumber}`;
    const existing = this.#contactByDocument.get(key);
    const found = existing ? this.#contacts.get(existing) : undefined;
    if (found) return { ...found };
    const contact: KoyweContact = { id: `cnt_${randomId()}`, ...input, createdAt: this.#iso() };
    this.#contacts.set(contact.id, contact);
    this.#contactByDocument.set(key, contact.id);
    return { ...contact };
  }

  /** The contact with this id. */
  findContact(id: string): KoyweContact | undefined {
    return this.#contacts.get(id);
  }

  /** Creates a PAYIN order, or reports a repeated `externalId`. */
  createOrder(input: NewOrder): KoyweOrder | 'duplicate' {
    if (this.#orderByExternalId.has(input.externalId)) return 'duplicate';
    const id = `ord_${randomId()}`;
    const at = this.#iso();
    const url = `${this.#ctx.publicUrl()}/koywe/pay/${id}`;
    const order: KoyweOrder = {
      id,
      type: 'PAYIN',
      status: 'PENDING',
      amountIn: input.amountIn,
      originCurrencySymbol: input.currency,
      destinationCurrencySymbol: input.currency,
      externalId: input.externalId,
      ...(input.description ? { description: input.description } : {}),
      contactId: input.contactId,
      paymentMethods: [
        { method: input.method, ...(input.extra !== undefined ? { extra: input.extra } : {}) },
      ],
      ...(input.successUrl ? { successUrl: input.successUrl } : {}),
      ...(input.failedUrl ? { failedUrl: input.failedUrl } : {}),
      // Koywe's docs say `paymentUrl`; integrations in production read `providedAction`.
      paymentUrl: url,
      providedAction: url,
      createdAt: at,
      updatedAt: at,
      dates: { confirmationDate: null, paymentDate: null, deliveryDate: null },
    };
    const record: OrderRecord = {
      order,
      money: amountFromNumber(input.amountIn, input.currency),
      timers: [],
    };
    this.#orders.set(id, record);
    this.#orderByExternalId.set(input.externalId, id);
    this.#emit(record, 'created');
    if (KOYWE_AUTO_COMPLETE_METHODS.has(input.method)) {
      record.timers.push(
        this.#ctx.scheduler.after(this.#ctx.settleDelayMs, () => this.#pay(record)),
      );
    }
    return structuredClone(order);
  }

  /** The order with this id. */
  order(id: string): OrderRecord | undefined {
    return this.#orders.get(id);
  }

  /** The order with this `externalId`. */
  orderByExternalId(externalId: string): OrderRecord | undefined {
    const id = this.#orderByExternalId.get(externalId);
    return id ? this.#orders.get(id) : undefined;
  }

  /** Applies a hosted-page button; a finished order is a conflict. */
  checkout(id: string, action: KoyweCheckoutAction): OrderRecord | 'not_found' | 'conflict' {
    const record = this.#orders.get(id);
    if (!record) return 'not_found';
    if (record.order.status !== 'PENDING') return 'conflict';
    if (action === 'pay') this.#pay(record);
    else this.#set(record, action === 'fail' ? 'FAILED' : 'CANCELLED');
    return record;
  }

  /** The control API's outcome: any Koywe order status (`CANCELED` is read as `CANCELLED`). */
  outcome(id: string, status: string): OutcomeResult {
    const record = this.#orders.get(id) ?? this.orderByExternalId(id);
    if (!record) return { ok: false, error: 'not_found', message: `No Koywe order "${id}".` };
    const word = status.toUpperCase() === 'CANCELED' ? 'CANCELLED' : status.toUpperCase();
    if (!(KOYWE_ORDER_STATUSES as readonly string[]).includes(word)) {
      return {
        ok: false,
        error: 'invalid_status',
        message: `"${status}" is not a Koywe order status.`,
      };
    }
    this.#clearTimers(record);
    this.#set(record, word as KoyweOrderStatus);
    return { ok: true, order: this.#controlOrder(record) };
  }

  /** Every order as a control-API order, oldest first. */
  controlOrders(): ControlOrder[] {
    return [...this.#orders.values()].map((record) => this.#controlOrder(record));
  }

  /** Pay: processing now, then paid and completed — or failed for the sandbox amount 666. */
  #pay(record: OrderRecord): void {
    if (record.order.status !== 'PENDING') return;
    this.#set(record, 'PROCESSING');
    const failing = record.order.amountIn === KOYWE_FAILING_AMOUNT;
    const step = (from: KoyweOrderStatus, to: KoyweOrderStatus, then?: () => void) =>
      this.#ctx.scheduler.after(this.#ctx.settleDelayMs, () => {
        // The control API may have settled the order meanwhile.
        if (record.order.status !== from) return;
        this.#set(record, to);
        then?.();
      });
    if (failing) {
      record.timers.push(step('PROCESSING', 'FAILED'));
    } else {
      record.timers.push(
        step('PROCESSING', 'PAID', () => record.timers.push(step('PAID', 'COMPLETED'))),
      );
    }
  }

  #clearTimers(record: OrderRecord): void {
    for (const cancel of record.timers.splice(0)) cancel();
  }

  #set(record: OrderRecord, status: KoyweOrderStatus): void {
    const { order } = record;
    if (order.status === status) return;
    const at = this.#iso();
    order.status = status;
    order.updatedAt = at;
    if (status === 'PROCESSING') order.dates.confirmationDate ??= at;
    if (status === 'PAID') order.dates.paymentDate ??= at;
    if (status === 'COMPLETED') order.dates.deliveryDate ??= at;
    if (KOYWE_FINAL_STATUSES.has(status) && status !== 'COMPLETED') this.#clearTimers(record);
    const event = status === 'CANCELLED' ? this.#cancelSpelling : status.toLowerCase();
    this.#emit(record, event);
  }

  #controlOrder(record: OrderRecord): ControlOrder {
    return {
      provider: 'koywe',
      id: record.order.id,
      reference: record.order.externalId,
      amount: { ...record.money },
      status: record.order.status,
      webhookUrl: this.#ctx.webhookUrl(),
      createdAt: record.order.createdAt,
    };
  }

  /** Sends `order.<event>` signed with the endpoint secret; the body is built and signed once. */
  #emit(record: OrderRecord, event: string): void {
    const { order } = record;
    const eventId = `evt_${randomId()}`;
    const body = JSON.stringify({
      id: eventId,
      type: `order.${event}`,
      createdAt: this.#iso(),
      data: {
        orderId: order.id,
        externalId: order.externalId,
        type: order.type,
        status: order.status,
        amountIn: order.amountIn,
        originCurrencySymbol: order.originCurrencySymbol,
        destinationCurrencySymbol: order.destinationCurrencySymbol,
      },
    });
    this.#ctx.webhooks.send({
      provider: 'koywe',
      eventId,
      type: `order.${event}`,
      orderKey: order.id,
      url: this.#ctx.webhookUrl(),
      body,
      headers: (bytes, tamper) => ({
        'Content-Type': 'application/json',
        'Koywe-Signature': signKoyweWebhook(tamper ? this.#wrongSecret : this.#secret, bytes),
      }),
      retryDelaysMs: KOYWE_RETRY_DELAYS_MS,
    });
  }
}
