/**
 * @module
 * The emulated Ivy's state: checkout sessions, orders, their life cycle and the webhooks each
 * change implies.
 *
 * Life cycle: a session is `open` until the customer acts on the hosted page (→ `closed`, with
 * an order), it is expired via the API or the control API, or its `expiresAt` passes
 * (→ `expired`, checked lazily on every access and by a timer scaled by the time scale).
 * Pay creates the order `processing`; the simulated bank step then makes it `paid` — or `failed`
 * when the session's `referenceId` ends in `-fail` (sandbox trigger).
 *
 * Mandates ("Ivy on File"): a session with `mandate.setup` starts one on Pay
 * (`mandate_setup_started`); at the bank step it becomes `active` (`mandate_setup_succeeded`) —
 * or fails (`mandate_setup_failed`) when the mandate `referenceId` ends in `-fail-setup`, while
 * the payment itself still follows its own path. `charge/create` on an active mandate creates an
 * order `processing` (`order_created`); after the SEPA step it is `paid`, or `failed` when the
 * charge `referenceId` ends in `-fail`; one ending in `-dispute` is then `disputed` and revokes
 * the mandate (`mandate_revoked`). SEPA takes days; the emulator compresses that to multiples of
 * the bank step, and the time scale applies on top.
 */
import { randomUUID } from 'node:crypto';
import { amountFromNumber, type Money } from '../../core/money.js';
import { randomId } from '../../core/ids.js';
import type { ControlOrder, OutcomeResult, ProviderContext } from '../../core/provider.js';
import type { Cancel } from '../../core/scheduler.js';
import { IVY_RETRY_DELAYS_MS } from './retry-schedule.js';
import type { CreateSessionBody } from './schemas.js';
import { signIvyWebhook } from './signature.js';
import type { CreateChargeBody, CreateSubaccountBody } from './schemas.js';
import {
  IVY_ORDER_STATUSES,
  type IvyCharge,
  type IvyCheckoutSession,
  type IvyMandate,
  type IvyOrder,
  type IvyOrderStatus,
  type IvySubaccount,
} from './types.js';

/** Provider time from a charge to its SEPA settlement, in bank steps. */
const CHARGE_SETTLE_STEPS = 2;
/** Provider time from settlement to the dispute of a `-dispute` charge, in bank steps. */
const DISPUTE_STEPS = 2;

/** Why a charge was refused. */
export type ChargeError =
  | { error: 'mandate_not_found' }
  | { error: 'subaccount_not_found' }
  | { error: 'mandate_inactive'; status: string }
  | { error: 'duplicate_reference' };

/** Default session lifetime: one hour. */
const DEFAULT_LIFETIME_S = 3600;

/** The hosted-page buttons. */
export type CheckoutAction = 'pay' | 'fail' | 'cancel';

/** A session plus what the emulator keeps beside it. */
export interface SessionRecord {
  session: IvyCheckoutSession;
  money: Money;
  createdAt: string;
  cancelExpiry?: Cancel;
}

/** Failure of a state change, mapped to an HTTP answer by the caller. */
export type StateError = { error: 'not_found' } | { error: 'conflict'; message: string };

/** Options of {@link IvyState}. */
export interface IvyStateOptions {
  ctx: ProviderContext;
  /** The secret webhooks are signed with. */
  webhookSecret: string;
}

/** Sessions and orders of the emulated Ivy. */
export class IvyState {
  readonly #ctx: ProviderContext;
  readonly #secret: string;
  /** A key that is certainly not the real secret, for the `badSignature` fault. */
  readonly #wrongSecret = randomId(32);
  readonly #sessions = new Map<string, SessionRecord>();
  readonly #sessionByReference = new Map<string, string>();
  readonly #orders = new Map<string, IvyOrder>();
  readonly #mandates = new Map<string, IvyMandate>();
  readonly #mandateByReference = new Map<string, string>();
  /** Charge orders by their `referenceId`. */
  readonly #chargeOrderByReference = new Map<string, string>();
  readonly #charges: IvyCharge[] = [];
  readonly #subaccounts = new Map<string, IvySubaccount>();
  /** The emulated merchant's id, the `ownerId` of its subaccounts. */
  readonly #merchantId = randomId();

  constructor(options: IvyStateOptions) {
    this.#ctx = options.ctx;
    this.#secret = options.webhookSecret;
  }

