/**
 * @module
 * The identity documents Koywe's contacts API checks (`DC00010` when one is wrong), written from
 * Koywe's "Document Types by Country" table and error guide: Colombia CC 6–10 digits, Brazil CPF
 * 11 digits (`12345678900`), Chile RUT with its check character (`11111111-1`), and the other
 * national documents of Koywe's markets with the check digits their issuers publish.
 *
 * A number is compared without its formatting: spaces, dots, dashes and slashes are dropped and
 * letters upper-cased, so `12.345.678-5` is `123456785`.
 */

/** Mod-11 check over `body` with `weights` applied from the left; `map` turns the rest into the expected digit. */
function mod11(body: string, weights: readonly number[], map: (rest: number) => string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += Number(body[i]) * (weights[i] ?? 0);
  return map(sum % 11);
}

const repeated = (text: string): boolean => /^(.)\1*$/.test(text);

/** Chile, RUT: 7–8 digits, then 0–9 or K (weights 2…7 from the right). */
function rut(n: string): boolean {
  const body = n.slice(0, -1);
  if (!/^\d{7,8}[\dK]$/.test(n)) return false;
  const weights = [...body].map((_, i) => 2 + ((body.length - 1 - i) % 6));
  const expected = mod11(body, weights, (r) => (r === 0 ? '0' : r === 1 ? 'K' : String(11 - r)));
  return expected === n.slice(-1);
}

/** Brazil, CPF: 11 digits and two check digits. */
function cpf(n: string): boolean {
  if (!/^\d{11}$/.test(n) || repeated(n)) return false;
  const digit = (length: number): string => {
    const weights = Array.from({ length }, (_, i) => length + 1 - i);
    return mod11(n.slice(0, length), weights, (r) => (r < 2 ? '0' : String(11 - r)));
  };
  return digit(9) === n[9] && digit(10) === n[10];
}

/** Brazil, CNPJ: 14 digits and two check digits. */
function cnpj(n: string): boolean {
  if (!/^\d{14}$/.test(n) || repeated(n)) return false;
  const digit = (length: number): string => {
    const weights = Array.from({ length }, (_, i) => ((length - 1 - i) % 8) + 2);
    return mod11(n.slice(0, length), weights, (r) => (r < 2 ? '0' : String(11 - r)));
  };
  return digit(12) === n[12] && digit(13) === n[13];
}

/** Colombia, NIT: 9 digits, with or without DIAN's check digit. */
function nit(n: string): boolean {
  if (/^\d{9}$/.test(n)) return true;
  if (!/^\d{10}$/.test(n)) return false;
  const weights = [41, 37, 29, 23, 19, 17, 13, 7, 3];
  return mod11(n.slice(0, 9), weights, (r) => (r < 2 ? String(r) : String(11 - r))) === n[9];
}

/** Argentina, CUIT/CUIL: 11 digits and a check digit. */
function cuit(n: string): boolean {
  if (!/^\d{11}$/.test(n)) return false;
  const weights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  const expected = mod11(n.slice(0, 10), weights, (r) =>
    r === 0 ? '0' : r === 1 ? '9' : String(11 - r),
  );
  return expected === n[10];
}

/** YYMMDD with a real month and day. */
function datePart(text: string): boolean {
  const month = Number(text.slice(2, 4));
  const day = Number(text.slice(4, 6));
  return /^\d{6}$/.test(text) && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** Mexico, RFC: 3 (company) or 4 (person) letters, a date, a 3-character homoclave. */
function rfc(n: string): boolean {
  const letters = n.length === 12 ? 3 : n.length === 13 ? 4 : 0;
  if (!letters || !/^[A-ZÑ&]+$/.test(n.slice(0, letters))) return false;
  return datePart(n.slice(letters, letters + 6)) && /^[A-Z\d]{3}$/.test(n.slice(letters + 6));
}

/** Mexico, CURP: 4 letters, a date, sex, 5 letters, a character and a digit. */
function curp(n: string): boolean {
  return /^[A-Z]{4}\d{6}[HMX][A-Z]{5}[A-Z\d]\d$/.test(n) && datePart(n.slice(4, 10));
}

/** Each country's document types and their checks. */
const CHECKS: Readonly<Record<string, Readonly<Record<string, (n: string) => boolean>>>> = {
  CO: {
    CC: (n) => /^\d{6,10}$/.test(n),
    CE: (n) => /^[A-Z\d]{6,12}$/.test(n),
    NIT: nit,
    PP: (n) => /^[A-Z\d]{5,20}$/.test(n),
  },
  BR: { CPF: cpf, CNPJ: cnpj },
  CL: { RUT: rut },
  MX: { RFC: rfc, CURP: curp },
  PE: { DNI: (n) => /^\d{8}$/.test(n), RUC: (n) => /^(10|15|17|20)\d{9}$/.test(n) },
  AR: { DNI: (n) => /^\d{7,8}$/.test(n), CUIT: cuit },
};

/** What Koywe answers about a contact's document. */
export type DocumentVerdict =
  | { ok: true; type: string; number: string }
  | { ok: false; field: 'documentType' | 'documentNumber'; message: string };

/** Checks a contact's document the way Koywe does; on success, the type and bare number. */
export function verifyDocument(country: string, type: string, number: string): DocumentVerdict {
  const types = Object.hasOwn(CHECKS, country) ? CHECKS[country] : undefined;
  const code = type.trim().toUpperCase();
  const check = types && Object.hasOwn(types, code) ? types[code] : undefined;
  if (!check) {
    const known = types ? Object.keys(types).join(', ') : '(none)';
    return { ok: false, field: 'documentType', message: `must be one of ${known} in ${country}` };
  }
  const bare = number.replace(/[\s./-]/g, '').toUpperCase();
  if (!check(bare)) {
    return { ok: false, field: 'documentNumber', message: `is not a valid ${code} number` };
  }
  return { ok: true, type: code, number: bare };
}
