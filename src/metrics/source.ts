/**
 * What the metric exporters read at collection time: every tool of a registry (or one
 * breaker), its state, its cumulative counts and its window rates, bounded in number.
 */
import type { BreakerConfig, BreakerState } from '../../machines/breaker.types.js';
import type { Breaker } from '../breaker.js';
import type { Registry } from '../registry.js';
import type { DurationHistogram } from '../durations.js';
import type { BreakerStats, CallOutcome } from '../stats.js';

/** What metrics can be attached to: a registry (every tool) or one breaker. */
export type MetricsTarget = Registry | Breaker;

/** One tool as an exporter reads it. */
export interface ToolSample {
  readonly tool: string;
  readonly state: BreakerState;
  readonly stats: BreakerStats;
  /** The configuration the tool's breaker runs with. */
  readonly config: BreakerConfig;
  /** The measured durations of one outcome (undefined unless durations were measured). */
  readonly durations: (outcome: CallOutcome) => DurationHistogram | undefined;
  /** Failure rate (0..1) over the breaker's window; null without a window or below `minimumCalls`. */
  readonly failureRate: number | null;
  /** Slow-call rate (0..1) over the breaker's window; null without a window or below `minimumCalls`. */
  readonly slowCallRate: number | null;
}

/** The tools read at one collection, and how many were left out by the series bound. */
export interface Sampled {
  readonly tools: readonly ToolSample[];
  readonly unexported: number;
}

/** The state names metrics use (`half_open`, as resilience4j and Prometheus convention spell it). */
export const STATE_LABELS: Readonly<Record<BreakerState, string>> = {
  closed: 'closed',
  open: 'open',
  halfOpen: 'half_open',
  isolated: 'isolated',
};

/** The default bound on the series one metric family exports. */
export const DEFAULT_MAX_SERIES = 10_000;

const isRegistry = (target: MetricsTarget): target is Registry =>
  typeof (target as Partial<Registry>).entries === 'function';

/** Throws a TypeError unless `target` is a registry or a breaker. */
export function checkTarget(target: unknown, what: string): asserts target is MetricsTarget {
  const candidate = target as Partial<Registry & Breaker> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.stats !== 'function' ||
    typeof candidate.diagnostics !== 'function'
  ) {
    throw new TypeError(`tripstate: ${what} needs a registry or a breaker, got ${String(target)}`);
  }
}

/** Throws a RangeError unless `value` is an integer >= 1 (or undefined, for the default). */
export function checkMaxSeries(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_SERIES;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `tripstate: option maxSeries must be an integer >= 1, got ${JSON.stringify(value) ?? typeof value}`,
    );
  }
  return value;
}

function sampleOf(tool: string, breaker: Breaker): ToolSample {
  const diagnostics = breaker.diagnostics() as ReturnType<Breaker['diagnostics']> & {
    readonly failureRate?: number | null;
    readonly slowCallRate?: number | null;
  };
  return {
    tool,
    state: diagnostics.state,
    stats: breaker.stats(),
    config: breaker.config,
    durations: (outcome) => breaker.durationHistogram(outcome),
    failureRate: diagnostics.failureRate ?? null,
    slowCallRate: diagnostics.slowCallRate ?? null,
  };
}

/**
 * Reads every tool of `target` (a breaker is one tool, named `tool`), keeping at most `maxTools`:
 * tools that are not closed first, then those with failures, then the others in the order
 * the registry first saw them.
 */
export function sample(target: MetricsTarget, tool: string, maxTools: number): Sampled {
  if (!isRegistry(target)) return { tools: [sampleOf(target.tool ?? tool, target)], unexported: 0 };
  const urgent: ToolSample[] = [];
  const failing: ToolSample[] = [];
  const rest: ToolSample[] = [];
  let seen = 0;
  for (const [name, breaker] of target.entries()) {
    seen++;
    const state = breaker.state;
    if (state !== 'closed') urgent.push(sampleOf(name, breaker));
    else if (urgent.length + failing.length < maxTools && breaker.failureCount > 0)
      failing.push(sampleOf(name, breaker));
    else if (urgent.length + failing.length + rest.length < maxTools) rest.push(sampleOf(name, breaker));
  }
  const tools = [...urgent, ...failing, ...rest].slice(0, maxTools);
  return { tools, unexported: seen - tools.length };
}
