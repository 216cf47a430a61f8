/**
 * @module
 * The metrics of one server on prom-client: counters, histograms and gauges in a registry of
 * its own (never prom-client's global one, so two servers in one process do not clash), plus
 * the process's own figures (CPU, memory, heap, event loop, GC). Labels are route patterns,
 * provider ids and outcome words only, never ids, so the number of series stays bounded and
 * nothing about a customer leaks through `/metrics`.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

type Labels = Record<string, string>;

export const HTTP_REQUESTS = 'pay_checkout_http_requests_total';
export const HTTP_DURATION = 'pay_checkout_http_request_duration_seconds';
export const WEBHOOKS = 'pay_checkout_webhooks_total';
export const WEBHOOK_DURATION = 'pay_checkout_webhook_duration_seconds';
export const TRANSITIONS = 'pay_checkout_order_transitions_total';
export const ANOMALIES = 'pay_checkout_status_anomalies_total';
export const SSE_CONNECTIONS = 'pay_checkout_sse_connections';
/** Merchant notifications parked as dead (notify/outbox-deliverer.ts). */
export const NOTIFICATIONS_DEAD = 'pay_checkout_notifications_dead_total';
/** Merchant notifications dead right now (a gauge, read from the database when scraped). */
export const NOTIFICATIONS_DEAD_NOW = 'pay_checkout_notifications_dead';
/** Rows deleted by retention, by kind (core/retention.ts). */
export const RETENTION_DELETED = 'pay_checkout_retention_deleted_total';

/**
 * The counters every server exposes from the start (before anything is counted), with their
 * label names. Callers name them when they count; one not listed here is created on first use
 * with the label names it is first counted with.
 */
const COUNTERS: Record<string, { help: string; labelNames: string[] }> = {
  [HTTP_REQUESTS]: {
    help: 'HTTP requests by route pattern and status.',
    labelNames: ['method', 'route', 'status'],
  },
  [WEBHOOKS]: { help: 'Provider webhooks by outcome.', labelNames: ['provider', 'outcome'] },
  [TRANSITIONS]: { help: 'Order status changes applied.', labelNames: ['to'] },
  [ANOMALIES]: { help: 'Statuses an operator should look at.', labelNames: ['anomaly'] },
  pay_checkout_mandate_transitions_total: {
    help: 'Mandate status changes applied.',
    labelNames: ['to'],
  },
  pay_checkout_merchant_webhooks_total: {
    help: 'Merchant notification attempts by outcome.',
    labelNames: ['outcome'],
  },
  [NOTIFICATIONS_DEAD]: {
    help: 'Merchant notifications parked as dead after too many failed attempts.',
    labelNames: [],
  },
  [RETENTION_DELETED]: { help: 'Rows deleted by retention, by kind.', labelNames: ['kind'] },
};

const HISTOGRAMS: Record<string, { help: string; labelNames: string[] }> = {
  [HTTP_DURATION]: {
    help: 'Time from receiving a request to its response headers, by route pattern.',
    labelNames: ['method', 'route'],
  },
  [WEBHOOK_DURATION]: {
    help: 'Time to answer a provider webhook, verification and status change included.',
    labelNames: ['provider'],
  },
};

/** Seconds; from 1 ms (a duplicate webhook) to 10 s (a provider call near its time-out). */
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

let processRegistry: Registry | undefined;

/**
 * The process's own metrics, created once per process. Each `collectDefaultMetrics` call starts
 * an event-loop delay sampler and a GC observer that cannot be stopped, so one set serves every
 * server of the process: each server's registry starts as a copy of this one (the same metric
 * objects). Nothing they start keeps the process alive.
 */
function sharedProcessRegistry(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** Same labels in any order → same key. */
function seriesKey(name: string, labels: Labels): string {
  return `${name}${JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)))}`;
}

/** Counters, histograms and gauges of one server, exposed in the Prometheus text format. */
export class Metrics {
  /** This server's own registry, holding the process's metrics too. */
  readonly #registry = Registry.merge([sharedProcessRegistry()]);
  readonly #counters = new Map<string, Counter>();
  readonly #histograms = new Map<string, Histogram>();
  /** Counter values by series, for {@link Metrics.value} (prom-client reads them async). */
  readonly #values = new Map<string, number>();

  constructor() {
    for (const [name, { help, labelNames }] of Object.entries(COUNTERS)) {
      this.#counter(name, help, labelNames);
    }
    for (const [name, { help, labelNames }] of Object.entries(HISTOGRAMS)) {
      this.#histograms.set(
        name,
        new Histogram({
          name,
          help,
          labelNames,
          buckets: DURATION_BUCKETS,
          registers: [this.#registry],
        }),
      );
    }
  }

  /** The `Content-Type` of {@link Metrics.render}'s text. */
  get contentType(): string {
    return this.#registry.contentType;
  }

  /** Adds `by` (default 1) to the counter `name` with `labels`. */
  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    const counter = this.#counters.get(name) ?? this.#counter(name, help, Object.keys(labels));
    counter.inc(labels, by);
    const key = seriesKey(name, labels);
    this.#values.set(key, (this.#values.get(key) ?? 0) + by);
  }

  /** Records `seconds` in the histogram `name` (one of the `*_duration_seconds` above). */
  observe(name: string, labels: Labels, seconds: number): void {
    const histogram = this.#histograms.get(name);
    if (!histogram) throw new Error(`No histogram named ${name}`);
    histogram.observe(labels, seconds);
  }

  /**
   * Registers a gauge whose value is read when scraped (again under a name replaces it). The
   * read may be asynchronous (a database count); when it fails, the gauge keeps its last value.
   */
  gauge(name: string, help: string, read: () => number | Promise<number>): void {
    this.#registry.removeSingleMetric(name);
    new Gauge({
      name,
      help,
      registers: [this.#registry],
      async collect() {
        try {
          this.set(await read());
        } catch {
          // A scrape must not fail because one figure cannot be read right now.
        }
      },
    });
  }

  /**
   * Registers a gauge with labels whose series are read when scraped (again under a name
   * replaces it): `read` returns every series with its labels (provider ids, state words).
   */
  labelledGauge(
    name: string,
    help: string,
    labelNames: string[],
    read: () => { labels: Labels; value: number }[],
  ): void {
    this.#registry.removeSingleMetric(name);
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.#registry],
      collect() {
        this.reset();
        for (const { labels, value } of read()) this.set(labels, value);
      },
    });
  }

  /** The current value of a counter series (0 when never incremented). */
  value(name: string, labels: Labels = {}): number {
    return this.#values.get(seriesKey(name, labels)) ?? 0;
  }

  /** Everything in the Prometheus text format (version 0.0.4). */
  render(): Promise<string> {
    return this.#registry.metrics();
  }

  #counter(name: string, help: string, labelNames: string[]): Counter {
    const counter = new Counter({ name, help, labelNames, registers: [this.#registry] });
    this.#counters.set(name, counter);
    return counter;
  }
}
