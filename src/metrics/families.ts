/**
 * The metric families of a scrape, as plain data: names, help, type and labelled values,
 * in tripstate's naming or in resilience4j-micrometer's. The Prometheus exporter turns them
 * into prom-client metrics; tests read them directly.
 */
import type { BreakerState } from '../../machines/breaker.types.js';
import { DURATION_BUCKETS } from '../durations.js';
import type { CallOutcome } from '../stats.js';
import type { LabelledHistogram } from './prometheus-histogram.js';
import { STATE_LABELS, type ToolSample } from './source.js';

/** One labelled value of a family. */
export interface Series {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A metric family: its name without prefix, its Prometheus type, and its series. */
export interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'gauge' | 'counter';
  readonly labelNames: readonly string[];
  readonly series: Series[];
}

/** Which metric names and labels to emit. */
export type MetricNaming = 'tripstate' | 'resilience4j';

const STATES = Object.keys(STATE_LABELS) as BreakerState[];

/** resilience4j's state names: an isolated circuit is its `forced_open`. */
const R4J_STATES: Readonly<Record<BreakerState, string>> = {
  closed: 'closed',
  open: 'open',
  halfOpen: 'half_open',
  isolated: 'forced_open',
};

function family(name: string, help: string, type: Family['type'], labelNames: readonly string[]): Family {
  return { name, help, type, labelNames, series: [] };
}

/** The outcomes a duration histogram is exported for. */
export const OUTCOMES: readonly CallOutcome[] = ['success', 'failure', 'ignored'];

/** The duration histograms of a tool that has measured calls, labelled for export. */
export function durationsOf(sample: ToolSample, naming: MetricNaming): LabelledHistogram[] {
  const out: LabelledHistogram[] = [];
  for (const outcome of OUTCOMES) {
    const histogram = sample.durations(outcome);
    if (histogram === undefined || histogram.count === 0) continue;
    const labels: Record<string, string> =
      naming === 'tripstate'
        ? { tool: sample.tool, outcome }
        : { name: sample.tool, kind: R4J_KINDS[outcome] };
    out.push({ labels, histogram });
  }
  return out;
}

const R4J_KINDS: Readonly<Record<CallOutcome, string>> = {
  success: 'successful',
  failure: 'failed',
  ignored: 'ignored',
};

/** The series a tool adds to the exported families (for the series bound). */
export function seriesOf(sample: ToolSample, naming: MetricNaming, durations: boolean): number {
  const rates = (sample.failureRate === null ? 0 : 1) + (sample.slowCallRate === null ? 0 : 1);
  const histograms = durations ? durationsOf(sample, naming).length * (DURATION_BUCKETS.length + 3) : 0;
  if (naming === 'resilience4j') return R4J_STATE_NAMES.length + 3 + 1 + rates + histograms;
  return (
    STATES.length +
    3 +
    Object.keys(sample.stats.failuresByCategory).length +
    1 +
    STATES.length +
    rates +
    histograms
  );
}

const R4J_STATE_NAMES = [...Object.values(R4J_STATES), 'disabled', 'metrics_only'];

/** tripstate's families for the sampled tools (names without the prefix). */
export function tripstateFamilies(tools: readonly ToolSample[]): Family[] {
  const state = family(
    'circuit_state',
    'Circuit state: 1 for the current state, 0 for the others.',
    'gauge',
    ['tool', 'state'],
  );
  const calls = family('calls_total', 'Admitted calls by outcome (success, failure, ignored).', 'counter', [
    'tool',
    'outcome',
  ]);
  const failures = family('failures_total', 'Failed calls by error category.', 'counter', [
    'tool',
    'category',
  ]);
  const rejected = family('rejected_calls_total', 'Calls the circuit refused.', 'counter', ['tool']);
  const transitions = family('state_transitions_total', 'Transitions into each state.', 'counter', [
    'tool',
    'to',
  ]);
  const failureRate = family('failure_rate', 'Failure rate (0..1) over the breaker window.', 'gauge', [
    'tool',
  ]);
  const slowRate = family('slow_call_rate', 'Slow-call rate (0..1) over the breaker window.', 'gauge', [
    'tool',
  ]);
  for (const { tool, state: current, stats, failureRate: fr, slowCallRate: sr } of tools) {
    for (const s of STATES)
      state.series.push({ labels: { tool, state: STATE_LABELS[s] }, value: +(s === current) });
    calls.series.push(
      { labels: { tool, outcome: 'success' }, value: stats.successes },
      { labels: { tool, outcome: 'failure' }, value: stats.failures },
      { labels: { tool, outcome: 'ignored' }, value: stats.ignored },
    );
    for (const [category, n] of Object.entries(stats.failuresByCategory))
      failures.series.push({ labels: { tool, category }, value: n });
    rejected.series.push({ labels: { tool }, value: stats.rejections });
    for (const s of STATES)
      transitions.series.push({ labels: { tool, to: STATE_LABELS[s] }, value: stats.transitions[s] });
    if (fr !== null) failureRate.series.push({ labels: { tool }, value: fr });
    if (sr !== null) slowRate.series.push({ labels: { tool }, value: sr });
  }
  return [state, calls, failures, rejected, transitions, failureRate, slowRate];
}

/**
 * resilience4j-micrometer's families as its Prometheus registry names them (without the
 * `resilience4j_circuitbreaker_` prefix), so dashboards built for it work unchanged:
 * `state{name,state}`, `calls_seconds_count{name,kind}`, `not_permitted_calls_total{name,kind}`,
 * `failure_rate{name}` and `slow_call_rate{name}` (percentages, as resilience4j reports them;
 * absent where tripstate's rate is null, without a window or below `minimumCalls`).
 */
export function resilience4jFamilies(tools: readonly ToolSample[]): Family[] {
  const state = family('state', 'The states of the circuit breaker', 'gauge', ['name', 'state']);
  const calls = family('calls_seconds_count', 'Total number of calls by kind', 'counter', ['name', 'kind']);
  const notPermitted = family('not_permitted_calls_total', 'Total number of not permitted calls', 'counter', [
    'name',
    'kind',
  ]);
  const failureRate = family('failure_rate', 'The failure rate of the circuit breaker', 'gauge', ['name']);
  const slowRate = family('slow_call_rate', 'The slow call of the circuit breaker', 'gauge', ['name']);
  for (const { tool: name, state: current, stats, failureRate: fr, slowCallRate: sr } of tools) {
    for (const s of R4J_STATE_NAMES)
      state.series.push({ labels: { name, state: s }, value: +(s === R4J_STATES[current]) });
    calls.series.push(
      { labels: { name, kind: 'successful' }, value: stats.successes },
      { labels: { name, kind: 'failed' }, value: stats.failures },
      { labels: { name, kind: 'ignored' }, value: stats.ignored },
    );
    notPermitted.series.push({ labels: { name, kind: 'not_permitted' }, value: stats.rejections });
    if (fr !== null) failureRate.series.push({ labels: { name }, value: fr * 100 });
    if (sr !== null) slowRate.series.push({ labels: { name }, value: sr * 100 });
  }
  return [state, calls, notPermitted, failureRate, slowRate];
}
