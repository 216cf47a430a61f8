/**
 * @module
 * The emulated FuratPay's state: invoices, the pay requests made for them (a FIB QR or a hosted
 * page per service), their life cycle and the webhooks each change implies.
 *
 * Life cycle: an invoice is `pending` until a pay request settles it. "Scan and pay" on the FIB
 * phone page, or Pay on a service's hosted page, makes it `paid` — or `failed` when its total
 * ends in `.66` or is 666 (sandbox trigger). Fail makes it `failed`, Cancel `canceled`. A FIB QR
 * lives 15 minutes of provider time; when it lapses unpaid the invoice becomes `expired`.
 * Every change is announced by a webhook (`INVOICE_PAID` or `INVOICE_UPDATED`) whose signature
 * is made afresh for each delivery attempt, so late retries stay inside the ±300 s window.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { amountFromNumber, type Money } from '../../core/money.js';
import { randomId } from '../../core/ids.js';
import type { ControlOrder, OutcomeResult, ProviderContext } from '../../core/provider.js';
import type { Cancel } from '../../core/scheduler.js';
import { qrDataUrl } from './qr.js';
import { FURATPAY_RETRY_DELAYS_MS } from './retry-schedule.js';
import type { CreateInvoiceBody, PayInvoiceBody } from './schemas.js';
import { signFuratPayWebhook } from './signature.js';
import {
  FURATPAY_CURRENCIES,
  FURATPAY_INVOICE_STATUSES,
  FURATPAY_SERVICES,
  type FuratPayInvoice,
  type FuratPayInvoiceStatus,
  type FuratPayPayment,
} from './types.js';

/** How long a FIB QR code stays valid (provider time). */
export const FIB_QR_LIFETIME_MS = 15 * 60_000;

/** The buttons of the hosted pages (the FIB phone page has pay and fail only). */
export type PaymentAction = 'pay' | 'fail' | 'cancel';

/** An invoice plus what the emulator keeps beside it. */
export interface InvoiceRecord {
  invoice: FuratPayInvoice;
  money: Money;
  createdAt: string;
  payments: FuratPayPayment[];
}

/** Failure of a state change, mapped to an HTTP answer by the caller. */
export type StateError =
  | { error: 'not_found'; message: string }
  | { error: 'invalid'; message: string }
  | { error: 'conflict'; message: string };

/** Options of {@link FuratPayState}. */
export interface FuratPayStateOptions {
  ctx: ProviderContext;
  /** The key webhooks are signed with. */
  webhookSecret: string;
}

/** Alphabet of FIB's readable codes: no 0/O or 1/I to mistype. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Invoices and pay requests of the emulated FuratPay. */
export class FuratPayState {
  readonly #ctx: ProviderContext;
  readonly #secret: string;
  /** A key that is certainly not the real secret, for the `badSignature` fault. */
  readonly #wrongSecret = randomId(32);
  readonly #invoices = new Map<string, InvoiceRecord>();
  readonly #invoiceByCode = new Map<string, string>();
  readonly #payments = new Map<string, { payment: FuratPayPayment; record: InvoiceRecord }>();
  readonly #expiryTimers = new Map<string, Cancel>();

  constructor(options: FuratPayStateOptions) {
    this.#ctx = options.ctx;
    this.#secret = options.webhookSecret;
  }

