/**
 * @module
 * Koywe's signature: the fact sheet's test vector, and every malformed header a 401 (false),
 * never an exception.
 */
import { describe, expect, it } from 'vitest';
import { signKoyweBody, verifyKoyweSignature } from './koywe-signature.js';

const SECRET = 'whsec_test';
const BODY =
  '{"id":"evt_test_1","type":"order.completed","data":{"orderId":"ord_test_1","externalId":"shop-42","status":"COMPLETED"}}';
const SIGNATURE = '6a17680229b1b7b79113e6f08d37cb1c90f36da9cad32e73deb2a61e84f2a000';
const bytes = (text: string) => new TextEncoder().encode(text);

describe('Koywe webhook signature', () => {
  it('matches the fact sheet vector', () => {
    expect(signKoyweBody(SECRET, BODY)).toBe(SIGNATURE);
    expect(verifyKoyweSignature(SECRET, bytes(BODY), SIGNATURE)).toBe(true);
  });

  it('accepts upper-case hex, surrounding spaces and a sha256= prefix', () => {
    expect(verifyKoyweSignature(SECRET, bytes(BODY), ` ${SIGNATURE.toUpperCase()} `)).toBe(true);
    expect(verifyKoyweSignature(SECRET, bytes(BODY), `sha256=${SIGNATURE}`)).toBe(true);
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
    ['other prefix', `sha1=${SIGNATURE}`],
    ['timestamped', `t=1,v1=${SIGNATURE}`],
  ])('rejects a %s signature', (_name, signature) => {
    expect(verifyKoyweSignature(SECRET, bytes(BODY), signature)).toBe(false);
  });

  it('verifies the raw bytes only: re-serialised, re-ordered or flipped bodies fail', () => {
    const pretty = JSON.stringify(JSON.parse(BODY), null, 2);
    expect(verifyKoyweSignature(SECRET, bytes(pretty), SIGNATURE)).toBe(false);
    expect(verifyKoyweSignature(SECRET, bytes(`${BODY} `), SIGNATURE)).toBe(false);
    expect(
      verifyKoyweSignature(SECRET, bytes(BODY.replace('COMPLETED', 'COMPLETEE')), SIGNATURE),
    ).toBe(false);
    expect(verifyKoyweSignature('whsec_other', bytes(BODY), SIGNATURE)).toBe(false);
    expect(verifyKoyweSignature(SECRET, new Uint8Array([0xff, 0xfe, 0x7b]), SIGNATURE)).toBe(false);
  });

  it('keeps decimals exactly as sent (no JSON round trip)', () => {
    const body = '{"id":"e","type":"order.paid","data":{"amountIn":1.10}}';
    expect(verifyKoyweSignature(SECRET, bytes(body), signKoyweBody(SECRET, body))).toBe(true);
  });

  it('rejects forged random signatures of the right length', () => {
    for (let i = 0; i < 100; i++) {
      const forged = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex');
      expect(verifyKoyweSignature(SECRET, bytes(BODY), forged)).toBe(false);
    }
  });
});
