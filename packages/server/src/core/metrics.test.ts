/**
 * @module
 * The metrics registry: one per server, so two servers in one process count apart and neither
 * touches prom-client's global registry; the process's own metrics in each.
 */
import { describe, expect, it } from 'vitest';
import { register as globalRegistry } from 'prom-client';
import { HTTP_DURATION, HTTP_REQUESTS, Metrics, WEBHOOK_DURATION } from './metrics.js';

/** The value of one sample line of the text format, or null when absent. */
function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? null : Number(line.slice(series.length + 1));
}

describe('Metrics', () => {
  it('keeps the counters of two servers in one process apart', async () => {
    const a = new Metrics();
    const b = new Metrics();
    const labels = { method: 'GET', route: '/healthz', status: '200' };
    a.inc(HTTP_REQUESTS, 'HTTP requests by route pattern and status.', labels);
    a.inc(HTTP_REQUESTS, 'HTTP requests by route pattern and status.', labels, 2);
    b.inc(HTTP_REQUESTS, 'HTTP requests by route pattern and status.', labels);
    a.gauge('pay_checkout_sse_connections', 'Open SSE streams.', () => 3);
    b.gauge('pay_checkout_sse_connections', 'Open SSE streams.', () => 5);

    const series = 'pay_checkout_http_requests_total{method="GET",route="/healthz",status="200"}';
    expect(sample(await a.render(), series)).toBe(3);
    expect(sample(await b.render(), series)).toBe(1);
    expect(sample(await a.render(), 'pay_checkout_sse_connections')).toBe(3);
    expect(sample(await b.render(), 'pay_checkout_sse_connections')).toBe(5);
    // Labels in another order name the same series.
    expect(a.value(HTTP_REQUESTS, { status: '200', route: '/healthz', method: 'GET' })).toBe(3);
    expect(a.value(HTTP_REQUESTS, { ...labels, status: '500' })).toBe(0);
    expect(globalRegistry.getSingleMetric(HTTP_REQUESTS)).toBeUndefined();
  });

  it('exposes the process metrics in every server, once each', async () => {
    const texts = await Promise.all([new Metrics().render(), new Metrics().render()]);
    for (const text of texts) {
      expect(text.match(/^# TYPE process_resident_memory_bytes gauge$/gm)).toHaveLength(1);
      expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
      expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    }
    expect(globalRegistry.getSingleMetric('process_resident_memory_bytes')).toBeUndefined();
  });

  it('times requests and webhooks in seconds, by route and by provider', async () => {
    const metrics = new Metrics();
    metrics.observe(HTTP_DURATION, { method: 'POST', route: '/webhooks/:provider' }, 0.003);
    metrics.observe(HTTP_DURATION, { method: 'POST', route: '/webhooks/:provider' }, 0.2);
    metrics.observe(WEBHOOK_DURATION, { provider: 'ivy' }, 0.003);
    const text = await metrics.render();
    const labels = 'method="POST",route="/webhooks/:provider"';
    expect(sample(text, `pay_checkout_http_request_duration_seconds_count{${labels}}`)).toBe(2);
    expect(sample(text, `pay_checkout_http_request_duration_seconds_sum{${labels}}`)).toBeCloseTo(
      0.203,
    );
    expect(
      sample(text, `pay_checkout_http_request_duration_seconds_bucket{le="0.005",${labels}}`),
    ).toBe(1);
    expect(
      sample(text, 'pay_checkout_webhook_duration_seconds_bucket{le="0.005",provider="ivy"}'),
    ).toBe(1);
    expect(() => metrics.observe('pay_checkout_nope_seconds', {}, 1)).toThrow(/No histogram/);
  });

  it('lists every counter before anything is counted, and replaces a gauge of the same name', async () => {
    const metrics = new Metrics();
    metrics.gauge('pay_checkout_sse_connections', 'Open SSE streams.', () => 1);
    metrics.gauge('pay_checkout_sse_connections', 'Open SSE streams.', () => 2);
    const text = await metrics.render();
    for (const name of [
      'pay_checkout_http_requests_total',
      'pay_checkout_webhooks_total',
      'pay_checkout_order_transitions_total',
      'pay_checkout_status_anomalies_total',
      'pay_checkout_mandate_transitions_total',
      'pay_checkout_merchant_webhooks_total',
    ]) {
      expect(text).toContain(`# TYPE ${name} counter\n`);
    }
    expect(sample(text, 'pay_checkout_sse_connections')).toBe(2);
    expect(metrics.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });
});
