/**
 * @module
 * FuratPay's service-specific pay answers reduced to the contract's action, including the shapes
 * the official plugin handles and answers that must not reach the browser.
 */
import { describe, expect, it } from 'vitest';
import { ActionSchema } from '@pay-checkout/protocol';
import { ApiError } from '../../core/api-error.js';
import { furatPayAction } from './furatpay-action.js';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';

describe('furatPayAction', () => {
  it('turns a FIB answer into a QR action with image, code, three deep links and expiry', () => {
    const action = furatPayAction({
      qrCode: PNG,
      readableCode: 'AB12-CD34-EF56',
      personalAppLink: 'https://personal.fib.iq/pay/1',
      businessAppLink: 'fib-business://pay/1',
      corporateAppLink: 'https://corporate.fib.iq/pay/1',
      validUntil: '2026-01-01T15:15:00+03:00',
    });
    expect(ActionSchema.parse(action)).toEqual({
      type: 'qr',
      image: PNG,
      code: 'AB12-CD34-EF56',
      deepLinks: [
        { label: 'FIB Personal', url: 'https://personal.fib.iq/pay/1' },
        { label: 'FIB Business', url: 'fib-business://pay/1' },
        { label: 'FIB Corporate', url: 'https://corporate.fib.iq/pay/1' },
      ],
      expiresAt: '2026-01-01T12:15:00.000Z',
    });
  });

  it('drops unsafe links and a QR that is not an image data URL', () => {
    const action = furatPayAction({
      qrCode: 'https://cdn.example/qr.png',
      readableCode: 'AB12-CD34-EF56',
      personalAppLink: 'javascript:alert(1)',
      businessAppLink: 'data:text/html,hi',
      corporateAppLink: 'not a url',
      validUntil: 'soon',
    });
    expect(action).toEqual({ type: 'qr', code: 'AB12-CD34-EF56' });
  });

  it('passes FastPay qrText as text, its data-URL QR as image and its page as a deep link', () => {
    expect(
      furatPayAction({
        data: { redirect_uri: 'https://fastpay.example/p/1', qrUrl: PNG, qrText: 'fastpay://1' },
      }),
    ).toEqual({
      type: 'qr',
      image: PNG,
      text: 'fastpay://1',
      deepLinks: [{ label: 'FastPay', url: 'https://fastpay.example/p/1' }],
    });
    expect(
      furatPayAction({
        data: { redirect_uri: 'https://fastpay.example/p/1', qrUrl: 'https://x/qr.png' },
      }),
    ).toEqual({ type: 'redirect', url: 'https://fastpay.example/p/1' });
  });

  it('redirects for QiCard, PayTabs, ZainCash and generic answers', () => {
    expect(furatPayAction({ formUrl: 'https://qi.example/f' })).toEqual({
      type: 'redirect',
      url: 'https://qi.example/f',
    });
    expect(furatPayAction({ redirect_url: 'https://paytabs.example/r', tran_ref: 'T1' })).toEqual({
      type: 'redirect',
      url: 'https://paytabs.example/r',
    });
    expect(furatPayAction({ data: { redirect_uri: 'https://zain.example/z' } })).toEqual({
      type: 'redirect',
      url: 'https://zain.example/z',
    });
    expect(furatPayAction({ url: 'https://a.example' })).toMatchObject({
      url: 'https://a.example',
    });
    expect(furatPayAction({ data: { url: 'https://b.example' } })).toMatchObject({
      url: 'https://b.example',
    });
  });

  it('refuses an answer without a usable link as a provider_error', () => {
    for (const answer of [
      {},
      { data: { redirect_uri: 'javascript:alert(1)' } },
      { formUrl: 'ftp://x' },
    ]) {
      expect(() => furatPayAction(answer)).toThrow(ApiError);
    }
  });
});
