/**
 * @module
 * Paths under /console/ and the views they name, both ways; and how amounts, times and
 * durations are written.
 */
import { expect } from '@open-wc/testing';
import { formatDuration, formatMoney, formatRate, formatTime } from './format.js';
import { isAppUrl, parseRoute, pathOf, type Route } from './router.js';

describe('router', () => {
  it('reads each view from its path, and writes the same path back', () => {
    const cases: [string, Route][] = [
      ['/console/orders', { name: 'orders' }],
      ['/console/orders/ord_a%2Fb', { name: 'order', id: 'ord_a/b' }],
      ['/console/providers', { name: 'providers' }],
      ['/console/notifications', { name: 'notifications' }],
    ];
    for (const [path, route] of cases) {
      expect(parseRoute(path), path).to.deep.equal(route);
      expect(pathOf(route)).to.equal(path);
    }
    expect(parseRoute('/console/')).to.deep.equal({ name: 'orders' });
    expect(parseRoute('/console')).to.deep.equal({ name: 'orders' });
    expect(parseRoute('/console/orders/')).to.deep.equal({ name: 'orders' });
    expect(parseRoute('/console/nope')).to.deep.equal({ name: 'not_found', path: '/console/nope' });
    expect(parseRoute('/console/orders/%E0%A4%A')).to.deep.equal({
      name: 'not_found',
      path: '/console/orders/%E0%A4%A',
    });
  });

  it('routes only its own pages, never the API, the assets or another origin', () => {
    const url = (path: string, origin = location.origin) => new URL(path, origin);
    expect(isAppUrl(url('/console/orders/x'))).to.equal(true);
    expect(isAppUrl(url('/console'))).to.equal(true);
    expect(isAppUrl(url('/console/api/orders'))).to.equal(false);
    expect(isAppUrl(url('/console/assets/index.js'))).to.equal(false);
    expect(isAppUrl(url('/consoles'))).to.equal(false);
    expect(isAppUrl(url('/console/orders', 'https://elsewhere.example'))).to.equal(false);
  });
});

describe('format', () => {
  it('writes minor units with the currency’s own digits', () => {
    expect(formatMoney({ value: 2400, currency: 'EUR' })).to.equal('24.00 EUR');
    expect(formatMoney({ value: 95000, currency: 'CLP' })).to.equal('95000 CLP');
    expect(formatMoney({ value: 9500000, currency: 'COP' })).to.equal('95000.00 COP');
    expect(formatMoney({ value: 25000, currency: 'IQD' })).to.equal('25.000 IQD');
    expect(formatMoney(undefined)).to.equal('—');
  });

  it('writes durations, rates and times plainly', () => {
    expect(formatDuration(182)).to.equal('182 ms');
    expect(formatDuration(1250)).to.equal('1.3 s');
    expect(formatDuration(null)).to.equal('—');
    expect(formatRate(0.05)).to.equal('5.0 %');
    expect(formatTime('2026-12-06T10:03:00.000Z')).to.match(/06 Dec 2026/);
    expect(formatTime('not a time')).to.equal('not a time');
  });
});
