/**
 * @module
 * The emulated IXOPAY's state: debits, their life cycle, and the signed callbacks each change
 * implies.
 *
 * Sandbox behaviour (our convention; IXOPAY documents no universal test amounts):
 * - amount `4.04` → `success: false`, error 1002, no transaction (no callback);
 * - amount `6.66` → `returnType: ERROR`, error 2003 (declined), then an `ERROR` callback;
 * - description containing `finished` → `returnType: FINISHED`, then an `OK` callback;
 * - description containing `pending` → `returnType: PENDING`; after the settle delay an `OK`
 *   callback (PENDING callbacks are off, as by default on a connector);
 * - description containing `html` → `returnType: HTML` with `htmlContent`;
 * - otherwise `returnType: REDIRECT` to the hosted page, whose buttons end in `OK` (Pay),
 *   `ERROR` 2003 (Fail) or `ERROR` 2002 user cancelled (Cancel).
 * A `merchantTransactionId` that already has a transaction is refused with error 3004.
 */
import { AmountError, amountFromDecimal } from '../../core/money.js';
import { randomId } from '../../core/ids.js';
import type { ControlOrder, OutcomeResult, ProviderContext } from '../../core/provider.js';
import { IXOPAY_ERROR_CODES, ixopayErrorEntry } from './errors.js';
import { IXOPAY_RETRY_DELAYS_MS } from './retry-schedule.js';
import type { DebitBody } from './schemas.js';
import { signIxopay } from './signature.js';
import {
  ixopayReturnData,
  IXOPAY_TRANSACTION_STATUSES,
  type IxopayCallbackResult,
  type IxopayError,
  type IxopayReturnType,
  type IxopayTransaction,
  type IxopayTransactionStatus,
} from './types.js';

/** The hosted-page buttons. */
export type RedirectAction = 'pay' | 'fail' | 'cancel';

/** The JSON answer of a transaction request. */
export type DebitAnswer = Record<string, unknown>;

/** Content type of every callback (the one IXOPAY's own client uses). */
export const CALLBACK_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Options of {@link IxopayState}. */
export interface IxopayStateOptions {
  ctx: ProviderContext;
  /** The connector's shared secret: callbacks are signed with it. */
  sharedSecret: string;
  /** Give every retry of a callback the time it is sent as its `Date` (default: the first's). */
  redateRetries?: boolean;
}

const DECLINED = (): IxopayError =>
  ixopayErrorEntry(IXOPAY_ERROR_CODES.declined, 'Transaction declined', {
    message: 'Do not honor',
    code: '05',
  });
const USER_CANCELLED = (): IxopayError =>
  ixopayErrorEntry(IXOPAY_ERROR_CODES.userCancelled, 'User cancelled the payment', {
    message: 'Cancelled by customer',
    code: 'cancelled',
  });

/** Debits of the emulated IXOPAY connector. */
export class IxopayState {
  readonly #ctx: ProviderContext;
  readonly #secret: string;
  readonly #redateRetries: boolean;
  /** A key that is certainly not the shared secret, for the `badSignature` fault. */
  readonly #wrongSecret = randomId(32);
  readonly #transactions = new Map<string, IxopayTransaction>();
  readonly #byMerchantId = new Map<string, string>();

  constructor(options: IxopayStateOptions) {
    this.#ctx = options.ctx;
    this.#secret = options.sharedSecret;
    this.#redateRetries = options.redateRetries === true;
  }

  /** Handles a validated debit request; the answer is IXOPAY's JSON. */
  debit(body: DebitBody): DebitAnswer {
    if (this.#byMerchantId.has(body.merchantTransactionId)) {
      return failure(IXOPAY_ERROR_CODES.duplicateTransactionId, 'Duplicate transaction ID');
    }
    let money;
    try {
      money = amountFromDecimal(body.amount, body.currency);
    } catch (error) {
      const reason = error instanceof AmountError ? error.message : 'invalid amount';
      return failure(IXOPAY_ERROR_CODES.invalidRequestData, `Invalid request data: ${reason}`);
    }
    if (money.value <= 0) {
      return failure(IXOPAY_ERROR_CODES.invalidRequestData, 'Invalid request data: amount');
    }
    if (body.amount === '4.04') {
      return failure(
        IXOPAY_ERROR_CODES.invalidRequestData,
        'Invalid request data: the test connector refuses amount 4.04',
      );
    }
    const nowMs = this.#ctx.scheduler.now();
    const uuid = randomId(10);
    const day = new Date(nowMs).toISOString().slice(0, 10).replaceAll('-', '');
    const tx: IxopayTransaction = {
      uuid,
      merchantTransactionId: body.merchantTransactionId,
      purchaseId: `${day}-${uuid}`,
      amount: body.amount,
      currency: body.currency,
      money,
      callbackUrl: body.callbackUrl ?? this.#ctx.webhookUrl(),
      redirectToken: randomId(16),
      status: 'REDIRECT',
      createdAt: new Date(nowMs).toISOString(),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.successUrl ? { successUrl: body.successUrl } : {}),
      ...(body.cancelUrl ? { cancelUrl: body.cancelUrl } : {}),
      ...(body.errorUrl ? { errorUrl: body.errorUrl } : {}),
      ...(body.extraData ? { extraData: { ...body.extraData } } : {}),
      ...(body.merchantMetaData !== undefined ? { merchantMetaData: body.merchantMetaData } : {}),
    };
    this.#transactions.set(uuid, tx);
    this.#byMerchantId.set(tx.merchantTransactionId, uuid);

