/**
 * @module
 * Koywe's payment methods as pay-checkout methods: `koywe:<METHOD>` ids, names, and the
 * `fields` each one needs from the customer (document, name, PSE's bank) given what the
 * merchant already put in the session's `customer`.
 *
 * Every Koywe PAYIN order needs a contact, and a contact needs the customer's full name and an
 * identity document valid for the country. What the session already carries (and is valid) is
 * not asked again; a document the session carries that is not valid is asked again with the
 * session's values filled in, so the customer corrects it instead of typing it anew.
 */
import type { Method, MethodField, MethodKind } from '@pay-checkout/protocol';
import type { SessionRecord } from '../../domain/records.js';
import { logoOf } from '../method-logos.js';
import type { KoyweOrderPaymentMethod, KoywePaymentMethod } from './koywe-client.js';
import { checkDocument, documentTypesFor } from './koywe-documents.js';

/**
 * The field names Koywe methods may declare: stable, the keys of the order's `fields` and of the
 * browser's translations. `fullName` the customer's name as on the document; `documentType` a
 * code of the country's document types (`CC`, `CPF`, `RUT`…); `documentNumber` the number, with
 * or without formatting; `bank` the PSE bank code.
 */
export const KOYWE_FIELDS = {
  documentType: 'documentType',
  documentNumber: 'documentNumber',
  fullName: 'fullName',
  bank: 'bank',
} as const;

/** Display names of the method codes we know; others use Koywe's own `name`. */
const NAMES: Readonly<Record<string, string>> = Object.freeze({
  PSE: 'PSE',
  NEQUI: 'Nequi',
  PIX_DYNAMIC: 'Pix',
  PIX_STATIC: 'Pix',
  SPEI: 'SPEI',
  KHIPU: 'Khipu',
  CARD: 'Card',
  QRI: 'QR',
});

/**
 * How the customer pays with each method code we know; Koywe's page is where they do it. Pix is
 * paid from the customer's bank app, Nequi is a wallet, QRI a code to scan. An unknown code is
 * taken as a bank payment, the most common kind among Koywe's methods.
 */
const KINDS: Readonly<Record<string, MethodKind>> = Object.freeze({
  PSE: 'bank',
  PIX_DYNAMIC: 'bank',
  PIX_STATIC: 'bank',
  SPEI: 'bank',
  KHIPU: 'bank',
  NEQUI: 'wallet',
  CARD: 'card',
  QRI: 'qr',
});

/** The kind of a Koywe method code. */
export function koyweMethodKind(code: string): MethodKind {
  return Object.prototype.hasOwnProperty.call(KINDS, code) ? (KINDS[code] ?? 'bank') : 'bank';
}

/**
 * PSE banks offered when Koywe's method list carries none, and the readable names of the bank
 * codes Koywe lists. Codes are those of Koywe's examples (`"BANCOLOMBIA"`, `"DAVIVIENDA"`,
 * `"BOGOTA"` in its method list).
 */
export const DEFAULT_PSE_BANKS: readonly { value: string; label: string }[] = Object.freeze([
  { value: 'BANCOLOMBIA', label: 'Bancolombia' },
  { value: 'DAVIVIENDA', label: 'Davivienda' },
  { value: 'BOGOTA', label: 'Banco de Bogotá' },
  { value: 'BBVA_COLOMBIA', label: 'BBVA Colombia' },
  { value: 'BANCO_DE_OCCIDENTE', label: 'Banco de Occidente' },
  { value: 'BANCO_POPULAR', label: 'Banco Popular' },
  { value: 'NEQUI', label: 'Nequi' },
]);

/** The readable name of a known PSE bank code, else the code itself. */
function bankLabel(code: string): string {
  return DEFAULT_PSE_BANKS.find((bank) => bank.value === code)?.label ?? code;
}

const METHOD_CODE = /^[A-Za-z0-9_-]{1,50}$/;

/** The Koywe method code of a `koywe:<METHOD>` id, or null. */
export function koyweMethodCode(methodId: string): string | null {
  const code = methodId.startsWith('koywe:') ? methodId.slice('koywe:'.length) : '';
  return METHOD_CODE.test(code) ? code : null;
}

/**
 * Banks listed in a method's `extra`. Koywe lists them as plain bank codes,
 * `{ "banks": ["BANCOLOMBIA", "DAVIVIENDA", "BOGOTA"] }`; a known code is labelled with the
 * bank's name, another with the code itself. Read leniently beside that: a bare array, and
 * entries as `{ code|id|value, name|label }`.
 */
