/**
 * `tripstate/prometheus`: a registry's (or a breaker's) state and counters as prom-client
 * metrics, read at scrape time. Needs the optional peer dependency `prom-client` (15).
 */
import { Counter, Gauge, type Registry as PromRegistry } from 'prom-client';
import {
  durationsOf,
  resilience4jFamilies,
  seriesOf,
  tripstateFamilies,
  type Family,
  type MetricNaming,
} from './families.js';
import { ReadHistogram, type LabelledHistogram } from './prometheus-histogram.js';
import { checkMaxSeries, checkTarget, sample, type MetricsTarget, type ToolSample } from './source.js';

/** Options of `registerPrometheusMetrics`. */
export interface PrometheusMetricsOptions {
  /** The prom-client registry to register in (e.g. `new Registry()` or prom-client's `register`). */
  readonly register: PromRegistry;
  /** Prefix of every metric name. @default 'tripstate_' ('resilience4j_circuitbreaker_' with `naming: 'resilience4j'`) */
  readonly prefix?: string;
  /**
   * `'tripstate'`: `tripstate_circuit_state{tool,state}` and the rest (docs/metrics.md);
   * `'resilience4j'`: resilience4j-micrometer's names and labels, for its Grafana dashboards.
   * @default 'tripstate'
   */
  readonly naming?: MetricNaming;
  /**
   * Most series one scrape exports, all families together. Past it, tools that are open,
   * half-open or isolated are kept first, then tools with failures; `<prefix>unexported_tools`
   * counts those left out. @default 10000
   */
  readonly maxSeries?: number;
  /** The `tool` label of a breaker that has no tool name (a standalone breaker). @default 'breaker' */
  readonly tool?: string;
  /**
   * Measure every call's duration (two clock reads per call, from now until unregistered) and
   * export `<prefix>call_duration_seconds{tool,outcome}` (a histogram; resilience4j naming:
   * `calls_seconds{name,kind}`'s buckets, sum and count). @default false
   */
  readonly durations?: boolean;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const OPTIONS = ['register', 'prefix', 'naming', 'maxSeries', 'tool', 'durations'];

function checkOptions(options: PrometheusMetricsOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('tripstate: registerPrometheusMetrics needs options with a prom-client register');
  for (const key of Object.keys(options)) {
    if (!OPTIONS.includes(key)) throw new TypeError(`tripstate: unknown Prometheus metrics option "${key}"`);
  }
  const register = options.register as Partial<PromRegistry> | undefined;
  if (typeof register?.registerMetric !== 'function' || typeof register.removeSingleMetric !== 'function')
    throw new TypeError('tripstate: option register must be a prom-client Registry');
  if (options.naming !== undefined && options.naming !== 'tripstate' && options.naming !== 'resilience4j')
    throw new RangeError(
      `tripstate: option naming must be 'tripstate' or 'resilience4j', got ${String(options.naming)}`,
    );
  if (options.durations !== undefined && typeof options.durations !== 'boolean')
    throw new RangeError(`tripstate: option durations must be a boolean, got ${String(options.durations)}`);
  if (
    options.prefix !== undefined &&
    (typeof options.prefix !== 'string' || !METRIC_NAME.test(`${options.prefix}x`))
  )
    throw new RangeError(
      `tripstate: option prefix must make valid metric names, got ${String(options.prefix)}`,
    );
}

/** The sampled tools that fit in `maxSeries` series, and how many were left out. */
function bounded(
  tools: readonly ToolSample[],
  unexported: number,
  naming: MetricNaming,
  maxSeries: number,
  durations: boolean,
) {
  let total = 1; // the unexported_tools gauge
  let kept = 0;
  for (const tool of tools) {
    const n = seriesOf(tool, naming, durations);
    if (total + n > maxSeries) break;
    total += n;
    kept++;
  }
  return { tools: tools.slice(0, kept), unexported: unexported + tools.length - kept };
}

/**
 * Registers the metrics of `target` (a registry: every tool it holds; or one breaker) in
 * `options.register`. Values are read when Prometheus scrapes (`collect()`), never pushed per
 * call; an evicted or reset tool's series are gone at the next scrape. Returns the function
 * that unregisters them. Throws a TypeError or RangeError for invalid arguments, and prom-client's
 * error when a metric of the same name is already registered.
 */
export function registerPrometheusMetrics(
  target: MetricsTarget,
  options: PrometheusMetricsOptions,
): () => void {
  checkTarget(target, 'registerPrometheusMetrics');
  checkOptions(options);
  const naming = options.naming ?? 'tripstate';
  const prefix = options.prefix ?? (naming === 'tripstate' ? 'tripstate_' : 'resilience4j_circuitbreaker_');
  const maxSeries = checkMaxSeries(options.maxSeries);
  const tool = options.tool ?? 'breaker';
  const { register } = options;
  const durations = options.durations === true;

  // One pass over the tools per scrape: prom-client collects every metric in the same tick.
  type Scrape = { families: Family[]; histograms: LabelledHistogram[]; unexported: number };
  let current: Scrape | undefined;
  const read = (): Scrape => {
    if (current !== undefined) return current;
    const sampled = sample(target, tool, maxSeries);
    const kept = bounded(sampled.tools, sampled.unexported, naming, maxSeries, durations);
    const families =
      naming === 'tripstate' ? tripstateFamilies(kept.tools) : resilience4jFamilies(kept.tools);
    const histograms = durations ? kept.tools.flatMap((t) => durationsOf(t, naming)) : [];
    current = { families, histograms, unexported: kept.unexported };
    queueMicrotask(() => (current = undefined));
    return current;
  };

  const names: string[] = [];
  const template = naming === 'tripstate' ? tripstateFamilies([]) : resilience4jFamilies([]);
  try {
    template.forEach((shape, index) => {
      const name = `${prefix}${shape.name}`;
      const common = { name, help: shape.help, labelNames: shape.labelNames, registers: [register] };
      const fill = (set: (labels: Record<string, string>, value: number) => void, reset: () => void) => {
        reset();
        for (const { labels, value } of read().families[index]?.series ?? []) set(labels, value);
      };
      if (shape.type === 'counter') {
        new Counter({
          ...common,
          collect() {
            fill(
              (labels, value) => this.inc(labels, value),
              () => this.reset(),
            );
          },
        });
      } else {
        new Gauge({
          ...common,
          collect() {
            fill(
              (labels, value) => this.set(labels, value),
              () => this.reset(),
            );
          },
        });
      }
      names.push(name);
    });
    const unexported = `${prefix}unexported_tools`;
    new Gauge({
      name: unexported,
      help: 'Tools left out of this scrape by the maxSeries bound.',
      registers: [register],
      collect() {
        this.set(read().unexported);
      },
    });
    names.push(unexported);
    if (durations) {
      const name = naming === 'tripstate' ? `${prefix}call_duration_seconds` : `${prefix}calls_seconds`;
      const help = 'Duration of admitted calls by outcome, in seconds.';
      const labels = naming === 'tripstate' ? ['tool', 'outcome'] : ['name', 'kind'];
      register.registerMetric(new ReadHistogram(name, help, labels, () => read().histograms));
      names.push(name);
    }
  } catch (error) {
    for (const name of names) register.removeSingleMetric(name);
    throw error;
  }
  const unmeasure = durations ? target.measureDurations() : undefined;
  let registered = true;
  return () => {
    if (!registered) return;
    registered = false;
    unmeasure?.();
    for (const name of names) register.removeSingleMetric(name);
  };
}