  #now(): number {
    return this.#ctx.scheduler.now();
  }

  /** Creates a pending invoice, or reports a duplicate `code`. */
  createInvoice(body: CreateInvoiceBody): FuratPayInvoice | 'duplicate' {
    if (this.#invoiceByCode.has(body.code)) return 'duplicate';
    const at = new Date(this.#now()).toISOString();
    const currency = FURATPAY_CURRENCIES[body.currency_id] ?? 'IQD';
    const invoice: FuratPayInvoice = {
      id: randomUUID(),
      code: body.code,
      number: body.number,
      order_number: body.order_number,
      currency_id: body.currency_id,
      base_currency_id: body.base_currency_id ?? body.currency_id,
      rate: body.rate ?? 1,
      subtotal: body.subtotal ?? body.total,
      total: body.total,
      discount: body.discount ?? 0,
      status: 'pending',
      subject: body.subject ?? '',
      customer_id: body.customer_id,
      at: body.at ?? sqlDateTime(at),
      due_at: body.due_at ?? sqlDateTime(at),
      items: body.items ?? [],
      meta_data: body.meta_data ?? {},
      payment_service_id: null,
      created_at: at,
      updated_at: at,
    };
    const record: InvoiceRecord = {
      invoice,
      money: amountFromNumber(body.total, currency),
      createdAt: at,
      payments: [],
    };
    this.#invoices.set(invoice.id, record);
    this.#invoiceByCode.set(invoice.code, invoice.id);
    return structuredClone(invoice);
  }

  /** The invoice with this id, after applying a due QR expiry. */
  invoice(id: string): InvoiceRecord | undefined {
    const record = this.#invoices.get(id);
    if (record) this.#expireDue(record);
    return record;
  }

  /** The pay request with this id and its invoice, after applying a due QR expiry. */
  payment(id: string): { payment: FuratPayPayment; record: InvoiceRecord } | undefined {
    const found = this.#payments.get(id);
    if (found) this.#expireDue(found.record);
    return found;
  }

  /** The hosted page (or FIB phone page) of a pay request. */
  pageUrl(payment: FuratPayPayment): string {
    const base = `${this.#ctx.publicUrl()}/furatpay`;
    return payment.kind === 'fib' ? `${base}/fib/${payment.id}` : `${base}/pay/${payment.id}`;
  }

  /** Pays an invoice with one service: the service-specific answer, passed through as FuratPay does. */
  pay(body: PayInvoiceBody): { answer: Record<string, unknown> } | StateError {
    const service = FURATPAY_SERVICES.find((s) => s.id === body.payment_service_id);
    if (!service) {
      return {
        error: 'invalid',
        message: `Payment service ${body.payment_service_id} is not linked.`,
      };
    }
    if (service.status !== 'active') {
      return { error: 'invalid', message: `Payment service ${service.name} is not active.` };
    }
    const record = this.invoice(body.invoice_id);
    if (!record) return { error: 'not_found', message: 'Invoice not found.' };
    if (record.invoice.status !== 'pending') {
      return {
        error: 'conflict',
        message: `The invoice is ${record.invoice.status} and cannot be paid.`,
      };
    }
    const payment: FuratPayPayment = {
      id: randomId(),
      invoiceId: record.invoice.id,
      serviceId: service.id,
      kind: service.kind,
      status: 'pending',
      ...(body.redirect_url ? { returnUrl: body.redirect_url } : {}),
    };
    record.payments.push(payment);
    this.#payments.set(payment.id, { payment, record });
    return { answer: this.#answer(payment, record) };
  }

  /** The service-specific answer to a pay request (shapes as the official plugin reads them). */
  #answer(payment: FuratPayPayment, record: InvoiceRecord): Record<string, unknown> {
    const page = this.pageUrl(payment);
    switch (payment.kind) {
      case 'fib': {
        payment.readableCode = readableCode();
        payment.validUntil = new Date(
          this.#now() + this.#ctx.scheduler.scaled(FIB_QR_LIFETIME_MS),
        ).toISOString();
        this.#expiryTimers.set(
          payment.id,
          this.#ctx.scheduler.after(FIB_QR_LIFETIME_MS, () => this.#expireDue(record, payment.id)),
        );
        return {
          qrCode: qrDataUrl(page),
          readableCode: payment.readableCode,
          personalAppLink: `${page}?app=personal`,
          businessAppLink: `${page}?app=business`,
          corporateAppLink: `${page}?app=corporate`,
          validUntil: payment.validUntil,
        };
      }
      case 'fastpay':
        return { data: { redirect_uri: page, qrUrl: qrDataUrl(page), qrText: page } };
      case 'qicard':
        return { formUrl: page };
      case 'paytabs':
        return {
          redirect_url: page,
          tran_ref: payment.id,
          cart_id: record.invoice.code,
          cart_amount: record.invoice.total,
          cart_currency: record.money.currency,
        };
      case 'redirect':
        return { data: { redirect_uri: page } };
    }
  }

  /** Applies a hosted-page (or phone-page) button to a pay request. */
  act(
    paymentId: string,
    action: PaymentAction,
  ): { payment: FuratPayPayment; record: InvoiceRecord } | StateError {
    const found = this.payment(paymentId);
    if (!found) return { error: 'not_found', message: 'This payment link is not valid.' };
    const { payment, record } = found;
    if (payment.status !== 'pending' || record.invoice.status !== 'pending') {
      return { error: 'conflict', message: `This payment is ${payment.status}.` };
    }
    if (action === 'pay') {
      const declined = failsInSandbox(record.invoice.total);
      payment.status = declined ? 'failed' : 'paid';
      if (!declined) record.invoice.payment_service_id = payment.serviceId;
      this.#setInvoiceStatus(record, declined ? 'failed' : 'paid');
    } else {
      payment.status = action === 'fail' ? 'failed' : 'canceled';
      this.#setInvoiceStatus(record, action === 'fail' ? 'failed' : 'canceled');
    }
    return found;
  }

  /** The control API's outcome: any invoice status, by invoice id or pay-request id. */
  outcome(id: string, status: string): OutcomeResult {
    const record = this.invoice(id) ?? this.payment(id)?.record;
    if (!record) {
      return { ok: false, error: 'not_found', message: `No FuratPay invoice or payment "${id}".` };
    }
    if (!isInvoiceStatus(status)) {
      return {
        ok: false,
        error: 'invalid_status',
        message: `"${status}" is not a FuratPay invoice status.`,
      };
    }
    for (const payment of record.payments) {
      if (payment.status !== 'pending') continue;
      if (status === 'paid' || status === 'completed') payment.status = 'paid';
      else if (status !== 'pending') payment.status = status === 'canceled' ? 'canceled' : status;
    }
    this.#setInvoiceStatus(record, status);
    return { ok: true, order: this.#controlOrder(record) };
  }

  /** Every invoice as a control-API order, oldest first. */
  controlOrders(): ControlOrder[] {
    return [...this.#invoices.values()].map((record) => {
      this.#expireDue(record);
      return this.#controlOrder(record);
    });
  }

  /**
   * Expires lapsed FIB QR codes; an invoice whose only hope was such a code expires with it.
   * `dueId` names the payment whose expiry timer fired: the timer decides for it, since the
   * wall clock may still read a millisecond short of `validUntil` when a timer fires.
   */
  #expireDue(record: InvoiceRecord, dueId?: string): void {
    const now = this.#now();
    let lapsed = false;
    for (const payment of record.payments) {
      if (payment.status !== 'pending' || !payment.validUntil) continue;
      if (payment.id === dueId || now >= Date.parse(payment.validUntil)) {
        payment.status = 'expired';
        this.#expiryTimers.get(payment.id)?.();
        this.#expiryTimers.delete(payment.id);
        lapsed = true;
      }
    }
    const open = record.payments.some((p) => p.status === 'pending');
    if (lapsed && !open && record.invoice.status === 'pending') {
      this.#setInvoiceStatus(record, 'expired');
    }
  }

  #setInvoiceStatus(record: InvoiceRecord, status: FuratPayInvoiceStatus): void {
    if (record.invoice.status === status) return;
    record.invoice.status = status;
    record.invoice.updated_at = new Date(this.#now()).toISOString();
    if (status !== 'pending') {
      for (const payment of record.payments) {
        this.#expiryTimers.get(payment.id)?.();
        this.#expiryTimers.delete(payment.id);
      }
    }
    this.#emit(
      status === 'paid' || status === 'completed' ? 'INVOICE_PAID' : 'INVOICE_UPDATED',
      record,
    );
  }

  #controlOrder(record: InvoiceRecord): ControlOrder {
    const latest = record.payments.at(-1);
    const fib = record.payments.filter((p) => p.kind === 'fib').at(-1);
    return {
      provider: 'furatpay',
      id: record.invoice.id,
      reference: record.invoice.order_number,
      amount: { ...record.money },
      status: record.invoice.status,
      webhookUrl: this.#ctx.webhookUrl(),
      createdAt: record.createdAt,
      ...(latest ? { payUrl: this.pageUrl(latest) } : {}),
      ...(fib ? { phoneUrl: this.pageUrl(fib) } : {}),
    };
  }

  /** Sends one FuratPay webhook; the invoice is copied so later changes do not leak into it. */
  #emit(type: 'INVOICE_PAID' | 'INVOICE_UPDATED', record: InvoiceRecord): void {
    const data = structuredClone(record.invoice);
    const body = JSON.stringify({ type, data });
    this.#ctx.webhooks.send({
      provider: 'furatpay',
      eventId: randomId(),
      type,
      orderKey: data.id,
      url: this.#ctx.webhookUrl(),
      body,
      headers: (_bytes, tamper) =>
        furatPayWebhookHeaders(this.#ctx.scheduler.now(), (timestamp) =>
          signFuratPayWebhook(tamper ? this.#wrongSecret : this.#secret, data, timestamp),
        ),
      retryDelaysMs: FURATPAY_RETRY_DELAYS_MS,
    });
  }
}

