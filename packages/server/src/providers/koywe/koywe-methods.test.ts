/**
 * @module
 * Koywe's method list read into pay-checkout methods: PSE's banks as Koywe lists them.
 */
import { describe, expect, it } from 'vitest';
import { banksOf, DEFAULT_PSE_BANKS } from './koywe-methods.js';

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
