/**
 * @module
 * Ivy's signature: the fact sheet's test vector, and every malformed header a 401 (false),
 * never an exception.
 */
import { describe, expect, it } from 'vitest';
import { signIvyBody, verifyIvySignature } from './ivy-signature.js';

const SECRET = 'ivy_test_secret';
const BODY =
  '{"id":"evt-1","type":"order_updated","payload":{"id":"ord-1","referenceId":"shop-42","status":"paid"},"date":"2025-01-01T00:00:00.000Z"}';
const SIGNATURE = '9d1cd558b0623ebf196f92eb00b2ee8d9fd5f7d890d4efa0f9547a1517d2a982';
const bytes = (text: string) => new TextEncoder().encode(text);

describe('Ivy webhook signature', () => {
  it('matches the fact sheet vector', () => {
    expect(signIvyBody(SECRET, BODY)).toBe(SIGNATURE);
    expect(verifyIvySignature(SECRET, bytes(BODY), SIGNATURE)).toBe(true);
  });

  it('accepts upper-case hex and surrounding spaces', () => {
    expect(verifyIvySignature(SECRET, bytes(BODY), ` ${SIGNATURE.toUpperCase()} `)).toBe(true);
  });

  it('falls back to the compact re-serialisation of a pretty-printed body', () => {
    const pretty = JSON.stringify(JSON.parse(BODY), null, 2);
    expect(verifyIvySignature(SECRET, bytes(pretty), SIGNATURE)).toBe(true);
  });

  it.each([
    ['missing', null],
    ['empty', ''],
    ['odd length', SIGNATURE.slice(1)],
    ['too short', SIGNATURE.slice(0, 62)],
    ['too long', `${SIGNATURE}00`],
    ['non-hex', `${SIGNATURE.slice(0, 63)}g`],
    ['base64 instead of hex', Buffer.from(SIGNATURE, 'hex').toString('base64')],
    ['wrong', 'a'.repeat(64)],
    ['prefixed', `sha256=${SIGNATURE}`],
  ])('rejects a %s signature', (_name, signature) => {
    expect(verifyIvySignature(SECRET, bytes(BODY), signature)).toBe(false);
  });

  it('rejects a flipped byte, reordered keys, another secret and invalid UTF-8', () => {
    expect(verifyIvySignature(SECRET, bytes(BODY.replace('paid', 'paie')), SIGNATURE)).toBe(false);
    const reordered = BODY.replace(
      '"id":"evt-1","type":"order_updated"',
      '"type":"order_updated","id":"evt-1"',
    );
    expect(verifyIvySignature(SECRET, bytes(reordered), SIGNATURE)).toBe(false);
    expect(verifyIvySignature('other_secret', bytes(BODY), SIGNATURE)).toBe(false);
    expect(verifyIvySignature(SECRET, new Uint8Array([0xff, 0xfe, 0x7b]), SIGNATURE)).toBe(false);
  });

  it('rejects forged random signatures of the right length', () => {
    for (let i = 0; i < 100; i++) {
      const forged = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex');
      expect(verifyIvySignature(SECRET, bytes(BODY), forged)).toBe(false);
    }
  });
});
