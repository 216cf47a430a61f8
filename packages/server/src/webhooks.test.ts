/**
 * @module
 * The merchant's verification helper: valid signatures, tampering, timestamp tolerance in both
 * directions, key rotation, malformed headers (always a WebhookVerificationError, never another
 * exception), and both secret forms.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureHeader, secretKey } from './notify/standard-webhooks.js';
import { verifyWebhook, WebhookVerificationError, type VerifyWebhookOptions } from './webhooks.js';

const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const NOW = new Date('2026-03-01T12:00:00.000Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const BODY = JSON.stringify({
  type: 'order.updated',
  timestamp: NOW.toISOString(),
  data: { order: { id: 'ord_1', status: 'paid', amount: { value: 110, currency: 'EUR' } } },
});

function sign(
  body = BODY,
  { id = 'msg_1', timestamp = NOW_S, secrets = [SECRET] } = {},
): Record<string, string> {
  const keys = secrets.map((s) => secretKey(s) as Buffer);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatureHeader(keys, id, timestamp, body),
  };
}

function reason(options: Partial<VerifyWebhookOptions>): string {
  try {
    verifyWebhook({ payload: BODY, headers: sign(), secret: SECRET, now: NOW, ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    return (error as WebhookVerificationError).reason;
  }
  return 'accepted';
}

describe('verifyWebhook', () => {
  it('accepts a valid notification and returns the parsed event', () => {
    const event = verifyWebhook({ payload: BODY, headers: sign(), secret: SECRET, now: NOW });
    expect(event).toMatchObject({ type: 'order.updated', data: { order: { status: 'paid' } } });
  });

  it('matches the Standard Webhooks construction (HMAC over id.timestamp.body, base64)', () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    const expected = createHmac('sha256', key).update(`msg_1.${NOW_S}.${BODY}`).digest('base64');
    expect(sign()['webhook-signature']).toBe(`v1,${expected}`);
  });

  it('accepts raw bytes, a Headers object and Node-style header arrays', () => {
    const headers = new Headers(sign());
    expect(reason({ payload: Buffer.from(BODY), headers })).toBe('accepted');
    const node = Object.fromEntries(
      Object.entries(sign()).map(([k, v]) => [k.toUpperCase(), [v]] as const),
    );
    expect(reason({ headers: node })).toBe('accepted');
  });

  it('rejects a changed body, a changed id and another secret', () => {
    expect(reason({ payload: BODY.replace('"paid"', '"paid" ') })).toBe('no_matching_signature');
    expect(reason({ payload: BODY.replace('110', '1100') })).toBe('no_matching_signature');
    expect(reason({ headers: { ...sign(), 'webhook-id': 'msg_2' } })).toBe('no_matching_signature');
    const other = `whsec_${randomBytes(32).toString('base64')}`;
    expect(reason({ secret: other })).toBe('no_matching_signature');
  });

  it('enforces the timestamp tolerance in the past and in the future (default 300 s)', () => {
    for (const [offset, expected] of [
      [-299, 'accepted'],
      [299, 'accepted'],
      [-301, 'timestamp_too_old'],
      [301, 'timestamp_too_new'],
    ] as const) {
      expect(reason({ headers: sign(BODY, { timestamp: NOW_S + offset }) })).toBe(expected);
    }
    expect(reason({ headers: sign(BODY, { timestamp: NOW_S - 600 }), toleranceSeconds: 900 })).toBe(
      'accepted',
    );
  });

  it('accepts any matching entry of several signatures (key rotation), either side', () => {
    const old = `whsec_${randomBytes(32).toString('base64')}`;
    const both = sign(BODY, { secrets: [old, SECRET] });
    expect(both['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(reason({ headers: both })).toBe('accepted');
    expect(reason({ headers: both, secret: old })).toBe('accepted');
    expect(reason({ headers: sign(), secret: [old, SECRET] })).toBe('accepted');
    const withJunk = {
      ...sign(),
      'webhook-signature': `v2,abc v1,!!! ${sign()['webhook-signature']}`,
    };
    expect(reason({ headers: withJunk })).toBe('accepted');
  });

  it('answers every malformed header with a verification error, never another exception', () => {
    const good = sign();
    const cases: [Record<string, string>, string][] = [
      [{}, 'missing_headers'],
      [{ ...good, 'webhook-signature': '' }, 'missing_headers'],
      [{ ...good, 'webhook-timestamp': 'yesterday' }, 'invalid_timestamp'],
      [{ ...good, 'webhook-timestamp': '1e9' }, 'invalid_timestamp'],
      [{ ...good, 'webhook-signature': 'v1,' }, 'no_matching_signature'],
      [{ ...good, 'webhook-signature': 'v1,%%%%' }, 'no_matching_signature'],
      [{ ...good, 'webhook-signature': 'v1' }, 'no_matching_signature'],
      [{ ...good, 'webhook-signature': `v1,${'A'.repeat(44)}` }, 'no_matching_signature'],
      [
        { ...good, 'webhook-signature': `v1a,${good['webhook-signature']?.slice(3)}` },
        'no_matching_signature',
      ],
    ];
    for (const [headers, expected] of cases) expect(reason({ headers })).toBe(expected);
    expect(reason({ secret: 'whsec_not base64!' })).toBe('invalid_secret');
    expect(reason({ secret: [] })).toBe('invalid_secret');
  });

  it('uses a secret without the whsec_ prefix as its UTF-8 bytes', () => {
    const plain = 'a-plain-shared-secret-of-some-length';
    expect(reason({ headers: sign(BODY, { secrets: [plain] }), secret: plain })).toBe('accepted');
  });

  it('rejects a validly signed body that is not JSON', () => {
    expect(reason({ payload: 'not json', headers: sign('not json') })).toBe('invalid_payload');
  });
});
