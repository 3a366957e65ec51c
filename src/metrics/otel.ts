/**
 * `tripstate/otel`: a registry's (or a breaker's) calls, states, rejections and transitions as
 * OpenTelemetry instruments, observed at collection time, and each transition as an event on
 * the active span. Needs the optional peer dependency `@opentelemetry/api` (>= 1.9).
 */
import { trace, type Attributes, type BatchObservableResult, type Meter } from '@opentelemetry/api';
import type { BreakerState } from '../../machines/breaker.types.js';
import type { ErrorCategory } from '../../machines/categories.js';
import type { Breaker } from '../breaker.js';
import type { Registry } from '../registry.js';
import { checkMaxSeries, checkTarget, sample, STATE_LABELS, type MetricsTarget } from './source.js';

/** Options of `instrumentOpenTelemetry`. */
export interface OpenTelemetryOptions {
  /** The meter to create the instruments with (e.g. `metrics.getMeter('my-agent')`). */
  readonly meter: Meter;
  /** Tools observed at most per collection (open, half-open and isolated first, then failing ones). @default 10000 */
  readonly maxSeries?: number;
  /** The `tripstate.tool` attribute of a breaker that has no tool name (a standalone breaker). @default 'breaker' */
  readonly tool?: string;
  /**
   * Record `tripstate.call.duration` (a histogram, seconds) for every admitted call: two clock
   * reads per call while instrumented. @default true
   */
  readonly durations?: boolean;
  /** Add each transition as an event (`tripstate.transition`) to the span active when it happens. @default true */
  readonly spanEvents?: boolean;
}

const STATES = Object.keys(STATE_LABELS) as BreakerState[];
const OPTIONS = ['meter', 'maxSeries', 'tool', 'spanEvents', 'durations'];
const TRANSITIONS = {
  opened: 'open',
  halfOpened: 'half_open',
  closed: 'closed',
  isolated: 'isolated',
} as const;

function checkOptions(options: OpenTelemetryOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('tripstate: instrumentOpenTelemetry needs options with a meter');
  for (const key of Object.keys(options)) {
    if (!OPTIONS.includes(key)) throw new TypeError(`tripstate: unknown OpenTelemetry option "${key}"`);
  }
  const meter = options.meter as Partial<Meter> | undefined;
  if (
    typeof meter?.createObservableCounter !== 'function' ||
    typeof meter.addBatchObservableCallback !== 'function'
  )
    throw new TypeError('tripstate: option meter must be an OpenTelemetry Meter');
}

/** Records each admitted call's duration in `tripstate.call.duration`; returns the function that stops. */
function recordDurations(target: MetricsTarget, meter: Meter, tool: string): () => void {
  const histogram = meter.createHistogram('tripstate.call.duration', {
    description: 'Duration of admitted calls',
    unit: 's',
  });
  return target.measureDurations((name, outcome, category, seconds) => {
    const attributes: Attributes = { 'tripstate.tool': name ?? tool, 'tripstate.outcome': outcome };
    if (category !== null) attributes['error.type'] = category;
    histogram.record(seconds, attributes);
  });
}

/** Adds every transition of `target` to the active span; returns the function that stops. */
function traceTransitions(target: MetricsTarget, tool: string): () => void {
  const offs = (Object.keys(TRANSITIONS) as (keyof typeof TRANSITIONS)[]).map((type) =>
    (target as Registry).on(type, (event: { readonly tool?: string; readonly reason?: string }) => {
      const span = trace.getActiveSpan();
      if (span === undefined) return;
      const attributes: Attributes = {
        'tripstate.tool': event.tool ?? (target as Breaker).tool ?? tool,
        'tripstate.state': TRANSITIONS[type],
      };
      if (event.reason !== undefined) attributes['tripstate.reason'] = event.reason;
      span.addEvent('tripstate.transition', attributes);
    }),
  );
  return () => {
    for (const off of offs) off();
  };
}

/**
 * Instruments `target` (a registry: every tool it holds; or one breaker) with `meter`:
 * `tripstate.calls` (counter; `tripstate.tool`, `tripstate.outcome` = success / failure /
 * ignored, and `error.type` = the category of a failure), `tripstate.circuit.state` (gauge, 1
 * for the current state, per `tripstate.state`), `tripstate.rejected_calls` and
 * `tripstate.transitions` (counters; `tripstate.state` = the state entered). Values are observed
 * at collection time, never recorded per call. Returns the function that stops observing.
 * Throws a TypeError or RangeError for invalid arguments.
 */
export function instrumentOpenTelemetry(target: MetricsTarget, options: OpenTelemetryOptions): () => void {
  checkTarget(target, 'instrumentOpenTelemetry');
  checkOptions(options);
  const maxSeries = checkMaxSeries(options.maxSeries);
  const tool = options.tool ?? 'breaker';
  const { meter } = options;
  const calls = meter.createObservableCounter('tripstate.calls', {
    description: 'Admitted calls by outcome and error type',
    unit: '{call}',
  });
  const state = meter.createObservableGauge('tripstate.circuit.state', {
    description: 'Circuit state: 1 for the current state, 0 for the others',
  });
  const rejected = meter.createObservableCounter('tripstate.rejected_calls', {
    description: 'Calls the circuit refused',
    unit: '{call}',
  });
  const transitions = meter.createObservableCounter('tripstate.transitions', {
    description: 'Transitions into each state',
    unit: '{transition}',
  });
  const observables = [calls, state, rejected, transitions];

  const observe = (result: BatchObservableResult): void => {
    for (const { tool: name, state: current, stats, config } of sample(target, tool, maxSeries).tools) {
      const base = { 'tripstate.tool': name };
      result.observe(calls, stats.successes, { ...base, 'tripstate.outcome': 'success' });
      for (const [category, n] of Object.entries(stats.failuresByCategory)) {
        result.observe(calls, n, {
          ...base,
          'tripstate.outcome': config.tripOn.includes(category as ErrorCategory) ? 'failure' : 'ignored',
          'error.type': category,
        });
      }
      result.observe(rejected, stats.rejections, base);
      for (const s of STATES) {
        const label = { ...base, 'tripstate.state': STATE_LABELS[s] };
        result.observe(state, s === current ? 1 : 0, label);
        result.observe(transitions, stats.transitions[s], label);
      }
    }
  };
  meter.addBatchObservableCallback(observe, observables);
  const untrace = options.spanEvents === false ? () => {} : traceTransitions(target, tool);
  const unmeasure = options.durations === false ? () => {} : recordDurations(target, meter, tool);
  let active = true;
  return () => {
    if (!active) return;
    active = false;
    meter.removeBatchObservableCallback(observe, observables);
    untrace();
    unmeasure();
  };
}
