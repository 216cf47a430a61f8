/**
 * @module
 * Identity documents Koywe accepts per country (CC, CE, NIT, CPF, CNPJ, RUT, RFC, CURP, DNI, RUC,
 * CUIT…), and their validation: check digits where the document has them, formats for the rest.
 * Koywe validates document numbers even in its sandbox (`DC00010`): the adapter checks them first
 * to answer the customer with a field error instead of a provider failure (the emulator answers
 * `DC00010` by the same rules). The browser only sees the resulting method fields (a type
 * select and a loose number pattern); the rules stay on the server.
 *
 * Numbers are normalised before checking and sending: spaces, dots, dashes and slashes removed,
 * letters upper-cased (`12.345.678-5` → `123456785`).
 */

/** One document type accepted in a country. */
export interface DocumentType {
  /** Koywe's `documentType` code. */
  code: string;
  /** What the customer sees in the type list. */
  label: string;
  /** Companies hold these (NIT, CNPJ, RUC, CUIT); a contact with one is a `COMPANY`. */
  company: boolean;
  /** True when the normalised number is valid for this type. */
  valid(number: string): boolean;
}

const digits = (min: number, max = min) => new RegExp(`^\\d{${min},${max}}$`);

/** Colombian NIT: 9 digits, optionally followed by the DIAN check digit. */
function validNit(number: string): boolean {
  if (!/^\d{9,10}$/.test(number)) return false;
  if (number.length === 9) return true;
  const weights = [41, 37, 29, 23, 19, 17, 13, 7, 3];
  const sum = [...number.slice(0, 9)].reduce((acc, d, i) => acc + Number(d) * (weights[i] ?? 0), 0);
  const rest = sum % 11;
  const check = rest > 1 ? 11 - rest : rest;
  return check === Number(number[9]);
}

/** Brazilian CPF: 11 digits with two mod-11 check digits, not all the same digit. */
export function validCpf(number: string): boolean {
  if (!/^\d{11}$/.test(number) || /^(\d)\1{10}$/.test(number)) return false;
  const check = (length: number): number => {
    let sum = 0;
    for (let i = 0; i < length; i++) sum += Number(number[i]) * (length + 1 - i);
    const rest = (sum * 10) % 11;
    return rest === 10 ? 0 : rest;
  };
  return check(9) === Number(number[9]) && check(10) === Number(number[10]);
}