  #now(): number {
    return this.#ctx.scheduler.now();
  }

  /** Creates an open checkout session, or reports a duplicate `referenceId`. */
  create(body: CreateSessionBody): IvyCheckoutSession | 'duplicate' {
    if (this.#sessionByReference.has(body.referenceId)) return 'duplicate';
    const nowMs = this.#now();
    const created = Math.floor(nowMs / 1000);
    const id = randomId();
    const currency = body.price.currency;
    const session: IvyCheckoutSession = {
      id,
      referenceId: body.referenceId,
      displayId: body.displayId ?? body.referenceId,
      status: 'open',
      price: { total: body.price.total, currency },
      expiresAt: body.expiresAt ?? created + DEFAULT_LIFETIME_S,
      redirectUrl: `${this.#ctx.publicUrl()}/ivy/checkout?session=${id}`,
      successCallbackUrl: body.successCallbackUrl,
      errorCallbackUrl: body.errorCallbackUrl,
      created,
      paymentMode: 'settlement',
      merchant: { name: this.#ctx.merchantName },
      lineItems: Array.isArray(body['lineItems']) ? (body['lineItems'] as unknown[]) : [],
      ...(body.locale ? { locale: body.locale } : {}),
      ...(body.metadata ? { metadata: body.metadata } : {}),
      ...(body.mandate ? { mandate: { ...body.mandate } } : {}),
    };
    const record: SessionRecord = {
      session,
      money: amountFromNumber(body.price.total, currency),
      createdAt: new Date(nowMs).toISOString(),
    };
    // The timer stands for provider time passing; lazy checks on access cover injected clocks.
    record.cancelExpiry = this.#ctx.scheduler.after(session.expiresAt * 1000 - nowMs, () =>
      this.#expire(record),
    );
    this.#sessions.set(id, record);
    this.#sessionByReference.set(body.referenceId, id);
    return { ...session };
  }

  /** The session with this id, after applying a due expiry. */
  session(id: string): SessionRecord | undefined {
    const record = this.#sessions.get(id);
    if (record) this.#expireIfDue(record);
    return record;
  }

  /** The order with this Ivy order id. */
  order(id: string): IvyOrder | undefined {
    return this.#orders.get(id);
  }

  /** The order created for the checkout session (or the charge) with this `referenceId`. */
  orderByReference(referenceId: string): IvyOrder | undefined {
    const chargeOrderId = this.#chargeOrderByReference.get(referenceId);
    if (chargeOrderId) return this.#orders.get(chargeOrderId);
    const sessionId = this.#sessionByReference.get(referenceId);
    const orderId = sessionId ? this.#sessions.get(sessionId)?.session.orderId : undefined;
    return orderId ? this.#orders.get(orderId) : undefined;
  }

  /** Expires an open session (API `session/expire`); expiring an expired one changes nothing. */
  expire(id: string): IvyCheckoutSession | StateError {
    const record = this.session(id);
    if (!record) return { error: 'not_found' };
    if (record.session.status === 'closed') {
      return { error: 'conflict', message: 'The checkout session is closed and cannot expire.' };
    }
    this.#expire(record);
    return { ...record.session };
  }

  /** Applies a hosted-page button. */
  checkout(
    id: string,
    action: CheckoutAction,
  ): { record: SessionRecord; order: IvyOrder } | StateError {
    const record = this.session(id);
    if (!record) return { error: 'not_found' };
    if (record.session.status !== 'open') {
      return { error: 'conflict', message: `The checkout session is ${record.session.status}.` };
    }
    const status: IvyOrderStatus =
      action === 'pay' ? 'processing' : action === 'fail' ? 'failed' : 'canceled';
    const order = this.#openOrder(record, status);
    if (action === 'pay') {
      this.#ctx.scheduler.after(this.#ctx.settleDelayMs, () => this.#settle(order, record));
      this.#startMandate(record);
    }
    return { record, order };
  }

  /** The mandate with this Ivy id. */
  mandate(id: string): IvyMandate | undefined {
    return this.#mandates.get(id);
  }

  /** The mandate set up under this merchant `referenceId` (the latest, after retries). */
  mandateByReference(referenceId: string): IvyMandate | undefined {
    const id = this.#mandateByReference.get(referenceId);
    return id ? this.#mandates.get(id) : undefined;
  }

  /** Revokes a mandate (API `mandate/revoke`); revoking a revoked one changes nothing. */
  revokeMandate(id: string): IvyMandate | undefined {
    const mandate = this.#mandates.get(id);
    if (!mandate) return undefined;
    this.#revoke(mandate);
    return { ...mandate };
  }

  /** Every charge so far, oldest first. */
  charges(): IvyCharge[] {
    return this.#charges.map((charge) => ({ ...charge }));
  }

  /** Creates a subaccount of the merchant, `active` at once (Ivy's partners enable it). */
  createSubaccount(body: CreateSubaccountBody): IvySubaccount {
    const at = new Date(this.#now()).toISOString();
    const subaccount: IvySubaccount = {
      id: randomUUID(),
      legalName: body.legalName,
      ownerId: this.#merchantId,
      mcc: body.mcc,
      status: 'active',
      updatedAt: at,
      createdAt: at,
    };
    this.#subaccounts.set(subaccount.id, subaccount);
    return { ...subaccount };
  }

  /** Charges an active mandate: an order `processing` now, settled after the SEPA step. */
  charge(body: CreateChargeBody): IvyCharge | ChargeError {
    const mandate = this.#mandates.get(body.mandateId);
    if (!mandate) return { error: 'mandate_not_found' };
    if (body.subaccountId !== undefined && !this.#subaccounts.has(body.subaccountId)) {
      return { error: 'subaccount_not_found' };
    }
    if (mandate.status !== 'active') return { error: 'mandate_inactive', status: mandate.status };
    if (
      this.#chargeOrderByReference.has(body.referenceId) ||
      this.#sessionByReference.has(body.referenceId)
    ) {
      return { error: 'duplicate_reference' };
    }
    const at = new Date(this.#now()).toISOString();
    const order: IvyOrder = {
      id: randomId(),
      referenceId: body.referenceId,
      displayId: body.referenceId,
      price: { total: body.price.total, currency: body.price.currency },
      status: 'processing',
      shopName: this.#ctx.merchantName,
      createdAt: at,
      updatedAt: at,
      paymentMode: 'settlement',
      mandateId: mandate.id,
      ...(body.subaccountId !== undefined ? { subaccountId: body.subaccountId } : {}),
      statusHistoryList: [{ status: 'processing', createdAt: at }],
    };
    this.#orders.set(order.id, order);
    this.#chargeOrderByReference.set(order.referenceId, order.id);
    const charge: IvyCharge = {
      id: randomId(),
      mandateId: mandate.id,
      orderId: order.id,
      ...(body.subaccountId !== undefined ? { subaccountId: body.subaccountId } : {}),
      referenceId: order.referenceId,
      price: { ...order.price },
      createdAt: at,
    };
    this.#charges.push(charge);
    this.#emit('order_created', order, order.id);
    const step = this.#ctx.settleDelayMs;
    this.#ctx.scheduler.after(step * CHARGE_SETTLE_STEPS, () => {
      if (order.status !== 'processing') return;
      const fails = order.referenceId.endsWith('-fail');
      this.#setOrderStatus(order, fails ? 'failed' : 'paid');
      if (fails || !order.referenceId.endsWith('-dispute')) return;
      this.#ctx.scheduler.after(step * DISPUTE_STEPS, () => {
        if (order.status !== 'paid') return;
        this.#setOrderStatus(order, 'disputed');
        this.#revoke(mandate);
      });
    });
    return { ...charge };
  }

  /** Pay on a session that sets up a mandate: the mandate starts now, settles at the bank step. */
  #startMandate(record: SessionRecord): void {
    const request = record.session.mandate as
      | {
          setup?: boolean;
          referenceId?: string;
          userNotificationEmail?: string;
          accountHolderName?: string;
        }
      | undefined;
    // The create schema makes both required whenever `setup` is true.
    if (!request?.setup || !request.referenceId || !request.userNotificationEmail) return;
    const at = new Date(this.#now()).toISOString();
    const mandate: IvyMandate = {
      id: randomId(),
      referenceId: request.referenceId,
      status: 'pending',
      reference: `IVY-${randomId(6).toUpperCase()}`,
      userNotificationEmail: request.userNotificationEmail,
      creditor: {
        id: 'DE98ZZZ09999999999',
        name: this.#ctx.merchantName,
        address: { street: 'Musterstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
      },
      debtor: {
        account: {
          iban: 'DE89370400440532013000',
          accountHolderName: request.accountHolderName ?? 'Erika Mustermann',
          bic: 'COBADEFFXXX',
        },
      },
      signature: { ip: '127.0.0.1', token: randomId(16), signedAt: at },
      checkoutSessionId: record.session.id,
      createdAt: at,
      updatedAt: at,
    };
    this.#mandates.set(mandate.id, mandate);
    this.#mandateByReference.set(mandate.referenceId, mandate.id);
    this.#emit(
      'mandate_setup_started',
      this.#startedPayload(mandate, record.session.referenceId),
      mandate.id,
    );
    this.#ctx.scheduler.after(this.#ctx.settleDelayMs, () => {
      if (mandate.status !== 'pending') return;
      mandate.updatedAt = new Date(this.#now()).toISOString();
      if (mandate.referenceId.endsWith('-fail-setup')) {
        mandate.status = 'inactive';
        this.#emit(
          'mandate_setup_failed',
          {
            error: { code: 'MANDATE_SETUP_FAILED', message: 'The bank declined the mandate.' },
            referenceId: mandate.referenceId,
          },
          mandate.id,
        );
        return;
      }
      mandate.status = 'active';
      this.#emit('mandate_setup_succeeded', this.#succeededPayload(mandate), mandate.id);
    });
  }

  #revoke(mandate: IvyMandate): void {
    if (mandate.status === 'inactive' && mandate.revokedAt) return;
    const at = new Date(this.#now()).toISOString();
    mandate.status = 'inactive';
    mandate.revokedAt = at;
    mandate.updatedAt = at;
    this.#emit(
      'mandate_revoked',
      { id: mandate.id, referenceId: mandate.referenceId, revokedAt: at },
      mandate.id,
    );
  }

  /**
   * `mandate_setup_started` as Ivy on File documents it: no mandate id or debtor account yet,
   * and `reference` is the checkout session's `referenceId` (not the bank-statement reference).
   */
  #startedPayload(mandate: IvyMandate, checkoutReferenceId: string): Record<string, unknown> {
    return {
      referenceId: mandate.referenceId,
      reference: checkoutReferenceId,
      signature: { ...mandate.signature },
      userNotificationEmail: mandate.userNotificationEmail,
      creditor: { ...mandate.creditor, address: { ...mandate.creditor.address } },
    };
  }

  /** `mandate_setup_succeeded` as documented: the id to charge and the bank-statement reference. */
  #succeededPayload(mandate: IvyMandate): Record<string, unknown> {
    return {
      id: mandate.id,
      referenceId: mandate.referenceId,
      reference: mandate.reference,
      signature: { ...mandate.signature },
      creditor: { ...mandate.creditor, address: { ...mandate.creditor.address } },
      debtor: { account: { ...mandate.debtor.account } },
    };
  }

  /** The control API's outcome: any Ivy order status, or `expired` for the session. */
  outcome(id: string, status: string): OutcomeResult {
    const chargeOrder = this.#orders.get(id);
    if (chargeOrder?.mandateId !== undefined) {
      if (!isIvyOrderStatus(status)) {
        return {
          ok: false,
          error: 'invalid_status',
          message: `"${status}" is not an Ivy order status.`,
        };
      }
      this.#setOrderStatus(chargeOrder, status);
      return { ok: true, order: this.#controlChargeOrder(chargeOrder) };
    }
    const record = this.session(id) ?? this.#sessionOfOrder(id);
    if (!record) {
      return {
        ok: false,
        error: 'not_found',
        message: `No Ivy checkout session or order "${id}".`,
      };
    }
    if (status === 'expired') {
      if (record.session.status === 'closed') {
        return {
          ok: false,
          error: 'conflict',
          message: 'The checkout session is closed (it has an order) and cannot expire.',
        };
      }
      this.#expire(record);
      return { ok: true, order: this.#controlOrder(record) };
    }
    if (!isIvyOrderStatus(status)) {
      return {
        ok: false,
        error: 'invalid_status',
        message: `"${status}" is not an Ivy order status (or "expired").`,
      };
    }
    const orderId = record.session.orderId;
    const existing = orderId ? this.#orders.get(orderId) : undefined;
    if (existing) {
      this.#setOrderStatus(existing, status);
    } else if (record.session.status === 'expired') {
      return { ok: false, error: 'conflict', message: 'The checkout session has expired.' };
    } else {
      this.#openOrder(record, status);
    }
    return { ok: true, order: this.#controlOrder(record) };
  }

  /** Every session as a control-API order, oldest first. */
  controlOrders(): ControlOrder[] {
    const sessions = [...this.#sessions.values()].map((record) => {
      this.#expireIfDue(record);
      return this.#controlOrder(record);
    });
    const charges = [...this.#chargeOrderByReference.values()].flatMap((id) => {
      const order = this.#orders.get(id);
      return order ? [this.#controlChargeOrder(order)] : [];
    });
    return [...sessions, ...charges];
  }

  #sessionOfOrder(orderId: string): SessionRecord | undefined {
    const order = this.#orders.get(orderId);
    return order?.checkoutSessionId ? this.session(order.checkoutSessionId) : undefined;
  }

  #controlChargeOrder(order: IvyOrder): ControlOrder {
    return {
      provider: 'ivy',
      id: order.id,
      reference: order.referenceId,
      amount: amountFromNumber(order.price.total, order.price.currency),
      status: order.status,
      webhookUrl: this.#ctx.webhookUrl(),
      createdAt: order.createdAt,
      orderId: order.id,
    };
  }

  /** Creates the session's order, closes the session and sends the implied webhooks. */
  #openOrder(record: SessionRecord, status: IvyOrderStatus): IvyOrder {
    const at = new Date(this.#now()).toISOString();
    const order: IvyOrder = {
      id: randomId(),
      referenceId: record.session.referenceId,
      displayId: record.session.displayId,
      price: { ...record.session.price },
      status,
      shopName: this.#ctx.merchantName,
      createdAt: at,
      updatedAt: at,
      paymentMode: 'settlement',
      checkoutSessionId: record.session.id,
      statusHistoryList: [{ status, createdAt: at }],
    };
    this.#orders.set(order.id, order);
    record.session.status = 'closed';
    record.session.orderId = order.id;
    record.cancelExpiry?.();
    this.#emit('order_created', order, record.session.id);
    // A failed or cancelled attempt does not complete the checkout; anything else does.
    if (!['failed', 'canceled', 'refused'].includes(status)) {
      this.#emit('checkout_session_completed', record.session, record.session.id);
    }
    return order;
  }

  #setOrderStatus(order: IvyOrder, status: IvyOrderStatus): void {
    if (order.status === status) return;
    const at = new Date(this.#now()).toISOString();
    order.status = status;
    order.updatedAt = at;
    order.statusHistoryList.push({ status, createdAt: at });
    this.#emit('order_updated', order, order.checkoutSessionId ?? order.id);
  }

  /** The simulated bank step after Pay. */
  #settle(order: IvyOrder, record: SessionRecord): void {
    // The control API may have settled the order meanwhile; the bank step then has nothing to do.
    if (order.status !== 'processing') return;
    this.#setOrderStatus(order, record.session.referenceId.endsWith('-fail') ? 'failed' : 'paid');
  }

  #expireIfDue(record: SessionRecord): void {
    if (record.session.status === 'open' && this.#now() >= record.session.expiresAt * 1000) {
      this.#expire(record);
    }
  }

  #expire(record: SessionRecord): void {
    if (record.session.status !== 'open') return;
    record.session.status = 'expired';
    record.cancelExpiry?.();
    this.#emit('checkout_session_expired', record.session, record.session.id);
  }

  #controlOrder(record: SessionRecord): ControlOrder {
    const orderId = record.session.orderId;
    const order = orderId ? this.#orders.get(orderId) : undefined;
    return {
      provider: 'ivy',
      id: record.session.id,
      reference: record.session.referenceId,
      amount: { ...record.money },
      status: order?.status ?? record.session.status,
      webhookUrl: this.#ctx.webhookUrl(),
      createdAt: record.createdAt,
      ...(order ? { orderId: order.id } : {}),
    };
  }

  /** Sends one Ivy webhook; the payload is copied so later changes do not leak into it. */
  #emit(
    type: string,
    payload: IvyOrder | IvyCheckoutSession | Record<string, unknown>,
    orderKey: string,
  ): void {
    const event = {
      id: randomId(),
      type,
      payload: structuredClone(payload),
      date: new Date(this.#now()).toISOString(),
    };
    const body = JSON.stringify(event);
    this.#ctx.webhooks.send({
      provider: 'ivy',
      eventId: event.id,
      type,
      orderKey,
      url: this.#ctx.webhookUrl(),
      body,
      headers: (bytes, tamper) => ({
        'Content-Type': 'application/json',
        'X-Ivy-Signature': signIvyWebhook(tamper ? this.#wrongSecret : this.#secret, bytes),
      }),
      retryDelaysMs: IVY_RETRY_DELAYS_MS,
      // Ivy counts only HTTP 200 as delivered.
      isSuccess: (status) => status === 200,
    });
  }
}

/** True when `status` is one of Ivy's order statuses. */
export function isIvyOrderStatus(status: string): status is IvyOrderStatus {
  return (IVY_ORDER_STATUSES as readonly string[]).includes(status);
}
