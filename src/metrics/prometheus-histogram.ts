/**
 * A prom-client histogram whose buckets are read at scrape time from the breakers' own
 * duration histograms, instead of being observed per call.
 */
import { Histogram } from 'prom-client';
import type { DurationHistogram } from '../durations.js';

/** One labelled histogram to expose. */
export interface LabelledHistogram {
  readonly labels: Readonly<Record<string, string>>;
  readonly histogram: DurationHistogram;
}

type Value = { labels: Record<string, string | number>; value: number; metricName: string };

/**
 * prom-client's `Histogram`, exposing what `read()` returns at each scrape (cumulative `_bucket`
 * series with `le`, `_sum` and `_count`), the shape its own `get()` produces.
 */
export class ReadHistogram extends Histogram<string> {
  readonly #read: () => readonly LabelledHistogram[];
  readonly #name: string;
  readonly #help: string;

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    read: () => readonly LabelledHistogram[],
  ) {
    super({ name, help, labelNames: [...labelNames], registers: [] });
    this.#read = read;
    this.#name = name;
    this.#help = help;
  }

  /** What prom-client's registry writes in the text exposition. */
  getForPromString(): Promise<{
    name: string;
    help: string;
    type: 'histogram';
    values: Value[];
    aggregator: 'sum';
  }> {
    const values: Value[] = [];
    for (const { labels, histogram } of this.#read()) {
      let cumulative = 0;
      histogram.buckets.forEach((bound, i) => {
        cumulative += histogram.counts[i] ?? 0;
        values.push({
          labels: { le: bound, ...labels },
          value: cumulative,
          metricName: `${this.#name}_bucket`,
        });
      });
      values.push(
        { labels: { le: '+Inf', ...labels }, value: histogram.count, metricName: `${this.#name}_bucket` },
        { labels: { ...labels }, value: histogram.sum, metricName: `${this.#name}_sum` },
        { labels: { ...labels }, value: histogram.count, metricName: `${this.#name}_count` },
      );
    }
    return Promise.resolve({
      name: this.#name,
      help: this.#help,
      type: 'histogram',
      values,
      aggregator: 'sum',
    });
  }

  override get(): ReturnType<Histogram<string>['get']> {
    return this.getForPromString() as unknown as ReturnType<Histogram<string>['get']>;
  }
}
