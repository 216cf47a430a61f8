/**
 * @module
 * Ivy's mandate webhooks (`mandate_setup_started|succeeded|failed`, `mandate_revoked`;
 * docs/providers/ivy.md) reduced to what the mandate record keeps. The debtor's IBAN is
 * masked before anything is stored, and the signature token is dropped from the stored body.
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
const Instant = z.union([z.string().max(64), z.number()]);

const MandatePayloadSchema = z.looseObject({
  id: z.string().min(1).max(256).optional(),
  referenceId: z.string().min(1).max(256),
  reference: Text.optional(),
  signature: z.looseObject({ signedAt: Instant.optional() }).optional(),
  creditor: z
    .looseObject({ id: Text.optional(), name: Text.optional(), address: z.unknown().optional() })
    .optional(),
  debtor: z
    .looseObject({
      account: z
        .looseObject({
          iban: z.string().max(64).optional(),
          accountHolderName: Text.optional(),
          bic: z.string().max(16).optional(),
        })
        .optional(),
    })
    .optional(),
  error: z.looseObject({ code: Text.optional(), message: Text.optional() }).optional(),
  revokedAt: Instant.optional(),
});

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
  const payload = MandatePayloadSchema.parse(raw);
  const details: MandateDetails = {};
  const account = payload.debtor?.account;
  if (account) {
    details.debtor = {
      ...(account.accountHolderName ? { accountHolderName: account.accountHolderName } : {}),
      ...(account.iban ? { iban: maskIban(account.iban) } : {}),
      ...(account.bic ? { bic: account.bic } : {}),
    };
  }
  if (payload.creditor) {
    const { id, name, address } = payload.creditor;
    details.creditor = {
      ...(id ? { id } : {}),
      ...(name ? { name } : {}),
      ...(address !== undefined ? { address } : {}),
    };
  }
  if (payload.reference) details.bankReference = payload.reference;
  const signedAt = isoInstant(payload.signature?.signedAt);
  if (signedAt) details.signedAt = signedAt;
  if (status === 'failed') {
    details.failure = {
      ...(payload.error?.code ? { code: payload.error.code } : {}),
      ...(payload.error?.message ? { message: payload.error.message } : {}),
    };
  }
  if (status === 'revoked') details.revocationReason = 'provider';
  const at = status === 'revoked' ? isoInstant(payload.revokedAt) : undefined;
  return {
    reference: payload.referenceId,
    status,
    ...(payload.id ? { providerMandateId: payload.id } : {}),
    ...(Object.keys(details).length > 0 ? { details } : {}),
    ...(at ? { at } : {}),
    redactedBody: redact(envelope),
  };
}
