/**
 * @module
 * Koywe's method list read into pay-checkout methods: PSE's banks as Koywe lists them, each
 * method's kind and logo, and the fields with their autocomplete tokens and prefills.
 */
import { KOYWE_PAYMENT_METHODS } from '@pay-checkout/emulator';
import { MethodSchema, type MethodField } from '@pay-checkout/protocol';
import { describe, expect, it } from 'vitest';
import type { SessionRecord } from '../../domain/records.js';
import { testSession } from '../../test-support/provider-fixtures.js';
import { methodLogo } from '../method-logos.js';
import type { KoywePaymentMethod } from './koywe-client.js';
import {
  banksOf,
  DEFAULT_PSE_BANKS,
  fieldsFor,
  KOYWE_FIELDS,
  koyweMethodKind,
  toMethods,
} from './koywe-methods.js';

/** The emulated Koywe's method list, as the adapter's client reads it from the API. */
const KOYWE_LIST: KoywePaymentMethod[] = KOYWE_PAYMENT_METHODS.map((m) => ({ ...m }));

function colombia(customer?: SessionRecord['customer']): SessionRecord {
  return testSession({
    amount: { value: 9_900_000, currency: 'COP' },
    country: 'CO',
    ...(customer ? { customer } : {}),
  });
}

function field(fields: MethodField[], name: string): MethodField | undefined {
  return fields.find((f) => f.name === name);
}

describe('banksOf', () => {
  it('reads the documented plain bank codes and names the known ones', () => {
    expect(banksOf({ banks: ['BANCOLOMBIA', 'DAVIVIENDA', 'BOGOTA'] })).toEqual([
      { value: 'BANCOLOMBIA', label: 'Bancolombia' },
      { value: 'DAVIVIENDA', label: 'Davivienda' },
      { value: 'BOGOTA', label: 'Banco de Bogotá' },
    ]);
  });

  it('labels an unknown code with the code itself', () => {
    expect(banksOf({ banks: ['BANCO_FALABELLA', ' ITAU '] })).toEqual([
      { value: 'BANCO_FALABELLA', label: 'BANCO_FALABELLA' },
      { value: 'ITAU', label: 'ITAU' },
    ]);
  });

  it('drops duplicates, blanks, junk and non-strings', () => {
    expect(
      banksOf({ banks: ['BOGOTA', 'BOGOTA', '', '<script>', 7, null, 'x'.repeat(81)] }),
    ).toEqual([{ value: 'BOGOTA', label: 'Banco de Bogotá' }]);
  });

  it('still reads { code, name } entries and a bare list', () => {
    expect(
      banksOf({ banks: [{ code: 'BANCOLOMBIA', name: 'Bancolombia S.A.' }, { code: 'BOGOTA' }] }),
    ).toEqual([
      { value: 'BANCOLOMBIA', label: 'Bancolombia S.A.' },
      { value: 'BOGOTA', label: 'Banco de Bogotá' },
    ]);
    expect(banksOf(['DAVIVIENDA'])).toEqual([{ value: 'DAVIVIENDA', label: 'Davivienda' }]);
  });

  it('lists nothing without a bank list', () => {
    for (const extra of [undefined, null, 'BANCOLOMBIA', {}, { banks: 'BOGOTA' }]) {
      expect(banksOf(extra)).toEqual([]);
    }
  });

  it('uses the documented Bogotá code in its own list', () => {
    expect(DEFAULT_PSE_BANKS.map((b) => b.value)).toContain('BOGOTA');
    expect(DEFAULT_PSE_BANKS.map((b) => b.value)).not.toContain('BANCO_DE_BOGOTA');
  });
});

