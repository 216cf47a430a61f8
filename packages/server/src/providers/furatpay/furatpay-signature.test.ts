/**
 * @module
 * FuratPay's webhook signature: the fact sheet's test vector, the ±300 s window, and every
 * malformed input answered false, never with an exception.
 */
import { describe, expect, it } from 'vitest';
import {
  furatPaySignedMessage,
  signFuratPay,
  signedFields,
  verifyFuratPaySignature,
} from './furatpay-signature.js';

const SECRET = 'furat_test_secret';
const VECTOR = '28cd4249f032b66a42b4bb5bf5424e4e1935039cded1b0df7a3dfe13d6f8fb7d';
const T = 1735689600;
const body = (data: Record<string, unknown> = { id: 'inv_123', code: '42', order_number: '42' }) =>
  new TextEncoder().encode(
    JSON.stringify({ type: 'INVOICE_PAID', data: { ...data, status: 'paid' } }),
  );

describe('FuratPay webhook signature', () => {
  it('matches the fact sheet test vector', () => {
    const fields = { id: 'inv_123', code: '42', order_number: '42' };
    expect(furatPaySignedMessage(fields, String(T))).toBe('inv_12342421735689600');
    expect(signFuratPay(SECRET, fields, String(T))).toBe(VECTOR);
    expect(verifyFuratPaySignature(SECRET, body(), VECTOR, String(T), T * 1000)).toBe(true);
  });

  it('accepts integer code and order number, and upper-case hex', () => {
    const numeric = body({ id: 'inv_123', code: 42, order_number: 42 });
    expect(signedFields(numeric)).toEqual({ id: 'inv_123', code: '42', order_number: '42' });
    expect(
      verifyFuratPaySignature(SECRET, numeric, VECTOR.toUpperCase(), String(T), T * 1000),
    ).toBe(true);
  });

  it('does not sign the rest of the body: the status may differ, the signed fields may not', () => {
    const other = new TextEncoder().encode(
      JSON.stringify({
        type: 'INVOICE_UPDATED',
        data: { id: 'inv_123', code: '42', order_number: '42', status: 'failed' },
      }),
    );
    expect(verifyFuratPaySignature(SECRET, other, VECTOR, String(T), T * 1000)).toBe(true);
    expect(
      verifyFuratPaySignature(
        SECRET,
        body({ id: 'inv_124', code: '42', order_number: '42' }),
        VECTOR,
        String(T),
        T * 1000,
      ),
    ).toBe(false);
    expect(
      verifyFuratPaySignature(
        SECRET,
        body({ id: 'inv_123', code: '42', order_number: '43' }),
        VECTOR,
        String(T),
        T * 1000,
      ),
    ).toBe(false);
  });

  it('enforces the ±300 s window', () => {
    const at = (offsetS: number) => (T + offsetS) * 1000;
    expect(verifyFuratPaySignature(SECRET, body(), VECTOR, String(T), at(299))).toBe(true);
    expect(verifyFuratPaySignature(SECRET, body(), VECTOR, String(T), at(-299))).toBe(true);
    expect(verifyFuratPaySignature(SECRET, body(), VECTOR, String(T), at(301))).toBe(false);
    expect(verifyFuratPaySignature(SECRET, body(), VECTOR, String(T), at(-301))).toBe(false);
  });

  it('answers false to malformed input without throwing', () => {
    const now = T * 1000;
    const cases: [Uint8Array, string | null, string | null][] = [
      [body(), null, String(T)],
      [body(), VECTOR, null],
      [body(), '', String(T)],
      [body(), VECTOR.slice(0, 63), String(T)],
      [body(), `${VECTOR.slice(0, 63)}g`, String(T)],
      [body(), VECTOR, '17356896OO'],
      [body(), VECTOR, '-1735689600'],
      [body(), VECTOR, '1e9'],
      [new Uint8Array([0xff, 0xfe]), VECTOR, String(T)],
      [new TextEncoder().encode('[]'), VECTOR, String(T)],
      [new TextEncoder().encode('{"data":{"id":"inv_123"}}'), VECTOR, String(T)],
      [body({ id: 'inv_123', code: 4.2, order_number: '42' }), VECTOR, String(T)],
    ];
    for (const [raw, signature, timestamp] of cases) {
      expect(verifyFuratPaySignature(SECRET, raw, signature, timestamp, now)).toBe(false);
    }
    expect(verifyFuratPaySignature('another_secret', body(), VECTOR, String(T), now)).toBe(false);
  });
});
