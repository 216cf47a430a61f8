/**
 * @module
 * Ivy's mandate webhooks (`mandate_setup_started|succeeded|failed`, `mandate_revoked`;
 * docs/providers/ivy.md) reduced to what the mandate record keeps. Each type's payload is
 * parsed as Ivy on File documents it; note that `reference` means the checkout's `referenceId`
 * in `mandate_setup_started` and the bank-statement mandate reference in
 * `mandate_setup_succeeded`. The debtor's IBAN is masked before anything is stored, and the
 * signature's IP and token are dropped from the stored body.
 */
import { z } from 'zod';
import type { MandateDetails, MandateStatus } from '../../domain/records.js';
import type { ParsedMandateEvent } from '../provider.js';

/** Ivy's mandate event types and the status each means. */
export const IVY_MANDATE_EVENTS: Readonly<Record<string, MandateStatus>> = Object.freeze({
  mandate_setup_started: 'pending',
  mandate_setup_succeeded: 'active',
  mandate_setup_failed: 'failed',
  mandate_revoked: 'revoked',
});

const Text = z.string().max(500);
const MandateReference = z.string().min(1).max(256);
const Instant = z.union([z.string().max(64), z.number()]);

/** The creditor's postal address; Ivy sends an ISO 3166-1 alpha-2 `country`. */
const AddressSchema = z.looseObject({
  street: Text.optional(),
  city: Text.optional(),
  postalCode: z.string().max(32).optional(),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 country code')
    .transform((code) => code.toUpperCase())
    .optional(),
});

/** The creditor: the merchant as the bank knows it (SEPA creditor id, name, address). */
const CreditorSchema = z.looseObject({
  id: Text.optional(),
  name: Text.optional(),
  address: AddressSchema.optional(),
});

/** The customer's consent: where and when it was given, and Ivy's token for it. */
const SignatureSchema = z.looseObject({
  ip: z.string().max(64).optional(),
  token: Text.optional(),
  signedAt: Instant.optional(),
});

const DebtorSchema = z.looseObject({
  account: z
    .looseObject({
      iban: z.string().max(64).optional(),
      accountHolderName: Text.optional(),
      bic: z.string().max(16).optional(),
    })
    .optional(),
});

/**
 * `mandate_setup_started`. Here `reference` is the checkout session's `referenceId` (our
 * attempt reference), not the mandate reference of the bank statement; Ivy names no mandate id
 * yet.
 */
const StartedPayloadSchema = z.looseObject({
  referenceId: MandateReference,
  reference: Text.optional(),
  signature: SignatureSchema.optional(),
  userNotificationEmail: z.string().max(320).optional(),
  creditor: CreditorSchema.optional(),
});

/** `mandate_setup_succeeded`: the mandate id to charge and the bank-statement `reference`. */
const SucceededPayloadSchema = z.looseObject({
  id: MandateReference,
  referenceId: MandateReference,
  reference: Text.optional(),
  signature: SignatureSchema.optional(),
  creditor: CreditorSchema.optional(),
  debtor: DebtorSchema.optional(),
});

/** `mandate_setup_failed`. */
const FailedPayloadSchema = z.looseObject({
  id: MandateReference.optional(),
  referenceId: MandateReference,
  error: z.looseObject({ code: Text.optional(), message: Text.optional() }).optional(),
});

/** `mandate_revoked`. */
const RevokedPayloadSchema = z.looseObject({
  id: MandateReference.optional(),
  referenceId: MandateReference,
  revokedAt: Instant.optional(),
});

type Creditor = z.infer<typeof CreditorSchema>;

/**
 * An IBAN for display: country, check digits and the last four characters, the rest hidden
 * (`DE89 **** 3000`). Anything too short to mask safely is hidden entirely.
 */
export function maskIban(iban: string): string {
  const compact = iban.replace(/\s+/g, '').toUpperCase();
  if (compact.length < 12) return '****';
  return `${compact.slice(0, 4)} **** ${compact.slice(-4)}`;
}