export function banksOf(extra: unknown): { value: string; label: string }[] {
  const list = Array.isArray(extra)
    ? extra
    : extra && typeof extra === 'object' && Array.isArray((extra as { banks?: unknown }).banks)
      ? (extra as { banks: unknown[] }).banks
      : [];
  const banks: { value: string; label: string }[] = [];
  for (const entry of list) {
    let value: unknown;
    let label: unknown;
    if (typeof entry === 'string') {
      value = entry.trim();
    } else if (entry && typeof entry === 'object') {
      const e = entry as Record<string, unknown>;
      value = e['code'] ?? e['id'] ?? e['value'] ?? e['name'];
      label = e['name'] ?? e['label'];
    }
    if (typeof value !== 'string' || !/^[\w .-]{1,80}$/u.test(value)) continue;
    const named = typeof label === 'string' ? label.trim() : '';
    const text = named && named !== value ? named : bankLabel(value);
    if (!banks.some((b) => b.value === value)) banks.push({ value, label: text.slice(0, 80) });
  }
  return banks;
}

/**
 * The order's `paymentMethods` entry for a method code. PSE carries the chosen bank as
 * `{ bankAccount: { name } }` (Koywe's curl and step-by-step examples); other methods need no
 * `extra`.
 */
export function orderPaymentMethod(code: string, bank?: string): KoyweOrderPaymentMethod {
  const name = bank?.trim();
  return code === 'PSE' && name
    ? { method: code, extra: { bankAccount: { name } } }
    : { method: code };
}

/**
 * A select with a single option has that option as its value: the customer has nothing to
 * choose. Any other field is returned as it is.
 */
function withOnlyOption(field: MethodField): MethodField {
  const only = field.options?.length === 1 ? field.options[0] : undefined;
  return only && field.value === undefined ? { ...field, value: only.value } : field;
}

/**
 * The fields a Koywe method needs for this session (empty when the session has all). When the
 * session's customer has a document that is not valid in the country, the type (when it is one
 * of the country's) and the number come filled in with the session's values. Only such a
 * document goes back to the browser (which holds the session id, the customer's own checkout);
 * a valid one is never asked for, hence never sent.
 */
export function fieldsFor(code: string, extra: unknown, session: SessionRecord): MethodField[] {
  const fields: MethodField[] = [];
  if (!session.customer?.name) {
    fields.push({
      name: KOYWE_FIELDS.fullName,
      label: 'Full name',
      type: 'text',
      required: true,
      autocomplete: 'name',
    });
  }
  const document = session.customer?.document;
  if (!document || !checkDocument(session.country, document.type, document.number).ok) {
    const types = documentTypesFor(session.country);
    const knownType = document
      ? types.find((t) => t.code === document.type.trim().toUpperCase())
      : undefined;
    fields.push({
      name: KOYWE_FIELDS.documentType,
      label: 'Document type',
      type: 'select',
      required: true,
      options: types.map((t) => ({ value: t.code, label: t.label })),
      ...(knownType ? { value: knownType.code } : {}),
    });
    fields.push({
      name: KOYWE_FIELDS.documentNumber,
      label: 'Document number',
      type: 'text',
      required: true,
      // The per-type rules (check digits) are checked on the server; this only keeps out junk.
      pattern: '[0-9A-Za-z .\\-/]{5,24}',
      // A document number is not something a browser should offer from other sites' forms.
      autocomplete: 'off',
      ...(document ? { value: document.number } : {}),
    });
  }
  if (code === 'PSE') {
    const banks = banksOf(extra);
    fields.push({
      name: KOYWE_FIELDS.bank,
      label: 'Bank',
      type: 'select',
      required: true,
      options: banks.length > 0 ? banks : [...DEFAULT_PSE_BANKS],
    });
  }
  return fields.map(withOnlyOption);
}

/**
 * Turns Koywe's list for the session's country and currency into methods. Entries that name
 * other countries or currencies are dropped; of Pix, only the dynamic QR is offered (a static
 * Pix code does not carry the amount, so the customer could pay a different one).
 */
export function toMethods(list: readonly KoywePaymentMethod[], session: SessionRecord): Method[] {
  const { country } = session;
  const currency = session.amount.currency;
  const usable = list.filter(
    (m) =>
      METHOD_CODE.test(m.method) &&
      (!m.supportedCountries || m.supportedCountries.includes(country)) &&
      (!m.supportedCurrencies || m.supportedCurrencies.includes(currency)),
  );
  const codes = new Set(usable.map((m) => m.method));
  const methods: Method[] = [];
  for (const entry of usable) {
    if (entry.method === 'PIX_STATIC' && codes.has('PIX_DYNAMIC')) continue;
    if (methods.some((m) => m.id === `koywe:${entry.method}`)) continue;
    const fields = fieldsFor(entry.method, entry.extra, session);
    const id = `koywe:${entry.method}`;
    methods.push({
      id,
      provider: 'koywe',
      name: Object.prototype.hasOwnProperty.call(NAMES, entry.method)
        ? (NAMES[entry.method] ?? entry.method)
        : entry.name?.trim().slice(0, 60) || entry.method,
      flow: 'redirect',
      kind: koyweMethodKind(entry.method),
      ...logoOf(id),
      ...(fields.length > 0 ? { fields } : {}),
    });
  }
  return methods;
}
