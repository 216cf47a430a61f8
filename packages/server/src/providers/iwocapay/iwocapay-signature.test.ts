/**
 * @module
 * iwocaPay's signature: the fact sheet's test vector, and every malformed header a 401 (false),
 * never an exception.
 */
import { describe, expect, it } from 'vitest';
import { signIwocaPayBody, verifyIwocaPaySignature } from './iwocapay-signature.js';

const TOKEN = 'test-access-token';
const BODY =
  '{"data":{"webhook_id":"11111111-1111-4111-8111-111111111111","event_type":"ORDER_STATUS_CHANGED","order_id":"22222222-2222-4222-8222-222222222222","amount":100.0,"reference":"INV-1","status":"SUCCESSFUL"}}';
const SIGNATURE = 'yNXXE7IUjunnCuS+PrhVpXq03PuiuLTk4hKiNdISg2U=';
const bytes = (text: string) => new TextEncoder().encode(text);

describe('iwocaPay webhook signature', () => {
  it('matches the fact sheet vector', () => {
    expect(signIwocaPayBody(TOKEN, BODY)).toBe(SIGNATURE);
    expect(verifyIwocaPaySignature(TOKEN, bytes(BODY), SIGNATURE)).toBe(true);
  });

  it('verifies the raw bytes, so a body with 100.0 verifies and its re-serialisation does not', () => {
    const reserialised = JSON.stringify(JSON.parse(BODY));
    expect(reserialised).not.toBe(BODY);
    expect(verifyIwocaPaySignature(TOKEN, bytes(reserialised), SIGNATURE)).toBe(false);
  });

  it('accepts surrounding spaces', () => {
    expect(verifyIwocaPaySignature(TOKEN, bytes(BODY), ` ${SIGNATURE} `)).toBe(true);
  });

  it.each([
    ['missing', null],
    ['empty', ''],
    ['without padding', SIGNATURE.slice(0, -1)],
    ['too short', SIGNATURE.slice(4)],
    ['too long', `AAAA${SIGNATURE}`],
    ['hex instead of base64', Buffer.from(SIGNATURE, 'base64').toString('hex')],
    ['base64url', SIGNATURE.replace(/\+/g, '-').replace(/\//g, '_')],
    ['prefixed', `sha256=${SIGNATURE}`],
    ['two values', `${SIGNATURE}, ${SIGNATURE}`],
    ['wrong', `${'A'.repeat(43)}=`],
  ])('rejects a %s signature', (_name, signature) => {
    expect(verifyIwocaPaySignature(TOKEN, bytes(BODY), signature)).toBe(false);
  });

  it('rejects a flipped byte, added whitespace, another key and invalid UTF-8', () => {
    expect(verifyIwocaPaySignature(TOKEN, bytes(BODY.replace('INV-1', 'INV-2')), SIGNATURE)).toBe(
      false,
    );
    expect(verifyIwocaPaySignature(TOKEN, bytes(`${BODY}\n`), SIGNATURE)).toBe(false);
    expect(verifyIwocaPaySignature('other-token', bytes(BODY), SIGNATURE)).toBe(false);
    expect(verifyIwocaPaySignature(TOKEN, new Uint8Array([0xff, 0xfe, 0x7b]), SIGNATURE)).toBe(
      false,
    );
  });

  it('rejects forged random signatures of the right length', () => {
    for (let i = 0; i < 100; i++) {
      const forged = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64');
      expect(verifyIwocaPaySignature(TOKEN, bytes(BODY), forged)).toBe(false);
    }
  });
});