/**
 * The headers of one delivery attempt at `nowMs`: `X-Timestamp` in Unix seconds and the
 * signature over it. FuratPay's receivers accept a timestamp for ±300 s only; the dispatcher
 * asks for headers on every attempt, so each retry carries a fresh one.
 */
export function furatPayWebhookHeaders(
  nowMs: number,
  sign: (timestamp: string) => string,
): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    'Content-Type': 'application/json',
    'X-Timestamp': timestamp,
    'X-Signature': sign(timestamp),
  };
}

/** Sandbox trigger: an invoice total ending in `.66`, or exactly 666, is declined. */
export function failsInSandbox(total: number): boolean {
  return total === 666 || /\.66$/.test(String(total));
}

/** True when `status` is one of the emulated invoice statuses. */
export function isInvoiceStatus(status: string): status is FuratPayInvoiceStatus {
  return (FURATPAY_INVOICE_STATUSES as readonly string[]).includes(status);
}

/** `XXXX-XXXX-XXXX` from an alphabet without look-alike characters. */
function readableCode(): string {
  const bytes = randomBytes(12);
  const chars = [...bytes].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length] ?? 'X');
  return [0, 4, 8].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, FuratPay's date format. */
function sqlDateTime(iso: string): string {
  return iso.slice(0, 19).replace('T', ' ');
}