/** Brazilian CNPJ: 14 digits with two mod-11 check digits. */
function validCnpj(number: string): boolean {
  if (!/^\d{14}$/.test(number) || /^(\d)\1{13}$/.test(number)) return false;
  const check = (length: number): number => {
    const weights =
      length === 12
        ? [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]
        : [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
    const sum = weights.reduce((acc, w, i) => acc + Number(number[i]) * w, 0);
    const rest = sum % 11;
    return rest < 2 ? 0 : 11 - rest;
  };
  return check(12) === Number(number[12]) && check(13) === Number(number[13]);
}

/** Chilean RUT: 7–8 digits and a mod-11 check character (0–9 or K). */
export function validRut(number: string): boolean {
  const match = /^(\d{7,8})([\dK])$/.exec(number);
  if (!match?.[1] || !match[2]) return false;
  let sum = 0;
  let factor = 2;
  for (const d of [...match[1]].reverse()) {
    sum += Number(d) * factor;
    factor = factor === 7 ? 2 : factor + 1;
  }
  const rest = 11 - (sum % 11);
  const expected = rest === 11 ? '0' : rest === 10 ? 'K' : String(rest);
  return expected === match[2];
}

/** A YYMMDD date that exists (any century). */
function validDate(yymmdd: string): boolean {
  const month = Number(yymmdd.slice(2, 4));
  const day = Number(yymmdd.slice(4, 6));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** Mexican RFC: 4 letters (3 for companies), a YYMMDD date and a 3-character homoclave. */
function validRfc(number: string, company: boolean): boolean {
  const match = (company ? /^[A-ZÑ&]{3}(\d{6})[A-Z\d]{3}$/ : /^[A-ZÑ&]{4}(\d{6})[A-Z\d]{3}$/).exec(
    number,
  );
  return !!match?.[1] && validDate(match[1]);
}

/** Mexican CURP: 18 characters with an embedded date and sex. */
function validCurp(number: string): boolean {
  const match = /^[A-Z]{4}(\d{6})[HMX][A-Z]{5}[A-Z\d]\d$/.exec(number);
  return !!match?.[1] && validDate(match[1]);
}

/** Argentinian CUIT/CUIL: 11 digits with a mod-11 check digit. */
function validCuit(number: string): boolean {
  if (!/^\d{11}$/.test(number)) return false;
  const weights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  const sum = weights.reduce((acc, w, i) => acc + Number(number[i]) * w, 0);
  const rest = 11 - (sum % 11);
  const check = rest === 11 ? 0 : rest === 10 ? 9 : rest;
  return check === Number(number[10]);
}

const type = (
  code: string,
  label: string,
  valid: (n: string) => boolean,
  company = false,
): DocumentType => ({ code, label, valid, company });

/** Document types per country (ISO 3166-1 alpha-2), the usual personal document first. */
export const KOYWE_DOCUMENT_TYPES: Readonly<Record<string, readonly DocumentType[]>> =
  Object.freeze({
    CO: [
      type('CC', 'Cédula de ciudadanía (CC)', (n) => digits(6, 10).test(n)),
      type('CE', 'Cédula de extranjería (CE)', (n) => /^[A-Z\d]{6,12}$/.test(n)),
      type('NIT', 'NIT', validNit, true),
      type('PP', 'Pasaporte', (n) => /^[A-Z\d]{5,20}$/.test(n)),
    ],
    BR: [type('CPF', 'CPF', validCpf), type('CNPJ', 'CNPJ', validCnpj, true)],
    MX: [
      type('RFC', 'RFC', (n) => validRfc(n, false) || validRfc(n, true)),
      type('CURP', 'CURP', validCurp),
    ],
    CL: [type('RUT', 'RUT', validRut)],
    PE: [
      type('DNI', 'DNI', (n) => digits(8).test(n)),
      type('RUC', 'RUC', (n) => /^(10|15|17|20)\d{9}$/.test(n), true),
    ],
    AR: [type('DNI', 'DNI', (n) => digits(7, 8).test(n)), type('CUIT', 'CUIT / CUIL', validCuit)],
  });

/** Removes formatting from a document number: `12.345.678-k` → `12345678K`. */
export function normalizeDocumentNumber(number: string): string {
  return number.replace(/[\s.\-/]/g, '').toUpperCase();
}

/** The document types of `country`; empty when Koywe has none we know of. */
export function documentTypesFor(country: string): readonly DocumentType[] {
  return Object.prototype.hasOwnProperty.call(KOYWE_DOCUMENT_TYPES, country)
    ? (KOYWE_DOCUMENT_TYPES[country] ?? [])
    : [];
}

/** The outcome of {@link checkDocument}. */
export type DocumentCheck =
  | { ok: true; type: DocumentType; number: string }
  | { ok: false; field: 'documentType' | 'documentNumber'; message: string };

/** Checks a document against the types valid in `country`; on success, the normalised number. */
export function checkDocument(country: string, typeCode: string, number: string): DocumentCheck {
  const types = documentTypesFor(country);
  const found = types.find((t) => t.code === typeCode.trim().toUpperCase());
  if (!found) {
    return {
      ok: false,
      field: 'documentType',
      message: `must be one of ${types.map((t) => t.code).join(', ') || '(none)'} in ${country}`,
    };
  }
  const normalized = normalizeDocumentNumber(number);
  if (!found.valid(normalized)) {
    return { ok: false, field: 'documentNumber', message: `is not a valid ${found.code} number` };
  }
  return { ok: true, type: found, number: normalized };
}
