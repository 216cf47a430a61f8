/**
 * @module
 * Payment methods offered to the browser (`GET /v1/sessions/:id/methods`).
 */
import { z } from 'zod';
import { MoneySchema, ProviderIdSchema, TimestampSchema } from './common.js';
import { MethodIdSchema } from './order.js';
import { MANDATE_CADENCES } from './session.js';
import { OrderStatusSchema } from './status-schema.js';

/**
 * What sort of payment a method is, by how the customer pays: from a bank account (`bank`, also
 * instant transfers such as Pix shown on the provider's page), with a card (`card`), in a wallet
 * app (`wallet`), pay later in instalments (`bnpl`), or by scanning a code with a banking or wallet
 * app (`qr`). The browser picks a neutral icon and a short "what happens next" note from it.
 */
export const METHOD_KINDS = ['bank', 'card', 'wallet', 'bnpl', 'qr'] as const;
export const MethodKindSchema = z.enum(METHOD_KINDS);
export type MethodKind = z.infer<typeof MethodKindSchema>;

/**
 * An HTML `autocomplete` token or token list (`name`, `email`, `tel`, `off`, `section-a
 * billing postal-code`): lower-case words and hyphens, at most 64 characters.
 */
export const AutocompleteSchema = z
  .string()
  .max(64)
  .regex(
    /^[a-z][a-z0-9-]*( [a-z][a-z0-9-]*)*$/,
    'must be an HTML autocomplete token such as "name"',
  );

/**
 * An input a method needs from the customer before it can start (a bank, a document number).
 *
 * `name` is stable per method and is the key of the value in `POST /v1/sessions/:id/orders`
 * `fields`; together with the method id it is also the key the browser translates `label` and
 * option labels by. `label` is the server's English text.
 */
export const MethodFieldSchema = z.object({
  name: z.string(),
  label: z.string(),
  type: z.enum(['text', 'email', 'tel', 'select', 'number']),
  required: z.boolean(),
  options: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
  /** A regular expression (without slashes) the value must match in full. */
  pattern: z.string().optional(),
  /** Hint for the virtual keyboard (`numeric`, `email`, `tel`). */
  inputMode: z.string().optional(),
  /** The HTML `autocomplete` token for the input (`name`, `email`, `tel`; `off` for documents). */
  autocomplete: AutocompleteSchema.optional(),
  /**
   * A prefill the session already knows (a document the provider refused, so the customer
   * corrects it instead of typing it again; the only option of a select).
   */
  value: z.string().max(256).optional(),
});
export type MethodField = z.infer<typeof MethodFieldSchema>;

/**
 * Why a listed method cannot be used right now. `provider_unavailable`: its provider is failing
 * or asked us to wait, and is not called meanwhile; `retryAfter` says when it will be tried
 * again, when known. A client should accept reasons it does not know (newer servers may add
 * some) and treat them like this one.
 */
export const METHOD_UNAVAILABLE_REASONS = ['provider_unavailable'] as const;
export type MethodUnavailableReason = (typeof METHOD_UNAVAILABLE_REASONS)[number];

export const MethodUnavailableSchema = z.object({
  /** One of {@link METHOD_UNAVAILABLE_REASONS}, or a reason of a newer server. */
  reason: z.union([z.enum(METHOD_UNAVAILABLE_REASONS), z.string().min(1).max(64)]),
  /** When the method is expected back (the provider is tried again then). */
  retryAfter: TimestampSchema.optional(),
});
export type MethodUnavailable = z.infer<typeof MethodUnavailableSchema>;

export const MethodSchema = z.object({
  /** Stable id (`<provider>:<code>`); the key the browser translates `name` by. */
  id: MethodIdSchema,
  provider: ProviderIdSchema,
  /** The server's English name of the method. */
  name: z.string(),
  flow: z.enum(['redirect', 'qr']),
  /** What sort of payment it is. Optional for older servers; this server always sets it. */
  kind: MethodKindSchema.optional(),
  /**
   * A small brand mark as a `data:image/svg+xml,…` URI, so a merchant page with
   * `img-src 'self' data:` shows it and nothing is loaded from another host. Absent when the
   * server knows no brand mark; the browser then draws a neutral icon from `kind`.
   */
  logo: z.string().optional(),
  /** True when the method can also set up a mandate (the only methods a mandate session offers). */
  mandate: z.boolean().optional(),
  fields: z.array(MethodFieldSchema).optional(),
  /**
   * False while the method cannot be used (shown, but disabled, with `unavailable` saying why);
   * absent or true when it can. Older clients ignore it: an attempt with such a method fails
   * fast with 502 `provider_unavailable`.
   */
  available: z.boolean().optional(),
  /** Why the method is unavailable; present exactly when `available` is false. */
  unavailable: MethodUnavailableSchema.optional(),
});
export type Method = z.infer<typeof MethodSchema>;

/** What the browser may know about its session: no return URL, no metadata, no customer. */
export const PublicSessionSchema = z.object({
  id: z.string(),
  amount: MoneySchema,
  reference: z.string(),
  status: OrderStatusSchema,
  /** The latest order (payment attempt) of the session, once there is one. */
  orderId: z.string().nullable().optional(),
  /** The method of that order: what the outcome screen names. */
  method: z.object({ id: MethodIdSchema, name: z.string() }).optional(),
  expiresAt: TimestampSchema,
  description: z.string().optional(),
  locale: z.string().optional(),
  /** ISO 3166-1 alpha-2 country of the order: with the page's language, how amounts are written. */
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  /** Present when the checkout also sets up a mandate: what the customer agrees to. */
  mandate: z
    .object({ cadence: z.enum(MANDATE_CADENCES).optional(), amount: MoneySchema.optional() })
    .optional(),
});
export type PublicSession = z.infer<typeof PublicSessionSchema>;

export const MethodsResponseSchema = z.object({
  session: PublicSessionSchema,
  methods: z.array(MethodSchema),
});
export type MethodsResponse = z.infer<typeof MethodsResponseSchema>;