describe('Koywe method kinds and logos', () => {
  it('gives every method of every market a kind, and the known brands their logo', () => {
    const markets: [string, string][] = [
      ['CO', 'COP'],
      ['BR', 'BRL'],
      ['MX', 'MXN'],
      ['CL', 'CLP'],
    ];
    const kinds: Record<string, string | undefined> = {};
    for (const [country, currency] of markets) {
      const session = testSession({ amount: { value: 100_000, currency }, country });
      for (const method of toMethods(KOYWE_LIST, session)) {
        expect(MethodSchema.parse(method)).toEqual(method);
        kinds[method.id] = method.kind;
        expect(method.logo, method.id).toBe(methodLogo(method.id));
      }
    }
    expect(kinds).toEqual({
      'koywe:PSE': 'bank',
      'koywe:NEQUI': 'wallet',
      'koywe:PIX_DYNAMIC': 'bank',
      'koywe:SPEI': 'bank',
      'koywe:CARD': 'card',
      'koywe:KHIPU': 'bank',
    });
  });

  it('takes an unknown code as a bank payment, with no logo', () => {
    expect(koyweMethodKind('WEBPAY')).toBe('bank');
    expect(koyweMethodKind('constructor')).toBe('bank');
    expect(koyweMethodKind('QRI')).toBe('qr');
    const [method] = toMethods([{ method: 'WEBPAY', name: 'Webpay' }], colombia());
    expect(method).toMatchObject({ id: 'koywe:WEBPAY', kind: 'bank' });
    expect(method).not.toHaveProperty('logo');
  });
});

describe('fieldsFor', () => {
  it('asks for the name with autocomplete "name" and the document number with "off"', () => {
    const fields = fieldsFor('NEQUI', undefined, colombia());
    expect(fields.map((f) => f.name)).toEqual([
      KOYWE_FIELDS.fullName,
      KOYWE_FIELDS.documentType,
      KOYWE_FIELDS.documentNumber,
    ]);
    expect(field(fields, 'fullName')?.autocomplete).toBe('name');
    expect(field(fields, 'documentNumber')?.autocomplete).toBe('off');
    // Nothing known, nothing filled in.
    expect(fields.some((f) => f.value !== undefined)).toBe(false);
  });

  it('asks nothing the session already has and is valid', () => {
    const fields = fieldsFor(
      'NEQUI',
      undefined,
      colombia({ name: 'Ana Demo', document: { type: 'CC', number: '1020304050' } }),
    );
    expect(fields).toEqual([]);
  });

  it("fills in the session's invalid document so the customer corrects it", () => {
    const fields = fieldsFor(
      'NEQUI',
      undefined,
      colombia({ name: 'Ana Demo', document: { type: 'cc', number: '12.34' } }),
    );
    expect(fields.map((f) => f.name)).toEqual(['documentType', 'documentNumber']);
    expect(field(fields, 'documentType')?.value).toBe('CC');
    expect(field(fields, 'documentNumber')?.value).toBe('12.34');
  });

  it('fills in the number but not a type the country does not have', () => {
    const fields = fieldsFor(
      'NEQUI',
      undefined,
      colombia({ name: 'Ana Demo', document: { type: 'CPF', number: '1020304050' } }),
    );
    expect(field(fields, 'documentType')).not.toHaveProperty('value');
    expect(field(fields, 'documentNumber')?.value).toBe('1020304050');
  });

  it('gives a select with a single option that option as its value', () => {
    const chile = testSession({ amount: { value: 10_000, currency: 'CLP' }, country: 'CL' });
    const type = field(fieldsFor('KHIPU', undefined, chile), 'documentType');
    expect(type?.options).toEqual([{ value: 'RUT', label: 'RUT' }]);
    expect(type?.value).toBe('RUT');
    const bank = field(fieldsFor('PSE', { banks: ['DAVIVIENDA'] }, colombia()), 'bank');
    expect(bank?.value).toBe('DAVIVIENDA');
    const banks = field(fieldsFor('PSE', { banks: ['DAVIVIENDA', 'BOGOTA'] }, colombia()), 'bank');
    expect(banks).not.toHaveProperty('value');
  });
});
