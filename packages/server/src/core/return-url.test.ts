/**
 * @module
 * The open-redirect guard against the usual payloads.
 */
import { describe, expect, it } from 'vitest';
import { checkReturnUrl, withSessionParam } from './return-url.js';

const ALLOWED = ['https://shop.example', 'http://localhost:5173'];

describe('checkReturnUrl', () => {
  it.each([
    'https://shop.example/done',
    'https://shop.example',
    'https://shop.example:443/done?x=1#top',
    'https://SHOP.example/done',
    'http://localhost:5173/return',
  ])('accepts %s', (url) => {
    expect(checkReturnUrl(url, ALLOWED)).toBeNull();
  });

  it.each([
    'https://evil.com',
    '//evil.com',
    '///evil.com',
    '/\\evil.com',
    'https:/\\evil.com',
    'https://shop.example.evil.com/',
    'https://shop.example@evil.com/',
    'https://user:pass@shop.example/',
    'https://evil.com/https://shop.example',
    'https://evil.com?https://shop.example',
    'https://evil.com#https://shop.example',
    'javascript:alert(1)//https://shop.example',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'http://shop.example/done',
    'https://shop.example:8443/',
    'https://shop.example\\@evil.com',
    'https:\\\\evil.com',
    'https://shop.example/\r\nLocation: https://evil.com',
    'https://shop.example%2F%2Fevil.com',
    '%2F%2Fevil.com',
    'https://shop.exampIe/',
    'https://xn--shp-example-ggb.com/',
    'https://shop.example.',
    ' https://shop.example/',
    'https://shop.example\t/',
    'ftp://shop.example/',
    'https://localhost:5173/',
    'http://localhost:5174/',
    '/done',
    '',
  ])('rejects %j', (url) => {
    expect(checkReturnUrl(url, ALLOWED)).not.toBeNull();
  });
});

describe('withSessionParam', () => {
  it('adds the session id and keeps the existing query', () => {
    expect(withSessionParam('https://shop.example/done?cart=7#x', 'cs_1')).toBe(
      'https://shop.example/done?cart=7&pay_checkout_session=cs_1#x',
    );
  });
});
