/**
 * @module
 * A small Prometheus registry (text exposition format 0.0.4): labelled counters and gauges read
 * at scrape time. Labels are route patterns and outcome words only, never ids, so the number of
 * series stays bounded and nothing about a customer leaks through `/metrics`.
 */

type Labels = Record<string, string>;

interface Counter {
  help: string;
  values: Map<string, { labels: Labels; value: number }>;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

/** Counters and gauges of one server. */
export class Metrics {
  readonly #counters = new Map<string, Counter>();
  readonly #gauges = new Map<string, { help: string; read: () => number }>();

  /** Adds `by` (default 1) to the counter `name` with `labels`. */
  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    let counter = this.#counters.get(name);
    if (!counter) this.#counters.set(name, (counter = { help, values: new Map() }));
    const key = formatLabels(labels);
    const entry = counter.values.get(key);
    if (entry) entry.value += by;
    else counter.values.set(key, { labels, value: by });
  }

  /** Registers a gauge whose value is read when scraped. */
  gauge(name: string, help: string, read: () => number): void {
    this.#gauges.set(name, { help, read });
  }

  /** The current value of a counter series (0 when never incremented). */
  value(name: string, labels: Labels = {}): number {
    return this.#counters.get(name)?.values.get(formatLabels(labels))?.value ?? 0;
  }

  /** Everything in the Prometheus text format. */
  render(): string {
    const lines: string[] = [];
    for (const [name, counter] of this.#counters) {
      lines.push(`# HELP ${name} ${counter.help}`, `# TYPE ${name} counter`);
      for (const { labels, value } of counter.values.values()) {
        lines.push(`${name}${formatLabels(labels)} ${value}`);
      }
    }
    for (const [name, gauge] of this.#gauges) {
      lines.push(`# HELP ${name} ${gauge.help}`, `# TYPE ${name} gauge`, `${name} ${gauge.read()}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

export const HTTP_REQUESTS = 'pay_checkout_http_requests_total';
export const WEBHOOKS = 'pay_checkout_webhooks_total';
export const TRANSITIONS = 'pay_checkout_order_transitions_total';
export const ANOMALIES = 'pay_checkout_status_anomalies_total';