/** An ISO 8601 timestamp from Ivy's ISO string or epoch (seconds or milliseconds). */
function isoInstant(value: string | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'number' ? (value < 1e12 ? value * 1000 : value) : Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** The envelope with the debtor's IBAN masked and signature secrets removed, as JSON. */
function redact(envelope: Record<string, unknown>): string {
  const copy = structuredClone(envelope);
  const payload = copy['payload'] as Record<string, unknown> | undefined;
  const account = (payload?.['debtor'] as { account?: Record<string, unknown> } | undefined)
    ?.account;
  if (account && typeof account['iban'] === 'string') account['iban'] = maskIban(account['iban']);
  const signature = payload?.['signature'] as Record<string, unknown> | undefined;
  if (signature) {
    delete signature['token'];
    delete signature['ip'];
  }
  return JSON.stringify(copy);
}

/** The creditor as stored: only the documented fields, empty ones left out. */
function creditorDetails(creditor: Creditor): NonNullable<MandateDetails['creditor']> {
  const { id, name, address } = creditor;
  const place = address
    ? {
        ...(address.street ? { street: address.street } : {}),
        ...(address.city ? { city: address.city } : {}),
        ...(address.postalCode ? { postalCode: address.postalCode } : {}),
        ...(address.country ? { country: address.country } : {}),
      }
    : {};
  return {
    ...(id ? { id } : {}),
    ...(name ? { name } : {}),
    ...(Object.keys(place).length > 0 ? { address: place } : {}),
  };
}

/** What the mandate record keeps of one event, and the provider's mandate id if named. */
function readPayload(
  status: MandateStatus,
  raw: unknown,
): { details: MandateDetails; providerMandateId?: string; at?: string } {
  const details: MandateDetails = {};
  switch (status) {
    case 'pending': {
      const payload = StartedPayloadSchema.parse(raw);
      if (payload.creditor) details.creditor = creditorDetails(payload.creditor);
      const signedAt = isoInstant(payload.signature?.signedAt);
      if (signedAt) details.signedAt = signedAt;
      return { details };
    }
    case 'active': {
      const payload = SucceededPayloadSchema.parse(raw);
      const account = payload.debtor?.account;
      if (account) {
        details.debtor = {
          ...(account.accountHolderName ? { accountHolderName: account.accountHolderName } : {}),
          ...(account.iban ? { iban: maskIban(account.iban) } : {}),
          ...(account.bic ? { bic: account.bic } : {}),
        };
      }
      if (payload.creditor) details.creditor = creditorDetails(payload.creditor);
      if (payload.reference) details.bankReference = payload.reference;
      const signedAt = isoInstant(payload.signature?.signedAt);
      if (signedAt) details.signedAt = signedAt;
      return { details, providerMandateId: payload.id };
    }
    case 'failed': {
      const payload = FailedPayloadSchema.parse(raw);
      details.failure = {
        ...(payload.error?.code ? { code: payload.error.code } : {}),
        ...(payload.error?.message ? { message: payload.error.message } : {}),
      };
      return { details, ...(payload.id ? { providerMandateId: payload.id } : {}) };
    }
    case 'revoked': {
      const payload = RevokedPayloadSchema.parse(raw);
      details.revocationReason = 'provider';
      const at = isoInstant(payload.revokedAt);
      return {
        details,
        ...(payload.id ? { providerMandateId: payload.id } : {}),
        ...(at ? { at } : {}),
      };
    }
  }
}

/**
 * Parses the payload of a mandate event of `type`; null when it names no mandate reference
 * (such an event is recorded, not applied). Throws on a payload it cannot use.
 */
export function parseIvyMandateEvent(
  type: string,
  envelope: Record<string, unknown>,
): ParsedMandateEvent | null {
  const status = IVY_MANDATE_EVENTS[type];
  if (!status) throw new Error(`Not a mandate event: ${type}`);
  const raw = envelope['payload'] as { referenceId?: unknown } | undefined;
  if (raw?.referenceId === undefined) return null;
  const reference = MandateReference.parse(raw.referenceId);
  const { details, providerMandateId, at } = readPayload(status, raw);
  return {
    reference,
    status,
    ...(providerMandateId ? { providerMandateId } : {}),
    ...(Object.keys(details).length > 0 ? { details } : {}),
    ...(at ? { at } : {}),
    redactedBody: redact(envelope),
  };
}
