/**
 * @module
 * Koywe's identity documents per country in the adapter: check digits and formats,
 * normalisation, and clear errors.
 */
import { describe, expect, it } from 'vitest';
import { checkDocument, documentTypesFor, normalizeDocumentNumber } from './koywe-documents.js';

describe('Koywe documents', () => {
  it.each([
    ['CO', 'CC', '1020304050', '1020304050'],
    ['CO', 'CE', 'E123456', 'E123456'],
    ['CO', 'NIT', '890903938-8', '8909039388'],
    ['CO', 'NIT', '900123456', '900123456'],
    ['BR', 'CPF', '529.982.247-25', '52998224725'],
    ['BR', 'CNPJ', '11.222.333/0001-81', '11222333000181'],
    ['CL', 'RUT', '12.345.678-5', '123456785'],
    ['CL', 'RUT', '7.654.321-6', '76543216'],
    ['MX', 'RFC', 'GODE561231GR8', 'GODE561231GR8'],
    ['MX', 'CURP', 'GODE561231HDFRRN09', 'GODE561231HDFRRN09'],
    ['PE', 'DNI', '12345678', '12345678'],
    ['AR', 'CUIT', '20-12345678-6', '20123456786'],
  ])('accepts %s %s %s', (country, type, number, normalized) => {
    const result = checkDocument(country, type, number);
    expect(result).toMatchObject({ ok: true, number: normalized });
  });

  it.each([
    ['CO', 'CC', '12345', 'documentNumber'],
    ['CO', 'CC', '12345678901', 'documentNumber'],
    ['CO', 'NIT', '890903938-7', 'documentNumber'],
    ['CO', 'CPF', '52998224725', 'documentType'],
    ['BR', 'CPF', '52998224724', 'documentNumber'],
    ['BR', 'CPF', '111.111.111-11', 'documentNumber'],
    ['BR', 'CNPJ', '11222333000182', 'documentNumber'],
    ['CL', 'RUT', '12.345.678-K', 'documentNumber'],
    ['MX', 'RFC', 'GODE561331GR8', 'documentNumber'],
    ['MX', 'RFC', '1234', 'documentNumber'],
    ['AR', 'CUIT', '20123456787', 'documentNumber'],
    ['US', 'SSN', '123456789', 'documentType'],
  ])('rejects %s %s %s in %s', (country, type, number, field) => {
    const result = checkDocument(country, type, number);
    expect(result).toMatchObject({ ok: false, field });
  });

  it('lists the valid types in the error and knows companies', () => {
    expect(checkDocument('CO', 'RUT', '1')).toEqual({
      ok: false,
      field: 'documentType',
      message: 'must be one of CC, CE, NIT, PP in CO',
    });
    expect(documentTypesFor('CO').find((t) => t.code === 'NIT')?.company).toBe(true);
    expect(documentTypesFor('toString')).toEqual([]);
  });

  it('normalises formatting away', () => {
    expect(normalizeDocumentNumber(' 12.345.678-k ')).toBe('12345678K');
  });
});
