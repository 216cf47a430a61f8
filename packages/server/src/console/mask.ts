/**
 * @module
 * `mask(value)`: what the operator console may see of anything the server keeps — a webhook
 * body, a provider's answer, an activity detail. One function, applied to every body and
 * detail before it leaves for the console:
 *
 * - secrets (keys, tokens, passwords, signatures) are removed: `[redacted]`;
 * - IBANs and account numbers keep their last 4 characters: `****3000`;
 * - document numbers (tax ids, national ids, passports) are removed: `[redacted]`;
 * - e-mail addresses keep the first letter and the domain: `j***@example.com`;
 * - phone numbers keep their last 2 digits: `***67`;
 * - names become initials: `J. D.`.
 *
 * Fields are recognised by their names (any casing, `_` or not), and e-mail addresses and IBANs
 * also wherever they appear in text. A string holding JSON or a form-encoded body is masked
 * inside and given back in the same form. Anything not recognised passes unchanged.
 */

/** What a removed value reads as. */
export const REDACTED = '[redacted]';

/** Nesting deeper than this is cut off (nothing legitimate is that deep). */
const MAX_DEPTH = 32;

const SECRET_KEY =
  /(secret|password|passwd|passphrase|token|api_?key|apikey|authorization|signature|credential|cookie|cvv|cvc|private_?key)/i;
const PIN_KEY = /^(pin|otp|pin_?code)$/i;
const ACCOUNT_KEY =
  /^(iban|bban|debtor_?iban|creditor_?iban|account_?number|account_?no|bank_?account(_?number)?|account|acct)$/i;
const DOCUMENT_KEY =
  /^(document(_?number|_?no|_?id|_?value)?|documents|tax_?(id|number|code)|vat_?id|national_?id(_?number)?|passport(_?number)?|ssn|rut|cpf|cnpj|dni|nie|nif|curp|rfc|id_?number|identification(_?number)?|identity_?number)$/i;
const EMAIL_KEY = /e_?mail/i;
const PHONE_KEY = /((phone|mobile|msisdn|telephone)(_?(no|number))?|^tel)$/i;
const NAME_KEY =
  /^(name|full_?name|first_?name|last_?name|middle_?name|given_?name|family_?name|surname|legal_?name|display_?name|holder|holder_?name|account_?holder(_?name)?|card_?holder(_?name)?|owner(_?name)?|payer_?name|customer_?name|debtor_?name|creditor_?name|buyer_?name|seller_?name|contact_?name)$/i;

const EMAIL_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/** An IBAN in text: country, check digits, 11–30 more letters or digits, spaces allowed. */
const IBAN_TEXT = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;

/** `j***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** The last 4 characters of an IBAN or account number: `****3000`. */
export function maskAccount(account: string): string {
  const compact = account.replace(/[\s-]/g, '');
  return compact.length <= 4 ? '****' : `****${compact.slice(-4)}`;
}

/** The last 2 digits of a phone number: `***67`. */
export function maskPhone(phone: string): string {
  // Masked already (a body masked when recorded and again when shown).
  if (/^\*{3}\d{0,2}$/.test(phone)) return phone;
  const digits = phone.replace(/\D/g, '');
  return digits.length <= 2 ? '***' : `***${digits.slice(-2)}`;
}

/** A name's initials: `Jane van Doe` → `J. V. D.`. */
export function initials(name: string): string {
  const words = name.split(/[\s,]+/).filter((word) => /\p{L}/u.test(word));
  return words.map((word) => `${(word.match(/\p{L}/u)?.[0] ?? '').toUpperCase()}.`).join(' ');
}

/** A document number, or a document object with everything but its `type` removed. */
function redactDocument(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactDocument);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        /^(type|kind)$/i.test(key) && typeof item === 'string' ? item : redactDocument(item),
      ]),
    );
  }
  return value === null || value === undefined ? value : REDACTED;
}

/** How a value under `key` is masked; null when the key says nothing. */
function byKey(key: string): ((value: unknown, depth: number) => unknown) | null {
  const k = key.replace(/-/g, '_');
  const leaf = (fn: (text: string) => string) => (value: unknown, depth: number) =>
    typeof value === 'string' || typeof value === 'number'
      ? fn(String(value))
      : maskValue(value, depth);
  if (SECRET_KEY.test(k) || PIN_KEY.test(k)) return () => REDACTED;
  // A document object keeps only what kind of document it is.
  if (DOCUMENT_KEY.test(k)) return (value) => redactDocument(value);
  if (ACCOUNT_KEY.test(k)) return leaf(maskAccount);
  if (EMAIL_KEY.test(k)) return leaf(maskEmail);
  if (PHONE_KEY.test(k)) return leaf(maskPhone);
  if (NAME_KEY.test(k)) return leaf(initials);
  return null;
}

/** Text with every e-mail address and IBAN in it masked. */
function maskText(text: string): string {
  return text
    .replace(EMAIL_TEXT, (email) => maskEmail(email))
    .replace(IBAN_TEXT, (iban) => maskAccount(iban));
}

/** A form-encoded body (`a=1&b=2`), or null when `text` is not one. */
function formOf(text: string): URLSearchParams | null {
  if (!/^[\w.%[\]-]+=[^&\s]*(?:&[\w.%[\]-]+=[^&\s]*)*$/.test(text)) return null;
  return new URLSearchParams(text);
}

function maskString(text: string, depth: number): string {
  const trimmed = text.trim();
  if ((trimmed.startsWith('{') || trimmed.startsWith('[')) && depth < MAX_DEPTH) {
    try {
      return JSON.stringify(maskValue(JSON.parse(trimmed) as unknown, depth + 1));
    } catch {
      // Not JSON after all: masked as text below.
    }
  }
  const form = formOf(trimmed);
  if (form) {
    const masked = new URLSearchParams();
    for (const [key, value] of form) {
      const rule = byKey(key);
      masked.append(key, String(rule ? rule(value, depth + 1) : maskText(value)));
    }
    return masked.toString();
  }
  return maskText(text);
}

function maskValue(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) return REDACTED;
  if (typeof value === 'string') return maskString(value, depth);
  if (Array.isArray(value)) return value.map((item) => maskValue(item, depth + 1));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => {
        const rule = byKey(key);
        return [key, rule ? rule(item, depth + 1) : maskValue(item, depth + 1)];
      }),
    );
  }
  return value;
}

/**
 * `value` with everything personal or secret in it masked (see the module comment); a new
 * value, `value` itself is left alone.
 *
 * @example
 * mask({ email: 'jane@example.com', iban: 'DE89370400440532013000' });
 * // → { email: 'j***@example.com', iban: '****3000' }
 */
export function mask<T>(value: T): T {
  return maskValue(value, 0) as T;
}
