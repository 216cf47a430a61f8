/**
 * @module
 * The emulator's own document checks, pinned to the examples in Koywe's documentation
 * (CC `1234567890`, CPF `12345678900`-style, RUT `11111111-1`) and to published check digits.
 */
import { describe, expect, it } from 'vitest';
import { verifyDocument } from './documents.js';

describe('Koywe document checks', () => {
  it.each([
    ['CO', 'CC', '1234567890'],
    ['CL', 'RUT', '11111111-1'],
    ['CL', 'RUT', '12.345.678-5'],
    ['CL', 'RUT', '7654321-6'],
    ['BR', 'CPF', '529.982.247-25'],
    ['BR', 'CNPJ', '11.222.333/0001-81'],
    ['CO', 'NIT', '900373913-4'],
    ['AR', 'CUIT', '20-12345678-6'],
    ['MX', 'CURP', 'GODE561231HDFRRN09'],
    ['PE', 'DNI', '12345678'],
  ])('accepts %s %s %s', (country, type, number) => {
    expect(verifyDocument(country, type, number)).toMatchObject({ ok: true, type });
  });

  it.each([
    ['CO', 'CC', '12345', 'documentNumber'],
    ['CL', 'RUT', '11111111-2', 'documentNumber'],
    ['BR', 'CPF', '11111111111', 'documentNumber'],
    ['BR', 'CPF', '529.982.247-26', 'documentNumber'],
    ['BR', 'CNPJ', '11.222.333/0001-82', 'documentNumber'],
    ['AR', 'CUIT', '20-12345678-5', 'documentNumber'],
    ['CO', 'RUT', '11111111-1', 'documentType'],
    ['XX', 'CC', '1234567890', 'documentType'],
    ['CO', 'constructor', '1234567890', 'documentType'],
  ])('refuses %s %s %s (%s)', (country, type, number, field) => {
    expect(verifyDocument(country, type, number)).toMatchObject({ ok: false, field });
  });

  it('returns the bare number', () => {
    expect(verifyDocument('CL', 'rut', '12.345.678-k')).toMatchObject({ ok: false });
    expect(verifyDocument('CL', 'rut', '12.345.678-5')).toEqual({
      ok: true,
      type: 'RUT',
      number: '123456785',
    });
  });
});
