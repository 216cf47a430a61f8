/**
 * @module
 * The interface every payment provider adapter implements. Ivy is the first; iwocaPay, IXOPAY,
 * Koywe and FuratPay plug in the same way: methods on offer, order creation, webhook
 * verification and parsing, and a status read for returns and late-success confirmation.
 */
import type { Action, FieldIssue, Method, ProviderId } from '@pay-checkout/protocol';
import type { Money } from '@pay-checkout/protocol/money';
import type { OrderStatus } from '@pay-checkout/protocol/status';
import type {
  MandateDetails,
  MandateRecord,
  MandateStatus,
  OrderRecord,
  SessionRecord,
} from '../domain/records.js';

export interface CreateProviderOrderInput {
  session: SessionRecord;
  order: OrderRecord;
  method: Method;
  /** Values the customer entered for the method's `fields`. */
  fields: Record<string, string>;
  /** Where the provider sends the customer back (`/return/:sessionId`). */
  returnUrl: string;
  /** Where the provider should send webhooks (`/webhooks/<provider>`). */
  webhookUrl: string;
}

export interface CreateProviderOrderResult {
  /** The provider's id of what was created (an order, a checkout session, a payment). */
  providerOrderId: string;
  /** What the browser does next. */
  action: Action;
  /** The unified status right after creation, usually `pending`. */
  status: OrderStatus;
}

/** A verified webhook, reduced to what the status machine needs. */
export interface ParsedWebhook {
  /** Unique per logical notification (the provider's event id, or a synthesized key). */
  dedupeKey: string;
  /** Our provider reference (`<attempt>-<session reference>`), or null when the event names none. */
  reference: string | null;
  /** The unified status it reports; null when it reports no order status. */
  status: OrderStatus | null;
  /** The amount it reports, when it reports one. */
  amount?: Money;
  /** The provider's own status word, for logs. */
  providerStatus: string;
  /** True when the status must be confirmed through the provider's API before it is applied. */
  confirmNeeded?: boolean;
  /** Set when the event is about a mandate rather than an order (Ivy's `mandate_*`). */
  mandate?: ParsedMandateEvent;
}

/** A mandate notification, reduced to what the mandate record keeps. */
export interface ParsedMandateEvent {
  /** The merchant's mandate reference. */
  reference: string;
  status: MandateStatus;
  providerMandateId?: string;
  details?: MandateDetails;
  /** When the provider says it happened (e.g. `revokedAt`). */
  at?: string;
  /** The body as it may be stored: account numbers masked, signature tokens removed. */
  redactedBody: string;
}

export interface CreateProviderChargeInput {
  mandate: MandateRecord;
  order: OrderRecord;
  /** The merchant's `Idempotency-Key`, passed on so that a repeat never charges twice. */
  idempotencyKey: string;
  webhookUrl: string;
}

export interface CreateProviderChargeResult {
  /** The provider's id of the order the charge created. */
  providerOrderId: string;
  /** The unified status right after creation, usually `processing`. */
  status: OrderStatus;
}

/** The provider's answer to "what is the status of this order now?". */
export interface ProviderStatus {
  status: OrderStatus;
  amount?: Money;
  providerStatus: string;
}

/** Headers as a case-insensitive reader. */
export interface HeaderReader {
  get(name: string): string | null;
}

/**
 * What {@link Provider.verifyWebhook} found: `true` the signature verifies, `false` it is wrong,
 * malformed or required and missing, `'unsigned'` the webhook carries no signature at all in a
 * shape the provider documents as unsigned. An unsigned webhook is a hint, never a fact: the
 * route only reads the order it names back from the provider ({@link Provider.parseHint}).
 */
export type WebhookVerification = boolean | 'unsigned';

/** What an unsigned webhook may be trusted for: naming the order to read back. */
export interface WebhookHint {
  /** Our provider reference (`<attempt>-<session reference>`). */
  reference: string;
}

/** A payment provider adapter. */
export interface Provider {
  readonly id: ProviderId;
  /**
   * The methods this provider offers for a session (may be empty). May ask the provider's API
   * (Koywe's payment methods, FuratPay's linked services): cache such answers with a bounded life.
   * Every method sets `kind`, and `logo` from `method-logos.ts` when the brand is known; a
   * method that can set up a mandate sets `mandate: true` (a mandate session offers no other).
   */
  methods(session: SessionRecord): Method[] | Promise<Method[]>;
  /**
   * Checks the customer's input for a method beyond what its declared `fields` can say (check
   * digits of a document number, say), before any order exists. Returns every problem, with
   * paths such as `fields.documentNumber`; an empty list when all is well.
   */
  validateFields?(input: {
    session: SessionRecord;
    method: Method;
    fields: Record<string, string>;
  }): FieldIssue[];
  /** Creates the provider-side order/payment. Throws an ApiError on provider failure. */
  createOrder(input: CreateProviderOrderInput): Promise<CreateProviderOrderResult>;
  /**
   * Checks a webhook's authenticity on its exact bytes, in constant time. Never throws. Only
   * providers that implement {@link parseHint} may answer `'unsigned'`.
   */
  verifyWebhook(rawBody: Uint8Array, headers: HeaderReader): WebhookVerification;
  /**
   * Parses a verified webhook body; throws on a body it cannot understand. `headers` are the
   * request's headers, for providers whose parsing depends on them (IXOPAY's `Date`).
   */
  parseWebhook(rawBody: string, headers?: HeaderReader): ParsedWebhook;
  /**
   * The order an unsigned webhook names (see {@link WebhookVerification}); nothing else of its
   * body is used. Throws on a body that names no order.
   */
  parseHint?(rawBody: string): WebhookHint;
  /** Reads the order's real status from the provider; null when the provider knows nothing yet. */
  fetchStatus(order: OrderRecord): Promise<ProviderStatus | null>;
  /**
   * Finds the provider's order for our reference (`order.providerReference`) when the outcome of
   * creating it is unknown (the process died, the call timed out): its status and the provider
   * order id, or null when the provider has none. Only providers that document a lookup by the
   * merchant's reference implement it; the reconciler fails such an order otherwise once its
   * session has expired.
   */
  findOrderByReference?(
    order: OrderRecord,
  ): Promise<(ProviderStatus & { providerOrderId: string }) | null>;
  /**
   * Charges a stored mandate without the customer (merchant-initiated). Only providers with
   * mandates implement it; a provider without it is not asked for the methods of a session that
   * sets up a mandate. Throws an ApiError on provider failure.
   */
  charge?(input: CreateProviderChargeInput): Promise<CreateProviderChargeResult>;
  /** How the provider expects a webhook to be acknowledged (default: 200 JSON). */
  acknowledge?(): { status: 200; body: string; contentType: string };
}