    const description = (body.description ?? '').toLowerCase();
    const base = {
      success: true,
      uuid,
      purchaseId: tx.purchaseId,
      paymentMethod: 'Creditcard',
    };
    let returnType: IxopayReturnType;
    if (body.amount === '6.66') {
      returnType = 'ERROR';
      this.#finish(tx, 'ERROR', DECLINED());
      return { ...base, returnType, errors: [tx.error] };
    }
    if (description.includes('finished')) {
      returnType = 'FINISHED';
      this.#finish(tx, 'SUCCESS');
      return { ...base, returnType, returnData: ixopayReturnData() };
    }
    if (description.includes('pending')) {
      tx.status = 'PENDING';
      this.#ctx.scheduler.after(this.#ctx.settleDelayMs, () => {
        if (tx.status === 'PENDING') this.#finish(tx, 'SUCCESS');
      });
      return { ...base, returnType: 'PENDING' };
    }
    if (description.includes('html')) {
      return {
        ...base,
        returnType: 'HTML',
        htmlContent: `<form method="post" action="${this.redirectUrl(tx)}/pay"><button>Continue</button></form>`,
      };
    }
    return {
      ...base,
      returnType: 'REDIRECT',
      redirectUrl: this.redirectUrl(tx),
      redirectType: 'fullpage',
    };
  }

  /** Where the customer is sent for a REDIRECT transaction. */
  redirectUrl(tx: IxopayTransaction): string {
    return `${this.#ctx.publicUrl()}/ixopay/redirect/${tx.uuid}/${tx.redirectToken}`;
  }

  /** The transaction with this uuid. */
  byUuid(uuid: string): IxopayTransaction | undefined {
    return this.#transactions.get(uuid);
  }

  /** The transaction with this `merchantTransactionId`. */
  byMerchantTransactionId(id: string): IxopayTransaction | undefined {
    const uuid = this.#byMerchantId.get(id);
    return uuid ? this.#transactions.get(uuid) : undefined;
  }

  /** The Status API's answer for a transaction. */
  statusOf(tx: IxopayTransaction): Record<string, unknown> {
    return {
      success: true,
      transactionStatus: tx.status,
      uuid: tx.uuid,
      merchantTransactionId: tx.merchantTransactionId,
      purchaseId: tx.purchaseId,
      transactionType: 'DEBIT',
      paymentMethod: 'Creditcard',
      amount: tx.amount,
      currency: tx.currency,
      ...(tx.error ? { errors: [tx.error] } : {}),
      ...(tx.status === 'SUCCESS' ? { returnData: ixopayReturnData() } : {}),
      ...(tx.extraData ? { extraData: { ...tx.extraData } } : {}),
      ...(tx.merchantMetaData !== undefined ? { merchantMetaData: tx.merchantMetaData } : {}),
    };
  }

  /** Applies a hosted-page button; null when the link is not valid. */
  redirectAction(
    uuid: string,
    token: string,
    action: RedirectAction,
  ): { tx: IxopayTransaction; applied: boolean } | null {
    const tx = this.#withToken(uuid, token);
    if (!tx) return null;
    if (tx.status !== 'REDIRECT') return { tx, applied: false };
    if (action === 'pay') this.#finish(tx, 'SUCCESS');
    else if (action === 'fail') this.#finish(tx, 'ERROR', DECLINED());
    else this.#finish(tx, 'CANCELLED', USER_CANCELLED());
    return { tx, applied: true };
  }

  /** The transaction behind a redirect link, when uuid and token match. */
  withToken(uuid: string, token: string): IxopayTransaction | undefined {
    return this.#withToken(uuid, token);
  }

  /**
   * The control API's outcome: a Status API word. A failed or cancelled debit may still turn
   * successful (IXOPAY documents such late successes); a successful one stays successful.
   */
  outcome(id: string, status: string): OutcomeResult {
    const tx = this.#transactions.get(id) ?? this.byMerchantTransactionId(id);
    if (!tx) return { ok: false, error: 'not_found', message: `No IXOPAY transaction "${id}".` };
    if (!isSettable(status)) {
      return {
        ok: false,
        error: 'invalid_status',
        message: `"${status}" is not a status an IXOPAY debit can be given.`,
      };
    }
    if (tx.status === 'SUCCESS' && status !== 'SUCCESS') {
      return { ok: false, error: 'conflict', message: 'The debit is already successful.' };
    }
    if (status === 'PENDING') {
      if (tx.status !== 'REDIRECT') {
        return { ok: false, error: 'conflict', message: `The debit is already ${tx.status}.` };
      }
      tx.status = 'PENDING';
    } else if (tx.status !== status) {
      this.#finish(
        tx,
        status,
        status === 'ERROR' ? DECLINED() : status === 'CANCELLED' ? USER_CANCELLED() : undefined,
      );
    }
    return { ok: true, order: this.#controlOrder(tx) };
  }

  /** Every transaction as a control-API order, oldest first. */
  controlOrders(): ControlOrder[] {
    return [...this.#transactions.values()].map((tx) => this.#controlOrder(tx));
  }

  #withToken(uuid: string, token: string): IxopayTransaction | undefined {
    const tx = this.#transactions.get(uuid);
    return tx && tx.redirectToken === token ? tx : undefined;
  }

  #finish(
    tx: IxopayTransaction,
    status: Exclude<IxopayTransactionStatus, 'REDIRECT' | 'PENDING'>,
    error?: IxopayError,
  ): void {
    tx.status = status;
    if (error) tx.error = error;
    else delete tx.error;
    this.#callback(tx, status === 'SUCCESS' ? 'OK' : 'ERROR');
  }

  #controlOrder(tx: IxopayTransaction): ControlOrder {
    return {
      provider: 'ixopay',
      id: tx.uuid,
      reference: tx.merchantTransactionId,
      amount: { ...tx.money },
      status: tx.status,
      webhookUrl: tx.callbackUrl,
      createdAt: tx.createdAt,
    };
  }

  /** Sends one signed callback describing the transaction as it is now. */
  #callback(tx: IxopayTransaction, result: IxopayCallbackResult): void {
    const body = JSON.stringify({
      result,
      uuid: tx.uuid,
      merchantTransactionId: tx.merchantTransactionId,
      purchaseId: tx.purchaseId,
      transactionType: 'DEBIT',
      paymentMethod: 'Creditcard',
      amount: tx.amount,
      currency: tx.currency,
      ...(result === 'OK' ? { returnData: ixopayReturnData() } : {}),
      ...(tx.error
        ? {
            message: tx.error.errorMessage,
            code: tx.error.errorCode,
            adapterMessage: tx.error.adapterMessage,
            adapterCode: tx.error.adapterCode,
          }
        : {}),
      ...(tx.extraData ? { extraData: { ...tx.extraData } } : {}),
      ...(tx.merchantMetaData !== undefined ? { merchantMetaData: tx.merchantMetaData } : {}),
    });
    const url = tx.callbackUrl;
    const target = new URL(url);
    const requestUri = `${target.pathname}${target.search}`;
    let firstDate: string | undefined;
    this.#ctx.webhooks.send({
      provider: 'ixopay',
      eventId: `${tx.uuid}:${result}:${randomId(4)}`,
      type: `DEBIT.${result}`,
      orderKey: tx.uuid,
      url,
      body,
      // IXOPAY does not say that a retry is dated afresh, so by default every attempt carries
      // the first attempt's Date (a retry an hour later is an hour old); with `redateRetries`
      // each attempt is dated when it is sent. The dispatcher asks for headers on every attempt,
      // and the signature always covers the Date sent.
      headers: (bytes, tamper) => {
        const date =
          this.#redateRetries || firstDate === undefined
            ? new Date(this.#ctx.scheduler.now()).toUTCString()
            : firstDate;
        firstDate ??= date;
        const signature = signIxopay(tamper ? this.#wrongSecret : this.#secret, {
          method: 'POST',
          body: bytes,
          contentType: CALLBACK_CONTENT_TYPE,
          date,
          requestUri,
        });
        return { 'Content-Type': CALLBACK_CONTENT_TYPE, Date: date, 'X-Signature': signature };
      },
      retryDelaysMs: IXOPAY_RETRY_DELAYS_MS,
      // Delivered means HTTP 200 with the body exactly `OK` (the body is checked when the
      // dispatcher passes it on).
      isSuccess: (status: number, responseBody?: string) =>
        status === 200 && (responseBody === undefined || responseBody === 'OK'),
    });
  }
}

function failure(errorCode: number, errorMessage: string): DebitAnswer {
  return { success: false, errors: [ixopayErrorEntry(errorCode, errorMessage)] };
}

const SETTABLE: readonly string[] = IXOPAY_TRANSACTION_STATUSES.filter((s) => s !== 'REDIRECT');

function isSettable(status: string): status is 'SUCCESS' | 'PENDING' | 'CANCELLED' | 'ERROR' {
  return SETTABLE.includes(status);
}
